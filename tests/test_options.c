/* test_options: every row of jflop-run's flag table is documented in
 * --help (and every flag line of --help is a row), and parses: given its
 * example value (or none) it is accepted, with = too, and changes the
 * options; a flag that takes a value refuses to go without one. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/jf_options.h"

#include "jf_test.h"

/* "--name" in text as a whole flag, not the start of a longer one */
static int mentions(const char *text, const char *flag)
{
    const size_t n = strlen(flag);
    for (const char *p = text; (p = strstr(p, flag)) != NULL; p += n) {
        const char next = p[n];
        if ((p == text || p[-1] == ' ' || p[-1] == '(' || p[-1] == '\n') &&
            !(next == '-' || (next >= 'a' && next <= 'z')))
            return 1;
    }
    return 0;
}

static char *usage_text(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL)
        return NULL;
    jf_options_usage(out);
    fclose(out);
    return buf;
}

static jf_err_t parse(int argc, char **argv, jf_run_options_t *o, char *msg, size_t msglen)
{
    msg[0] = '\0';
    return jf_options_parse(argc, argv, o, msg, msglen);
}

static int known(const char *name, size_t len)
{
    jf_flag_info_t f;
    for (size_t i = 0; jf_options_flag(i, &f); i++)
        if (strlen(f.name) == len && strncmp(f.name, name, len) == 0)
            return 1;
    return 0;
}

int main(void)
{
    char *usage = usage_text();
    char msg[JF_MSG_LEN], flag[64], eq[128];
    jf_run_options_t defaults, o;
    jf_flag_info_t f;
    size_t nflags = 0;

    if (usage == NULL)
        JF_TEST_SKIP("open_memstream failed");
    char *none[] = {"jflop-run", NULL};
    CHECK_MSG(parse(1, none, &defaults, msg, sizeof msg) == JF_OK, "no flags: %s", msg);

    for (size_t i = 0; jf_options_flag(i, &f); i++, nflags++) {
        snprintf(flag, sizeof flag, "--%s", f.name);
        CHECK_MSG(mentions(usage, flag), "%s is not in --help", flag);
        if (f.short_name != 0) {
            char s[sizeof flag + 8];
            snprintf(s, sizeof s, "-%c, %s", f.short_name, flag);
            CHECK_MSG(strstr(usage, s) != NULL, "'%s' is not in --help", s);
        }
        CHECK_MSG(f.arg == NULL || f.example != NULL, "%s takes a value but has no example",
                  flag);
        if (f.arg != NULL && f.example == NULL)
            continue;

        /* --name VALUE, --name=VALUE, -x: accepted, and they change something */
        char *argv[] = {"jflop-run", flag, (char *)(uintptr_t)f.example, NULL};
        const int argc = f.arg != NULL ? 3 : 2;
        jf_err_t err = parse(argc, argv, &o, msg, sizeof msg);
        CHECK_MSG(err == JF_OK, "%s %s: refused: %s", flag, f.arg ? f.example : "", msg);
        CHECK_MSG(err != JF_OK || memcmp(&o, &defaults, sizeof o) != 0,
                  "%s %s: parsed, but changed nothing", flag, f.arg ? f.example : "");
        if (f.arg != NULL) {
            snprintf(eq, sizeof eq, "%s=%s", flag, f.example);
            char *argv_eq[] = {"jflop-run", eq, NULL};
            err = parse(2, argv_eq, &o, msg, sizeof msg);
            CHECK_MSG(err == JF_OK, "%s: refused: %s", eq, msg);
            char *bare[] = {"jflop-run", flag, NULL};
            err = parse(2, bare, &o, msg, sizeof msg);
            CHECK_MSG(err == JF_EINVAL && strstr(msg, "needs a value") != NULL,
                      "%s without a value: error %d, '%s'", flag, (int)err, msg);
        } else {
            snprintf(eq, sizeof eq, "%s=1", flag);
            char *argv_eq[] = {"jflop-run", eq, NULL};
            err = parse(2, argv_eq, &o, msg, sizeof msg);
            CHECK_MSG(err == JF_EINVAL && strstr(msg, "takes no value") != NULL,
                      "%s: error %d, '%s'", eq, (int)err, msg);
        }
        if (f.short_name != 0) {
            char s[4] = {'-', f.short_name, '\0', '\0'};
            char *argv_s[] = {"jflop-run", s, (char *)(uintptr_t)f.example, NULL};
            err = parse(f.arg != NULL ? 3 : 2, argv_s, &o, msg, sizeof msg);
            CHECK_MSG(err == JF_OK && memcmp(&o, &defaults, sizeof o) != 0, "%s: error %d, '%s'",
                      s, (int)err, msg);
        }
    }
    CHECK_MSG(nflags >= 30, "only %zu flags in the table", nflags);

    /* the other way round: every flag line of --help is a row */
    for (const char *line = usage; *line != '\0';) {
        const size_t len = strcspn(line, "\n");
        const char *p = strstr(line, "--");
        if ((strncmp(line, "  -", 3) == 0 || strncmp(line, "      --", 8) == 0) && p != NULL &&
            p - line <= 8) {
            const size_t n = strcspn(p + 2, " \n=");
            CHECK_MSG(known(p + 2, n), "--help documents --%.*s, which no row defines", (int)n,
                      p + 2);
        }
        line += len + (line[len] != '\0');
    }
    free(usage);
    return JF_TEST_DONE();
}
