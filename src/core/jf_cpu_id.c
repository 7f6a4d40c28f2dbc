/* jf_cpu_id.c: the node's processor from /proc/cpuinfo (see the header). */
#include "jf_cpu_id.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jf_cpu_share.h"

const char *const jf_cpu_isa_features[] = {
    /* x86: FMA and AVX2, AVX-512 and its bf16/int8 dot products, AMX */
    "fma", "avx2", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile",
    "amx_bf16", "amx_int8",
    /* Arm: Advanced SIMD, SVE, the bf16 and int8 matrix products, SME */
    "asimd", "sve", "sve2", "bf16", "i8mm", "sme", NULL};

#define NFEATURES (sizeof jf_cpu_isa_features / sizeof jf_cpu_isa_features[0] - 1)

void jf_cpu_id_begin(jf_cpu_id_t *id)
{
    memset(id, 0, sizeof *id);
    id->family = id->model = id->stepping = id->arm_variant = -1;
}

/* A whole-field integer (base 0: "17", "0xd0c"); -1 when it is not one. */
static int whole_int(const char *v)
{
    char *end;
    errno = 0;
    const long n = strtol(v, &end, 0);
    while (*end == ' ' || *end == '\t')
        end++;
    return end != v && *end == '\0' && errno == 0 && n >= 0 && n <= 1 << 30 ? (int)n : -1;
}

/* A field as printable ASCII: other bytes become '?', so that a name in
 * another encoding cannot make the JSON outputs (UTF-8 only) drop it, and a
 * cut cannot split a character. */
/* The integer at the start of v (decimal), -1 when there is none. */
static int whole_int_prefix(const char *v)
{
    char *end;
    const long n = strtol(v, &end, 10);
    return end != v && n >= 0 && n <= 1 << 30 ? (int)n : -1;
}

static void copy_field(char *dst, size_t len, const char *v)
{
    const size_t n = strnlen(v, len - 1);
    for (size_t i = 0; i < n; i++)
        dst[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
    dst[n] = '\0';
}

/* Arm's implementer codes (the kernel's cpuinfo gives only the number). */
static const char *arm_implementer(int code)
{
    switch (code) {
    case 0x41: return "Arm";
    case 0x42: return "Broadcom";
    case 0x46: return "Fujitsu";
    case 0x48: return "HiSilicon";
    case 0x4e: return "NVIDIA";
    case 0x50: return "Ampere (APM)";
    case 0x51: return "Qualcomm";
    case 0x61: return "Apple";
    case 0x6d: return "Microsoft";
    case 0xc0: return "Ampere";
    default: return "implementer";
    }
}

/* the listed features among the first len characters of v */
static void scan_features(jf_cpu_id_t *id, const char *v, size_t len)
{
    int present[NFEATURES] = {0};
    const char *p = v, *const end = v + len;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        size_t n = 0;
        while (p + n < end && p[n] != ' ' && p[n] != '\t')
            n++;
        for (size_t f = 0; n > 0 && f < NFEATURES; f++)
            if (strlen(jf_cpu_isa_features[f]) == n && strncmp(p, jf_cpu_isa_features[f], n) == 0)
                present[f] = 1;
        p += n;
    }
    size_t used = 0;
    id->isa[0] = '\0';
    for (size_t f = 0; f < NFEATURES; f++)
        if (present[f] && used < sizeof id->isa) {
            const int w = snprintf(id->isa + used, sizeof id->isa - used, "%s%s",
                                   used ? " " : "", jf_cpu_isa_features[f]);
            used += w > 0 ? (size_t)w : 0;
        }
}

/* One line of n characters (no terminator needed): "key<tabs>: value". */
static void add_line_n(jf_cpu_id_t *id, const char *line, size_t n)
{
    const char *colon = memchr(line, ':', n);
    if (colon == NULL)
        return;
    size_t klen = (size_t)(colon - line);
    while (klen > 0 && (line[klen - 1] == ' ' || line[klen - 1] == '\t'))
        klen--;
    char key[32];
    if (klen == 0 || klen >= sizeof key)
        return;
    memcpy(key, line, klen);
    key[klen] = '\0';
    /* the value in place: a flags line can be several kB */
    const char *vs = colon + 1;
    while (vs < line + n && (*vs == ' ' || *vs == '\t'))
        vs++;
    size_t vlen = (size_t)(line + n - vs);
    while (vlen > 0 && (vs[vlen - 1] == '\n' || vs[vlen - 1] == '\r' || vs[vlen - 1] == ' '))
        vlen--;
    if (strcmp(key, "flags") == 0 || strcmp(key, "Features") == 0) {
        if (id->blocks <= 1)
            scan_features(id, vs, vlen);
        return;
    }
    /* every other field is short: a copy, cut at 1 kB */
    char v[1024];
    snprintf(v, sizeof v, "%.*s", (int)(vlen < sizeof v ? vlen : sizeof v - 1), vs);

    if (strncmp(key, "processor ", 10) == 0 && whole_int(key + 10) >= 0) {
        /* s390x: "processor 0: version = 00,  identification = ...,  machine = 3906" */
        id->cpus++;
        const char *m = strstr(v, "machine = ");
        if (m != NULL && id->model < 0)
            id->model = whole_int_prefix(m + 10);
        return;
    }
    if (strcmp(key, "processor") == 0) {
        /* x86 and Arm: one block per logical CPU, numbered */
        if (whole_int(v) >= 0) {
            id->cpus++;
            id->blocks++;
        }
        return;
    }
    if (id->blocks > 1)
        return;  /* identity fields: the first processor's block only */
    if (strcmp(key, "vendor_id") == 0)
        copy_field(id->vendor, sizeof id->vendor, v);
    else if (strcmp(key, "model name") == 0 || (strcmp(key, "cpu") == 0 && !id->model_name[0]))
        copy_field(id->model_name, sizeof id->model_name, v);
    else if (strcmp(key, "cpu family") == 0 || strcmp(key, "CPU architecture") == 0)
        id->family = whole_int(v);
    else if (strcmp(key, "model") == 0)
        id->model = whole_int(v);
    else if (strcmp(key, "stepping") == 0 || strcmp(key, "CPU revision") == 0)
        id->stepping = whole_int(v);
    else if (strcmp(key, "microcode") == 0)
        copy_field(id->microcode, sizeof id->microcode, v);
    else if (strcmp(key, "CPU implementer") == 0) {
        const int code = whole_int(v);
        snprintf(id->vendor, sizeof id->vendor, "%s (0x%02x)", arm_implementer(code),
                 code < 0 ? 0 : code);
    } else if (strcmp(key, "CPU part") == 0)
        id->model = whole_int(v);
    else if (strcmp(key, "CPU variant") == 0)
        id->arm_variant = whole_int(v);
}

void jf_cpu_id_add_line(jf_cpu_id_t *id, const char *line)
{
    add_line_n(id, line, strlen(line));
}

void jf_cpu_id_end(jf_cpu_id_t *id)
{
    if (!id->model_name[0] && id->model >= 0 && strchr(id->vendor, '(') != NULL)
        /* Arm gives no model name: part, variant and revision, as Arm writes them */
        snprintf(id->model_name, sizeof id->model_name, "%.40s part 0x%03x r%dp%d", id->vendor,
                 id->model, id->arm_variant < 0 ? 0 : id->arm_variant,
                 id->stepping < 0 ? 0 : id->stepping);
    if (!id->model_name[0] && id->model >= 0 && strstr(id->vendor, "S390") != NULL)
        snprintf(id->model_name, sizeof id->model_name, "IBM Z machine type %d", id->model);
    id->known = id->cpus > 0 || id->vendor[0] || id->model_name[0];
    if (!id->known)
        snprintf(id->why, sizeof id->why, "no processor entries in it");
}

void jf_cpu_id_parse(const char *text, jf_cpu_id_t *id)
{
    jf_cpu_id_begin(id);
    const char *p = text;
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        const size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        add_line_n(id, p, n);
        p = nl != NULL ? nl + 1 : NULL;
    }
    jf_cpu_id_end(id);
}

void jf_cpu_id_read(const char *root, jf_cpu_id_t *id)
{
    char path[512];
    if (root == NULL)
        root = jf_cpu_share_root();
    snprintf(path, sizeof path, "%s/cpuinfo", root);
    jf_cpu_id_begin(id);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(id->why, sizeof id->why, "%.90s/cpuinfo: cannot be opened (%s)", root,
                 strerror(errno));
        return;
    }
    /* a flags line is over 1,000 characters on current x86: getline */
    char *line = NULL;
    size_t cap = 0;
    errno = 0;
    while (getline(&line, &cap, f) != -1)
        jf_cpu_id_add_line(id, line);
    const int bad = ferror(f);
    const int err = errno;
    free(line);
    fclose(f);
    if (bad) {
        jf_cpu_id_begin(id);
        snprintf(id->why, sizeof id->why, "%.90s/cpuinfo: read error (%s)", root, strerror(err));
        return;
    }
    jf_cpu_id_end(id);
    if (!id->known)
        snprintf(id->why, sizeof id->why, "%.90s/cpuinfo: no processor entries in it", root);
}

/* dst += src, truncated at len */
static void append(char *dst, size_t len, const char *src)
{
    const size_t used = strlen(dst);
    if (used + 1 < len)
        snprintf(dst + used, len - used, "%s", src);
}

void jf_cpu_id_describe(const jf_cpu_id_t *id, char *out, size_t len)
{
    if (!id->known) {
        snprintf(out, len, "unknown: %s", id->why);
        return;
    }
    char ident[128] = "", part[48];
    if (strchr(id->vendor, '(') != NULL) {
        /* Arm: the name already holds implementer, part, variant and revision */
        if (id->family >= 0)
            snprintf(ident, sizeof ident, "architecture %d", id->family);
        snprintf(out, len, "%s%s%s%s, %d CPU%s%s%s", id->model_name, ident[0] ? " (" : "", ident,
                 ident[0] ? ")" : "", id->cpus, id->cpus == 1 ? "" : "s", id->isa[0] ? ", " : "",
                 id->isa);
        return;
    }
    if (id->family >= 0)
        snprintf(part, sizeof part, " family %d", id->family), append(ident, sizeof ident, part);
    if (id->model >= 0)
        snprintf(part, sizeof part, " model %d", id->model), append(ident, sizeof ident, part);
    if (id->stepping >= 0)
        snprintf(part, sizeof part, " stepping %d", id->stepping), append(ident, sizeof ident, part);
    if (id->microcode[0])
        snprintf(part, sizeof part, ", microcode %.20s", id->microcode),
            append(ident, sizeof ident, part);
    const char *rest = ident[0] == ' ' ? ident + 1 : ident[0] == ',' ? ident + 2 : ident;
    char vendor_ident[192];
    snprintf(vendor_ident, sizeof vendor_ident, "%s%s%s", id->vendor,
             id->vendor[0] && rest[0] ? (ident[0] == ',' ? ", " : " ") : "", rest);
    snprintf(out, len, "%s%s%s%s, %d CPU%s%s%s", id->model_name[0] ? id->model_name : "unnamed",
             vendor_ident[0] ? " (" : "", vendor_ident, vendor_ident[0] ? ")" : "", id->cpus, id->cpus == 1 ? "" : "s",
             id->isa[0] ? ", " : "", id->isa[0] ? id->isa : "");
}

static uint64_t fnv1a(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

uint64_t jf_cpu_id_hash(const jf_cpu_id_t *id)
{
    char key[512];
    snprintf(key, sizeof key, "%s|%s|%d|%d", id->vendor, id->model_name, id->family, id->model);
    return fnv1a(key);
}

uint64_t jf_cpu_id_detail_hash(const jf_cpu_id_t *id)
{
    char key[256];
    snprintf(key, sizeof key, "%d|%d|%s", id->stepping, id->cpus, id->isa);
    return fnv1a(key);
}
