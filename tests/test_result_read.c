/* test_result_read: the reader refuses what it must, naming file and field:
 * not HDF5, truncated, not a jflop file, a newer major schema, a missing
 * field; and reads a minimal valid file exactly. Files are made here with
 * the HDF5 API (serial). */
#include <hdf5.h>
#include <unistd.h>

#include "analysis/jf_result_read.h"
#include "jf_test.h"

static void attr_str(hid_t loc, const char *obj, const char *name, const char *v)
{
    const hid_t t = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
    H5Tset_size(t, strlen(v) ? strlen(v) : 1);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    const hid_t a = H5Acreate_by_name(loc, obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT,
                                      H5P_DEFAULT);
    H5Awrite(a, t, v);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
}

static void attr_num(hid_t loc, const char *obj, const char *name, hid_t type, const void *v)
{
    const hid_t sp = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate_by_name(loc, obj, name, type, sp, H5P_DEFAULT, H5P_DEFAULT,
                                      H5P_DEFAULT);
    H5Awrite(a, type, v);
    H5Aclose(a);
    H5Sclose(sp);
}

/* A minimal schema-1.0 file; skip names one field to leave out. */
static void make_file(const char *path, const char *version, const char *skip)
{
    const hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(H5Gcreate2(f, "config", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(H5Gcreate2(f, "flops", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Gclose(H5Gcreate2(f, "energy", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    const char *strs[][3] = {
        {"/", "schema", "jflop-results"}, {"/", "schema_version", version},
        {"/", "jflop_version", "0.1.0"}, {"/", "status", "complete"}, {"/", "status_reason", ""},
        {"/", "hosts", "a,b"}, {"/", "blis_arch", "skx"}, {"/", "start_utc", "2026-01-01T00:00:00Z"},
        {"/config", "precision", "fp64"},
        {"/flops", "flops_6nd", "60000000000000000000000000000"},
        {"/flops", "flops_total_counted", "61234567890123456789012345678"},
        {"/energy", "source", "powercap"}, {"/energy", "status", "measured"},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (skip == NULL || strcmp(skip, strs[i][1]) != 0)
            attr_str(f, strs[i][0], strs[i][1], strs[i][2]);
    const char *ints[] = {"layers", "d_model", "heads", "ctx", "ff", "batch", "steps",
                          "steps_done", "ranks", "nodes", "threads_per_rank"};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        const int64_t v = (int64_t)i + 1;
        if (skip == NULL || strcmp(skip, ints[i]) != 0)
            attr_num(f, "/config", ints[i], H5T_NATIVE_INT64, &v);
    }
    const uint64_t n = 10000000000000ULL, d = 1000000000000000ULL;
    attr_num(f, "/config", "N", H5T_NATIVE_UINT64, &n);
    attr_num(f, "/config", "D", H5T_NATIVE_UINT64, &d);
    const double secs = 12.5, joules = 4321.0;
    attr_num(f, "/config", "seconds", H5T_NATIVE_DOUBLE, &secs);
    const int64_t one = 1, two = 2, zero = 0;
    attr_num(f, "/flops", "verified", H5T_NATIVE_INT64, &one);
    attr_num(f, "/energy", "measured_nodes", H5T_NATIVE_INT64, &two);
    attr_num(f, "/energy", "total_nodes", H5T_NATIVE_INT64, &two);
    attr_num(f, "/energy", "extrapolated", H5T_NATIVE_INT64, &zero);
    attr_num(f, "/energy", "joules_total", H5T_NATIVE_DOUBLE, &joules);
    H5Fclose(f);
}

int main(void)
{
    char dir[] = "/tmp/jflop-test_result_read.XXXXXX", path[256], msg[JF_MSG_LEN];
    jf_result_t r;
    JF_TEST_REQUIRE(mkdtemp(dir) != NULL);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    snprintf(path, sizeof path, "%s/good.h5", dir);
    make_file(path, "1.0", NULL);
    CHECK_INT_EQ(JF_OK, jf_result_read(path, &r, msg, sizeof msg));
    CHECK_STR_EQ("1.0", r.schema_version);
    CHECK_STR_EQ("complete", r.status);
    CHECK_STR_EQ("fp64", r.precision);
    CHECK_U64_EQ(10000000000000ULL, r.n_params);
    CHECK_U64_EQ(1000000000000000ULL, r.tokens);
    CHECK_U128_EQ((jf_u128)6 * 10000000000000ULL * 1000000000000000ULL, r.flops_6nd);
    CHECK(r.verified == 1 && r.have_joules && r.joules == 4321.0);
    CHECK_STR_EQ("a,b", r.hosts);
    CHECK(!r.have_verify && r.nverify == 0);  /* schema 1.0: no /verify, still read */
    CHECK(!r.have_peak_flops);

    /* schema 1.2: /verify with its checks */
    snprintf(path, sizeof path, "%s/verify.h5", dir);
    make_file(path, "1.2", NULL);
    {
        const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        const int64_t one = 1, zero = 0;
        const double value = 0.25, threshold = 1.0, peak = 3.5e12;
        H5Gclose(H5Gcreate2(f, "verify", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Gclose(H5Gcreate2(f, "verify/gemm", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        H5Gclose(H5Gcreate2(f, "verify/ranks", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        attr_num(f, "/verify", "requested", H5T_NATIVE_INT64, &one);
        attr_num(f, "/verify/gemm", "ran", H5T_NATIVE_INT64, &one);
        attr_num(f, "/verify/gemm", "pass", H5T_NATIVE_INT64, &one);
        attr_num(f, "/verify/gemm", "value", H5T_NATIVE_DOUBLE, &value);
        attr_num(f, "/verify/gemm", "threshold", H5T_NATIVE_DOUBLE, &threshold);
        attr_str(f, "/verify/gemm", "detail", "residuals");
        attr_num(f, "/verify/ranks", "ran", H5T_NATIVE_INT64, &zero);
        attr_num(f, "/verify/ranks", "pass", H5T_NATIVE_INT64, &one);
        attr_num(f, "/verify/ranks", "value", H5T_NATIVE_DOUBLE, &value);
        attr_num(f, "/config", "peak_flops_per_second", H5T_NATIVE_DOUBLE, &peak);
        H5Fclose(f);
    }
    /* the ranks check lacks its threshold: named */
    CHECK(jf_result_read(path, &r, msg, sizeof msg) == JF_EINVAL);
    CHECK_STR_CONTAINS(msg, "/verify");
    {
        const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
        const double threshold = 1e-5;
        attr_num(f, "/verify/ranks", "threshold", H5T_NATIVE_DOUBLE, &threshold);
        H5Fclose(f);
    }
    CHECK_INT_EQ(JF_OK, jf_result_read(path, &r, msg, sizeof msg));
    CHECK(r.have_verify && r.verify_requested && r.nverify == 2);
    CHECK_STR_EQ("gemm", r.verify[0].name);
    CHECK(r.verify[0].ran && r.verify[0].pass && r.verify[0].value == 0.25 &&
          r.verify[0].threshold == 1.0);
    CHECK_STR_EQ("residuals", r.verify[0].detail);
    CHECK_STR_EQ("ranks", r.verify[1].name);
    CHECK(!r.verify[1].ran && r.verify[1].pass && r.verify[1].threshold == 1e-5);
    CHECK(r.have_peak_flops && r.peak_flops == 3.5e12);

    /* node groups: total_nodes says 2, none is there: the first is named */
    jf_result_node_t *nodes = NULL;
    int nnodes = -1;
    CHECK(jf_result_read_nodes(path, &nodes, &nnodes, msg, sizeof msg) == JF_EINVAL);
    CHECK_STR_CONTAINS(msg, "/energy/node_0000/node");
    CHECK(nodes == NULL && nnodes == 0);

    snprintf(path, sizeof path, "%s/newer.h5", dir);
    make_file(path, "2.0", NULL);
    CHECK(jf_result_read(path, &r, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "newer.h5");
    CHECK_STR_CONTAINS(msg, "2.0");

    snprintf(path, sizeof path, "%s/minor.h5", dir);
    make_file(path, "1.7", NULL);
    CHECK_INT_EQ(JF_OK, jf_result_read(path, &r, msg, sizeof msg));

    snprintf(path, sizeof path, "%s/missing.h5", dir);
    make_file(path, "1.0", "ranks");
    CHECK(jf_result_read(path, &r, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "/config/ranks");

    snprintf(path, sizeof path, "%s/nojflop.h5", dir);
    make_file(path, "1.0", "schema");
    CHECK(jf_result_read(path, &r, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "not a jflop results file");

    snprintf(path, sizeof path, "%s/text.h5", dir);
    FILE *f = fopen(path, "w");
    JF_TEST_REQUIRE(f != NULL);
    fputs("not hdf5 at all\n", f);
    fclose(f);
    CHECK(jf_result_read(path, &r, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "text.h5");

    /* truncated: the good file cut in half */
    char good[256], cut[256];
    snprintf(good, sizeof good, "%s/good.h5", dir);
    snprintf(cut, sizeof cut, "%s/cut.h5", dir);
    FILE *in = fopen(good, "rb"), *out = fopen(cut, "wb");
    JF_TEST_REQUIRE(in != NULL && out != NULL);
    fseek(in, 0, SEEK_END);
    const long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    for (long i = 0; i < size / 2; i++)
        fputc(fgetc(in), out);
    fclose(in);
    fclose(out);
    CHECK(jf_result_read(cut, &r, msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "cut.h5");

    const char *names[] = {"good.h5", "verify.h5", "newer.h5", "minor.h5", "missing.h5", "nojflop.h5",
                           "text.h5", "cut.h5"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return JF_TEST_DONE();
}
