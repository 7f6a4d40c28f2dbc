/* jf_sha256.h: SHA-256 (FIPS 180-4), for the submission manifests of
 * `jflop validate`: no library dependency, streaming or whole files. */
#ifndef JF_SHA256_H
#define JF_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "core/jf_error.h"

#define JF_SHA256_LEN 32
#define JF_SHA256_HEXLEN 65 /* 64 hex digits and the terminating NUL */

typedef struct {
    uint32_t h[8];
    uint64_t bytes;          /* message length so far */
    unsigned char block[64]; /* pending input, `used` bytes of it */
    size_t used;
} jf_sha256_t;

void jf_sha256_init(jf_sha256_t *s);
void jf_sha256_update(jf_sha256_t *s, const void *data, size_t len);
void jf_sha256_final(jf_sha256_t *s, unsigned char digest[JF_SHA256_LEN]);

/* One call: the lowercase hex digest of a buffer. */
void jf_sha256_hex(const void *data, size_t len, char hex[JF_SHA256_HEXLEN]);

/* The lowercase hex digest of a file's bytes; JF_EIO with the file named
 * when it cannot be read. */
jf_err_t jf_sha256_file(const char *path, char hex[JF_SHA256_HEXLEN], char *msg, size_t msglen);

#endif
