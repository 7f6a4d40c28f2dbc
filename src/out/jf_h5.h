/* jf_h5.h: HDF5 helpers shared by the results writer (out/jf_results.c)
 * and reader (analysis/jf_result_read.c); no MPI here, so the reader
 * builds without it. */
#ifndef JF_H5_H
#define JF_H5_H

#include <hdf5.h>
#include <stddef.h>

/* Close the n identifiers in order, each with its own kind's close
 * (dataset, group, attribute, dataspace, datatype, property list, file);
 * negative ones (an open or create that failed) are skipped, so a function
 * releases what it opened in one call however far it got. */
void jf_h5_close_ids(const hid_t *ids, size_t n);
#define JF_H5_CLOSE(...)                                                                        \
    jf_h5_close_ids((const hid_t[]){__VA_ARGS__},                                               \
                    sizeof((const hid_t[]){__VA_ARGS__}) / sizeof(hid_t))

#endif
