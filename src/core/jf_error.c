/* jf_error.c: the message table for jf_err_t. */
#include "jf_error.h"

static const char *const jf_err_messages[JF_NERR] = {
    [JF_OK] = "success",
    [JF_EINVAL] = "invalid argument",
    [JF_ERANGE] = "value out of range",
    [JF_ENOMEM] = "out of memory",
    [JF_EIO] = "input/output error",
    [JF_EMPI] = "MPI error",
    [JF_EBLIS] = "BLIS configuration error",
    [JF_ENUMERIC] = "numerical check failed",
};

const char *jf_err_str(jf_err_t err)
{
    if ((int)err < 0 || err >= JF_NERR)
        return "unknown error";
    return jf_err_messages[err];
}
