/* test_learning: jf_pass_joules (issue #15's energy per validation pass)
 * on hand-made traces whose answers follow from the marks: a node that
 * draws 10 J a row, passes whose own energy is taken out, passes the
 * trace misses (NAN), a trace without a phase start; and the prequential
 * bits and learned fraction against hand sums. */
#include <math.h>

#include "analysis/jf_learning.h"
#include "energy/jf_energy_meter.h"
#include "jf_test.h"

int main(void)
{
    /* rows every 10 J: begin, start (20 J), 2 periodic, pass 0 (50..70),
     * periodic, pass 1 (90..100), stop (110), end */
    const double j[] = {0, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
    const int32_t m[] = {JF_MARK_BEGIN,      JF_MARK_PHASE_START, JF_MARK_NONE,
                         JF_MARK_NONE,       JF_MARK_EVAL_START,  JF_MARK_NONE,
                         JF_MARK_EVAL_STOP,  JF_MARK_NONE,        JF_MARK_EVAL_START,
                         JF_MARK_EVAL_STOP,  JF_MARK_PHASE_STOP,  JF_MARK_END};
    double out[3];
    CHECK_U64_EQ(2, (uint64_t)jf_pass_joules(j, m, 12, out, 3));
    /* pass 0 at 50 J: 30 J of training since 20 J */
    CHECK_NEAR(30.0, out[0], 1e-12);
    /* pass 1 at 90 J: 70 J since the start, less pass 0's own 20 J */
    CHECK_NEAR(50.0, out[1], 1e-12);
    /* a third pass the trace does not hold */
    CHECK_LT(0, isnan(out[2]));
    /* fewer slots than passes: the first ones filled, all counted */
    CHECK_U64_EQ(2, (uint64_t)jf_pass_joules(j, m, 12, out, 1));
    CHECK_NEAR(30.0, out[0], 1e-12);
    /* a pass at the very phase start (before any training): 0 J */
    const int32_t m0[] = {JF_MARK_BEGIN, JF_MARK_PHASE_START, JF_MARK_EVAL_START,
                          JF_MARK_EVAL_STOP, JF_MARK_PHASE_STOP};
    const double j0[] = {0, 5, 5, 9, 12};
    CHECK_U64_EQ(1, (uint64_t)jf_pass_joules(j0, m0, 5, out, 1));
    CHECK_NEAR(0.0, out[0], 1e-12);
    /* no phase start: -1, every slot NAN */
    const int32_t none[] = {JF_MARK_BEGIN, JF_MARK_EVAL_START, JF_MARK_END};
    CHECK_LT(jf_pass_joules(j, none, 3, out, 2), 0);
    CHECK_LT(0, isnan(out[0]) && isnan(out[1]));
    /* marks after the phase stop are not the phase's */
    const int32_t late[] = {JF_MARK_PHASE_START, JF_MARK_PHASE_STOP, JF_MARK_EVAL_START};
    CHECK_U64_EQ(0, (uint64_t)jf_pass_joules(j, late, 3, out, 1));

    /* bits: 2 steps of 100 tokens at vocab 64, losses 3 and 2 nats:
     * 100 ((ln 64 - 3) + (ln 64 - 2)) / ln 2 */
    const double loss[] = {3.0, 2.0};
    CHECK_REL(100.0 * (2 * log(64.0) - 5.0) / log(2.0), jf_prequential_bits(loss, 2, 100, 64),
              1e-12);
    /* learned fraction: halfway from ln 64 to a floor of 1 */
    CHECK_NEAR(0.5, jf_learned_fraction((log(64.0) + 1.0) / 2, 1.0, 64), 1e-12);
    return JF_TEST_DONE();
}
