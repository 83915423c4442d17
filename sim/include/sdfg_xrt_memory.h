// XRT's memory connectivity, modelled for the g++ emulation of a generated Vitis host.
//
// On the board each kernel argument reaches only the memory banks its `sp=` line in link.cfg
// names, and a buffer made with `xrt::bo(device, bytes, kernel.group_id(n))` lives in the banks
// of argument n. Handed to an argument that cannot reach its bank, XRT silently copies the buffer
// once into a connected bank and never copies it back, so a host that swaps buffers between
// passes reads stale data. Here that is an error: Connectivity::check throws, naming the buffer,
// the argument and the banks, and the emulation fails instead of passing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace sdfg_xrt_sim {

/** One kernel argument: its name and the banks link.cfg connects it to (none for a scalar). */
struct Argument {
  std::string name;
  std::vector<std::string> banks;
};

/** A device buffer: host memory standing in for it, and the banks it may live in. */
template <typename T>
class Buffer {
 public:
  Buffer(std::string name, std::size_t count, std::vector<std::string> banks)
      : name_(std::move(name)), data_(count), banks_(std::move(banks)) {}
  T* data() { return data_.data(); }
  const T* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  const std::string& name() const { return name_; }
  const std::vector<std::string>& banks() const { return banks_; }

 private:
  std::string name_;
  std::vector<T> data_;
  std::vector<std::string> banks_;
};

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "no bank" : s;
}

/** The kernel's arguments in order, as link.cfg connects them. */
class Connectivity {
 public:
  Connectivity(std::string kernel, std::initializer_list<Argument> args) : kernel_(std::move(kernel)), args_(args) {}

  /** The banks of argument n: where `xrt::bo(device, bytes, kernel.group_id(n))` allocates. */
  const std::vector<std::string>& group(std::size_t n) const { return at(n).banks; }

  /** Throws unless every bank the buffer may live in is reachable from argument n. */
  template <typename T>
  void check(std::size_t n, const Buffer<T>& buffer) const {
    const Argument& arg = at(n);
    for (const auto& bank : buffer.banks()) {
      if (std::find(arg.banks.begin(), arg.banks.end(), bank) == arg.banks.end()) {
        throw std::runtime_error("XRT memory connectivity: buffer '" + buffer.name() + "' lives in " + join(buffer.banks()) +
                                 " but is passed to argument " + std::to_string(n) + " '" + arg.name + "' of " + kernel_ +
                                 ", which link.cfg connects to " + join(arg.banks) +
                                 " only; on the board XRT would copy it once into a connected bank and never back (stale data)");
      }
    }
  }

 private:
  const Argument& at(std::size_t n) const {
    if (n >= args_.size()) throw std::logic_error(kernel_ + " has no argument " + std::to_string(n));
    return args_[n];
  }
  std::string kernel_;
  std::vector<Argument> args_;
};

}  // namespace sdfg_xrt_sim
