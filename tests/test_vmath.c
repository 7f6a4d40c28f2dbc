/* test_vmath: the vectorisable exp of kern/jf_vmath.h (softmax, GELU, the
 * loss) against libm in long double, over the whole range it accepts, at
 * its clamps, and for NaN. Bounds in units of the type's epsilon: 2 (measured 0.67 and 0.79). */
#include <float.h>
#include <math.h>

#include "jf_test.h"
#include "kern/jf_vmath.h"

/* relative error of got against exp(x) in long double, in epsilons */
static double rel_eps(long double got, long double x, double eps)
{
    const long double ref = expl(x);
    return (double)(fabsl(got - ref) / ref) / eps;
}

int main(void)
{
    double worst_f = 0, worst_d = 0;
    /* every argument step of ~1e-4 over the float range it does not clamp */
    for (double x = -87.0; x <= 88.0; x += 1.0 / 8192.0 + 1e-7) {
        const float xf = (float)x;
        const double e = rel_eps(jf_expf(xf), xf, FLT_EPSILON);
        worst_f = e > worst_f ? e : worst_f;
    }
    for (double x = -708.0; x <= 709.0; x += 1.0 / 1024.0 + 1e-9) {
        const double e = rel_eps(jf_exp(x), x, DBL_EPSILON);
        worst_d = e > worst_d ? e : worst_d;
    }
    printf("worst relative error: jf_expf %.2f eps, jf_exp %.2f eps\n", worst_f, worst_d);
    CHECK_LE(worst_f, 2.0);
    CHECK_LE(worst_d, 2.0);

    /* exact points */
    CHECK(jf_expf(0.0f) == 1.0f);
    CHECK(jf_exp(0.0) == 1.0);
    /* the clamps keep 2^k normal: tiny positive and large finite, never 0,
     * inf or garbage from an exponent overflow */
    CHECK(jf_expf(-1000.0f) > 0.0f && jf_expf(-1000.0f) < 1e-37f);
    CHECK(isfinite(jf_expf(1000.0f)) && jf_expf(1000.0f) > 1e38f);
    CHECK(jf_exp(-1e6) > 0.0 && jf_exp(-1e6) < 1e-307);
    CHECK(isfinite(jf_exp(1e6)) && jf_exp(1e6) > 1e307);
    /* a NaN stays NaN (a diverged loss must show as one) */
    CHECK(isnan(jf_expf(NAN)));
    CHECK(isnan(jf_exp(NAN)));
    return JF_TEST_DONE();
}
