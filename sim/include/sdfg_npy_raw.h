// sdfg_npy_raw.h -- .npy files of any fixed-size element type (bool, integers, floats, complex),
// read and written as raw little-endian bytes with the type and shape checked. Used by the
// hosts of memory-mapped kernels generated from DaCe SDFGs.
//
//   std::vector<double> a = sdfg_npy_raw::load<double>("a.npy", "<f8", {64, 64});
//   sdfg_npy_raw::save<double>("out.npy", "<f8", {64, 64}, a.data());
#ifndef SDFG_NPY_RAW_H
#define SDFG_NPY_RAW_H

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sdfg_npy_raw {

inline std::string shape_text(const std::vector<std::size_t>& s) {
  std::string out = "(";
  for (std::size_t i = 0; i < s.size(); i++) out += std::to_string(s[i]) + (s.size() == 1 ? "," : (i + 1 < s.size() ? ", " : ""));
  return out + ")";
}

/// Reads `path`, which must hold elements of `descr` in C order with `shape` (a shape with the
/// same number of elements is accepted when one of them has a size-1 axis more or less).
template <typename T>
std::vector<T> load(const std::string& path, const std::string& descr, const std::vector<std::size_t>& shape) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  char magic[10];
  if (!f.read(magic, 10) || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path + ": not a .npy file");
  std::uint32_t hlen = 0;
  if (magic[6] == 1) {
    hlen = static_cast<unsigned char>(magic[8]) | (static_cast<unsigned char>(magic[9]) << 8);
  } else {
    char more[2];
    f.read(more, 2);
    hlen = static_cast<unsigned char>(magic[8]) | (static_cast<unsigned char>(magic[9]) << 8) | (static_cast<unsigned char>(more[0]) << 16) | (static_cast<std::uint32_t>(static_cast<unsigned char>(more[1])) << 24);
  }
  std::string h(hlen, '\0');
  f.read(&h[0], hlen);
  std::string want_descr = "'descr': '" + descr + "'";
  std::string alt_descr = want_descr;
  if (descr[0] == '<') alt_descr = "'descr': '|" + descr.substr(1) + "'";
  if (h.find(want_descr) == std::string::npos && h.find(alt_descr) == std::string::npos) throw std::runtime_error(path + ": expected element type " + descr + ", header is " + h);
  if (h.find("'fortran_order': True") != std::string::npos) throw std::runtime_error(path + ": Fortran order is not supported");
  std::size_t count = 1;
  for (std::size_t s : shape) count *= s;
  std::size_t p = h.find("'shape': (");
  std::size_t q = h.find(')', p);
  std::size_t got = 1;
  std::string dims = h.substr(p + 10, q - p - 10);
  for (std::size_t i = 0; i < dims.size();) {
    while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) i++;
    if (i >= dims.size()) break;
    got *= std::stoull(dims.substr(i));
    while (i < dims.size() && dims[i] != ',') i++;
  }
  if (got != count) throw std::runtime_error(path + ": expected shape " + shape_text(shape) + ", header is " + h);
  std::vector<T> out(count);
  if (!f.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(count * sizeof(T)))) throw std::runtime_error(path + ": file too short");
  return out;
}

template <typename T>
void save(const std::string& path, const std::string& descr, const std::vector<std::size_t>& shape, const T* data) {
  std::string h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
  while ((10 + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + path);
  const char head[8] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0};
  f.write(head, 8);
  const unsigned char len[2] = {static_cast<unsigned char>(h.size() & 0xff), static_cast<unsigned char>(h.size() >> 8)};
  f.write(reinterpret_cast<const char*>(len), 2);
  f.write(h.data(), static_cast<std::streamsize>(h.size()));
  std::size_t count = 1;
  for (std::size_t s : shape) count *= s;
  f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(count * sizeof(T)));
  if (!f) throw std::runtime_error("cannot write " + path);
}

}  // namespace sdfg_npy_raw

#endif
