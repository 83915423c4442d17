// cuda_host_sim.h -- the part of CUDA a generated sdfg-fpga CUDA project uses, for g++: the same
// kernels.cu and host.cu compile as C++ and run on the CPU, so their results are checked against
// the CPU reference on machines without a GPU (`make sim`, `sdfg-fpga emulate --target cuda`).
//
// What it models: __global__/__host__/__device__ are empty; a launch runs every thread of every
// block one after another, blocks in x, y, z order, threads likewise, with blockIdx/threadIdx/
// blockDim/gridDim set as CUDA sets them; device memory is host memory (cudaMalloc is
// std::malloc, cudaMemcpy is std::memcpy); events read a steady clock. What it does not model:
// concurrency between threads (no __syncthreads, shared memory or atomics: the generated kernels
// use none), streams, or device limits. One "device" is reported, named as a simulation.
#ifndef SDFG_CUDA_HOST_SIM_H
#define SDFG_CUDA_HOST_SIM_H

#if defined(__CUDACC__)
#error "cuda_host_sim.h is for g++ builds; nvcc uses the CUDA runtime"
#endif

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#define __global__
#define __host__
#define __device__

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
  unsigned x, y, z;
};

// The built-in variables of the thread being run (the simulation runs one thread at a time).
inline uint3 threadIdx{0, 0, 0};
inline uint3 blockIdx{0, 0, 0};
inline dim3 blockDim;
inline dim3 gridDim;

namespace sdfg_cuda_sim {
template <typename Kernel>
void launch(const dim3& grid, const dim3& block, Kernel&& kernel) {
  gridDim = grid;
  blockDim = block;
  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx)
        for (unsigned tz = 0; tz < block.z; ++tz)
          for (unsigned ty = 0; ty < block.y; ++ty)
            for (unsigned tx = 0; tx < block.x; ++tx) {
              blockIdx = uint3{bx, by, bz};
              threadIdx = uint3{tx, ty, tz};
              kernel();
            }
}
}  // namespace sdfg_cuda_sim

// kernel<<<grid, block>>>(args...) in nvcc builds.
#define SDFG_LAUNCH(kernel, grid, block, ...) sdfg_cuda_sim::launch((grid), (block), [&]() { kernel(__VA_ARGS__); })

enum cudaError_t { cudaSuccess = 0, cudaErrorInvalidValue = 1, cudaErrorMemoryAllocation = 2, cudaErrorNoDevice = 100 };
enum cudaMemcpyKind { cudaMemcpyHostToHost = 0, cudaMemcpyHostToDevice = 1, cudaMemcpyDeviceToHost = 2, cudaMemcpyDeviceToDevice = 3, cudaMemcpyDefault = 4 };

inline const char* cudaGetErrorString(cudaError_t e) {
  switch (e) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
  }
  return "unknown error";
}

struct cudaDeviceProp {
  char name[256];
  int major, minor, multiProcessorCount;
  std::size_t totalGlobalMem;
};

inline cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
inline cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : cudaErrorInvalidValue; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int device) {
  if (device != 0) return cudaErrorInvalidValue;
  std::memset(p, 0, sizeof *p);
  std::snprintf(p->name, sizeof p->name, "%s", "host simulation (g++, cuda_host_sim.h)");
  p->multiProcessorCount = 1;
  return cudaSuccess;
}
inline cudaError_t cudaGetLastError() { return cudaSuccess; }
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }

inline cudaError_t cudaMalloc(void** p, std::size_t bytes) {
  *p = std::malloc(bytes == 0 ? 1 : bytes);
  return *p == nullptr ? cudaErrorMemoryAllocation : cudaSuccess;
}
template <typename T>
cudaError_t cudaMalloc(T** p, std::size_t bytes) {
  void* v = nullptr;
  const cudaError_t e = cudaMalloc(&v, bytes);
  *p = static_cast<T*>(v);
  return e;
}
inline cudaError_t cudaFree(void* p) {
  std::free(p);
  return cudaSuccess;
}
inline cudaError_t cudaMemset(void* p, int value, std::size_t bytes) {
  if (bytes > 0) std::memset(p, value, bytes);
  return cudaSuccess;
}
inline cudaError_t cudaMemcpy(void* dst, const void* src, std::size_t bytes, cudaMemcpyKind) {
  if (bytes > 0) std::memcpy(dst, src, bytes);
  return cudaSuccess;
}

struct sdfg_cuda_event_ {
  std::chrono::steady_clock::time_point at;
};
typedef sdfg_cuda_event_* cudaEvent_t;
inline cudaError_t cudaEventCreate(cudaEvent_t* e) {
  *e = new sdfg_cuda_event_{};
  return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t e) {
  delete e;
  return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t e, int stream = 0) {
  (void)stream;
  e->at = std::chrono::steady_clock::now();
  return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t stop) {
  *ms = std::chrono::duration<float, std::milli>(stop->at - start->at).count();
  return cudaSuccess;
}

#endif  // SDFG_CUDA_HOST_SIM_H
