/* test_gradcheck: the model's analytic gradients are the derivatives of its
 * loss. Runs the library's own check (jf_verify_gradients), then an
 * independent central-difference check written here on a different shape
 * and data, with negative controls proving the comparison can fail; and the
 * documented gradient contract (overwritten each call, linear in loss_scale,
 * fp32 agreeing with fp64). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jf_ledger.h"
#include "core/jf_shape.h"
#include "train/jf_model.h"
#include "train/jf_train.h"
#include "train/jf_verify.h"

#include "jf_test.h"

#define TOL 1e-6

/* max over the sampled weights of |g - g_fd|, divided by max |g| */
static double compare(const double *g, const double *fd, size_t n, size_t *worst)
{
    double dmax = 0, gmax = 0;
    *worst = 0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs(g[i] - fd[i]);
        if (isnan(d)) {  /* fmax would drop a NaN: it is the worst there is */
            *worst = i;
            return INFINITY;
        }
        if (d > dmax) {
            dmax = d;
            *worst = i;
        }
        gmax = fmax(gmax, fabs(g[i]));
    }
    return gmax > 0 ? dmax / gmax : INFINITY;
}

static void check_library_verify(void)
{
    for (int threads = 1; threads <= 2; threads++) {
        const jf_check_t c = jf_verify_gradients(threads);
        fprintf(stderr, "jf_verify_gradients(%d): %s\n", threads, c.detail);
        CHECK_STR_EQ("gradients", c.name);
        CHECK_INT_EQ(1, c.ran);
        CHECK_INT_EQ(1, c.pass);
        CHECK_LT(c.value, 1e-6);
        CHECK(c.value >= 0);
        CHECK_LE(c.threshold, 1e-6);
    }
}

/* The replicas check (jflop-run's "weights identical on all ranks") rests
 * on jf_weights_hash: equal weights hash equal, and one flipped bit in any
 * word, lane or the tail changes the hash. */
static void check_weights_hash(jf_model_t *m)
{
    unsigned char *w = jf_model_weights(m);
    const size_t bytes = (size_t)jf_model_nweights(m) * sizeof(double);
    const uint64_t h = jf_weights_hash(m);
    CHECK(h == jf_weights_hash(m));
    const size_t at[] = {0, 7, 8, 15, 16, 31, bytes / 2, bytes - 9, bytes - 1};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++)
        for (int bit = 0; bit < 8; bit += 7) {
            w[at[i]] ^= (unsigned char)(1u << bit);
            CHECK_MSG(jf_weights_hash(m) != h, "a flipped bit %d of byte %zu kept the hash", bit,
                      at[i]);
            w[at[i]] ^= (unsigned char)(1u << bit);
        }
    CHECK(h == jf_weights_hash(m));
}

int main(void)
{
    /* layers d_model heads ctx ff vocab: not jf_verify_gradients's shape */
    const jf_shape_t shape = {2, 12, 3, 6, 20, 9};
    const int64_t batch = 2, T = batch * shape.ctx;
    int32_t tok[12], tgt[12];
    jf_model_t *m = NULL, *m32 = NULL;
    jf_ledger_t ledger;
    char msg[JF_MSG_LEN] = "";
    double *g = NULL, *fd = NULL, *gbad = NULL, *grad_all = NULL;
    size_t *idx = NULL;

    check_library_verify();

    jf_ledger_clear(&ledger);
    JF_TEST_REQUIRE(jf_model_create(&shape, batch, JF_FP64, 1, 2024, &m, msg, sizeof msg) ==
                    JF_OK);
    /* the test's own data: every token of the vocabulary appears, targets
     * unrelated to tokens */
    for (int64_t t = 0; t < T; t++) {
        tok[t] = (int32_t)((t * 4 + 1) % shape.vocab);
        tgt[t] = (int32_t)((t * 7 + 5) % shape.vocab);
    }
    const uint64_t nw = jf_model_nweights(m);
    grad_all = malloc(nw * sizeof *grad_all);
    JF_TEST_REQUIRE(grad_all != NULL);

    const double loss = jf_model_forward_backward(m, tok, tgt, 1.0 / (double)T, &ledger);
    CHECK(isfinite(loss));
    for (uint64_t i = 0; i < nw; i++)
        grad_all[i] = jf_model_grad(m, i);

    /* forward alone returns the same loss and leaves the gradients alone */
    CHECK_NEAR(loss, jf_model_forward(m, tok, tgt, &ledger), 0);
    for (uint64_t i = 0; i < nw; i++)
        if (jf_model_grad(m, i) != grad_all[i]) {
            CHECK_MSG(0, "jf_model_forward changed gradient %llu", (unsigned long long)i);
            break;
        }

    /* gradients are overwritten, not accumulated: a second pass gives the same */
    jf_model_forward_backward(m, tok, tgt, 1.0 / (double)T, &ledger);
    uint64_t changed = 0;
    for (uint64_t i = 0; i < nw; i++)
        changed += jf_model_grad(m, i) != grad_all[i];
    CHECK_MSG(changed == 0, "%llu gradients differ on a second identical pass",
              (unsigned long long)changed);

    /* linear in loss_scale */
    jf_model_forward_backward(m, tok, tgt, 3.0 / (double)T, &ledger);
    double worst_scale = 0, gmax_all = 0;
    for (uint64_t i = 0; i < nw; i++) {
        worst_scale = fmax(worst_scale, fabs(jf_model_grad(m, i) - 3.0 * grad_all[i]));
        gmax_all = fmax(gmax_all, fabs(grad_all[i]));
    }
    CHECK_LT(worst_scale, 1e-12 * gmax_all);
    CHECK(gmax_all > 0);

    /* central differences on a few hundred weights spread over the whole
     * array (embeddings, LayerNorms, attention, MLP, head), in fp64 */
    size_t n = 0;
    idx = malloc(((size_t)nw / 7 + 2) * sizeof *idx);
    g = malloc(((size_t)nw / 7 + 2) * sizeof *g);
    fd = malloc(((size_t)nw / 7 + 2) * sizeof *fd);
    gbad = malloc(((size_t)nw / 7 + 2) * sizeof *gbad);
    JF_TEST_REQUIRE(idx && g && fd && gbad);
    for (uint64_t i = 0; i < nw; i += 7)
        idx[n++] = (size_t)i;
    idx[n++] = (size_t)nw - 1;
    CHECK_MSG(n >= 200, "only %zu weights sampled", n);
    const double h = 1e-5;
    size_t nonzero = 0;
    for (size_t s = 0; s < n; s++) {
        const uint64_t i = idx[s];
        const double w = jf_model_weight(m, i);
        jf_model_set_weight(m, i, w + h);
        const double up = jf_model_forward(m, tok, tgt, &ledger) / (double)T;
        jf_model_set_weight(m, i, w - h);
        const double down = jf_model_forward(m, tok, tgt, &ledger) / (double)T;
        jf_model_set_weight(m, i, w);
        CHECK_NEAR(w, jf_model_weight(m, i), 0);
        fd[s] = (up - down) / (2 * h);
        g[s] = grad_all[i];
        nonzero += fabs(g[s]) > 1e-6;
    }
    /* the check is not vacuous: most sampled gradients are not zero */
    CHECK_MSG(nonzero > n / 2, "only %zu of %zu sampled gradients are nonzero", nonzero, n);
    size_t worst;
    const double err = compare(g, fd, n, &worst);
    fprintf(stderr, "finite differences on %zu of %llu weights: max|g - g_fd|/max|g| = %.3g "
                    "(worst at weight %zu: g %.6g, fd %.6g)\n",
            n, (unsigned long long)nw, err, idx[worst], g[worst], fd[worst]);
    CHECK_LT(err, TOL);
    /* and per weight, for every gradient that is not tiny */
    double gmax = 0;
    for (size_t s = 0; s < n; s++)
        gmax = fmax(gmax, fabs(g[s]));
    for (size_t s = 0; s < n; s++)
        if (fabs(g[s]) > 1e-3 * gmax)
            CHECK_MSG(fabs(g[s] - fd[s]) <= 1e-5 * fabs(g[s]),
                      "weight %zu: g %.12g vs finite difference %.12g", idx[s], g[s], fd[s]);

    /* negative control 1: one gradient off by a visible amount (0.1% of the
     * largest) must be flagged */
    memcpy(gbad, g, n * sizeof *g);
    const size_t victim = n / 3;
    gbad[victim] += 1e-3 * gmax;
    const double err_bad = compare(gbad, fd, n, &worst);
    CHECK_MSG(err_bad > 100 * TOL && worst == victim,
              "negative control: a perturbed gradient gave %.3g (worst %zu, expected %zu)",
              err_bad, worst, victim);
    /* negative control 2: gradients paired with the wrong weights */
    for (size_t s = 0; s < n; s++)
        gbad[s] = g[(s + 1) % n];
    CHECK_MSG(compare(gbad, fd, n, &worst) > 100 * TOL,
              "negative control: shifted gradients passed");
    /* negative control 3: a NaN gradient must not hide behind fmax */
    memcpy(gbad, g, n * sizeof *g);
    gbad[victim] = NAN;
    CHECK_MSG(!(compare(gbad, fd, n, &worst) < TOL) && worst == victim,
              "negative control: a NaN gradient passed");

    /* fp32 computes the same gradients to single-precision accuracy */
    JF_TEST_REQUIRE(jf_model_create(&shape, batch, JF_FP32, 1, 2024, &m32, msg, sizeof msg) ==
                    JF_OK);
    CHECK_U64_EQ(nw, jf_model_nweights(m32));
    const double loss32 = jf_model_forward_backward(m32, tok, tgt, 1.0 / (double)T, &ledger);
    CHECK_REL(loss, loss32, 1e-5);
    double d32 = 0;
    for (uint64_t i = 0; i < nw; i++)
        d32 = fmax(d32, fabs(jf_model_grad(m32, i) - grad_all[i]));
    fprintf(stderr, "fp32 vs fp64 gradients: max|g32 - g64|/max|g64| = %.3g\n", d32 / gmax_all);
    CHECK_LT(d32 / gmax_all, 1e-3);

    check_weights_hash(m);
    jf_model_destroy(m);
    jf_model_destroy(m32);
    free(grad_all);
    free(idx);
    free(g);
    free(fd);
    free(gbad);
    return JF_TEST_DONE();
}
