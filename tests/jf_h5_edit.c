/* jf_h5_edit: rewrite one value in a copy of a results file, so the
 * validate test can make a file break exactly one rule without a run that
 * breaks it (serial HDF5; a helper, not a test):
 *
 *   jf_h5_edit FILE attr OBJECT NAME VALUE    an existing attribute; its
 *              type class is kept (string, integer or float)
 *   jf_h5_edit FILE data DATASET INDEX VALUE  one element of a numeric
 *              dataset, INDEX counted over all its elements in row order
 *   jf_h5_edit FILE addf OBJECT NAME VALUE    a float64 attribute, new or
 *              in place of one of any type (e.g. the joules a run without
 *              energy never wrote, or a float where an integer belongs)
 *   jf_h5_edit FILE adds OBJECT NAME VALUE    the same with a string
 *   jf_h5_edit FILE del OBJECT NAME -         remove an attribute
 *   jf_h5_edit FILE crash DATASET - -         the dataset written again,
 *              chunked, through the filter of jf_crash_filter.h (its
 *              data, type, shape, attributes and name kept): HDF5 reading
 *              it with tests/libjf_crash_filter.so in HDF5_PLUGIN_PATH
 *              dies of SIGSEGV, and without it fails (filter not found)
 *
 * Exit 0 done, 1 the HDF5 operation failed, 2 bad usage. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jf_crash_filter.h"

/* Attribute `name` of the open object o (obj: its path, for messages). */
static int set_attr_on(hid_t o, const char *obj, const char *name, const char *value)
{
    const hid_t a = H5Aopen(o, name, H5P_DEFAULT);
    const hid_t t = H5Aget_type(a);
    const H5T_class_t cls = H5Tget_class(t);
    H5Tclose(t);
    herr_t rc;
    if (cls == H5T_INTEGER) {
        const long long v = strtoll(value, NULL, 10);
        rc = H5Awrite(a, H5T_NATIVE_LLONG, &v);
        H5Aclose(a);
    } else if (cls == H5T_FLOAT) {
        const double v = strtod(value, NULL);
        rc = H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
        H5Aclose(a);
    } else if (cls == H5T_STRING) {
        /* a fixed-length string of the new length: delete, create again */
        H5Aclose(a);
        const size_t n = strlen(value);
        const hid_t st = H5Tcopy(H5T_C_S1), sp = H5Screate(H5S_SCALAR);
        H5Tset_size(st, n > 0 ? n : 1);
        H5Tset_strpad(st, H5T_STR_NULLPAD);
        rc = H5Adelete(o, name);
        const hid_t b = rc < 0 ? -1 : H5Acreate2(o, name, st, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc = b < 0 ? -1 : H5Awrite(b, st, n > 0 ? value : "");
        if (b >= 0)
            H5Aclose(b);
        H5Sclose(sp);
        H5Tclose(st);
    } else {
        H5Aclose(a);
        fprintf(stderr, "jf_h5_edit: %s/%s is neither string, integer nor float\n", obj, name);
        return 1;
    }
    return rc < 0;
}

static int set_attr(hid_t file, const char *obj, const char *name, const char *value)
{
    /* the object itself, then its attribute: HDF5 1.10 cannot write an
     * attribute opened by path from the file (H5Aopen_by_name) */
    const hid_t o = H5Oopen(file, obj, H5P_DEFAULT);
    if (o < 0 || H5Aexists(o, name) <= 0) {
        fprintf(stderr, "jf_h5_edit: no attribute %s on %s\n", name, obj);
        if (o >= 0)
            H5Oclose(o);
        return 1;
    }
    const int rc = set_attr_on(o, obj, name, value);
    H5Oclose(o);
    return rc;
}

/* A new scalar attribute of type `type` from `value` (mem: its memory
 * type), in place of any attribute of that name, or with `type` < 0 none. */
static int replace_attr(hid_t file, const char *obj, const char *name, hid_t type, hid_t mem,
                        const void *value)
{
    const hid_t o = H5Oopen(file, obj, H5P_DEFAULT);
    if (o < 0) {
        fprintf(stderr, "jf_h5_edit: no object %s\n", obj);
        return 1;
    }
    herr_t rc = 0;
    if (H5Aexists(o, name) > 0)
        rc = H5Adelete(o, name);
    else if (type < 0) {
        fprintf(stderr, "jf_h5_edit: no attribute %s on %s\n", name, obj);
        rc = -1;
    }
    if (rc >= 0 && type >= 0) {
        const hid_t sp = H5Screate(H5S_SCALAR);
        const hid_t a = H5Acreate2(o, name, type, sp, H5P_DEFAULT, H5P_DEFAULT);
        rc = a < 0 ? -1 : H5Awrite(a, mem, value);
        if (a >= 0)
            H5Aclose(a);
        H5Sclose(sp);
    }
    H5Oclose(o);
    return rc < 0;
}

static int add_float(hid_t file, const char *obj, const char *name, const char *value)
{
    const double v = strtod(value, NULL);
    return replace_attr(file, obj, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v);
}

static int add_string(hid_t file, const char *obj, const char *name, const char *value)
{
    const size_t n = strlen(value);
    const hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, n > 0 ? n : 1);
    H5Tset_strpad(st, H5T_STR_NULLPAD);
    const int rc = replace_attr(file, obj, name, st, st, n > 0 ? value : "");
    H5Tclose(st);
    return rc;
}

static int set_data(hid_t f, const char *name, const char *index, const char *value)
{
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) {
        fprintf(stderr, "jf_h5_edit: no dataset %s\n", name);
        return 1;
    }
    const hid_t fs = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(fs);
    hsize_t dims[8] = {0}, coord[8] = {0}, one = 1;
    unsigned long long at = strtoull(index, NULL, 10), total = 1;
    H5Sget_simple_extent_dims(fs, dims, NULL);
    for (int k = 0; k < rank; k++)
        total *= dims[k];
    if (rank < 1 || rank > 8 || at >= total) {
        fprintf(stderr, "jf_h5_edit: index %s outside %s (%llu elements)\n", index, name, total);
        H5Sclose(fs);
        H5Dclose(d);
        return 1;
    }
    for (int k = rank - 1; k >= 0; k--) {
        coord[k] = at % dims[k];
        at /= dims[k];
    }
    const double v = strtod(value, NULL);
    const hid_t ms = H5Screate_simple(1, &one, NULL);
    herr_t rc = H5Sselect_elements(fs, H5S_SELECT_SET, 1, coord);
    if (rc >= 0)
        rc = H5Dwrite(d, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, &v);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
    return rc < 0;
}

/* The crash filter's id with an identity function, so that this program
 * writes through it without the plugin (which would crash here too). */
static size_t identity_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                              size_t nbytes, size_t *buf_size, void **buf)
{
    (void)flags;
    (void)cd_nelmts;
    (void)cd_values;
    (void)buf_size;
    (void)buf;
    return nbytes;
}

/* An H5Aiterate2 callback: attribute `name` of `from` copied to *to. */
static herr_t copy_attr(hid_t from, const char *name, const H5A_info_t *info, void *to)
{
    (void)info;
    const hid_t a = H5Aopen(from, name, H5P_DEFAULT);
    if (a < 0)
        return -1;
    const hid_t t = H5Aget_type(a), sp = H5Aget_space(a);
    const hssize_t n = H5Sget_simple_extent_npoints(sp);
    const size_t size = H5Tget_size(t);
    void *buf = n >= 0 && size > 0 ? calloc((size_t)(n > 0 ? n : 1), size) : NULL;
    herr_t rc = buf != NULL && H5Aread(a, t, buf) >= 0 ? 0 : -1;
    const hid_t b =
        rc < 0 ? -1 : H5Acreate2(*(const hid_t *)to, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    if (b < 0 || H5Awrite(b, t, buf) < 0)
        rc = -1;
    if (b >= 0)
        H5Aclose(b);
    if (buf != NULL && rc >= 0 && H5Tdetect_class(t, H5T_VLEN) > 0)
        H5Dvlen_reclaim(t, sp, H5P_DEFAULT, buf);
    free(buf);
    H5Sclose(sp);
    H5Tclose(t);
    H5Aclose(a);
    return rc;
}

static int crash_data(hid_t f, const char *name)
{
    const H5Z_class2_t cls = {H5Z_CLASS_T_VERS, (H5Z_filter_t)JF_CRASH_FILTER_ID, 1, 1,
                              JF_CRASH_FILTER_NAME, NULL, NULL, identity_filter};
    if (H5Zregister(&cls) < 0) {
        fprintf(stderr, "jf_h5_edit: cannot register filter %d\n", JF_CRASH_FILTER_ID);
        return 1;
    }
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) {
        fprintf(stderr, "jf_h5_edit: no dataset %s\n", name);
        return 1;
    }
    const hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
    const int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t dims[8] = {0};
    size_t total = H5Tget_size(t);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    for (int k = 0; k < rank && k < 8; k++)
        total *= dims[k];
    /* a chunk cannot be empty nor span more than a fixed dimension */
    if (rank < 1 || rank > 8 || total == 0) {
        fprintf(stderr, "jf_h5_edit: %s is empty or not 1 to 8 dimensions\n", name);
        H5Sclose(sp);
        H5Tclose(t);
        H5Dclose(d);
        return 1;
    }
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s.jf_crash", name);
    void *buf = malloc(total);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    herr_t rc = buf != NULL && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0 ? 0 : -1;
    if (rc >= 0)
        rc = H5Pset_chunk(dcpl, rank, dims);
    if (rc >= 0)
        rc = H5Pset_filter(dcpl, (H5Z_filter_t)JF_CRASH_FILTER_ID, H5Z_FLAG_MANDATORY, 0, NULL);
    const hid_t c = rc < 0 ? -1 : H5Dcreate2(f, tmp, t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (c < 0 || H5Dwrite(c, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ||
        H5Aiterate2(d, H5_INDEX_NAME, H5_ITER_INC, NULL, copy_attr, (void *)&c) < 0)
        rc = -1;
    if (c >= 0)
        H5Dclose(c);
    H5Pclose(dcpl);
    free(buf);
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(d);
    /* the new dataset takes the old one's name */
    if (rc >= 0)
        rc = H5Ldelete(f, name, H5P_DEFAULT);
    if (rc >= 0)
        rc = H5Lmove(f, tmp, f, name, H5P_DEFAULT, H5P_DEFAULT);
    return rc < 0;
}

int main(int argc, char **argv)
{
    if (argc != 6 || (strcmp(argv[2], "attr") != 0 && strcmp(argv[2], "data") != 0 &&
                      strcmp(argv[2], "addf") != 0 && strcmp(argv[2], "adds") != 0 &&
                      strcmp(argv[2], "del") != 0 && strcmp(argv[2], "crash") != 0)) {
        fprintf(stderr, "usage: jf_h5_edit FILE attr OBJECT NAME VALUE\n"
                        "       jf_h5_edit FILE data DATASET INDEX VALUE\n"
                        "       jf_h5_edit FILE addf|adds OBJECT NAME VALUE\n"
                        "       jf_h5_edit FILE del OBJECT NAME -\n"
                        "       jf_h5_edit FILE crash DATASET - -\n");
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const hid_t f = H5Fopen(argv[1], H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) {
        fprintf(stderr, "jf_h5_edit: cannot open %s for writing\n", argv[1]);
        return 1;
    }
    const int rc = strcmp(argv[2], "attr") == 0   ? set_attr(f, argv[3], argv[4], argv[5])
                   : strcmp(argv[2], "addf") == 0 ? add_float(f, argv[3], argv[4], argv[5])
                   : strcmp(argv[2], "adds") == 0 ? add_string(f, argv[3], argv[4], argv[5])
                   : strcmp(argv[2], "del") == 0
                       ? replace_attr(f, argv[3], argv[4], -1, -1, NULL)
                   : strcmp(argv[2], "crash") == 0 ? crash_data(f, argv[3])
                                                   : set_data(f, argv[3], argv[4], argv[5]);
    if (H5Fclose(f) < 0)
        return 1;
    if (rc != 0)
        fprintf(stderr, "jf_h5_edit: %s %s %s %s failed\n", argv[2], argv[3], argv[4], argv[5]);
    return rc;
}
