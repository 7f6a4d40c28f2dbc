/* jf_manifest.c: the lines of MANIFEST.sha256 (see jf_manifest.h). */
#include "jf_manifest.h"

#include <string.h>

int jf_manifest_name_ok(const char *name)
{
    if (name[0] == '\0' || name[0] == '/' || strpbrk(name, "\\\n\r") != NULL)
        return 0;
    for (const char *p = name; *p;) {
        const size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n;
        if (*p == '/' && *++p == '\0')
            return 0;  /* a trailing '/' names a folder */
    }
    return 1;
}

int jf_manifest_parse_line(const char *line, char hex[JF_SHA256_HEXLEN], const char **name)
{
    const size_t n = strlen(line);
    if (n <= 66 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
        return -1;
    for (int k = 0; k < 64; k++) {
        const char c = line[k];
        if (c >= 'A' && c <= 'F')
            hex[k] = (char)(c - 'A' + 'a');
        else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
            hex[k] = c;
        else
            return -1;
    }
    hex[64] = '\0';
    *name = line + 66;
    return jf_manifest_name_ok(*name) ? 0 : -1;
}
