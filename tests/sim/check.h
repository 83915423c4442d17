// Minimal assertion helper shared by the tests/sim programs.
#ifndef SDFG_SIM_TEST_CHECK_H
#define SDFG_SIM_TEST_CHECK_H
#include <cstdio>
#include <cstdlib>

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                                  \
    }                                                                                \
  } while (0)

#endif
