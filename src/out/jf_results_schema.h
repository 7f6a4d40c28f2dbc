/* jf_results_schema.h: the results file's schema name, version and
 * top-level groups and datasets (results/SCHEMA.md), shared by the writer
 * (out/jf_results.c: parallel HDF5, MPI) and the reader
 * (analysis/jf_result_read.c, which builds without MPI for `jflop`). Paths
 * are from the file's root; attribute and member names stay beside the
 * code that writes or reads them. */
#ifndef JF_RESULTS_SCHEMA_H
#define JF_RESULTS_SCHEMA_H

#define JF_SCHEMA_NAME "jflop-results"  /* the root attribute `schema` */
#define JF_SCHEMA_VERSION "1.10"         /* the root attribute `schema_version` */
#define JF_SCHEMA_MAJOR 1               /* a reader refuses a newer major */

#define JF_H5_CONFIG "/config"   /* the run's shape, options, placement, peak */
#define JF_H5_FLOPS "/flops"     /* the FLOP ledger */
#define JF_H5_GEMM "/gemm"       /* the GEMM back-end and its choice */
#define JF_H5_TIMING "/timing"   /* per-rank step times */
#define JF_H5_LOSS "/loss"       /* the loss of every measured step */
#define JF_H5_ENERGY "/energy"   /* energy, per node and domain, and traces */
#define JF_H5_VERIFY "/verify"   /* --verify's checks */
#define JF_H5_QUALITY "/quality" /* validation, target, prequential bits (1.6) */

#endif
