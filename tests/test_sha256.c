/* test_sha256: jf_sha256 on the FIPS 180-4 example messages (NIST's
 * SHA256.pdf and the SHAVS long-message vector): the empty string, "abc",
 * the 448-bit and 896-bit two-block messages and one million 'a'; the same
 * digests fed in pieces of every size across the 55/56/64-byte padding
 * boundaries; and a file hashed through jf_sha256_file. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/jf_sha256.h"
#include "jf_test.h"

static void digest_hex(const unsigned char d[JF_SHA256_LEN], char hex[JF_SHA256_HEXLEN])
{
    for (int i = 0; i < JF_SHA256_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

/* The digest of msg fed `piece` bytes at a time. */
static void in_pieces(const char *msg, size_t len, size_t piece, char hex[JF_SHA256_HEXLEN])
{
    jf_sha256_t s;
    unsigned char d[JF_SHA256_LEN];
    jf_sha256_init(&s);
    for (size_t at = 0; at < len; at += piece)
        jf_sha256_update(&s, msg + at, len - at < piece ? len - at : piece);
    jf_sha256_final(&s, d);
    digest_hex(d, hex);
}

int main(void)
{
    static const struct {
        const char *msg, *digest;
    } nist[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
         "klmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char hex[JF_SHA256_HEXLEN], msg[JF_MSG_LEN];

    for (size_t i = 0; i < sizeof nist / sizeof nist[0]; i++) {
        const size_t len = strlen(nist[i].msg);
        jf_sha256_hex(nist[i].msg, len, hex);
        CHECK_STR_EQ(nist[i].digest, hex);
        for (size_t piece = 1; piece <= 65 && len > 0; piece++) {
            in_pieces(nist[i].msg, len, piece, hex);
            CHECK_STR_EQ(nist[i].digest, hex);
        }
    }

    /* one million 'a', in one piece and in pieces that straddle blocks */
    const size_t million = 1000000;
    char *a = malloc(million);
    JF_TEST_REQUIRE(a != NULL);
    memset(a, 'a', million);
    const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
    jf_sha256_hex(a, million, hex);
    CHECK_STR_EQ(want, hex);
    in_pieces(a, million, 1, hex);
    CHECK_STR_EQ(want, hex);
    in_pieces(a, million, 1000, hex);
    CHECK_STR_EQ(want, hex);
    in_pieces(a, million, 4093, hex);
    CHECK_STR_EQ(want, hex);

    /* every length around the padding boundaries: pieces agree with one shot */
    for (size_t len = 0; len <= 200; len++) {
        char one[JF_SHA256_HEXLEN];
        jf_sha256_hex(a, len, one);
        for (size_t piece = 1; piece <= 70 && len > 0; piece += 3) {
            in_pieces(a, len, piece, hex);
            CHECK_STR_EQ(one, hex);
        }
    }

    /* a file: the same digest as the buffer it holds; a missing file is named */
    char dir[] = "/tmp/jflop-test_sha256.XXXXXX", path[256];
    JF_TEST_REQUIRE(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/million-a", dir);
    FILE *f = fopen(path, "wb");
    JF_TEST_REQUIRE(f != NULL && fwrite(a, 1, million, f) == million);
    fclose(f);
    CHECK_INT_EQ(JF_OK, jf_sha256_file(path, hex, msg, sizeof msg));
    CHECK_STR_EQ(want, hex);
    unlink(path);
    CHECK(jf_sha256_file(path, hex, msg, sizeof msg) == JF_EIO);
    CHECK_STR_CONTAINS(msg, "million-a");
    rmdir(dir);
    free(a);
    return JF_TEST_DONE();
}
