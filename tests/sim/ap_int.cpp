// ap_uint / ap_int: packing 16 floats into a 512-bit memory word and back, ranges, bits,
// bitwise operations, shifts, comparisons, conversions.
#include <ap_int.h>

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "check.h"

static std::uint32_t float_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
static float bits_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

int main() {
  static_assert(sizeof(ap_uint<512>) == 64, "a 512-bit word is 64 bytes");
  static_assert(sizeof(ap_uint<32>) == 4 && sizeof(ap_uint<8>) == 1 && sizeof(ap_uint<64>) == 8, "narrow sizes");

  // Pack 16 floats with range() assignment, unpack with range() reads.
  float in[16];
  for (int i = 0; i < 16; ++i) in[i] = 1.5f * static_cast<float>(i) - 7.25f;
  ap_uint<512> word = 0;
  for (int i = 0; i < 16; ++i) word.range(32 * i + 31, 32 * i) = float_bits(in[i]);
  for (int i = 0; i < 16; ++i) {
    const std::uint32_t u = word.range(32 * i + 31, 32 * i);
    CHECK(bits_float(u) == in[i]);
    const ap_uint<32> a = word(32 * i + 31, 32 * i);
    CHECK(bits_float(static_cast<std::uint32_t>(a)) == in[i]);
  }
  // Same memory layout as float[16] (little-endian lanes): bit 32*i holds float i.
  CHECK(std::memcmp(&word, in, 64) == 0);
  ap_uint<512> copy;
  std::memcpy(&copy, in, 64);
  CHECK(copy == word);
  const ap_uint<512> cword = word;
  CHECK(bits_float(static_cast<std::uint32_t>(cword.range(63, 32))) == in[1]);

  // Ranges crossing a 64-bit word boundary, and wider than 64 bits.
  ap_uint<512> x = 0;
  x.range(100, 40) = ap_uint<61>((1ull << 61) - 1);
  for (int i = 0; i < 512; ++i) CHECK(x[i] == (i >= 40 && i <= 100));
  CHECK(x.range(100, 40).to_uint64() == (1ull << 61) - 1);
  CHECK(x.range(71, 8).to_uint64() == 0xFFFFFFFFFFFFFFFFull << 32);
  ap_uint<512> y = x.range(200, 0);
  CHECK(y == x);
  x.range(511, 256) = x.range(255, 0);
  CHECK(x.get_bit(40 + 256) && x.get_bit(100 + 256) && !x.get_bit(101 + 256));

  // Bits.
  ap_uint<512> b = 0;
  b[511] = true;
  b.set_bit(0, true);
  CHECK(b[511] && b[0] && !b[1]);
  b[0] = false;
  CHECK(!b[0]);

  // Shifts, bitwise operations, comparisons.
  ap_uint<512> one = 1;
  ap_uint<512> top = one << 511;
  CHECK(top[511] && (top >> 511) == one);
  CHECK((one << 512) == 0);
  ap_uint<512> m = ~ap_uint<512>(0);
  CHECK(m.range(511, 448).to_uint64() == ~0ull);
  CHECK((m & top) == top && (top | one) != top && ((top | one) ^ top) == one);
  CHECK(top > one && one < top && one <= one && top >= top);
  CHECK(top + top == 0 && (top - one).range(510, 0) == m.range(510, 0) && top - one + one == top);
  ap_uint<128> carry = ap_uint<128>(~0ull) + 1;
  CHECK(carry.word(0) == 0 && carry.word(1) == 1);

  // Narrow types convert to built-in integers; arithmetic does not wrap at W bits.
  ap_uint<8> a8 = 200;
  const int sum = a8 + a8;
  CHECK(sum == 400);
  ap_uint<8> w8 = 255;
  ++w8;
  CHECK(w8 == 0);
  ap_uint<16> h = 0xABCD;
  CHECK(h.range(15, 8) == 0xAB && (h >> 4) == 0xABC && (h & 0xFF) == 0xCD);
  std::uint64_t u64 = ap_uint<64>(~0ull);
  CHECK(u64 == ~0ull);

  // Signed types sign-extend.
  ap_int<8> s8 = -3;
  CHECK(static_cast<long long>(s8) == -3 && s8.to_int() == -3 && s8 < 0 && s8 < ap_int<8>(1));
  ap_int<100> s100 = s8;
  CHECK(s100 < 0 && s100.word(1) == (1ull << 36) - 1 && (s100 >> 90) == -1);
  ap_uint<100> u100 = s8;  // two's complement bit pattern
  CHECK(u100 > 0 && u100.get_bit(99));
  ap_int<4> t = 7;
  ++t;
  CHECK(t == -8);

  std::printf("ap_int ok\n");
  return 0;
}
