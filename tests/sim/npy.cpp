// Round trips through sdfg_npy. Usage: npy <scratch directory>
#include <sdfg_npy.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.h"

// Writes a .npy file by hand (to cover headers sdfg_npy::save never produces).
static void write_raw(const std::string& path, int major, const std::string& dict, const void* data, std::size_t bytes) {
  std::string h = dict;
  const std::size_t pre = major == 1 ? 10 : 12;
  while ((pre + h.size() + 1) % 64 != 0) h += ' ';
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  f.write("\x93NUMPY", 6);
  const char ver[2] = {static_cast<char>(major), 0};
  f.write(ver, 2);
  const std::size_t n = h.size();
  if (major == 1) {
    const char len[2] = {static_cast<char>(n & 0xff), static_cast<char>(n >> 8)};
    f.write(len, 2);
  } else {
    const char len[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff), 0, 0};
    f.write(len, 4);
  }
  f.write(h.data(), static_cast<std::streamsize>(h.size()));
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
}

template <typename F>
static std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

static bool contains(const std::string& s, const std::string& sub) { return s.find(sub) != std::string::npos; }

int main(int argc, char** argv) {
  CHECK(argc > 1);
  const std::string dir = argv[1];

  // float32 2-D round trip, and read back as float64.
  std::vector<float> a(3 * 5);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.25f * static_cast<float>(i) - 1.0f;
  const std::string fa = dir + "/a_f4.npy";
  sdfg_npy::save<float>(fa, {3, 5}, a.data());
  CHECK(sdfg_npy::load<float>(fa, {3, 5}) == a);
  const std::vector<double> ad = sdfg_npy::load<double>(fa, {3, 5});
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(ad[i] == static_cast<double>(a[i]));
  {
    std::ifstream f(fa, std::ios::binary | std::ios::ate);
    CHECK(static_cast<std::size_t>(f.tellg()) == 128 + a.size() * 4);  // 64-byte aligned header
  }

  // float64 3-D round trip, and read back as float32.
  std::vector<double> b(2 * 3 * 4);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::sqrt(static_cast<double>(i)) + 1e-12;
  const std::string fb = dir + "/b_f8.npy";
  sdfg_npy::save<double>(fb, {2, 3, 4}, b.data());
  CHECK(sdfg_npy::load<double>(fb, {2, 3, 4}) == b);
  const std::vector<float> bf = sdfg_npy::load<float>(fb, {2, 3, 4});
  for (std::size_t i = 0; i < b.size(); ++i) CHECK(bf[i] == static_cast<float>(b[i]));

  // 1-D and scalars.
  const std::string f1 = dir + "/one.npy";
  const float seven = 7.0f;
  sdfg_npy::save<float>(f1, {1}, &seven);
  CHECK(sdfg_npy::load<float>(f1, {1}) == std::vector<float>{7.0f});
  CHECK(sdfg_npy::load<float>(f1, {}) == std::vector<float>{7.0f});  // (1,) accepted as a scalar
  const std::string f0 = dir + "/scalar.npy";
  const double half = 0.5;
  sdfg_npy::save<double>(f0, {}, &half);
  CHECK(sdfg_npy::load<double>(f0, {}) == std::vector<double>{0.5});

  // Wrong expected shape: runtime_error naming the file and both shapes.
  std::string e = error_of([&] { sdfg_npy::load<float>(fa, {5, 3}); });
  CHECK(contains(e, fa) && contains(e, "(3, 5)") && contains(e, "(5, 3)"));
  e = error_of([&] { sdfg_npy::load<float>(fa, {15}); });
  CHECK(contains(e, "shape"));
  e = error_of([&] { sdfg_npy::load<float>(f0, {1}); });
  CHECK(contains(e, "shape"));

  // Format 2.0 header (read only) with a 1-D shape.
  const float v2[4] = {1.0f, 2.0f, 3.0f, 4.5f};
  const std::string f2 = dir + "/v2.npy";
  write_raw(f2, 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", v2, sizeof v2);
  CHECK(sdfg_npy::load<float>(f2, {4}) == std::vector<float>(v2, v2 + 4));

  // Rejected: Fortran order, other dtypes, big-endian, truncated data, not npy, missing file.
  const std::string ff = dir + "/fortran.npy";
  write_raw(ff, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", v2, sizeof v2);
  e = error_of([&] { sdfg_npy::load<float>(ff, {2, 2}); });
  CHECK(contains(e, ff) && contains(e, "fortran_order"));
  const std::string fi = dir + "/uint16.npy";
  write_raw(fi, 1, "{'descr': '<u2', 'fortran_order': False, 'shape': (4,), }", v2, sizeof v2);
  e = error_of([&] { sdfg_npy::load<float>(fi, {4}); });
  CHECK(contains(e, "<u2"));

  // Integers: int32 and int64 round-trip exactly (int64 beyond 2^53 too) and convert like C.
  const std::int32_t i4[4] = {-7, 0, 2147483647, -2147483647 - 1};
  const std::string fi4 = dir + "/i4.npy";
  sdfg_npy::save<std::int32_t>(fi4, {4}, i4);
  CHECK(sdfg_npy::load<std::int32_t>(fi4, {4}) == std::vector<std::int32_t>(i4, i4 + 4));
  CHECK(sdfg_npy::load<double>(fi4, {4})[2] == 2147483647.0);
  const std::int64_t i8[2] = {9007199254740993LL, -9223372036854775807LL - 1};
  const std::string fi8 = dir + "/i8.npy";
  sdfg_npy::save<std::int64_t>(fi8, {2}, i8);
  CHECK(sdfg_npy::load<std::int64_t>(fi8, {2}) == std::vector<std::int64_t>(i8, i8 + 2));
  const float fr[2] = {-2.75f, 3.5f};
  const std::string ff4 = dir + "/f4toi.npy";
  sdfg_npy::save<float>(ff4, {2}, fr);
  CHECK(sdfg_npy::load<std::int32_t>(ff4, {2}) == std::vector<std::int32_t>({-2, 3}));
  const std::string fbe = dir + "/be.npy";
  write_raw(fbe, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", v2, sizeof v2);
  e = error_of([&] { sdfg_npy::load<float>(fbe, {4}); });
  CHECK(contains(e, ">f4"));
  const std::string ft = dir + "/trunc.npy";
  write_raw(ft, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (8,), }", v2, sizeof v2);
  e = error_of([&] { sdfg_npy::load<float>(ft, {8}); });
  CHECK(contains(e, "truncated"));
  const std::string fx = dir + "/junk.npy";
  { std::ofstream(fx) << "hello world, not numpy"; }
  e = error_of([&] { sdfg_npy::load<float>(fx, {1}); });
  CHECK(contains(e, "magic"));
  e = error_of([&] { sdfg_npy::load<float>(dir + "/missing.npy", {1}); });
  CHECK(contains(e, "missing.npy"));

  std::printf("npy ok\n");
  return 0;
}
