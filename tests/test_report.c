/* test_report: jflop report's tables against figures computed by hand for
 * fixture runs (k_B = 1.380649e-23 J/K), and the site file's checks. */
#include "analysis/jf_report.h"
#include "analysis/jf_site.h"
#include "jf_test.h"

static const char *site_json =
    "{\"schema\": \"jflop-site\", \"schema_version\": \"1.0\", \"name\": \"fixture\","
    " \"pue\": {\"value\": 1.25, \"source\": \"s\"},"
    " \"ambient_temperature_k\": {\"value\": 300, \"source\": \"s\"},"
    " \"cooling\": [{\"label\": \"room\", \"t_star_k\": {\"value\": 300, \"source\": \"s\"},"
    "   \"eta\": {\"value\": 1, \"source\": \"s\"}},"
    "  {\"label\": \"LN2\", \"t_star_k\": {\"value\": 77, \"source\": \"s\"},"
    "   \"eta\": {\"value\": 0.25, \"source\": \"s\"}}],"
    " \"grid_gco2e_per_kwh\": {\"value\": 400, \"source\": \"s\"},"
    " \"curtailed_renewable_share\": {\"value\": 0.25, \"source\": \"s\"},"
    " \"node_embodied_kgco2e\": {\"value\": 3000, \"source\": \"s\"},"
    " \"node_embodied_mj\": {\"value\": 40000, \"source\": \"s\"},"
    " \"service_life_years\": {\"value\": 5, \"source\": \"s\"},"
    " \"utilisation\": {\"value\": 0.5, \"source\": \"s\"},"
    " \"transport_kgco2e_per_node\": {\"value\": 20, \"source\": \"s\"},"
    " \"end_of_life_kgco2e_per_node\": {\"value\": 10, \"source\": \"s\"}}";

static double real_at(const jf_table_t *t, int row, const char *header)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->headers[c], header) == 0)
            return t->cells[(size_t)row * (size_t)t->ncols + (size_t)c].real;
    fprintf(stderr, "no column '%s' in %s\n", header, t->id);
    return NAN;
}

static const jf_cell_t *cell_at(const jf_table_t *t, int row, const char *header)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->headers[c], header) == 0)
            return &t->cells[(size_t)row * (size_t)t->ncols + (size_t)c];
    fprintf(stderr, "no column '%s' in %s\n", header, t->id);
    abort();
}

static jf_result_t fixture(const char *name, int64_t ranks, double seconds, double joules)
{
    jf_result_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.path, sizeof r.path, "/fixtures/%s", name);
    snprintf(r.precision, sizeof r.precision, "fp32");
    snprintf(r.status, sizeof r.status, "complete");
    snprintf(r.energy_source, sizeof r.energy_source, "powercap");
    snprintf(r.energy_status, sizeof r.energy_status, "measured");
    r.layers = 4, r.d_model = 256, r.heads = 4, r.ctx = 128, r.ff = 1024, r.batch = 8;
    r.ranks = ranks, r.nodes = ranks, r.threads = 1;
    r.n_params = 3145728;
    r.tokens = (uint64_t)ranks * 8 * 128 * 20;
    r.flops_6nd = (jf_u128)6 * r.n_params * r.tokens;
    r.flops_counted = r.flops_6nd + r.flops_6nd / 10;
    r.verified = 1;
    r.seconds = seconds;
    r.have_joules = 1;
    r.joules = joules;
    return r;
}

int main(void)
{
    const double kT = 1.380649e-23 * 300.0;
    jf_site_t site;
    char msg[JF_MSG_LEN];
    jf_table_t t;
    jf_result_t runs[2] = {fixture("a.h5", 1, 10.0, 1000.0), fixture("b.h5", 2, 12.0, 2200.0)};
    const double f6 = (double)runs[0].flops_6nd, D = (double)runs[0].tokens;
    const double N = (double)runs[0].n_params;

    JF_TEST_REQUIRE(jf_site_parse(site_json, "fixture", &site, msg, sizeof msg) == JF_OK);
    jf_result_name_runs(runs, 2);
    CHECK_STR_EQ("a.h5", runs[0].name);  /* distinct file names: the file name */

    jf_report_runs(runs, 2, &t);
    /* node power: the run's J / its s / its nodes (b: 2200 J, 12 s, 2 nodes) */
    CHECK_REL(1000.0 / 10.0, real_at(&t, 0, "node power [W]"), 1e-12);
    CHECK_REL(2200.0 / 12.0 / 2.0, real_at(&t, 1, "node power [W]"), 1e-12);
    CHECK_REL(1000.0 / f6, real_at(&t, 0, "J/FLOP"), 1e-12);
    CHECK_REL(1.1 * f6 / 1000.0 / 1e9, real_at(&t, 0, "GFLOPS/W"), 1e-9);
    CHECK_REL(1000.0 / D, real_at(&t, 0, "J/token"), 1e-12);
    CHECK_REL(1.1 * f6 / 10.0, real_at(&t, 0, "FLOP/s"), 1e-9);
    jf_table_free(&t);

    const jf_report_opts_t o = {300.0, 0, 0};
    jf_report_bounds(runs, 2, &o, &t);
    CHECK_REL(32 * kT * log(2.0), real_at(&t, 0, "Landauer [J/FLOP]"), 1e-12);
    CHECK_REL((1000.0 / f6) / (32 * kT * log(2.0)), real_at(&t, 0, "measured/Landauer"), 1e-9);
    CHECK_REL(log10((1000.0 / f6) / (32 * kT * log(2.0))), real_at(&t, 0, "gap [decades]"), 1e-9);
    CHECK_REL(100 * N * D * kT, real_at(&t, 0, "Eq. 17 digital [J]"), 1e-12);
    CHECK_REL(2 * N * D * kT, real_at(&t, 0, "Eq. 16 analog [J]"), 1e-12);
    CHECK_REL(1000.0 / (2 * N * D * kT), real_at(&t, 0, "measured/Eq.16"), 1e-9);
    jf_table_free(&t);

    jf_report_cooling(runs, 1, &site, &o, &t);
    CHECK_INT_EQ(2, t.nrows);
    CHECK_REL(1.0, real_at(&t, 0, "practical factor"), 1e-15);
    CHECK_REL(300.0 / 77.0, real_at(&t, 1, "Carnot T/T*"), 1e-12);
    const double practical = 1.0 + (300.0 / 77.0 - 1.0) / 0.25;
    CHECK_REL(practical, real_at(&t, 1, "practical factor"), 1e-12);
    CHECK_REL(1000.0 * 1.25, real_at(&t, 1, "x PUE [J]"), 1e-12);
    CHECK_REL(1000.0 * 1.25 * practical, real_at(&t, 1, "cooling-adjusted [J]"), 1e-12);
    /* the bound does not move with cooling */
    CHECK_REL(real_at(&t, 1, "Landauer at T [J/FLOP]"),
              real_at(&t, 1, "Landauer at T*, referred to T [J/FLOP]"), 1e-12);
    jf_table_free(&t);

    jf_report_lifecycle(runs, 1, &site, &t);
    const double nh = 1 * 10.0 / 3600.0, life_h = 5 * 365.25 * 24 * 0.5;
    CHECK_REL(nh, real_at(&t, 0, "node-hours [h]"), 1e-12);
    CHECK_REL(1250.0, real_at(&t, 0, "operating [J]"), 1e-12);
    CHECK_REL(1250.0 / 3.6e6 * 400 / 1000 * 0.75, real_at(&t, 0, "operating [kgCO2e]"), 1e-12);
    CHECK_REL(nh / life_h * 40000e6, real_at(&t, 0, "embodied [J]"), 1e-12);
    CHECK_REL(nh / life_h * 3000, real_at(&t, 0, "embodied [kgCO2e]"), 1e-12);
    CHECK_REL(nh / life_h * 30, real_at(&t, 0, "transport+EoL [kgCO2e]"), 1e-12);
    CHECK_REL(1250.0 + nh / life_h * 40000e6, real_at(&t, 0, "total [J]"), 1e-12);
    jf_table_free(&t);

    CHECK_INT_EQ(2, jf_report_scaling(runs, 2, &t));
    const double rate_a = 1.1 * f6 / 10.0, rate_b = 1.1 * (double)runs[1].flops_6nd / 12.0;
    CHECK_REL(rate_b / rate_a, real_at(&t, 1, "speed-up"), 1e-12);
    CHECK_REL(rate_b / rate_a / 2.0, real_at(&t, 1, "parallel efficiency"), 1e-12);
    CHECK_REL(1.0, real_at(&t, 0, "parallel efficiency"), 1e-12);
    jf_table_free(&t);

    /* names: the shortest path suffix no other run ends with */
    {
        jf_result_t named[4];
        const char *paths[] = {"/x/sweep/a/run.h5", "/x/sweep/b/run.h5", "/y/old/a/run.h5",
                               "/x/sweep/c.h5"};
        for (int i = 0; i < 4; i++) {
            memset(&named[i], 0, sizeof named[i]);
            snprintf(named[i].path, sizeof named[i].path, "%s", paths[i]);
        }
        jf_result_name_runs(named, 4);
        CHECK_STR_EQ("sweep/a/run.h5", named[0].name);  /* a/run.h5 is also /y/old's */
        CHECK_STR_EQ("b/run.h5", named[1].name);
        CHECK_STR_EQ("old/a/run.h5", named[2].name);
        CHECK_STR_EQ("c.h5", named[3].name);
        jf_result_name_runs(named, 1);
        CHECK_STR_EQ("run.h5", named[0].name);  /* alone: its file name */
    }

    /* missing energy: empty cells (never 0 or NaN), null in JSON; an
     * emulated bf16 run says so in its GEMM cell and a note */
    {
        jf_result_t none = fixture("none.h5", 1, 10.0, 0.0);
        none.have_joules = 0;
        snprintf(none.energy_source, sizeof none.energy_source, "none");
        snprintf(none.energy_status, sizeof none.energy_status, "not measured");
        snprintf(none.precision, sizeof none.precision, "bf16");
        snprintf(none.gemm_backend, sizeof none.gemm_backend, "onednn");
        snprintf(none.gemm_kernel, sizeof none.gemm_kernel, "gemm:jit");
        none.gemm_emulated = 1;
        jf_result_name_runs(&none, 1);
        jf_report_runs(&none, 1, &t);
        static const char *const energy_cols[] = {"energy [J]", "node power [W]", "J/FLOP",
                                                  "GFLOPS/W", "J/token"};
        for (size_t k = 0; k < sizeof energy_cols / sizeof energy_cols[0]; k++) {
            const jf_cell_t *c = cell_at(&t, 0, energy_cols[k]);
            CHECK_MSG(c->kind == JF_CELL_EMPTY && c->text == NULL, "%s is not empty",
                      energy_cols[k]);
        }
        CHECK(cell_at(&t, 0, "FLOP/s")->kind == JF_CELL_REAL);  /* needs no energy */
        CHECK_STR_CONTAINS(cell_at(&t, 0, "GEMM")->text, "EMULATED");
        int noted = 0;
        for (int i = 0; i < t.nnotes; i++)
            noted |= strstr(t.notes[i], "EMULATED") != NULL;
        CHECK(noted);
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&text, &len);
        JF_TEST_REQUIRE(mem != NULL);
        jf_table_emit(mem, &t, JF_FMT_JSON);
        fclose(mem);
        CHECK_STR_CONTAINS(text, "\"J/FLOP\": null");
        CHECK(strstr(text, "nan") == NULL && strstr(text, "NaN") == NULL);
        free(text);
        jf_table_free(&t);
        /* the bounds table leaves the measured cells empty the same way */
        jf_report_bounds(&none, 1, &o, &t);
        CHECK(cell_at(&t, 0, "measured [J/FLOP]")->kind == JF_CELL_EMPTY);
        CHECK(cell_at(&t, 0, "gap [decades]")->kind == JF_CELL_EMPTY);
        jf_table_free(&t);
    }

    /* bad site files: one line naming the field */
    static const struct { const char *from, *to, *field; } bad[] = {
        {"\"value\": 1.25", "\"value\": 0.9", "pue"},
        {"\"value\": 77", "\"value\": 400", "cooling[1].t_star_k"},
        {"\"value\": 0.25, \"source\": \"s\"}}]", "\"value\": 0, \"source\": \"s\"}}]", "cooling[1].eta"},
        {"\"value\": 0.25, \"source\": \"s\"}}]", "\"value\": 1.5, \"source\": \"s\"}}]", "cooling[1].eta"},
        {"\"value\": 400", "\"value\": -1", "grid_gco2e_per_kwh"},
        {"\"value\": 0.5", "\"value\": 0", "utilisation"},
        {"\"node_embodied_mj\"", "\"node_embodied_MJ\"", "node_embodied_mj"},
        {"\"value\": 3000, \"source\": \"s\"", "\"value\": 3000, \"source\": \"\"", "node_embodied_kgco2e"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[4096];
        const char *at = strstr(site_json, bad[i].from);
        JF_TEST_REQUIRE(at != NULL);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - site_json), site_json, bad[i].to,
                 at + strlen(bad[i].from));
        CHECK(jf_site_parse(text, "bad.json", &site, msg, sizeof msg) != JF_OK);
        CHECK_STR_CONTAINS(msg, bad[i].field);
        CHECK_STR_CONTAINS(msg, "bad.json");
    }
    CHECK(jf_site_parse("{not json", "x.json", &site, msg, sizeof msg) != JF_OK);
    CHECK(jf_site_load(NULL, &site, msg, sizeof msg) == JF_OK);
    return JF_TEST_DONE();
}
