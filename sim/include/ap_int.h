// ap_int.h -- minimal software model of Vitis HLS's ap_uint<W> / ap_int<W> for the sdfg-fpga
// g++ emulation. Enough to hold, pack and unpack wide memory words (ap_uint<512> = 16 floats):
//
//   * storage: the W bits in little-endian order, bits above W kept zero; W <= 64 uses the
//     smallest of uint8/16/32/64_t, wider types uint64_t words, so sizeof(ap_uint<512>) == 64
//     and bit 32*i of a word holds float i of the same 64 bytes in memory (as on the FPGA);
//   * construction from integers and from other widths (sign-extended when the source is
//     signed), implicit conversion to (unsigned) long long for W <= 64, to_uint64()/to_int64()/
//     to_uint()/to_int() for any W (low bits);
//   * range(hi, lo) and (hi, lo) as readable/assignable bit ranges, operator[] / get_bit /
//     set_bit for single bits;
//   * ~ & | ^ << >> and comparisons for any width; + - for W > 64 (narrower types use the
//     built-in arithmetic through the implicit conversion, which does not overflow at W bits).
// Not modelled: ap_fixed, overflow/quantisation modes, string constructors, reversed ranges.
#ifndef SDFG_SIM_AP_INT_H
#define SDFG_SIM_AP_INT_H

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

template <int W, bool S>
class ap_int_base;
template <int W, bool S>
class ap_range_ref;
template <int W, bool S>
class ap_bit_ref;

template <int W>
using ap_uint = ap_int_base<W, false>;
template <int W>
using ap_int = ap_int_base<W, true>;

namespace ap_detail {

constexpr int max_int(int a, int b) { return a > b ? a : b; }

template <int W>
using storage_word_t = std::conditional_t<
    (W <= 8), std::uint8_t,
    std::conditional_t<(W <= 16), std::uint16_t, std::conditional_t<(W <= 32), std::uint32_t, std::uint64_t>>>;

template <typename I>
constexpr bool is_int_v = std::is_integral_v<I> && !std::is_same_v<std::remove_cv_t<I>, bool>;

[[noreturn]] inline void bad_range(int hi, int lo, int w) {
  throw std::out_of_range("ap_int: bit range (" + std::to_string(hi) + ", " + std::to_string(lo) +
                          ") outside a " + std::to_string(w) + "-bit value");
}

// Implicit conversion to a built-in integer, only for W <= 64 (an empty base class, so it adds
// nothing to the size or layout).
template <typename Derived, bool Narrow, bool S>
struct builtin_conversion {};
template <typename Derived, bool S>
struct builtin_conversion<Derived, true, S> {
  operator std::conditional_t<S, long long, unsigned long long>() const {
    return static_cast<std::conditional_t<S, long long, unsigned long long>>(
        static_cast<const Derived*>(this)->ext_word(0));
  }
};

}  // namespace ap_detail

template <int W, bool S>
class ap_int_base : public ap_detail::builtin_conversion<ap_int_base<W, S>, (W <= 64), S> {
  static_assert(W >= 1, "ap_int width must be >= 1");
  template <int, bool>
  friend class ap_int_base;

 public:
  static constexpr int kWords = (W + 63) / 64;  // 64-bit words of the value
  static constexpr int width = W;
  static constexpr bool sign_flag = S;

  // ---- construction ----
  ap_int_base() : v_{} {}
  template <typename I, std::enable_if_t<ap_detail::is_int_v<I>, int> = 0>
  ap_int_base(I x) : v_{} {
    const std::uint64_t lo = static_cast<std::uint64_t>(x);
    const std::uint64_t fill = (std::is_signed_v<I> && x < 0) ? ~0ull : 0ull;
    for (int i = 0; i < kWords; ++i) set_word(i, i == 0 ? lo : fill);
    normalize();
  }
  ap_int_base(bool b) : v_{} { set_word(0, b ? 1u : 0u); }
  template <int W2, bool S2>
  ap_int_base(const ap_int_base<W2, S2>& o) : v_{} {
    for (int i = 0; i < kWords; ++i) set_word(i, o.ext_word(i));
    normalize();
  }
  template <int W2, bool S2>
  ap_int_base(const ap_range_ref<W2, S2>& r) : ap_int_base(r.get()) {}
  template <int W2, bool S2>
  ap_int_base(const ap_bit_ref<W2, S2>& b) : ap_int_base(static_cast<bool>(b)) {}

  // ---- conversion ----
  // W <= 64: implicit conversion to (unsigned) long long, sign-extended for ap_int (base class).
  /// Low 64 bits (sign-extended for ap_int narrower than 64 bits).
  std::uint64_t to_uint64() const { return ext_word(0); }
  std::int64_t to_int64() const { return static_cast<std::int64_t>(ext_word(0)); }
  unsigned to_uint() const { return static_cast<unsigned>(ext_word(0)); }
  int to_int() const { return static_cast<int>(ext_word(0)); }
  unsigned long to_ulong() const { return static_cast<unsigned long>(ext_word(0)); }
  long to_long() const { return static_cast<long>(ext_word(0)); }
  bool to_bool() const { return !is_zero(); }
  static constexpr int length() { return W; }

  // ---- bits ----
  bool get_bit(int i) const {
    if (i < 0 || i >= W) ap_detail::bad_range(i, i, W);
    return (word(i / 64) >> (i % 64)) & 1u;
  }
  void set_bit(int i, bool b) {
    if (i < 0 || i >= W) ap_detail::bad_range(i, i, W);
    const std::uint64_t m = 1ull << (i % 64);
    set_word(i / 64, b ? (word(i / 64) | m) : (word(i / 64) & ~m));
  }
  void clear(int i) { set_bit(i, false); }
  void set(int i) { set_bit(i, true); }
  bool operator[](int i) const { return get_bit(i); }
  ap_bit_ref<W, S> operator[](int i) { return ap_bit_ref<W, S>(this, i); }

  /// Bits hi..lo (hi >= lo) as an unsigned value of hi-lo+1 bits, held in an ap_uint<W>.
  ap_uint<W> get_range(int hi, int lo) const {
    check_range(hi, lo);
    const int len = hi - lo + 1;
    ap_uint<W> r;
    if (lo / 64 == hi / 64) {
      const std::uint64_t m = len == 64 ? ~0ull : ((1ull << len) - 1);
      r.set_word(0, (word(lo / 64) >> (lo % 64)) & m);
      return r;
    }
    r = ap_uint<W>(*this) >> lo;
    return r & ap_uint<W>::low_mask(len);
  }
  /// Sets bits hi..lo to the low hi-lo+1 bits of v.
  template <int W2, bool S2>
  void set_range(int hi, int lo, const ap_int_base<W2, S2>& v) {
    check_range(hi, lo);
    const int len = hi - lo + 1;
    if (lo / 64 == hi / 64) {
      const std::uint64_t m = len == 64 ? ~0ull : ((1ull << len) - 1);
      const int k = lo / 64;
      set_word(k, (word(k) & ~(m << (lo % 64))) | ((v.ext_word(0) & m) << (lo % 64)));
      return;
    }
    const ap_uint<W> mask = ap_uint<W>::low_mask(len) << lo;
    const ap_uint<W> val = (ap_uint<W>(ap_uint<W>(v) & ap_uint<W>::low_mask(len))) << lo;
    *this = ap_int_base(ap_uint<W>((ap_uint<W>(*this) & ~mask) | val));
  }
  void set_range(int hi, int lo, unsigned long long v) { set_range(hi, lo, ap_uint<64>(v)); }

  ap_range_ref<W, S> range(int hi, int lo) { return ap_range_ref<W, S>(this, hi, lo); }
  /// On a const value the range is for reading only (assigning through it is undefined).
  ap_range_ref<W, S> range(int hi, int lo) const {
    return ap_range_ref<W, S>(const_cast<ap_int_base*>(this), hi, lo);
  }
  ap_range_ref<W, S> operator()(int hi, int lo) { return range(hi, lo); }
  ap_range_ref<W, S> operator()(int hi, int lo) const { return range(hi, lo); }

  // ---- bitwise ----
  ap_int_base operator~() const {
    ap_int_base r;
    for (int i = 0; i < kWords; ++i) r.set_word(i, ~word(i));
    r.normalize();
    return r;
  }
  ap_int_base operator<<(int n) const {
    if (n < 0) return *this >> -n;
    ap_int_base r;
    const int ws = n / 64, bs = n % 64;
    for (int i = kWords - 1; i >= 0; --i) {
      const int src = i - ws;
      std::uint64_t w = 0;
      if (src >= 0) {
        w = word(src) << bs;
        if (bs != 0 && src - 1 >= 0) w |= word(src - 1) >> (64 - bs);
      }
      r.set_word(i, w);
    }
    r.normalize();
    return r;
  }
  /// Logical shift for ap_uint, arithmetic for ap_int.
  ap_int_base operator>>(int n) const {
    if (n < 0) return *this << -n;
    ap_int_base r;
    const int ws = n / 64, bs = n % 64;
    for (int i = 0; i < kWords; ++i) {
      std::uint64_t w = ext_word(i + ws) >> bs;
      if (bs != 0) w |= ext_word(i + ws + 1) << (64 - bs);
      r.set_word(i, w);
    }
    r.normalize();
    return r;
  }
  ap_int_base& operator<<=(int n) { return *this = *this << n; }
  ap_int_base& operator>>=(int n) { return *this = *this >> n; }

#define SDFG_AP_BITWISE(OP)                                                                   \
  template <int W2, bool S2>                                                                  \
  friend ap_int_base<ap_detail::max_int(W, W2), (S && S2)> operator OP(const ap_int_base& a,   \
                                                                      const ap_int_base<W2, S2>& b) { \
    constexpr int WR = ap_detail::max_int(W, W2);                                             \
    ap_int_base<WR, (S && S2)> r;                                                             \
    for (int i = 0; i < r.kWords; ++i) r.set_word(i, a.ext_word(i) OP b.ext_word(i));         \
    r.normalize();                                                                            \
    return r;                                                                                 \
  }                                                                                           \
  template <typename I, std::enable_if_t<ap_detail::is_int_v<I>, int> = 0>                    \
  friend ap_int_base operator OP(const ap_int_base& a, I b) {                                 \
    return ap_int_base(a OP ap_int_base<W, std::is_signed_v<I>>(b));                          \
  }                                                                                           \
  template <typename I, std::enable_if_t<ap_detail::is_int_v<I>, int> = 0>                    \
  friend ap_int_base operator OP(I b, const ap_int_base& a) {                                 \
    return ap_int_base(a OP ap_int_base<W, std::is_signed_v<I>>(b));                          \
  }                                                                                           \
  template <typename T>                                                                       \
  ap_int_base& operator OP##=(const T& b) {                                                   \
    return *this = ap_int_base(*this OP b);                                                   \
  }
  SDFG_AP_BITWISE(&)
  SDFG_AP_BITWISE(|)
  SDFG_AP_BITWISE(^)
#undef SDFG_AP_BITWISE

  // ---- comparison (by value, signedness-aware) ----
  template <int W2, bool S2>
  friend bool operator==(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return compare(a, b) == 0;
  }
  template <int W2, bool S2>
  friend bool operator!=(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return compare(a, b) != 0;
  }
  template <int W2, bool S2>
  friend bool operator<(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return compare(a, b) < 0;
  }
  template <int W2, bool S2>
  friend bool operator<=(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return compare(a, b) <= 0;
  }
  template <int W2, bool S2>
  friend bool operator>(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return compare(a, b) > 0;
  }
  template <int W2, bool S2>
  friend bool operator>=(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return compare(a, b) >= 0;
  }
#define SDFG_AP_CMP_INT(OP)                                                    \
  template <typename I, std::enable_if_t<ap_detail::is_int_v<I>, int> = 0>     \
  friend bool operator OP(const ap_int_base& a, I b) {                         \
    return compare(a, ap_int_base<64, std::is_signed_v<I>>(b)) OP 0;           \
  }                                                                            \
  template <typename I, std::enable_if_t<ap_detail::is_int_v<I>, int> = 0>     \
  friend bool operator OP(I b, const ap_int_base& a) {                         \
    return 0 OP compare(a, ap_int_base<64, std::is_signed_v<I>>(b));           \
  }
  SDFG_AP_CMP_INT(==)
  SDFG_AP_CMP_INT(!=)
  SDFG_AP_CMP_INT(<)
  SDFG_AP_CMP_INT(<=)
  SDFG_AP_CMP_INT(>)
  SDFG_AP_CMP_INT(>=)
#undef SDFG_AP_CMP_INT

  // ---- arithmetic for wide types (W > 64), modulo 2^max(W, W2) ----
  template <int W2, bool S2, int WR = ap_detail::max_int(W, W2), std::enable_if_t<(WR > 64), int> = 0>
  friend ap_int_base<WR, (S && S2)> operator+(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    ap_int_base<WR, (S && S2)> r;
    std::uint64_t carry = 0;
    for (int i = 0; i < r.kWords; ++i) {
      const std::uint64_t x = a.ext_word(i), y = b.ext_word(i);
      const std::uint64_t s = x + y;
      const std::uint64_t s2 = s + carry;
      carry = (s < x) || (s2 < s);
      r.set_word(i, s2);
    }
    r.normalize();
    return r;
  }
  template <int W2, bool S2, int WR = ap_detail::max_int(W, W2), std::enable_if_t<(WR > 64), int> = 0>
  friend ap_int_base<WR, (S && S2)> operator-(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    return a + (~ap_int_base<WR, S2>(b) + ap_int_base<WR, S2>(1));
  }
  template <typename I, int W2 = W, std::enable_if_t<ap_detail::is_int_v<I> && (W2 > 64), int> = 0>
  friend ap_int_base operator+(const ap_int_base& a, I b) {
    return ap_int_base(a + ap_int_base<W, std::is_signed_v<I>>(b));
  }
  template <typename I, int W2 = W, std::enable_if_t<ap_detail::is_int_v<I> && (W2 > 64), int> = 0>
  friend ap_int_base operator-(const ap_int_base& a, I b) {
    return ap_int_base(a - ap_int_base<W, std::is_signed_v<I>>(b));
  }
  /// Compound assignment for every width (narrow types go through the built-in arithmetic).
  template <typename T>
  ap_int_base& operator+=(const T& b) {
    return *this = ap_int_base(*this + b);
  }
  template <typename T>
  ap_int_base& operator-=(const T& b) {
    return *this = ap_int_base(*this - b);
  }
  ap_int_base& operator++() { return *this += 1; }
  ap_int_base& operator--() { return *this -= 1; }
  ap_int_base operator++(int) {
    ap_int_base old = *this;
    ++*this;
    return old;
  }
  ap_int_base operator--(int) {
    ap_int_base old = *this;
    --*this;
    return old;
  }

  // ---- raw access (used by the reference proxies and by tests) ----
  /// Word i (64 bits) of the stored value, zero-extended (0 beyond the width).
  std::uint64_t word(int i) const {
    if (i < 0 || i >= kWords) return 0;
    return static_cast<std::uint64_t>(v_[i]);
  }
  /// Word i of the value extended to infinite width (sign-extended for a negative ap_int).
  std::uint64_t ext_word(int i) const {
    const std::uint64_t fill = (S && ((word(kWords - 1) >> ((W - 1) % 64)) & 1u)) ? ~0ull : 0ull;
    if (i < 0) return 0;
    if (i >= kWords) return fill;
    std::uint64_t w = word(i);
    if (i == kWords - 1) w |= fill & ~kTopMask;
    return w;
  }
  void set_word(int i, std::uint64_t w) { v_[i] = static_cast<word_t>(w); }

  static ap_int_base low_mask(int n) {  // n low bits set (n clamped to [0, W])
    ap_int_base r;
    for (int i = 0; i < kWords; ++i) {
      const int bits = n - 64 * i;
      r.set_word(i, bits >= 64 ? ~0ull : (bits <= 0 ? 0ull : ((1ull << bits) - 1)));
    }
    r.normalize();
    return r;
  }

 private:
  using word_t = std::conditional_t<(W <= 64), ap_detail::storage_word_t<W>, std::uint64_t>;
  static constexpr std::uint64_t kTopMask = (W % 64 == 0) ? ~0ull : ((1ull << (W % 64)) - 1);
  word_t v_[kWords];

  void normalize() { set_word(kWords - 1, word(kWords - 1) & kTopMask); }
  bool is_zero() const {
    for (int i = 0; i < kWords; ++i)
      if (word(i) != 0) return false;
    return true;
  }
  void check_range(int hi, int lo) const {
    if (lo < 0 || hi < lo || hi >= W) ap_detail::bad_range(hi, lo, W);
  }
  template <int W2, bool S2>
  static int compare(const ap_int_base& a, const ap_int_base<W2, S2>& b) {
    constexpr int n = ap_detail::max_int(kWords, ap_int_base<W2, S2>::kWords) + 1;
    // Extended to infinite width, the top word tells the sign.
    const bool na = static_cast<std::int64_t>(a.ext_word(n - 1)) < 0;
    const bool nb = static_cast<std::int64_t>(b.ext_word(n - 1)) < 0;
    if (na != nb) return na ? -1 : 1;
    for (int i = n - 1; i >= 0; --i) {
      const std::uint64_t x = a.ext_word(i), y = b.ext_word(i);
      if (x != y) return x < y ? -1 : 1;
    }
    return 0;
  }
};

/// Assignable view of bits hi..lo of an ap_int_base (what x.range(hi, lo) and x(hi, lo) give).
template <int W, bool S>
class ap_range_ref {
 public:
  ap_range_ref(ap_int_base<W, S>* p, int hi, int lo) : p_(p), hi_(hi), lo_(lo) {
    if (lo < 0 || hi < lo || hi >= W) ap_detail::bad_range(hi, lo, W);
  }

  ap_uint<W> get() const { return p_->get_range(hi_, lo_); }
  int length() const { return hi_ - lo_ + 1; }
  /// Low 64 bits of the range (ap_uint<N> objects convert through their constructor).
  operator unsigned long long() const { return get().to_uint64(); }
  std::uint64_t to_uint64() const { return get().to_uint64(); }
  unsigned to_uint() const { return get().to_uint(); }
  int to_int() const { return get().to_int(); }

  template <typename I, std::enable_if_t<ap_detail::is_int_v<I>, int> = 0>
  ap_range_ref& operator=(I v) {
    p_->set_range(hi_, lo_, ap_int_base<64, std::is_signed_v<I>>(v));
    return *this;
  }
  template <int W2, bool S2>
  ap_range_ref& operator=(const ap_int_base<W2, S2>& v) {
    p_->set_range(hi_, lo_, v);
    return *this;
  }
  template <int W2, bool S2>
  ap_range_ref& operator=(const ap_range_ref<W2, S2>& r) {
    p_->set_range(hi_, lo_, r.get());
    return *this;
  }
  ap_range_ref& operator=(const ap_range_ref& r) {
    p_->set_range(hi_, lo_, r.get());
    return *this;
  }

 private:
  ap_int_base<W, S>* p_;
  int hi_, lo_;
};

/// Assignable view of one bit (what x[i] gives on a non-const value).
template <int W, bool S>
class ap_bit_ref {
 public:
  ap_bit_ref(ap_int_base<W, S>* p, int i) : p_(p), i_(i) {
    if (i < 0 || i >= W) ap_detail::bad_range(i, i, W);
  }
  operator bool() const { return p_->get_bit(i_); }
  ap_bit_ref& operator=(bool b) {
    p_->set_bit(i_, b);
    return *this;
  }
  ap_bit_ref& operator=(const ap_bit_ref& o) { return *this = static_cast<bool>(o); }

 private:
  ap_int_base<W, S>* p_;
  int i_;
};

#endif  // SDFG_SIM_AP_INT_H
