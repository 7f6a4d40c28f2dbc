/* test_cpu_id: the processor a run names (core/jf_cpu_id.c), from
 * /proc/cpuinfo texts in the kernels' own formats: an Intel Xeon with AMX
 * (two processor blocks, the second with other values that must not
 * count), an AMD EPYC, an Arm Neoverse (no model name, hex part number),
 * a POWER9 ("cpu" line) and broken texts (empty, no colon, numbers that
 * are not numbers, keys and values longer than any buffer); then the file
 * read under a fake proc root: a flags line longer than 4 kB, a missing
 * file, a folder in its place, a file with no processor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/jf_cpu_id.h"
#include "jf_test.h"

static const char *xeon =
    "processor\t: 0\n"
    "vendor_id\t: GenuineIntel\n"
    "cpu family\t: 6\n"
    "model\t\t: 143\n"
    "model name\t: Intel(R) Xeon(R) Platinum 8480+\n"
    "stepping\t: 8\n"
    "microcode\t: 0x2b000461\n"
    "flags\t\t: fpu vme sse2 avx fma avx2 avx512f avx512dq avx512_bf16 avx512_vnni amx_bf16 "
    "amx_tile amx_int8 avx512_fp16 avx512vl\n"
    "\n"
    "processor\t: 1\n"
    "vendor_id\t: OtherVendor\n"
    "cpu family\t: 99\n"
    "model\t\t: 1\n"
    "model name\t: not the first block\n"
    "stepping\t: 0\n"
    "flags\t\t: fpu\n";

static const char *epyc =
    "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
    "model name\t: AMD EPYC 9654 96-Core Processor\nstepping\t: 1\nmicrocode\t: 0xa101148\n"
    "flags\t\t: fpu avx2 fma avx512f avx512_bf16 avx512_vnni\n\n"
    "processor\t: 1\nvendor_id\t: AuthenticAMD\n\nprocessor\t: 2\n\nprocessor\t: 3\n";

static const char *neoverse =
    "processor\t: 0\nBogoMIPS\t: 2100.00\n"
    "Features\t: fp asimd evtstrm aes sha2 crc32 atomics fphp asimdhp cpuid sve bf16 i8mm sve2\n"
    "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0xd40\n"
    "CPU revision\t: 1\n\n"
    "processor\t: 1\nBogoMIPS\t: 2100.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n";

static const char *power9 =
    "processor\t: 0\ncpu\t\t: POWER9 (architected), altivec supported\nclock\t\t: 2300.000000MHz\n"
    "revision\t: 2.2 (pvr 004e 1202)\n\nprocessor\t: 1\ncpu\t\t: POWER9\n\n"
    "timebase\t: 512000000\nplatform\t: pSeries\nmodel\t\t: IBM,9009-22A\n";

static void test_x86(void)
{
    jf_cpu_id_t id;
    char line[400];
    jf_cpu_id_parse(xeon, &id);
    CHECK(id.known);
    CHECK_STR_EQ("GenuineIntel", id.vendor);
    CHECK_STR_EQ("Intel(R) Xeon(R) Platinum 8480+", id.model_name);
    CHECK_INT_EQ(6, id.family);
    CHECK_INT_EQ(143, id.model);
    CHECK_INT_EQ(8, id.stepping);
    CHECK_STR_EQ("0x2b000461", id.microcode);
    CHECK_INT_EQ(2, id.cpus);
    /* jflop's order, not the file's; avx512vl and the rest are not listed */
    CHECK_STR_EQ("fma avx2 avx512f avx512_vnni avx512_bf16 avx512_fp16 amx_tile amx_bf16 amx_int8",
                 id.isa);
    jf_cpu_id_describe(&id, line, sizeof line);
    CHECK_STR_EQ("Intel(R) Xeon(R) Platinum 8480+ (GenuineIntel family 6 model 143 stepping 8, "
                 "microcode 0x2b000461), 2 CPUs, fma avx2 avx512f avx512_vnni avx512_bf16 "
                 "avx512_fp16 amx_tile amx_bf16 amx_int8", line);

    jf_cpu_id_t amd;
    jf_cpu_id_parse(epyc, &amd);
    CHECK(amd.known);
    CHECK_STR_EQ("AuthenticAMD", amd.vendor);
    CHECK_INT_EQ(25, amd.family);
    CHECK_INT_EQ(17, amd.model);
    CHECK_INT_EQ(1, amd.stepping);
    CHECK_INT_EQ(4, amd.cpus);
    CHECK_STR_EQ("fma avx2 avx512f avx512_vnni avx512_bf16", amd.isa);
    /* two kinds of processor: different hashes; the same text: the same */
    CHECK(jf_cpu_id_hash(&id) != jf_cpu_id_hash(&amd));
    jf_cpu_id_t again;
    jf_cpu_id_parse(epyc, &again);
    CHECK_U64_EQ(jf_cpu_id_hash(&amd), jf_cpu_id_hash(&again));
    /* another microcode is the same processor; another stepping, CPU
     * count or feature list is the same kind with other details */
    snprintf(again.microcode, sizeof again.microcode, "0xa101150");
    CHECK_U64_EQ(jf_cpu_id_hash(&amd), jf_cpu_id_hash(&again));
    CHECK_U64_EQ(jf_cpu_id_detail_hash(&amd), jf_cpu_id_detail_hash(&again));
    again.stepping = 2;
    CHECK_U64_EQ(jf_cpu_id_hash(&amd), jf_cpu_id_hash(&again));
    CHECK(jf_cpu_id_detail_hash(&amd) != jf_cpu_id_detail_hash(&again));
    jf_cpu_id_parse(epyc, &again);
    again.cpus = 2;
    CHECK(jf_cpu_id_detail_hash(&amd) != jf_cpu_id_detail_hash(&again));
    again.model = 18;
    CHECK(jf_cpu_id_hash(&amd) != jf_cpu_id_hash(&again));
}

static void test_other_kernels(void)
{
    jf_cpu_id_t id;
    char line[400];
    jf_cpu_id_parse(neoverse, &id);
    CHECK(id.known);
    CHECK_STR_EQ("Arm (0x41)", id.vendor);
    CHECK_INT_EQ(8, id.family);
    CHECK_INT_EQ(0xd40, id.model);   /* the first block's part, not the second's */
    CHECK_INT_EQ(1, id.stepping);
    CHECK_INT_EQ(2, id.cpus);
    CHECK_STR_EQ("asimd sve sve2 bf16 i8mm", id.isa);
    CHECK_STR_EQ("Arm (0x41) part 0xd40 r1p1", id.model_name);
    jf_cpu_id_describe(&id, line, sizeof line);
    CHECK_STR_EQ("Arm (0x41) part 0xd40 r1p1 (architecture 8), 2 CPUs, asimd sve sve2 bf16 i8mm",
                 line);

    jf_cpu_id_parse(power9, &id);
    CHECK(id.known);
    CHECK_STR_EQ("POWER9 (architected), altivec supported", id.model_name);
    CHECK_INT_EQ(2, id.cpus);
    CHECK_STR_EQ("", id.vendor);
    /* "model : IBM,9009-22A" is the machine's, after the blocks, not a number */
    CHECK_INT_EQ(-1, id.model);
    CHECK_INT_EQ(-1, id.family);
    jf_cpu_id_describe(&id, line, sizeof line);
    CHECK_STR_EQ("POWER9 (architected), altivec supported, 2 CPUs", line);
}

static const char *s390x =
    "vendor_id       : IBM/S390\n# processors    : 2\nbogomips per cpu: 3241.00\n"
    "features\t: esan3 zarch stfle msa ldisp eimm dfp edat etf3eh highgprs te vx sie\n"
    "processor 0: version = 00,  identification = 0B1234,  machine = 3906\n"
    "processor 1: version = 00,  identification = 0B1234,  machine = 3906\n\n"
    "cpu number      : 0\ncpu MHz dynamic : 5208\n";

static void test_s390x_and_bytes(void)
{
    jf_cpu_id_t id;
    char line[400];
    jf_cpu_id_parse(s390x, &id);
    CHECK(id.known);
    CHECK_INT_EQ(2, id.cpus);
    CHECK_INT_EQ(3906, id.model);
    CHECK_STR_EQ("IBM/S390", id.vendor);
    CHECK_STR_EQ("IBM Z machine type 3906", id.model_name);
    jf_cpu_id_describe(&id, line, sizeof line);
    CHECK_STR_EQ("IBM Z machine type 3906 (IBM/S390 model 3906), 2 CPUs", line);
    /* bytes outside printable ASCII (another encoding, a control byte)
     * become '?': the JSON outputs take UTF-8 only */
    jf_cpu_id_parse("processor : 0\nmodel name : Proc\xe9ssor \x01X 9000\n", &id);
    CHECK_STR_EQ("Proc?ssor ?X 9000", id.model_name);
}

static void test_broken(void)
{
    jf_cpu_id_t id;
    char line[400];
    jf_cpu_id_parse("", &id);
    CHECK(!id.known);
    CHECK_STR_CONTAINS(id.why, "no processor entries");
    jf_cpu_id_describe(&id, line, sizeof line);
    CHECK_STR_EQ("unknown: no processor entries in it", line);

    jf_cpu_id_parse("garbage without colons\n\x01\x02\xff\n:\n: : :\n", &id);
    CHECK(!id.known);

    /* numbers that are not numbers: -1, never a partial parse */
    jf_cpu_id_parse("processor : 0\ncpu family : 6x\nmodel : -3\nstepping : 99999999999999\n"
                    "processor : one\n", &id);
    CHECK(id.known);
    CHECK_INT_EQ(1, id.cpus);
    CHECK_INT_EQ(-1, id.family);
    CHECK_INT_EQ(-1, id.model);
    CHECK_INT_EQ(-1, id.stepping);
    jf_cpu_id_describe(&id, line, sizeof line);
    CHECK_STR_EQ("unnamed, 1 CPU", line);

    /* a model name longer than the field and a key longer than any: cut, no overflow */
    char big[3000];
    memset(big, 'x', sizeof big);
    memcpy(big, "model name : ", 13);
    big[sizeof big - 1] = '\0';
    jf_cpu_id_parse(big, &id);
    CHECK(id.known);
    CHECK_INT_EQ((int)sizeof id.model_name - 1, (int)strlen(id.model_name));
    char key[3000];
    memset(key, 'k', sizeof key);
    key[sizeof key - 3] = ':';
    key[sizeof key - 2] = '1';
    key[sizeof key - 1] = '\0';
    jf_cpu_id_parse(key, &id);
    CHECK(!id.known);
    /* a flags line of 5 kB in a text: the features at its end are found */
    char *flags = malloc(8192);
    int n = snprintf(flags, 8192, "processor : 0\nflags :");
    for (int i = 0; i < 600; i++)
        n += snprintf(flags + n, (size_t)(8192 - n), " f%03d", i);
    snprintf(flags + n, (size_t)(8192 - n), " avx2\n");
    jf_cpu_id_parse(flags, &id);
    free(flags);
    CHECK_STR_EQ("avx2", id.isa);
    /* a description longer than its buffer is cut, terminated */
    jf_cpu_id_parse(xeon, &id);
    char small[24];
    jf_cpu_id_describe(&id, small, sizeof small);
    CHECK_INT_EQ((int)sizeof small - 1, (int)strlen(small));
}

static char root[256];

static void put(const char *name, const char *text)
{
    jf_test_put(root, name, text);
}

static void test_read(void)
{
    jf_cpu_id_t id;
    char path[512];
    snprintf(root, sizeof root, "%s/jf_cpu_id.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(root) == NULL) {
        perror(root);
        exit(99);
    }
    /* a flags line of 5 kB (current x86 kernels print over 1.5 kB), the
     * features at its end */
    char *text = malloc(8192);
    int n = snprintf(text, 8192, "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t:");
    for (int i = 0; i < 600; i++)
        n += snprintf(text + n, (size_t)(8192 - n), " f%03d", i);
    snprintf(text + n, (size_t)(8192 - n), " amx_bf16 avx512f\nmodel\t\t: 143\n");
    put("cpuinfo", text);
    free(text);
    jf_cpu_id_read(root, &id);
    CHECK(id.known);
    CHECK_STR_EQ("avx512f amx_bf16", id.isa);
    CHECK_INT_EQ(143, id.model);

    /* JFLOP_PROC_ROOT is the default root */
    setenv("JFLOP_PROC_ROOT", root, 1);
    jf_cpu_id_read(NULL, &id);
    CHECK_INT_EQ(143, id.model);
    unsetenv("JFLOP_PROC_ROOT");

    put("cpuinfo", "BogoMIPS : 1.0\n");
    jf_cpu_id_read(root, &id);
    CHECK(!id.known);
    CHECK_STR_CONTAINS(id.why, "/cpuinfo: no processor entries in it");

    snprintf(path, sizeof path, "%s/cpuinfo", root);
    unlink(path);
    jf_cpu_id_read(root, &id);
    CHECK(!id.known);
    CHECK_STR_CONTAINS(id.why, "/cpuinfo: cannot be opened (No such file or directory)");

    /* a folder where the file should be: opens, then fails to read */
    mkdir(path, 0700);
    jf_cpu_id_read(root, &id);
    CHECK(!id.known);
    CHECK_STR_CONTAINS(id.why, "/cpuinfo:");
    CHECK_STR_CONTAINS(id.why, "Is a directory");
    CHECK_STR_EQ("", id.vendor);
    rmdir(path);
    rmdir(root);
}

int main(void)
{
    test_x86();
    test_other_kernels();
    test_broken();
    test_s390x_and_bytes();
    test_read();
    return JF_TEST_DONE();
}
