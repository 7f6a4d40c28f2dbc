/* jf_crash_filter.h: the HDF5 filter id shared by the crashing plugin
 * (jf_crash_filter.c) and jf_h5_edit's `crash` operation, which writes a
 * dataset through an identity filter of the same id. HDF5 keeps 256-511
 * for testing new filters (H5Zpublic.h), so no registered filter is hit. */
#ifndef JF_CRASH_FILTER_H
#define JF_CRASH_FILTER_H

#define JF_CRASH_FILTER_ID 311
#define JF_CRASH_FILTER_NAME "jflop test: crashes on read"

#endif
