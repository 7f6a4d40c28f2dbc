/* jf_test.h: the assertions of jflop's C unit tests. Each failed check prints
 * file:line, what was expected and what was seen, and is counted; a test's
 * main() ends with `return JF_TEST_DONE();`, which exits 1 on any failure.
 * JF_TEST_SKIP(reason) exits 77 (Automake's "skipped") and must only be used
 * when the machine truly cannot run the test, saying why. */
#ifndef JF_TEST_H
#define JF_TEST_H

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int jf_test_failures_ = 0;
static int jf_test_checks_ = 0;

/* Decimal digits of an unsigned 128-bit value. Written here on its own (not
 * with the library's jf_u128_str, which the tests check). */
static inline const char *jf_test_u128_(unsigned __int128 v, char *buf, size_t len)
{
    char tmp[48];
    size_t n = 0, i;
    do {
        tmp[n++] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v != 0 && n < sizeof tmp);
    for (i = 0; i < n && i + 1 < len; i++)
        buf[i] = tmp[n - 1 - i];
    buf[i] = '\0';
    return buf;
}

static inline void jf_test_fail_(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void jf_test_fail_(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    jf_test_failures_++;
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* A truth with a message of the caller's choosing. */
#define CHECK_MSG(cond, ...)                                      \
    do {                                                          \
        jf_test_checks_++;                                        \
        if (!(cond))                                              \
            jf_test_fail_(__FILE__, __LINE__, __VA_ARGS__);       \
    } while (0)

#define CHECK(cond) CHECK_MSG(cond, "expected %s", #cond)

#define CHECK_INT_EQ(expected, actual)                                               \
    do {                                                                             \
        const long long e_ = (long long)(expected), a_ = (long long)(actual);       \
        CHECK_MSG(e_ == a_, "%s == %s: expected %lld, got %lld", #actual, #expected, \
                  e_, a_);                                                           \
    } while (0)

#define CHECK_U64_EQ(expected, actual)                                                 \
    do {                                                                               \
        const unsigned long long e_ = (unsigned long long)(expected);                  \
        const unsigned long long a_ = (unsigned long long)(actual);                    \
        CHECK_MSG(e_ == a_, "%s == %s: expected %llu, got %llu", #actual, #expected, e_, \
                  a_);                                                                 \
    } while (0)

#define CHECK_U128_EQ(expected, actual)                                              \
    do {                                                                             \
        const unsigned __int128 e_ = (expected), a_ = (actual);                     \
        char eb_[48], ab_[48];                                                       \
        CHECK_MSG(e_ == a_, "%s == %s: expected %s, got %s", #actual, #expected,     \
                  jf_test_u128_(e_, eb_, sizeof eb_), jf_test_u128_(a_, ab_, sizeof ab_)); \
    } while (0)

#define CHECK_STR_EQ(expected, actual)                                                \
    do {                                                                              \
        const char *e_ = (expected), *a_ = (actual);                                  \
        CHECK_MSG(a_ != NULL && strcmp(e_, a_) == 0, "%s: expected \"%s\", got \"%s\"", \
                  #actual, e_, a_ ? a_ : "(null)");                                   \
    } while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                        \
    do {                                                                            \
        const char *h_ = (haystack), *n_ = (needle);                                \
        CHECK_MSG(h_ != NULL && strstr(h_, n_) != NULL,                             \
                  "%s: expected it to contain \"%s\", got \"%s\"", #haystack, n_,   \
                  h_ ? h_ : "(null)");                                              \
    } while (0)

/* |expected - actual| <= tol; NaN never passes. */
#define CHECK_NEAR(expected, actual, tol)                                                \
    do {                                                                                 \
        const double e_ = (double)(expected), a_ = (double)(actual), t_ = (double)(tol); \
        CHECK_MSG(fabs(e_ - a_) <= t_, "%s: expected %.17g within %.3g, got %.17g (off by %.3g)", \
                  #actual, e_, t_, a_, fabs(e_ - a_));                                   \
    } while (0)

/* |expected - actual| <= rtol * |expected|; NaN never passes. */
#define CHECK_REL(expected, actual, rtol)                                                  \
    do {                                                                                   \
        const double e_ = (double)(expected), a_ = (double)(actual), t_ = (double)(rtol);  \
        CHECK_MSG(fabs(e_ - a_) <= t_ * fabs(e_),                                          \
                  "%s: expected %.17g within relative %.3g, got %.17g (relative error %.3g)", \
                  #actual, e_, t_, a_, fabs(e_ - a_) / fabs(e_));                          \
    } while (0)

/* a < b as doubles; NaN never passes. */
#define CHECK_LT(a, b)                                                         \
    do {                                                                       \
        const double a_ = (double)(a), b_ = (double)(b);                       \
        CHECK_MSG(a_ < b_, "expected %s < %s, got %.17g >= %.17g (or NaN)", #a, #b, \
                  a_, b_);                                                     \
    } while (0)

#define CHECK_LE(a, b)                                                          \
    do {                                                                        \
        const double a_ = (double)(a), b_ = (double)(b);                        \
        CHECK_MSG(a_ <= b_, "expected %s <= %s, got %.17g > %.17g (or NaN)", #a, #b, \
                  a_, b_);                                                      \
    } while (0)

/* Give up on a check whose set-up failed: counts as a failure. */
#define JF_TEST_REQUIRE(cond)                                                   \
    do {                                                                        \
        jf_test_checks_++;                                                      \
        if (!(cond)) {                                                          \
            jf_test_fail_(__FILE__, __LINE__, "required %s; stopping", #cond);   \
            return JF_TEST_DONE();                                              \
        }                                                                       \
    } while (0)

/* Exit 77: the machine cannot run this test (never for a failed check). */
#define JF_TEST_SKIP(...)                    \
    do {                                     \
        printf("SKIP: ");                    \
        printf(__VA_ARGS__);                 \
        printf("\n");                        \
        fflush(stdout);                      \
        return 77;                           \
    } while (0)

static inline int jf_test_done_(const char *file)
{
    fflush(stdout);
    fprintf(stderr, "%s: %d checks, %d failed\n", file, jf_test_checks_, jf_test_failures_);
    if (jf_test_checks_ == 0) {
        fprintf(stderr, "%s: FAIL: no checks ran\n", file);
        return 1;
    }
    return jf_test_failures_ ? 1 : 0;
}

#define JF_TEST_DONE() jf_test_done_(__FILE__)

/* Write text to dir/name (a fake sysfs or proc tree's file); a file that
 * cannot be written is a hard error of the test (exit 99). */
static inline void jf_test_put(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
        perror(path);
        exit(99);
    }
}

/* The number of failures so far (for tests that check that a check fails). */
#define JF_TEST_FAILURES() (jf_test_failures_)

#endif
