/* jf_gemm_registry.c: the GEMM back-ends built into this jflop. */
#include "config.h"

#include "jf_gemm_backend.h"

#include <stdio.h>
#include <string.h>

const jf_gemm_backend_t *const jf_gemm_backends[] = {
    &jf_gemm_blis,
#ifdef HAVE_ONEDNN
    &jf_gemm_onednn,
#endif
    NULL,
};

const jf_gemm_backend_t *jf_gemm_backend_find(const char *name)
{
    for (int i = 0; jf_gemm_backends[i] != NULL; i++)
        if (strcmp(jf_gemm_backends[i]->name, name) == 0)
            return jf_gemm_backends[i];
    return NULL;
}

void jf_gemm_backend_names(char *buf, size_t buflen)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; jf_gemm_backends[i] != NULL && used < buflen; i++) {
        const int n = snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "",
                               jf_gemm_backends[i]->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}
