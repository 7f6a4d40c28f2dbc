/* jf_sysmem.c: MemAvailable and the cgroup memory limit. */
#include "jf_sysmem.h"

#include <stdio.h>
#include <string.h>

/* The first number in a file, or 0 when it cannot be read (or says "max"). */
static unsigned long long read_number(const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned long long v = 0;
    if (f == NULL)
        return 0;
    if (fscanf(f, "%llu", &v) != 1)
        v = 0;
    fclose(f);
    return v;
}

static unsigned long long meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[256];
    unsigned long long kb = 0;
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return kb * 1024ULL;
}

/* The memory limit of this process's cgroup, from /proc/self/cgroup:
 * "0::/path" (v2) or "N:memory:/path" (v1); 0 when unlimited or unknown. */
static unsigned long long cgroup_limit(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[4096], path[4400];
    unsigned long long limit = 0;
    if (f == NULL)
        return 0;
    while (limit == 0 && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        const char *v2 = strncmp(line, "0::", 3) == 0 ? line + 3 : NULL;
        const char *v1 = strstr(line, ":memory:");
        if (v2 != NULL) {
            snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", v2);
            limit = read_number(path);
        } else if (v1 != NULL) {
            snprintf(path, sizeof path, "/sys/fs/cgroup/memory%s/memory.limit_in_bytes",
                     v1 + strlen(":memory:"));
            limit = read_number(path);
        }
    }
    fclose(f);
    /* v1 reports "no limit" as a huge page-rounded number */
    return limit >= (1ULL << 60) ? 0 : limit;
}

unsigned long long jf_mem_available(void)
{
    const unsigned long long avail = meminfo_available(), limit = cgroup_limit();
    if (limit > 0 && (avail == 0 || limit < avail))
        return limit;
    return avail;
}
