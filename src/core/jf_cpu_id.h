/* jf_cpu_id.h: which CPU a run ran on, from the node's /proc/cpuinfo.
 *
 * A J/FLOP figure belongs to a processor: the same build measured 0.83 of
 * its raw GEMM rate on one week's development VM and 0.90 on the next
 * one's, whose model name ("AMD EPYC") was the same. So a results file
 * names the vendor, family, model and stepping (x86) or implementer, part
 * and revision (Arm), the microcode, the processors listed and the vector
 * and matrix features jflop's kernels can use.
 *
 * The file is found under JFLOP_PROC_ROOT (core/jf_cpu_share.h), so tests
 * give fake trees. It can be 100s of kB on a large node: it is read a line
 * at a time, and only the first processor's block is kept (the identity
 * fields of one node's processors are the same). */
#ifndef JF_CPU_ID_H
#define JF_CPU_ID_H

#include <stddef.h>
#include <stdint.h>

#define JF_CPU_TEXT 160

typedef struct {
    int known;                   /* 0: could not be read (why says why) */
    char why[JF_CPU_TEXT];
    char vendor[48];             /* GenuineIntel, AuthenticAMD, "Arm (0x41)", ... */
    char model_name[JF_CPU_TEXT];  /* "model name" (x86), "cpu" (POWER), else built */
    int family, model, stepping; /* x86 family/model/stepping; Arm architecture/part/
                                    revision; -1 where the file gives none */
    char microcode[32];          /* "" where the file gives none */
    int cpus;                    /* processor entries listed */
    char isa[JF_CPU_TEXT];       /* the features below that are present, in that order */
    /* parser state */
    int blocks;                  /* processor blocks begun */
    int arm_variant;
} jf_cpu_id_t;

/* The features jflop's GEMM and vector kernels can use, as the kernel
 * names them in the flags (x86) or Features (Arm) line. */
extern const char *const jf_cpu_isa_features[];

/* Line by line: begin, each line (without or with its newline), end. */
void jf_cpu_id_begin(jf_cpu_id_t *id);
void jf_cpu_id_add_line(jf_cpu_id_t *id, const char *line);
void jf_cpu_id_end(jf_cpu_id_t *id);

/* The whole text at once (tests, fuzzing). */
void jf_cpu_id_parse(const char *text, jf_cpu_id_t *id);

/* Read ROOT/cpuinfo (root NULL: jf_cpu_share_root()). On failure known is
 * 0 and why names the file and the reason. */
void jf_cpu_id_read(const char *root, jf_cpu_id_t *id);

/* One line for people: "AMD EPYC (AuthenticAMD family 25 model 17
 * stepping 1, microcode 0xa101148), 2 CPUs, avx2 fma avx512f avx512_bf16",
 * or "unknown: " and why. */
void jf_cpu_id_describe(const jf_cpu_id_t *id, char *out, size_t len);

/* A hash of what makes two nodes' processors the same kind (vendor, model
 * name, family, model): equal on every node of a uniform job. */
uint64_t jf_cpu_id_hash(const jf_cpu_id_t *id);

/* A hash of what may differ between nodes of one kind (stepping, CPU count
 * with SMT or CPUs off, the features a kernel version lists); not the
 * microcode. */
uint64_t jf_cpu_id_detail_hash(const jf_cpu_id_t *id);

#endif
