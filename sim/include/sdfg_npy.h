// sdfg_npy.h -- read and write NumPy .npy files (the data format of sdfg-fpga's host programs).
//
//   std::vector<float> a = sdfg_npy::load<float>("a.npy", {64, 64});   // throws on mismatch
//   sdfg_npy::save<float>("out.npy", {64, 64}, a.data());
//
// Reads format versions 1.0, 2.0 (and 3.0, whose header is UTF-8); writes 1.0. Little-endian
// float32 ('<f4'), float64 ('<f8'), int32 ('<i4') and int64 ('<i8') in C order only; the file's dtype is converted to T when
// they differ. A scalar (expected_shape {}) may be stored with shape () or (1,). Errors are
// std::runtime_error naming the file and the problem.
#ifndef SDFG_NPY_H
#define SDFG_NPY_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sdfg_npy.h supports little-endian hosts only"
#endif

namespace sdfg_npy {

namespace detail {

inline std::string shape_str(const std::vector<std::size_t>& s) {
  std::string r = "(";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i > 0) r += ", ";
    r += std::to_string(s[i]);
  }
  if (s.size() == 1) r += ",";
  return r + ")";
}

[[noreturn]] inline void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("npy file '" + path + "': " + what);
}

// Value of `'key':` in the header dict, up to the next top-level ',' or '}' (kept raw).
inline std::string dict_value(const std::string& path, const std::string& h, const std::string& key) {
  std::size_t k = h.find("'" + key + "'");
  if (k == std::string::npos) k = h.find("\"" + key + "\"");
  if (k == std::string::npos) fail(path, "header has no '" + key + "' entry");
  std::size_t p = h.find(':', k + key.size() + 2);
  if (p == std::string::npos) fail(path, "malformed header near '" + key + "'");
  ++p;
  while (p < h.size() && (h[p] == ' ' || h[p] == '\t')) ++p;
  std::size_t e = p;
  int depth = 0;
  bool in_str = false;
  char quote = 0;
  for (; e < h.size(); ++e) {
    const char c = h[e];
    if (in_str) {
      if (c == quote) in_str = false;
      continue;
    }
    if (c == '\'' || c == '"') {
      in_str = true;
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if ((c == ',' || c == '}') && depth == 0) {
      break;
    }
  }
  std::string v = h.substr(p, e - p);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  return v;
}

inline std::vector<std::size_t> parse_shape(const std::string& path, const std::string& v) {
  if (v.size() < 2 || v.front() != '(' || v.back() != ')') fail(path, "malformed shape " + v);
  std::vector<std::size_t> shape;
  std::size_t i = 1;
  const std::size_t end = v.size() - 1;
  while (i < end) {
    while (i < end && (v[i] == ' ' || v[i] == ',')) ++i;
    if (i >= end) break;
    if (v[i] < '0' || v[i] > '9') fail(path, "malformed shape " + v);
    std::size_t n = 0;
    while (i < end && v[i] >= '0' && v[i] <= '9') {
      n = n * 10 + static_cast<std::size_t>(v[i] - '0');
      ++i;
    }
    if (i < end && v[i] == 'L') ++i;  // Python 2 longs
    shape.push_back(n);
  }
  return shape;
}

inline std::size_t product(const std::vector<std::size_t>& s) {
  std::size_t n = 1;
  for (std::size_t d : s) n *= d;
  return n;
}

template <typename T>
constexpr bool supported() {
  return std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int32_t> ||
         std::is_same_v<T, std::int64_t>;
}

/// The .npy descr of T (little-endian).
template <typename T>
const char* descr_of() {
  if (std::is_same_v<T, float>) return "<f4";
  if (std::is_same_v<T, double>) return "<f8";
  if (std::is_same_v<T, std::int32_t>) return "<i4";
  return "<i8";
}

/// Elements stored as S converted to T (C conversion: float to integer truncates).
template <typename S, typename T>
void convert(const std::vector<char>& raw, std::vector<T>& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    S v;
    std::memcpy(&v, raw.data() + sizeof(S) * i, sizeof(S));
    out[i] = static_cast<T>(v);
  }
}

}  // namespace detail

/// Reads `path` and checks its shape against `expected_shape` (for a scalar pass {}: the file
/// may have shape () or (1,)). Converts float32 <-> float64 to T.
template <typename T>
std::vector<T> load(const std::string& path, const std::vector<std::size_t>& expected_shape) {
  static_assert(detail::supported<T>(), "sdfg_npy::load<T>: T must be float, double, int32_t or int64_t");
  std::ifstream f(path, std::ios::binary);
  if (!f) detail::fail(path, "cannot open for reading");

  char magic[8];
  if (!f.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) detail::fail(path, "not a .npy file (bad magic)");
  const int major = static_cast<unsigned char>(magic[6]);
  const int minor = static_cast<unsigned char>(magic[7]);
  std::size_t header_len = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!f.read(reinterpret_cast<char*>(b), 2)) detail::fail(path, "truncated header");
    header_len = b[0] | (static_cast<std::size_t>(b[1]) << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!f.read(reinterpret_cast<char*>(b), 4)) detail::fail(path, "truncated header");
    header_len = b[0] | (static_cast<std::size_t>(b[1]) << 8) | (static_cast<std::size_t>(b[2]) << 16) |
                 (static_cast<std::size_t>(b[3]) << 24);
  } else {
    detail::fail(path, "unsupported format version " + std::to_string(major) + "." + std::to_string(minor));
  }
  std::string header(header_len, '\0');
  if (header_len > 0 && !f.read(&header[0], static_cast<std::streamsize>(header_len)))
    detail::fail(path, "truncated header");

  std::string descr = detail::dict_value(path, header, "descr");
  if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"')) descr = descr.substr(1, descr.size() - 2);
  std::size_t item = 0;
  if (descr == "<f4" || descr == "<i4") {
    item = 4;
  } else if (descr == "<f8" || descr == "<i8") {
    item = 8;
  } else {
    detail::fail(path, "unsupported dtype '" + descr + "' (expected '<f4', '<f8', '<i4' or '<i8')");
  }

  const std::string fortran = detail::dict_value(path, header, "fortran_order");
  if (fortran == "True") detail::fail(path, "fortran_order is True (only C order is supported)");
  if (fortran != "False") detail::fail(path, "malformed fortran_order " + fortran);

  const std::vector<std::size_t> shape = detail::parse_shape(path, detail::dict_value(path, header, "shape"));
  const bool scalar_ok = expected_shape.empty() && (shape.empty() || (shape.size() == 1 && shape[0] == 1));
  if (!scalar_ok && shape != expected_shape)
    detail::fail(path, "shape " + detail::shape_str(shape) + " differs from the expected " +
                           detail::shape_str(expected_shape));

  const std::size_t n = detail::product(shape);
  std::vector<char> raw(n * item);
  if (!raw.empty() && !f.read(raw.data(), static_cast<std::streamsize>(raw.size())))
    detail::fail(path, "truncated data (expected " + std::to_string(n) + " elements of " + std::to_string(item) +
                           " bytes)");

  std::vector<T> out(n);
  if (descr == detail::descr_of<T>()) {
    if (n > 0) std::memcpy(out.data(), raw.data(), raw.size());
  } else if (descr == "<f4") {
    detail::convert<float>(raw, out);
  } else if (descr == "<f8") {
    detail::convert<double>(raw, out);
  } else if (descr == "<i4") {
    detail::convert<std::int32_t>(raw, out);
  } else {
    detail::convert<std::int64_t>(raw, out);
  }
  return out;
}

/// Writes `data` (product(shape) elements, C order) as a version 1.0 .npy file.
template <typename T>
void save(const std::string& path, const std::vector<std::size_t>& shape, const T* data) {
  static_assert(detail::supported<T>(), "sdfg_npy::save<T>: T must be float, double, int32_t or int64_t");
  std::string dict = std::string("{'descr': '") + detail::descr_of<T>() +
                     "', 'fortran_order': False, 'shape': " + detail::shape_str(shape) + ", }";
  // magic (6) + version (2) + length (2) + dict + padding + '\n', a multiple of 64 bytes.
  std::size_t total = 10 + dict.size() + 1;
  const std::size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  if (dict.size() > 65535) detail::fail(path, "header too long for format 1.0");

  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) detail::fail(path, "cannot open for writing");
  const unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<unsigned char>(dict.size() & 0xff),
                                 static_cast<unsigned char>(dict.size() >> 8)};
  f.write(reinterpret_cast<const char*>(pre), 10);
  f.write(dict.data(), static_cast<std::streamsize>(dict.size()));
  const std::size_t n = detail::product(shape);
  if (n > 0) f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
  f.flush();
  if (!f) detail::fail(path, "write failed");
}

}  // namespace sdfg_npy

#endif  // SDFG_NPY_H
