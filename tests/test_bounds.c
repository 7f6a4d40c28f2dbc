/* test_bounds: the thermodynamic bounds against figures computed by hand
 * from the constants (k_B = 1.380649e-23 J/K exactly), and the paper's own
 * round numbers where the paper states them. */
#include "analysis/jf_bounds.h"
#include "jf_test.h"

int main(void)
{
    /* k_B T ln 2 at 300 K: 1.380649e-23 * 300 * 0.69314718056 */
    const double bit300 = 1.380649e-23 * 300.0 * 0.69314718055994531;
    CHECK_REL(2.8709789e-21, jf_landauer_bit(300), 1e-7);
    CHECK_REL(bit300, jf_landauer_bit(300), 1e-15);
    /* the paper: a 16-bit FLOP at the Landauer limit is "roughly 5e-20 J" */
    CHECK_REL(4.5935662e-20, jf_landauer_flop(16, 300), 1e-7);
    CHECK(jf_landauer_flop(16, 300) > 4e-20 && jf_landauer_flop(16, 300) < 6e-20);
    /* scales linearly in bits and temperature */
    CHECK_REL(2 * jf_landauer_flop(32, 150), jf_landauer_flop(64, 150), 1e-15);
    CHECK_REL(jf_landauer_bit(77) * 300 / 77, jf_landauer_bit(300), 1e-15);

    /* Eq. 16: 2 N D k_B T; N = 1e9, D = 2e10, 300 K -> 1.6567788e-1 J */
    CHECK_REL(2.0 * 1e9 * 2e10 * 1.380649e-23 * 300, jf_bound_training_analog(1e9, 2e10, 300),
              1e-15);
    CHECK_REL(0.16567788, jf_bound_training_analog(1e9, 2e10, 300), 1e-7);
    /* Eq. 17: 1e2 N_a D k_B T is 50x Eq. 16 when N_a = N */
    CHECK_REL(50 * jf_bound_training_analog(3e9, 1e6, 310),
              jf_bound_training_digital(3e9, 1e6, 310), 1e-15);
    /* Eq. 5: k_B T nu_a (1 + ln(nu/nu_a)); nu = nu_a gives k_B T nu */
    CHECK_REL(1.380649e-23 * 300 * 1000, jf_bound_inference_dynamic(1000, 1000, 300), 1e-15);
    CHECK_REL(1.380649e-23 * 300 * 10 * (1 + log(100.0)),
              jf_bound_inference_dynamic(1000, 10, 300), 1e-15);

    /* Eq. 19: T/T* and 1 + (T/T* - 1)/eta */
    CHECK_REL(300.0 / 77.0, jf_cooling_factor_carnot(300, 77), 1e-15);
    CHECK_REL(1.0 + (300.0 / 4.2 - 1.0) / 0.1, jf_cooling_factor_practical(300, 4.2, 0.1), 1e-15);
    CHECK_REL(jf_cooling_factor_carnot(300, 77), jf_cooling_factor_practical(300, 77, 1.0), 1e-15);
    CHECK_REL(1.0, jf_cooling_factor_practical(300, 300, 0.3), 1e-15);
    /* cooling cannot beat the bound: Landauer at T* times T/T* equals Landauer at T */
    CHECK_REL(jf_landauer_bit(300),
              jf_landauer_bit(4.2) * jf_cooling_factor_carnot(300, 4.2), 1e-14);

    /* Table 1 recomputed: the Eq. 5 and Eq. 16 rows land on the paper's
     * 1e-14 and 5e-9 J/token within the paper's one significant figure;
     * the Landauer rows are reported with the paper's figure beside them */
    jf_table1_row_t rows[8];
    const int n = jf_paper_table1(rows, 8);
    CHECK(n >= 5);
    int seen_eq5 = 0, seen_eq16 = 0, seen_landauer = 0;
    for (int i = 0; i < n; i++) {
        CHECK(rows[i].assumptions != NULL && rows[i].assumptions[0] != '\0');
        if (strstr(rows[i].column, "Eq. 5")) {
            seen_eq5 = 1;
            /* nu = 80 (8192 + 22016) = 2416640 */
            CHECK_REL(1.380649e-23 * 300 * 2416640.0, rows[i].computed, 1e-12);
            CHECK(fabs(log10(rows[i].computed / rows[i].paper)) < 0.3);
        }
        if (strstr(rows[i].column, "Eq. 16")) {
            seen_eq16 = 1;
            CHECK_REL(2 * 671e9 * 1.380649e-23 * 300, rows[i].computed, 1e-12);
            CHECK(fabs(log10(rows[i].computed / rows[i].paper)) < 0.3);
        }
        if (strcmp(rows[i].column, "Landauer limit") == 0) {
            seen_landauer++;
            CHECK(rows[i].paper > 0 && rows[i].computed > 0);
            /* where they differ by more than the paper's rounding, the row says why */
            if (fabs(log10(rows[i].computed / rows[i].paper)) > 0.3)
                CHECK(rows[i].explanation[0] != '\0');
        }
    }
    CHECK(seen_eq5 && seen_eq16 && seen_landauer == 2);
    return JF_TEST_DONE();
}
