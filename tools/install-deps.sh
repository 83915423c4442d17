#!/usr/bin/env bash
# Installs what the project needs beyond Node.js: g++ (emulation, the CPU reference and the CUDA
# target's host simulation), NumPy for /usr/bin/python3 (the independent test oracle), and the
# Khronos OpenCL C/C++ headers (so the tests compile the generated Intel host for hardware, not
# only its emulation branch), Verilator, and Debian's Chromium with a monospace font (the tests
# render the HTML report headless and measure its pictures; set CHROMIUM to use another build).
# Needs root for apt-get; does nothing when everything is already there.
set -euo pipefail
# nvcc (CUDA toolkit) is not installed here: it is large and comes with the machine image. Without
# it the CUDA compile tests are skipped (they say so) and `emulate --target cuda` refuses to run.
if ! command -v nvcc >/dev/null 2>&1 && [ ! -x "${NVCC:-/usr/local/cuda/bin/nvcc}" ]; then
  echo "install-deps: nvcc not found (set NVCC or install the CUDA toolkit): CUDA compile tests will be skipped" >&2
fi
missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
/usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing+=(python3-numpy)
[ -f /usr/include/CL/opencl.hpp ] || missing+=(opencl-clhpp-headers opencl-c-headers)
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root or install them (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
