/* jf_error.h: error codes shared by the jflop library, with one message table.
 * Library code returns a jf_err_t and writes details into a caller's buffer;
 * only a main() decides to exit or abort. */
#ifndef JF_ERROR_H
#define JF_ERROR_H

#include <stddef.h>

typedef enum {
    JF_OK = 0,
    JF_EINVAL,      /* bad argument or flag value */
    JF_ERANGE,      /* value outside what jflop can run */
    JF_ENOMEM,      /* allocation failed or would exceed the node's memory */
    JF_EIO,         /* file or stream error */
    JF_EMPI,        /* an MPI call failed */
    JF_EBLIS,       /* BLIS could not be configured */
    JF_ENUMERIC,    /* a non-finite value or a failed numerical check */
    JF_NERR
} jf_err_t;

/* Human-readable name of an error code ("invalid argument", ...). */
const char *jf_err_str(jf_err_t err);

/* Length of the detail buffers library functions fill in. */
#define JF_MSG_LEN 512

/* Exit statuses of jflop-run, documented in README.md. */
enum {
    JF_EXIT_OK = 0,        /* run complete, every check passed */
    JF_EXIT_FAILED = 1,    /* run finished but a check failed (status "failed") */
    JF_EXIT_USAGE = 2,     /* bad flags or input: nothing was run or written */
    JF_EXIT_INTERNAL = 3   /* unexpected error (allocation, MPI, I/O) */
};

#endif
