/* test_json_in: the strict JSON input reader every input file goes through
 * (src/analysis/jf_json_in.c): schema and version, duplicate keys, the
 * nesting cap (brackets inside strings do not count), key checks, numbers
 * and strings at their limits, and NUL bytes within the given length. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/jf_json_in.h"
#include "jf_test.h"

static jf_err_t parse(const char *text, char *msg, size_t msglen)
{
    json_t *root = NULL;
    const jf_err_t err =
        jf_json_in_parse(text, strlen(text), "t.json", "jflop-x", 1, &root, msg, msglen);
    CHECK((err == JF_OK) == (root != NULL));
    json_decref(root);
    return err;
}

int main(void)
{
    char msg[JF_MSG_LEN];
    CHECK_INT_EQ(JF_OK, parse("{\"schema\": \"jflop-x\", \"schema_version\": \"1.7\"}", msg,
                              sizeof msg));
    /* versions */
    static const struct { const char *version, *needle; } versions[] = {
        {"\"2.0\"", "t.json: field 'schema_version' = \"2.0\": a newer major version"},
        {"\"10.0\"", "a newer major version than this jflop reads (1.x)"},
        {"\"0.9\"", "no such version"},
        {"\"1\"", "is not a version"},
        {"\"1.\"", "is not a version"},
        {"\".1\"", "is not a version"},
        {"\"1.0.1\"", "is not a version"},
        {"\"1.0 \"", "is not a version"},
        {"\"99999.0\"", "is not a version"},
        {"\"77777777777777777777771.0\"", "is not a version"},  /* fuzz_site: no overflow */
        {"1.0", "is not a version"},
        {"null", "is not a version"},
    };
    for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"schema\": \"jflop-x\", \"schema_version\": %s}",
                 versions[i].version);
        CHECK(parse(text, msg, sizeof msg) != JF_OK);
        CHECK_STR_CONTAINS(msg, versions[i].needle);
    }
    CHECK(parse("{\"schema\": \"jflop-x\"}", msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "t.json: field 'schema_version' is missing");
    CHECK(parse("{\"schema\": \"jflop-y\", \"schema_version\": \"1.0\"}", msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "t.json: field 'schema' is not \"jflop-x\"");
    CHECK(parse("[1]", msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "not a JSON object");
    /* duplicates, at any depth */
    CHECK(parse("{\"schema\": \"jflop-x\", \"schema_version\": \"1.0\", \"a\": {\"b\": 1, \"b\": 2}}",
                msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "t.json: line 1: a key given twice (duplicate object key near '\"b\"')");
    /* nesting: 8 levels pass, 9 do not; brackets in strings are text */
    const char *ok8 = "{\"schema\": \"jflop-x\", \"schema_version\": \"1.0\", "
                      "\"a\": [[[[[[[1]]]]]]], \"s\": \"[[[[[[[[[[\\\"[[[[\"}";
    CHECK_MSG(parse(ok8, msg, sizeof msg) == JF_OK, "%s", msg);
    CHECK(parse("{\"schema\": \"jflop-x\", \"schema_version\": \"1.0\", "
                "\"a\": [[[[[[[[1]]]]]]]]}", msg, sizeof msg) != JF_OK);
    CHECK_STR_CONTAINS(msg, "t.json: nested deeper than 8 levels (line 1)");
    /* a NUL inside the given length is not the end of the text */
    const char nul[] = "{\"schema\": \"jflop-x\", \"schema_version\": \"1.0\"}\0garbage";
    json_t *root = NULL;
    CHECK(jf_json_in_parse(nul, sizeof nul - 1, "t.json", "jflop-x", 1, &root, msg, sizeof msg) !=
          JF_OK);
    CHECK(root == NULL);

    /* keys, numbers, integers, strings */
    json_error_t jerr;
    json_t *o = json_loads("{\"value\": 5, \"source\": \"s\", \"n\": 3, \"big\": 1e300, "
                           "\"long\": \"abcdef\", \"empty\": \"\", \"unit\": \"x\"}",
                           0, &jerr);
    JF_TEST_REQUIRE(o != NULL);
    static const char *const known[] = {"value", "source", "n", "big", "long", "empty", NULL};
    CHECK(jf_json_in_keys(o, known, "t.json", "pue", msg, sizeof msg) != 0);
    CHECK_STR_CONTAINS(msg, "t.json: field 'pue.unit' is not a known field (known: value, source");
    double x = 0;
    CHECK(jf_json_in_number(json_object_get(o, "value"), 0, 1, 5, "w", "t.json", "v", &x, msg,
                            sizeof msg) == 0 && x == 5);
    CHECK(jf_json_in_number(json_object_get(o, "value"), 5, 1, 9, "above 5", "t.json", "v", &x,
                            msg, sizeof msg) != 0);
    CHECK_STR_CONTAINS(msg, "t.json: field 'v' = 5 is out of range: above 5");
    CHECK(jf_json_in_number(json_object_get(o, "big"), 0, 0, 1e6, "w", "t.json", "big", &x, msg,
                            sizeof msg) != 0);
    CHECK(jf_json_in_number(json_object_get(o, "source"), 0, 0, 1, "w", "t.json", "s", &x, msg,
                            sizeof msg) != 0);
    CHECK_STR_CONTAINS(msg, "field 's' is not a number");
    long long k = 0;
    CHECK(jf_json_in_integer(json_object_get(o, "n"), 1, 3, "t.json", "n", &k, msg,
                             sizeof msg) == 0 && k == 3);
    CHECK(jf_json_in_integer(json_object_get(o, "n"), 4, 9, "t.json", "n", &k, msg,
                             sizeof msg) != 0);
    CHECK_STR_CONTAINS(msg, "field 'n' must be an integer from 4 to 9");
    CHECK(jf_json_in_integer(json_object_get(o, "value"), 0, 9, "t.json", "n", &k, msg,
                             sizeof msg) == 0);
    CHECK(jf_json_in_integer(json_object_get(o, "big"), 0, 9, "t.json", "big", &k, msg,
                             sizeof msg) != 0);
    char s6[7], s5[6] = "keep";
    CHECK(jf_json_in_string(o, "long", 1, s6, sizeof s6, "t.json", "long", msg, sizeof msg) == 0);
    CHECK_STR_EQ("abcdef", s6);
    CHECK(jf_json_in_string(o, "long", 1, s5, sizeof s5, "t.json", "long", msg, sizeof msg) != 0);
    CHECK_STR_CONTAINS(msg, "t.json: field 'long' is 6 characters long; at most 5");
    CHECK(jf_json_in_string(o, "empty", 1, s5, sizeof s5, "t.json", "empty", msg, sizeof msg) != 0);
    CHECK(jf_json_in_string(o, "missing", 0, s5, sizeof s5, "t.json", "m", msg, sizeof msg) == 0);
    CHECK_STR_EQ("keep", s5);
    CHECK(jf_json_in_string(o, "missing", 1, s5, sizeof s5, "t.json", "m", msg, sizeof msg) != 0);
    CHECK_STR_CONTAINS(msg, "t.json: field 'm' is missing");
    json_decref(o);

    /* capped read */
    char *text = NULL;
    size_t len = 0;
    CHECK(jf_json_in_read("/nonexistent/x.json", 100, &text, &len, msg, sizeof msg) == JF_EIO);
    CHECK_STR_CONTAINS(msg, "/nonexistent/x.json: cannot open it");
    char path[] = "/tmp/jflop-test_json_in.XXXXXX";
    const int fd = mkstemp(path);
    JF_TEST_REQUIRE(fd >= 0);
    JF_TEST_REQUIRE(write(fd, "{\"a\": 1}", 8) == 8);
    close(fd);
    CHECK(jf_json_in_read(path, 8, &text, &len, msg, sizeof msg) == JF_OK && len == 8 &&
          strcmp(text, "{\"a\": 1}") == 0);
    free(text);
    CHECK(jf_json_in_read(path, 7, &text, &len, msg, sizeof msg) == JF_ERANGE && text == NULL);
    CHECK_STR_CONTAINS(msg, "8 bytes, larger than the 7 an input file may have");
    unlink(path);
    return JF_TEST_DONE();
}
