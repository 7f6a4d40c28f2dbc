/* test_data_rng: the counter RNG and the synthetic data. A sequence must be
 * the same whether generated alone or inside a larger batch (that is what
 * makes every split of the global batch over ranks see the same data), the
 * targets must be the next tokens, and the language must follow the
 * permutation 7 times in 8. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jf_rng.h"
#include "train/jf_data.h"

#include "jf_test.h"

/* SplitMix64 (Steele, Lea and Flood 2014) as its authors publish it: a state
 * advanced by the golden ratio, then the finaliser. jf_rng_u64(key, c) must
 * be output number c+1 of the generator seeded with key. */
static uint64_t splitmix64_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void check_rng(void)
{
    /* the published first output of SplitMix64 seeded with 0 */
    CHECK_U64_EQ(0xE220A8397B1DCDAFULL, jf_rng_u64(0, 0));
    static const uint64_t seeds[] = {0, 1, 42, 0xDEADBEEFCAFEF00DULL, UINT64_MAX};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        uint64_t state = seeds[s];
        for (uint64_t c = 0; c < 1000; c++) {
            const uint64_t want = splitmix64_next(&state);
            if (jf_rng_u64(seeds[s], c) != want) {
                CHECK_MSG(0, "jf_rng_u64(%llu, %llu) = %llx, SplitMix64 says %llx",
                          (unsigned long long)seeds[s], (unsigned long long)c,
                          (unsigned long long)jf_rng_u64(seeds[s], c),
                          (unsigned long long)want);
                break;
            }
        }
    }
    /* a pure function of (key, counter) */
    CHECK_U64_EQ(jf_rng_u64(77, 12345), jf_rng_u64(77, 12345));
    CHECK(jf_rng_u64(77, 12345) != jf_rng_u64(77, 12346));
    CHECK(jf_rng_u64(77, 12345) != jf_rng_u64(78, 12345));
    CHECK_U64_EQ(jf_rng_key(5, 3), jf_rng_key(5, 3));
    CHECK(jf_rng_key(5, 3) != jf_rng_key(5, 4));
    CHECK(jf_rng_key(5, 3) != jf_rng_key(6, 3));

    /* uniform in [0, 1), mean 1/2, variance 1/12; normal mean 0, variance 1 */
    const int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0, umin = 1, umax = 0;
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const double u = jf_rng_uniform(9, (uint64_t)i);
        const double z = jf_rng_normal(9, (uint64_t)i);
        bad += !(u >= 0 && u < 1) || !isfinite(z);
        umin = fmin(umin, u);
        umax = fmax(umax, u);
        su += u;
        su2 += u * u;
        sn += z;
        sn2 += z * z;
    }
    CHECK_INT_EQ(0, bad);
    CHECK_NEAR(0.5, su / n, 0.005);
    CHECK_NEAR(1.0 / 12, su2 / n - (su / n) * (su / n), 0.002);
    CHECK_LT(umin, 1e-3);
    CHECK_LT(1 - 1e-3, umax);
    CHECK_NEAR(0.0, sn / n, 0.01);
    CHECK_NEAR(1.0, sn2 / n - (sn / n) * (sn / n), 0.02);
    CHECK_NEAR(jf_rng_normal(9, 17), jf_rng_normal(9, 17), 0);
}

static void check_data(uint64_t seed, int64_t vocab, int64_t ctx)
{
    jf_data_t data;
    /* at least 20000 transitions: the statistics below hold to 4 sigma */
    const int64_t nseq = 20000 / ctx + 600;
    int32_t *tok = NULL, *tgt = NULL, *one_tok = NULL, *one_tgt = NULL;
    int *seen = NULL;

    fprintf(stderr, "data: seed %llu vocab %lld ctx %lld\n", (unsigned long long)seed,
            (long long)vocab, (long long)ctx);
    CHECK_INT_EQ(JF_OK, jf_data_init(&data, seed, vocab, ctx));
    tok = malloc((size_t)(nseq * ctx) * sizeof *tok);
    tgt = malloc((size_t)(nseq * ctx) * sizeof *tgt);
    one_tok = malloc((size_t)(nseq * ctx) * sizeof *tok);
    one_tgt = malloc((size_t)(nseq * ctx) * sizeof *tgt);
    seen = calloc((size_t)vocab, sizeof *seen);
    if (!(tok && tgt && one_tok && one_tgt && seen)) {
        CHECK_MSG(0, "out of memory");
        goto cleanup;
    }
    CHECK_INT_EQ(vocab, data.vocab);
    CHECK_INT_EQ(ctx, data.ctx);

    /* perm is a permutation of 0..vocab-1 */
    for (int64_t i = 0; i < vocab; i++)
        if (data.perm[i] >= 0 && data.perm[i] < vocab)
            seen[data.perm[i]]++;
    int perm_ok = 1;
    for (int64_t i = 0; i < vocab; i++)
        perm_ok &= seen[i] == 1;
    CHECK_MSG(perm_ok, "perm is not a permutation of 0..%lld", (long long)vocab - 1);

    /* sequences 1000..1599 in one call */
    jf_data_fill(&data, 1000, nseq, tok, tgt);
    /* ... are the same one at a time, and in uneven chunks (rank splits) */
    for (int64_t s = 0; s < nseq; s++)
        jf_data_fill(&data, 1000 + (uint64_t)s, 1, one_tok + s * ctx, one_tgt + s * ctx);
    CHECK_MSG(memcmp(tok, one_tok, (size_t)(nseq * ctx) * sizeof *tok) == 0 &&
                  memcmp(tgt, one_tgt, (size_t)(nseq * ctx) * sizeof *tgt) == 0,
              "a sequence differs when generated alone");
    memset(one_tok, 0xff, (size_t)(nseq * ctx) * sizeof *tok);
    memset(one_tgt, 0xff, (size_t)(nseq * ctx) * sizeof *tgt);
    for (int64_t s = 0, chunk = 1; s < nseq; s += chunk, chunk = chunk % 7 + 1) {
        const int64_t k = s + chunk <= nseq ? chunk : nseq - s;
        jf_data_fill(&data, 1000 + (uint64_t)s, k, one_tok + s * ctx, one_tgt + s * ctx);
    }
    CHECK_MSG(memcmp(tok, one_tok, (size_t)(nseq * ctx) * sizeof *tok) == 0 &&
                  memcmp(tgt, one_tgt, (size_t)(nseq * ctx) * sizeof *tgt) == 0,
              "a sequence differs when generated in chunks");
    /* and again identical on a second call (a pure function of seed and index) */
    jf_data_fill(&data, 1000, nseq, one_tok, one_tgt);
    CHECK(memcmp(tok, one_tok, (size_t)(nseq * ctx) * sizeof *tok) == 0);

    /* tokens in range; targets are the next tokens; 7/8 follow perm */
    int64_t out_of_range = 0, not_next = 0, follows = 0, transitions = 0, differ = 0;
    double xent = 0, xent2 = 0;
    const double p_perm = 7.0 / 8 + 1.0 / (8.0 * (double)vocab), p_other = 1.0 / (8.0 * (double)vocab);
    for (int64_t s = 0; s < nseq; s++)
        for (int64_t t = 0; t < ctx; t++) {
            const int64_t i = s * ctx + t;
            out_of_range += tok[i] < 0 || tok[i] >= vocab || tgt[i] < 0 || tgt[i] >= vocab;
            if (tok[i] < 0 || tok[i] >= vocab)
                continue;
            if (t + 1 < ctx)
                not_next += tgt[i] != tok[i + 1];
            const int f = tgt[i] == data.perm[tok[i]];
            follows += f;
            transitions++;
            /* the ideal predictor's loss on this transition */
            const double loss = -log(f ? p_perm : p_other);
            xent += loss;
            xent2 += loss * loss;
            if (s > 0)
                differ += tok[i] != tok[i - ctx];
        }
    CHECK_INT_EQ(0, out_of_range);
    CHECK_INT_EQ(0, not_next);
    const double frac = (double)follows / (double)transitions;
    fprintf(stderr, "  %lld transitions, %.4f follow perm (expected %.4f)\n",
            (long long)transitions, frac, p_perm);
    CHECK_NEAR(p_perm, frac, 0.01);
    /* the documented floor matches the data's empirical cross-entropy under
     * the ideal predictor */
    const double H = jf_data_entropy(&data);
    const double mean = xent / (double)transitions;
    const double sd = sqrt(fmax(0, xent2 / (double)transitions - mean * mean));
    CHECK_NEAR(mean, H, 5 * sd / sqrt((double)transitions) + 1e-3);
    CHECK_LT(0, H);
    CHECK_LT(H, log((double)vocab));
    /* sequences are not copies of each other */
    if (vocab >= 10)
        CHECK(differ > transitions / 2);

    /* another seed gives other data */
    jf_data_t other;
    CHECK_INT_EQ(JF_OK, jf_data_init(&other, seed + 1, vocab, ctx));
    jf_data_fill(&other, 1000, nseq, one_tok, one_tgt);
    CHECK(memcmp(tok, one_tok, (size_t)(nseq * ctx) * sizeof *tok) != 0);
    CHECK(memcmp(data.perm, other.perm, (size_t)vocab * sizeof *data.perm) != 0 || vocab < 3);
    jf_data_free(&other);
    CHECK(other.perm == NULL);

cleanup:
    jf_data_free(&data);
    free(tok);
    free(tgt);
    free(one_tok);
    free(one_tgt);
    free(seen);
}

int main(void)
{
    check_rng();
    check_data(1, 64, 32);
    check_data(7, 50, 16);
    check_data(123456789, 1000, 5);
    check_data(3, 2, 8);
    return JF_TEST_DONE();
}
