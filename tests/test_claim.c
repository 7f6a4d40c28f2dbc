/* test_claim: every claim shipped in results/claims/claims.json (compiled
 * in, exactly the file) evaluated against figures computed by hand, with the
 * arithmetic beside each; synthetic claims for the verdicts the shipped file
 * does not reach (impossible, utilisation above 100%, inference, unknown
 * scope); and malformed input, whose one-line error must name the field.
 * k_B = 1.380649e-23 J/K, T = 300 K, so k_B T = 4.141947e-21 J and
 * k_B T ln 2 = 2.870979e-21 J. */
#include "analysis/jf_claim.h"
#include "jf_test.h"

#define RTOL 1e-9

static const jf_claim_opts_t opts300 = {300.0, 0};

static jf_claim_eval_t eval_named(const jf_claim_set_t *s, const jf_hw_table_t *hw,
                                  const char *id, int end)
{
    jf_claim_eval_t e;
    const jf_claim_t *c = jf_claims_find(s, id);
    memset(&e, 0, sizeof e);
    if (c == NULL) {
        fprintf(stderr, "no claim '%s' in the shipped file\n", id);
        e.flops = NAN;
        return e;
    }
    jf_claim_evaluate(c, hw, end, &opts300, &e);
    return e;
}

static int count_result(const jf_claim_eval_t *e, jf_check_result_t r)
{
    int n = 0;
    for (int i = 0; i < e->nchecks; i++)
        n += e->checks[i].result == r;
    return n;
}

static void shipped(void)
{
    jf_hw_table_t hw;
    jf_claim_set_t s;
    char msg[JF_MSG_LEN] = "";
    jf_claim_eval_t e;

    CHECK_MSG(jf_hw_load(NULL, &hw, msg, sizeof msg) == JF_OK, "built-in hardware: %s", msg);
    CHECK_MSG(jf_claims_load(NULL, &hw, &s, msg, sizeof msg) == JF_OK, "built-in claims: %s", msg);
    if (s.n == 0)
        return;
    CHECK_INT_EQ(5, s.n);

    /* Landauer per 16-bit FLOP: 16 x 2.870979e-21 = 4.593566e-20 J */
    const double landauer16 = 4.593566216125958e-20;

    /* GPT-3, Patterson et al.: published 3.14e23 FLOPs on 10,000 V100 for
     * 14.8 days, 1,287 MWh facility energy at PUE 1.10. */
    e = eval_named(&s, &hw, "gpt3-patterson", 0);
    CHECK_INT_EQ(JF_END_ONLY, e.end);
    CHECK(e.flops_published);
    CHECK_REL(3.14e23, e.flops, RTOL);
    CHECK_REL(3.15e23, e.flops_6nd, RTOL);                 /* 6 x 175e9 x 300e9 */
    CHECK_REL(3552000.0, e.hours, RTOL);                   /* 10,000 x 14.8 d x 24 h */
    /* 3.14e23 / (3,552,000 h x 3600 s x 125e12 FLOP/s) = 3.14e23 / 1.5984e24 */
    CHECK_REL(0.19644644644644646, e.mfu, RTOL);
    CHECK_REL(4.6332e12, e.claimed_j, RTOL);               /* 1287 x 3.6e9 J/MWh */
    CHECK_REL(4.212e12, e.it_j, RTOL);                     /* 4.6332e12 / 1.10 */
    CHECK_REL(1.3414012738853502e-11, e.implied_jpf, RTOL); /* 4.212e12 / 3.14e23 */
    CHECK_REL(2.4e-12, e.floor_jpf, RTOL);                 /* 300 W / 125e12 FLOP/s */
    CHECK_REL(329.3918918918919, e.w_per_accel, RTOL);     /* 4.212e12 / (3.552e6 x 3600) */
    CHECK_REL(16.0, e.bits, RTOL);                         /* fp16 */
    CHECK_REL(landauer16, e.landauer_jpf, 1e-6);
    CHECK_REL(21745.22175, e.eq17_j, 1e-6);                /* 100 x 175e9 x 300e9 x k_B T */
    CHECK_REL(434.904435, e.eq16_j, 1e-6);                 /* 2 x 175e9 x 300e9 x k_B T */
    CHECK(!e.estimate);
    CHECK_STR_CONTAINS(e.basis, "PUE 1.1");
    CHECK_INT_EQ(JF_CLAIM_CONSISTENT, e.verdict);
    CHECK_INT_EQ(5, count_result(&e, JF_CHECK_OK));
    /* not hours x board power: 4.212e12 / (3.552e6 h x 3600 x 300 W =
     * 3.83616e12) = 1.098, 9.8 % above, far outside 1 %: a measurement */
    CHECK_REL(4.212e12 / 3.83616e12, e.tdp_ratio, RTOL);
    CHECK(!e.tdp_estimate);
    CHECK(strstr(e.basis, JF_CLAIM_TDP_LABEL) == NULL);

    /* The popular article: 1,200-2,000 kWh, scope unstated (so used as IT
     * energy as it is), same FLOPs and hardware. Both ends implausible. */
    const jf_claim_t *art = jf_claims_find(&s, "gpt3-popular-article");
    CHECK(art != NULL && jf_claim_nends(art) == 2);
    e = eval_named(&s, &hw, "gpt3-popular-article", 0);
    CHECK_INT_EQ(JF_END_LOW, e.end);
    CHECK_REL(4.32e9, e.it_j, RTOL);                       /* 1200 x 3.6e6 J/kWh */
    CHECK_REL(1.3757961783439491e-14, e.implied_jpf, RTOL); /* 4.32e9 / 3.14e23 */
    CHECK_REL(0.33783783783783783, e.w_per_accel, RTOL);   /* 4.32e9 / (3.552e6 h x 3600) */
    CHECK_INT_EQ(JF_CLAIM_IMPLAUSIBLE, e.verdict);
    CHECK_STR_CONTAINS(e.reason, "174x below the V100-SXM2 floor"); /* 2.4e-12 / 1.376e-14 */
    CHECK_STR_CONTAINS(e.basis, "upper bound");
    CHECK_INT_EQ(JF_CHECK_IMPLAUSIBLE, e.checks[1].result);
    CHECK_INT_EQ(1, count_result(&e, JF_CHECK_IMPLAUSIBLE));
    e = eval_named(&s, &hw, "gpt3-popular-article", 1);
    CHECK_INT_EQ(JF_END_HIGH, e.end);
    CHECK_REL(7.2e9, e.it_j, RTOL);                        /* 2000 x 3.6e6 */
    CHECK_REL(2.2929936305732484e-14, e.implied_jpf, RTOL); /* 7.2e9 / 3.14e23 */
    CHECK_INT_EQ(JF_CLAIM_IMPLAUSIBLE, e.verdict);
    CHECK_STR_CONTAINS(e.reason, "105x below");            /* 2.4e-12 / 2.293e-14 = 104.7 */

    /* BLOOM: 6 x 176e9 x 366e9 FLOPs, 1,082,990 A100-hours, 433,196 kWh IT
     * (itself hours x 400 W, so implied = floor / MFU). */
    e = eval_named(&s, &hw, "bloom-176b", 0);
    CHECK(!e.flops_published);
    CHECK_REL(3.86496e23, e.flops, RTOL);
    /* 3.86496e23 / (1,082,990 x 3600 x 312e12 = 1.216414368e24) */
    CHECK_REL(0.3177338332787598, e.mfu, RTOL);
    CHECK_REL(1.5595056e12, e.it_j, RTOL);                 /* 433,196 x 3.6e6 */
    CHECK_REL(4.034985096870343e-12, e.implied_jpf, RTOL); /* 1.5595056e12 / 3.86496e23 */
    CHECK_REL(1.282051282051282e-12, e.floor_jpf, RTOL);   /* 400 / 312e12 */
    CHECK_REL(e.floor_jpf / e.mfu, e.implied_jpf, RTOL);
    CHECK_REL(400.0, e.w_per_accel, RTOL);                 /* 433,196 kWh / 1,082,990 h */
    /* 433,196 kWh = 1,082,990 h x 400 W to the kWh: a TDP-based estimate */
    CHECK_REL(1.0, e.tdp_ratio, 1e-6);
    CHECK(e.tdp_estimate);
    CHECK_STR_EQ("IT energy as claimed; TDP-based estimate, not a measurement", e.basis);
    CHECK_INT_EQ(JF_CLAIM_CONSISTENT, e.verdict);

    /* LLaMA-65B: 6 x 65.2e9 x 1.4e12 FLOPs, 1,022,362 A100-hours, 449 MWh
     * facility at PUE 1.1. */
    e = eval_named(&s, &hw, "llama-65b", 0);
    CHECK_REL(5.4768e23, e.flops, RTOL);
    /* 5.4768e23 / (1,022,362 x 3600 x 312e12 = 1.14831699e24) */
    CHECK_REL(0.47694147240100626, e.mfu, RTOL);
    CHECK_REL(1.4694545454545454e12, e.it_j, RTOL);        /* 449 x 3.6e9 / 1.1 */
    CHECK_REL(2.6830531431758425e-12, e.implied_jpf, RTOL); /* 1.46945e12 / 5.4768e23 */
    CHECK_REL(1.282051282051282e-12, e.floor_jpf, RTOL);
    CHECK_INT_EQ(JF_CLAIM_CONSISTENT, e.verdict);
    /* 449 MWh = 1,022,362 h x 400 W x PUE 1.1 (449.84 MWh) within 0.19 %:
     * 1.4694545e12 / 1.47220128e12 = 0.998134 */
    CHECK_REL(1.4694545454545454e12 / 1.47220128e12, e.tdp_ratio, RTOL);
    CHECK(e.tdp_estimate);
    CHECK_STR_CONTAINS(e.basis, "; TDP-based estimate, not a measurement");

    /* DeepSeek-V3: 6 x 37e9 (active) x 14.8e12 FLOPs on H800 at the FP8
     * peak 1978.9e12, 2.788e6 GPU-hours, no energy: an ESTIMATE. */
    e = eval_named(&s, &hw, "deepseek-v3", 0);
    CHECK_REL(3.2856e24, e.flops, RTOL);
    /* 3.2856e24 / (2.788e6 x 3600 x 1978.9e12 = 1.98618235e25) */
    CHECK_REL(0.16542287754654258, e.mfu, RTOL);
    CHECK(e.estimate);
    CHECK(isnan(e.claimed_j));
    CHECK_REL(7.02576e12, e.it_j, RTOL);                   /* 2.788e6 h x 3600 x 700 W */
    CHECK_REL(2.1383491599707818e-12, e.implied_jpf, RTOL); /* 7.02576e12 / 3.2856e24 */
    CHECK_REL(3.537318712415989e-13, e.floor_jpf, RTOL);   /* 700 / 1978.9e12 */
    CHECK_REL(8.0, e.bits, RTOL);                          /* fp8 */
    CHECK_REL(2.296783108062979e-20, e.landauer_jpf, 1e-6); /* 8 x k_B T ln 2 */
    CHECK_REL(226813.01772, e.eq17_j, 1e-6);               /* 100 x 37e9 x 14.8e12 x k_B T */
    CHECK_REL(82265.6945352, e.eq16_j, 1e-6);              /* 2 x 671e9 x 14.8e12 x k_B T */
    CHECK_STR_CONTAINS(e.basis, "ESTIMATE");
    CHECK_INT_EQ(JF_CLAIM_CONSISTENT, e.verdict);
    CHECK_INT_EQ(JF_CHECK_OK, e.checks[0].result);         /* utilisation 16.5% */
    CHECK_INT_EQ(4, count_result(&e, JF_CHECK_NOT_CHECKED));

    /* every reason fits one table cell */
    for (int i = 0; i < s.n; i++)
        for (int end = 0; end < jf_claim_nends(&s.claims[i]); end++) {
            jf_claim_evaluate(&s.claims[i], &hw, end, &opts300, &e);
            CHECK_MSG(strlen(e.reason) < JF_CLAIM_TEXT_LEN, "%s: reason too long: %s",
                      s.claims[i].id, e.reason);
        }
    jf_claims_free(&s);
    jf_hw_free(&hw);
}

/* A two-entry hardware table for the synthetic claims. */
static const char *hw_json =
    "{\"schema\": \"jflop-hardware\", \"schema_version\": \"1.0\", \"hardware\": ["
    " {\"id\": \"X1\", \"board_power_w\": {\"value\": 500, \"source\": \"s\"},"
    "  \"peak_flop_per_s\": {\"bf16\": {\"value\": 1e15, \"source\": \"s\"},"
    "                        \"fp32\": {\"value\": 5e13, \"source\": \"s\"}}},"
    " {\"id\": \"X2\", \"board_power_w\": {\"value\": 100, \"source\": \"s\"},"
    "  \"peak_flop_per_s\": {\"fp16\": {\"value\": 1e14, \"source\": \"s\"}}}]}";

#define FIG(v) "{\"value\": " #v ", \"source\": \"s\"}"

static const char *synthetic_json =
    "{\"schema\": \"jflop-claims\", \"schema_version\": \"1.0\", \"claims\": ["
    /* 1e20 FLOPs in 1 kJ */
    " {\"id\": \"tiny\", \"model\": \"m\", \"flops\": " FIG(1e20) ","
    "  \"hardware\": {\"id\": \"X1\", \"precision\": \"bf16\", \"source\": \"s\"},"
    "  \"accelerator_hours\": " FIG(1) ","
    "  \"energy\": {\"value\": 1, \"unit\": \"kJ\", \"scope\": \"it\", \"source\": \"s\"}},"
    " {\"id\": \"fast\", \"model\": \"m\", \"params\": " FIG(1e9) ", \"tokens\": " FIG(1e10) ","
    "  \"hardware\": {\"id\": \"X1\", \"precision\": \"bf16\", \"source\": \"s\"},"
    "  \"accelerators\": " FIG(10) ", \"duration\": {\"value\": 30, \"unit\": \"min\", \"source\": \"s\"},"
    "  \"energy\": {\"value\": 10, \"unit\": \"GJ\", \"scope\": \"facility\", \"source\": \"s\"}},"
    " {\"id\": \"serve\", \"model\": \"m\", \"kind\": \"inference\","
    "  \"params\": " FIG(7e10) ", \"tokens\": " FIG(1e6) ","
    "  \"hardware\": {\"id\": \"X2\", \"precision\": \"fp16\", \"source\": \"s\"},"
    "  \"energy\": {\"value\": 4e6, \"unit\": \"J\", \"source\": \"s\"}}]}";

static void synthetic(void)
{
    jf_hw_table_t hw;
    jf_claim_set_t s;
    jf_claim_eval_t e;
    char msg[JF_MSG_LEN] = "";

    if (jf_hw_parse(hw_json, "hw.json", &hw, msg, sizeof msg) != JF_OK) {
        CHECK_MSG(0, "hw.json: %s", msg);
        return;
    }
    if (jf_claims_parse(synthetic_json, "syn.json", &hw, &s, msg, sizeof msg) != JF_OK) {
        CHECK_MSG(0, "syn.json: %s", msg);
        jf_hw_free(&hw);
        return;
    }

    /* tiny: 1 kJ / 1e20 FLOPs = 1e-17 J/FLOP, below the floor 500 / 1e15 =
     * 5e-13, above Landauer (16 x 2.871e-21 = 4.59e-20): implausible. With
     * --bits 1e5 (Landauer 2.871e-16 J/FLOP) it is impossible. */
    jf_claim_evaluate(jf_claims_find(&s, "tiny"), &hw, 0, &opts300, &e);
    CHECK_REL(1e-17, e.implied_jpf, RTOL);
    CHECK_REL(5e-13, e.floor_jpf, RTOL);
    CHECK_INT_EQ(JF_CLAIM_IMPLAUSIBLE, e.verdict);
    /* utilisation 1e20 / (1 h x 3600 x 1e15) = 2.78%: fine */
    CHECK_REL(1e20 / 3.6e18, e.mfu, RTOL);
    jf_claim_opts_t big_bits = {300.0, 1e5};
    jf_claim_evaluate(jf_claims_find(&s, "tiny"), &hw, 0, &big_bits, &e);
    CHECK_REL(1e5 * 2.870978885e-21, e.landauer_jpf, 1e-6);
    CHECK_INT_EQ(JF_CLAIM_IMPOSSIBLE, e.verdict);
    CHECK_STR_CONTAINS(e.reason, "below Landauer");
    CHECK_STR_CONTAINS(e.reason, "and more");              /* the floor failed too */
    /* Eq. 17/16 need params and tokens: tiny gives FLOPs only */
    CHECK_INT_EQ(JF_CHECK_NOT_CHECKED, e.checks[3].result);
    CHECK_STR_CONTAINS(e.checks[3].why, "params or tokens");

    /* fast: 6 x 1e9 x 1e10 = 6e19 FLOPs on 10 x X1 for 30 min = 5 h:
     * 6e19 / (5 x 3600 x 1e15 = 1.8e19) = 3.33, 333% utilisation:
     * implausible. Facility energy without PUE: 10 GJ used as IT as it is. */
    jf_claim_evaluate(jf_claims_find(&s, "fast"), &hw, 0, &opts300, &e);
    CHECK_REL(6e19, e.flops, RTOL);
    CHECK_REL(5.0, e.hours, RTOL);
    CHECK_REL(3.3333333333333335, e.mfu, RTOL);
    CHECK_REL(1e10, e.it_j, RTOL);
    CHECK_STR_CONTAINS(e.basis, "PUE not stated");
    CHECK_INT_EQ(JF_CLAIM_IMPLAUSIBLE, e.verdict);
    CHECK_STR_CONTAINS(e.reason, "utilisation 333%");
    /* at 1 K the Eq. 17 bound is 1e2 x 1e9 x 1e10 x 1.380649e-23 = 0.01380649 J */
    jf_claim_opts_t cold = {1.0, 0};
    jf_claim_evaluate(jf_claims_find(&s, "fast"), &hw, 0, &cold, &e);
    CHECK_REL(0.01380649, e.eq17_j, 1e-9);

    /* serve: inference, 2 x 7e10 x 1e6 = 1.4e17 FLOPs, 4 MJ of unstated
     * scope: 2.857e-11 J/FLOP against X2's floor 100 / 1e14 = 1e-12. No
     * hours: utilisation not checked; Eq. 16/17 are training bounds. */
    jf_claim_evaluate(jf_claims_find(&s, "serve"), &hw, 0, &opts300, &e);
    CHECK_REL(1.4e17, e.flops, RTOL);
    CHECK_REL(4e6 / 1.4e17, e.implied_jpf, RTOL);
    CHECK(isnan(e.mfu));
    CHECK(isnan(e.eq17_j));
    CHECK_INT_EQ(JF_CLAIM_CONSISTENT, e.verdict);
    CHECK_INT_EQ(JF_CHECK_NOT_CHECKED, e.checks[0].result);
    CHECK_STR_CONTAINS(e.checks[4].why, "inference");
    CHECK_STR_CONTAINS(e.reason, "no hours");
    jf_claims_free(&s);
    jf_hw_free(&hw);
}

/* One malformed claim: parsing fails and the message names the field. */
static void bad_claim(const jf_hw_table_t *hw, const char *claim_body, const char *want)
{
    char json[2048], msg[JF_MSG_LEN] = "";
    jf_claim_set_t s;
    snprintf(json, sizeof json, "{\"schema\": \"jflop-claims\", \"schema_version\": \"1.0\", \"claims\": [%s]}", claim_body);
    CHECK_MSG(jf_claims_parse(json, "bad.json", hw, &s, msg, sizeof msg) != JF_OK,
              "accepted: %s", claim_body);
    CHECK_STR_CONTAINS(msg, "bad.json");
    CHECK_STR_CONTAINS(msg, want);
    CHECK_MSG(strchr(msg, '\n') == NULL, "more than one line: %s", msg);
}

#define HW_X1 "\"hardware\": {\"id\": \"X1\", \"precision\": \"bf16\", \"source\": \"s\"}"
#define OK_E "\"energy\": {\"value\": 5, \"unit\": \"kWh\", \"source\": \"s\"}"
#define OK_FLOPS "\"flops\": " FIG(1e20)

static void malformed(void)
{
    jf_hw_table_t hw;
    char msg[JF_MSG_LEN] = "";
    if (jf_hw_parse(hw_json, "hw.json", &hw, msg, sizeof msg) != JF_OK) {
        CHECK_MSG(0, "hw.json: %s", msg);
        return;
    }
    /* the good one parses */
    jf_claim_set_t s;
    char good[1024];
    snprintf(good, sizeof good, "{\"schema\": \"jflop-claims\", \"schema_version\": \"1.0\", \"claims\": [{\"id\": \"a\", "
             "\"model\": \"m\", %s, %s, %s}]}", OK_FLOPS, HW_X1, OK_E);
    CHECK_MSG(jf_claims_parse(good, "good.json", &hw, &s, msg, sizeof msg) == JF_OK, "%s", msg);
    jf_claims_free(&s);

    bad_claim(&hw, "{\"model\": \"m\", " OK_FLOPS ", " HW_X1 ", " OK_E "}", "field 'id'");
    bad_claim(&hw, "{\"id\": \"a\", " OK_FLOPS ", " HW_X1 ", " OK_E "}", "(a): field 'model'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " HW_X1 ", " OK_E "}", "field 'flops'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", \"flops\": {\"value\": \"many\", "
                   "\"source\": \"s\"}, " HW_X1 ", " OK_E "}", "field 'flops.value' is not a number");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", \"flops\": {\"value\": 1e20}, " HW_X1 ", "
                   OK_E "}", "field 'flops.source'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " OK_E "}", "field 'hardware'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", \"hardware\": {\"id\": \"Z9\", "
                   "\"precision\": \"bf16\", \"source\": \"s\"}, " OK_E "}",
              "field 'hardware.id': unknown hardware 'Z9'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", \"hardware\": {\"id\": \"X2\", "
                   "\"precision\": \"bf16\", \"source\": \"s\"}, " OK_E "}",
              "field 'hardware.precision': X2 has no bf16 peak");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", \"energy\": "
                   "{\"value\": -5, \"unit\": \"kWh\", \"source\": \"s\"}}",
              "field 'energy.value' = -5 is negative");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", \"energy\": "
                   "{\"value\": 5, \"unit\": \"kwh\", \"source\": \"s\"}}",
              "field 'energy.unit': 'kwh' is not a unit");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", \"energy\": "
                   "{\"value\": 5, \"unit\": \"kWh\", \"scope\": \"grid\", \"source\": \"s\"}}",
              "field 'energy.scope'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", \"energy\": "
                   "{\"min\": 5, \"max\": 2, \"unit\": \"kWh\", \"source\": \"s\"}}",
              "field 'energy.max' = 2 is below 'energy.min' = 5");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", "
                   "\"accelerator_hours\": " FIG(0) ", " OK_E "}",
              "field 'accelerator_hours.value' = 0 is zero");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", "
                   "\"accelerators\": " FIG(8) ", " OK_E "}", "field 'duration' is missing");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", "
                   "\"accelerators\": " FIG(8) ", \"duration\": {\"value\": 2, \"unit\": "
                   "\"weeks\", \"source\": \"s\"}, " OK_E "}", "field 'duration.unit': 'weeks'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", " OK_E ", "
                   "\"pue\": " FIG(0.9) "}", "field 'pue.value' = 0.9");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 "}",
              "field 'energy' is missing, and so are 'accelerator_hours'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", " OK_FLOPS ", " HW_X1 ", " OK_E ", "
                   "\"acelerator_hours\": " FIG(5) "}", "field 'acelerator_hours' is not a claim field");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", \"params\": " FIG(1e9) ", \"active_params\": "
                   FIG(2e9) ", \"tokens\": " FIG(1e9) ", " HW_X1 ", " OK_E "}",
              "field 'active_params' = 2e+09 is above 'params'");
    bad_claim(&hw, "{\"id\": \"a\", \"model\": \"m\", \"kind\": \"finetune\", " OK_FLOPS ", "
                   HW_X1 ", " OK_E "}", "field 'kind'");

    /* the whole file */
    CHECK(jf_claims_parse("{\"schema\": \"jflop-claims\", \"schema_version\": \"1.0\", \"claims\": [",
                          "cut.json", &hw, &s, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "cut.json: not JSON");
    CHECK(jf_claims_parse("{\"claims\": []}", "x.json", &hw, &s, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "x.json: field 'schema'");
    CHECK(jf_claims_parse("{\"schema\": \"jflop-claims\", \"schema_version\": \"1.0\", \"claims\": []}", "e.json", &hw, &s, msg,
                          sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "e.json: field 'claims'");
    snprintf(good, sizeof good, "{\"schema\": \"jflop-claims\", \"schema_version\": \"1.0\", \"claims\": [{\"id\": \"a\", "
             "\"model\": \"m\", %s, %s, %s}, {\"id\": \"a\", \"model\": \"m\", %s, %s, %s}]}",
             OK_FLOPS, HW_X1, OK_E, OK_FLOPS, HW_X1, OK_E);
    CHECK(jf_claims_parse(good, "dup.json", &hw, &s, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "dup.json: claims[1] (a): field 'id': 'a' is given twice");

    /* hardware tables */
    jf_hw_table_t h2;
    CHECK(jf_hw_parse("{\"schema\": \"jflop-hardware\", \"schema_version\": \"1.0\", \"hardware\": [{\"id\": \"Y\", "
                      "\"board_power_w\": {\"value\": -1, \"source\": \"s\"}, "
                      "\"peak_flop_per_s\": {\"fp16\": " FIG(1e14) "}}]}",
                      "h.json", &h2, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "h.json: hardware[0] (Y): field 'board_power_w.value' = -1");
    CHECK(jf_hw_parse("{\"schema\": \"jflop-hardware\", \"schema_version\": \"1.0\", \"hardware\": [{\"id\": \"Y\", "
                      "\"board_power_w\": " FIG(100) ", "
                      "\"peak_flop_per_s\": {\"fp12\": " FIG(1e14) "}}]}",
                      "h.json", &h2, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "field 'peak_flop_per_s.fp12': 'fp12' is not a precision");
    CHECK(jf_hw_parse("{\"schema\": \"jflop-hardware\", \"schema_version\": \"1.0\", \"hardware\": [{\"id\": \"Y\", "
                      "\"board_power_w\": " FIG(100) "}]}", "h.json", &h2, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "field 'peak_flop_per_s' is missing");
    CHECK(jf_hw_load("/nonexistent/hw.json", &h2, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "/nonexistent/hw.json: cannot open it");
    jf_hw_free(&hw);
}

int main(void)
{
    shipped();
    synthetic();
    malformed();
    return JF_TEST_DONE();
}
