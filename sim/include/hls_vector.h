// hls_vector.h -- software model of Vitis HLS's hls::vector<T, N> for the sdfg-fpga g++
// emulation: a fixed vector of N elements (zero-initialised by default), broadcast from a
// scalar, element-wise arithmetic, equality. Alignment follows Vitis (the largest power of two
// dividing sizeof(T) * N), so hls::vector<float, 16> is a 64-byte memory word.
#ifndef SDFG_SIM_HLS_VECTOR_H
#define SDFG_SIM_HLS_VECTOR_H

#include <cstddef>
#include <initializer_list>
#include <stdexcept>

namespace hls {

namespace vector_detail {
constexpr std::size_t gp2(std::size_t n) { return n == 0 ? 1 : (n % 2 != 0 ? 1 : 2 * gp2(n / 2)); }
}  // namespace vector_detail

template <typename T, std::size_t N>
class alignas(vector_detail::gp2(sizeof(T) * N)) vector {
  static_assert(N > 0, "hls::vector must have at least one element");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using reference = T&;
  using const_reference = const T&;
  using iterator = T*;
  using const_iterator = const T*;

  /// All elements T() (zero for arithmetic types).
  vector() : data_{} {}
  /// Broadcast.
  vector(const T& v) {
    for (std::size_t i = 0; i < N; ++i) data_[i] = v;
  }
  /// Exactly N values; a single value broadcasts (so that `vector{x}` means `vector(x)`).
  vector(std::initializer_list<T> l) : data_{} {
    if (l.size() == 1) {
      for (std::size_t i = 0; i < N; ++i) data_[i] = *l.begin();
      return;
    }
    if (l.size() != N) throw std::invalid_argument("hls::vector: initializer list size differs from N");
    std::size_t i = 0;
    for (const T& v : l) data_[i++] = v;
  }

  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

  static constexpr std::size_t size() { return N; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  iterator begin() { return data_; }
  iterator end() { return data_ + N; }
  const_iterator begin() const { return data_; }
  const_iterator end() const { return data_ + N; }

#define SDFG_SIM_VECTOR_INPLACE(OP)                                   \
  vector& operator OP(const vector& rhs) {                            \
    for (std::size_t i = 0; i < N; ++i) data_[i] OP rhs.data_[i];     \
    return *this;                                                     \
  }                                                                   \
  vector& operator OP(const T& rhs) {                                 \
    for (std::size_t i = 0; i < N; ++i) data_[i] OP rhs;              \
    return *this;                                                     \
  }
  SDFG_SIM_VECTOR_INPLACE(+=)
  SDFG_SIM_VECTOR_INPLACE(-=)
  SDFG_SIM_VECTOR_INPLACE(*=)
  SDFG_SIM_VECTOR_INPLACE(/=)
#undef SDFG_SIM_VECTOR_INPLACE

#define SDFG_SIM_VECTOR_BINARY(OP, INPLACE)                                                  \
  friend vector operator OP(const vector& lhs, const vector& rhs) {                          \
    vector r = lhs;                                                                          \
    return r INPLACE rhs;                                                                    \
  }                                                                                          \
  friend vector operator OP(const vector& lhs, const T& rhs) {                               \
    vector r = lhs;                                                                          \
    return r INPLACE rhs;                                                                    \
  }                                                                                          \
  friend vector operator OP(const T& lhs, const vector& rhs) {                               \
    vector r(lhs);                                                                           \
    return r INPLACE rhs;                                                                    \
  }
  SDFG_SIM_VECTOR_BINARY(+, +=)
  SDFG_SIM_VECTOR_BINARY(-, -=)
  SDFG_SIM_VECTOR_BINARY(*, *=)
  SDFG_SIM_VECTOR_BINARY(/, /=)
#undef SDFG_SIM_VECTOR_BINARY

  friend vector operator-(const vector& v) {
    vector r;
    for (std::size_t i = 0; i < N; ++i) r.data_[i] = -v.data_[i];
    return r;
  }

  friend bool operator==(const vector& a, const vector& b) {
    for (std::size_t i = 0; i < N; ++i)
      if (!(a.data_[i] == b.data_[i])) return false;
    return true;
  }
  friend bool operator!=(const vector& a, const vector& b) { return !(a == b); }

  T reduce_add() const {
    T r = data_[0];
    for (std::size_t i = 1; i < N; ++i) r += data_[i];
    return r;
  }
  T reduce_mult() const {
    T r = data_[0];
    for (std::size_t i = 1; i < N; ++i) r *= data_[i];
    return r;
  }

 private:
  T data_[N];
};

}  // namespace hls

#endif  // SDFG_SIM_HLS_VECTOR_H
