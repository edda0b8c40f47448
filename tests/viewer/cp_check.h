/* cp_check.h: tiny check macros for chainplot's C tests (the last line is "N passed, N failed") */
#ifndef cp_check_h
#define cp_check_h

#include <math.h>
#include <stdio.h>
#include <string.h>

static int npass, nfail;

#define CHECK(cond, ...) do { \
    if (cond) npass++; \
    else { nfail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
  } while (0)

/* |a - b| <= rel * |b| (+ abs) */
#define CLOSE(a, b, rel, what) do { \
    double a_ = (a), b_ = (b); \
    CHECK(fabs(a_ - b_) <= (rel) * fabs(b_) + 1e-300, "%s: got %.17g, expected %.17g", what, a_, b_); \
  } while (0)

#define CONTAINS(s, sub, what) \
  CHECK(strstr((s), (sub)) != NULL, "%s: \"%s\" does not contain \"%s\"", what, (s), (sub))

static int report (void) {
  printf("%d passed, %d failed\n", npass, nfail);
  return nfail != 0;
}

#endif
