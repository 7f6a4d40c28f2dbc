/* test_parse: counts with k/M/G/T/P suffixes parsed exactly, and everything
 * else rejected with a reason; positive real numbers. */
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "core/jf_parse.h"

#include "jf_test.h"

static void accept(const char *text, uint64_t max, uint64_t expected)
{
    uint64_t v = 0;
    char msg[JF_MSG_LEN] = "";
    const jf_err_t err = jf_parse_count(text, max, &v, msg, sizeof msg);
    CHECK_MSG(err == JF_OK, "\"%s\": expected %llu, got error %d: %s", text,
              (unsigned long long)expected, (int)err, msg);
    if (err == JF_OK)
        CHECK_MSG(v == expected, "\"%s\": expected %llu, got %llu", text,
                  (unsigned long long)expected, (unsigned long long)v);
}

static void reject(const char *text, uint64_t max, jf_err_t want)
{
    uint64_t v = 12345;
    char msg[JF_MSG_LEN] = "";
    const jf_err_t err = jf_parse_count(text, max, &v, msg, sizeof msg);
    CHECK_MSG(err == want, "\"%s\" (max %llu): expected error %d, got %d (value %llu)", text,
              (unsigned long long)max, (int)want, (int)err, (unsigned long long)v);
    CHECK_MSG(msg[0] != '\0', "\"%s\": rejected without a reason", text);
}

static void check_counts(void)
{
    const uint64_t big = UINT64_MAX;
    accept("1", big, 1);
    accept("42", big, 42);
    accept("007", big, 7);
    accept("350M", big, 350000000ULL);
    accept("1.5G", big, 1500000000ULL);  /* exact, no floating point */
    accept("2T", big, 2000000000000ULL);
    accept("1P", big, 1000000000000000ULL);
    accept("7k", big, 7000);
    accept("1K", big, 1000);
    accept("0.5k", big, 500);
    accept("12.5M", big, 12500000ULL);
    accept("1.234k", big, 1234);
    accept("2.000001G", big, 2000001000ULL);
    accept("1.000000000000001P", big, 1000000000000001ULL);
    accept("18446744073709551615", big, UINT64_MAX);
    accept("1000", 1000, 1000);
    accept("1k", 1000, 1000);
    accept("18446.744073709551615P", big, UINT64_MAX);

    reject("", big, JF_EINVAL);
    reject("abc", big, JF_EINVAL);
    reject("k", big, JF_EINVAL);
    reject(".", big, JF_EINVAL);
    reject("-5", big, JF_EINVAL);
    reject("+5", big, JF_EINVAL);
    reject(" 5", big, JF_EINVAL);
    reject("5 ", big, JF_EINVAL);
    reject("1.5", big, JF_EINVAL);      /* a fraction needs a suffix that makes it whole */
    reject("1.2345k", big, JF_EINVAL);  /* 1234.5 */
    reject("0.0001k", big, JF_EINVAL);
    reject("5X", big, JF_EINVAL);
    reject("5m", big, JF_EINVAL);       /* milli is not a count */
    reject("1e9", big, JF_EINVAL);
    reject("1G5", big, JF_EINVAL);
    reject("1GG", big, JF_EINVAL);
    reject("1.2.3", big, JF_EINVAL);
    reject("0x10", big, JF_EINVAL);
    reject("0", big, JF_ERANGE);
    reject("0k", big, JF_ERANGE);
    reject("0.000P", big, JF_ERANGE);
    reject("1001", 1000, JF_ERANGE);
    reject("2k", 1999, JF_ERANGE);
    reject("1.001k", 1000, JF_ERANGE);
    reject("18446744073709551616", big, JF_ERANGE);          /* 2^64 */
    reject("99999999999999999999999999999999999999999", big, JF_ERANGE);
    reject("20000P", big, JF_ERANGE);                        /* 2e19 > 2^64 */
    reject("18446.744073709551616P", big, JF_ERANGE);

    /* the message quotes the input */
    uint64_t v;
    char msg[JF_MSG_LEN] = "";
    jf_parse_count("12Q", big, &v, msg, sizeof msg);
    CHECK_STR_CONTAINS(msg, "12Q");
    jf_parse_count("2000", 1000, &v, msg, sizeof msg);
    CHECK_STR_CONTAINS(msg, "1000");
}

static void accept_real(const char *text, double expected)
{
    double v = 0;
    char msg[JF_MSG_LEN] = "";
    const jf_err_t err = jf_parse_positive_real(text, &v, msg, sizeof msg);
    CHECK_MSG(err == JF_OK, "\"%s\": expected %g, got error %d: %s", text, expected, (int)err,
              msg);
    if (err == JF_OK)
        CHECK_MSG(v == expected, "\"%s\": expected %.17g, got %.17g", text, expected, v);
}

static void reject_real(const char *text)
{
    double v = 0;
    char msg[JF_MSG_LEN] = "";
    const jf_err_t err = jf_parse_positive_real(text, &v, msg, sizeof msg);
    CHECK_MSG(err != JF_OK, "\"%s\" was accepted as %g", text, v);
    CHECK_MSG(msg[0] != '\0', "\"%s\": rejected without a reason", text);
}

static void check_reals(void)
{
    accept_real("0.1", 0.1);
    accept_real("3e-4", 3e-4);
    accept_real("1", 1.0);
    accept_real("5E2", 500.0);
    accept_real("1e30", 1e30);
    accept_real(".5", 0.5);
    accept_real("2.2250738585072014e-308", DBL_MIN);

    reject_real("");
    reject_real("abc");
    reject_real("0");
    reject_real("0.0");
    reject_real("-1");
    reject_real("-0.5");
    reject_real("nan");
    reject_real("NaN");
    reject_real("inf");
    reject_real("-inf");
    reject_real("infinity");
    reject_real("1e999");
    reject_real("0.1x");
    reject_real("1,5");
    reject_real(" ");
}

int main(void)
{
    check_counts();
    check_reals();
    return JF_TEST_DONE();
}
