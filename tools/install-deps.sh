#!/usr/bin/env bash
# Installs what the project needs beyond Node.js: g++ (emulation and the CPU reference),
# NumPy for /usr/bin/python3 (the independent test oracle), and the Khronos OpenCL C/C++ headers
# (so the tests compile the generated Intel host for hardware, not only its emulation branch).
# Needs root for apt-get; does nothing when everything is already there.
set -euo pipefail
missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
/usr/bin/python3 -c "import numpy" >/dev/null 2>&1 || missing+=(python3-numpy)
[ -f /usr/include/CL/opencl.hpp ] || missing+=(opencl-clhpp-headers opencl-c-headers)
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root or install them (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
