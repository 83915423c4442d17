// hls::vector<T, N>: zero default, broadcast, element-wise arithmetic, equality, layout.
#include <hls_stream.h>
#include <hls_vector.h>

#include <cstdio>

#include "check.h"

using vec8 = hls::vector<float, 8>;

int main() {
  static_assert(sizeof(hls::vector<float, 16>) == 64 && alignof(hls::vector<float, 16>) == 64, "64-byte word");
  static_assert(alignof(hls::vector<float, 3>) == 4, "Vitis alignment rule");

  vec8 z;
  for (int i = 0; i < 8; ++i) CHECK(z[i] == 0.0f);
  vec8 two(2.0f);
  vec8 three = 3.0f;
  vec8 braced{4.0f};  // single value broadcasts
  for (int i = 0; i < 8; ++i) CHECK(two[i] == 2.0f && three[i] == 3.0f && braced[i] == 4.0f);
  vec8 ramp;
  for (int i = 0; i < 8; ++i) ramp[i] = static_cast<float>(i);

  const vec8 s = ramp + two;
  const vec8 d = ramp - two;
  const vec8 p = ramp * three;
  const vec8 q = ramp / two;
  const vec8 sc = 0.5f * ramp + 1.0f;
  for (int i = 0; i < 8; ++i) {
    const float r = static_cast<float>(i);
    CHECK(s[i] == r + 2 && d[i] == r - 2 && p[i] == r * 3 && q[i] == r / 2 && sc[i] == 0.5f * r + 1);
  }
  vec8 acc;
  acc += ramp;
  acc *= two;
  acc -= ramp;
  acc /= 1.0f;
  CHECK(acc == ramp);
  CHECK(acc != two);
  CHECK(-ramp + ramp == z);
  CHECK(ramp.reduce_add() == 28.0f);

  hls::vector<int, 4> iv{1, 2, 3, 4};
  CHECK(iv[3] == 4 && (iv * 2)[2] == 6 && iv.size() == 4);

  // Vectors travel through streams as one element.
  hls::stream<vec8, 2> st("vec");
  st.write(sc);
  CHECK(st.read() == sc);

  std::printf("vector ok\n");
  return 0;
}
