/* jf_options.c: jflop-run's flags, each defined once in a table that
 * drives getopt_long, --help and the parsing and checking of its value. */
#include "jf_options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jf_parse.h"
#include "train/jf_data.h"

/* Upper bounds that catch typos before they become allocation failures. */
#define JF_BATCH_MAX ((uint64_t)1 << 24)
#define JF_STEPS_MAX ((uint64_t)1000000000)
#define JF_THREADS_MAX 4096
#define JF_PARAMS_MAX ((uint64_t)10000000000000ULL)      /* 1e13 */
#define JF_TOKENS_MAX ((uint64_t)1000000000000000ULL)    /* 1e15 */
#define JF_EVAL_TOKENS_MAX ((uint64_t)1000000000)        /* 1e9: a typo's guard */

void jf_options_list_presets(FILE *out)
{
    fprintf(out, "%-8s %6s %7s %5s %5s %6s %6s %5s %6s %7s  %s\n", "preset", "layers",
            "d_model", "heads", "ctx", "ff", "vocab", "batch", "steps", "warmup", "purpose");
    for (const jf_preset_t *p = jf_presets; p->name != NULL; p++)
        fprintf(out, "%-8s %6lld %7lld %5lld %5lld %6lld %6lld %5lld %6lld %7lld  %s\n",
                p->name, (long long)p->shape.layers, (long long)p->shape.d_model,
                (long long)p->shape.heads, (long long)p->shape.ctx, (long long)p->shape.ff,
                (long long)p->shape.vocab, (long long)p->batch, (long long)p->steps,
                (long long)p->warmup, p->purpose);
}

static void apply_preset(jf_run_options_t *o, const jf_preset_t *p)
{
    o->preset = p->name;
    o->shape = p->shape;
    o->batch = p->batch;
    o->steps = p->steps;
    o->warmup = p->warmup;
}

static int default_threads(void)
{
    const char *env = getenv("OMP_NUM_THREADS");
    uint64_t v;
    char why[JF_MSG_LEN];
    /* OMP_NUM_THREADS may be a list ("4,2"); its first entry is ours */
    if (env != NULL) {
        char first[32];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(env, ","), env);
        if (jf_parse_count(first, JF_THREADS_MAX, &v, why, sizeof why) == JF_OK)
            return (int)v;
    }
    return 1;
}

/* --- the flags ------------------------------------------------------------
 * One row per flag: getopt_long's entry, its lines in --help and the
 * parser of its value all come from the row, so a flag is written once. */

typedef struct jf_flag jf_flag_t;
typedef jf_err_t (*jf_flag_fn)(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                               char *msg, size_t msglen);

/* What a flag counts as for the conflict checks (--params, --tokens). */
enum { JF_SETS_SHAPE = 1, JF_SETS_STEPS = 2 };

struct jf_flag {
    const char *name;     /* long name, without "--" */
    char short_name;      /* 0: none */
    const char *arg;      /* its value's name in --help; NULL: takes no value
                           * (flag_choice accepts exactly these '|'-separated words) */
    const char *(*arg_text)(void);  /* or, when set, the words come from a registry */
    jf_flag_fn parse;
    size_t field;         /* offsetof(jf_run_options_t, ...) of its value */
    uint64_t max;         /* counts: the largest accepted */
    int sets;             /* JF_SETS_*, or 0 */
    const char *section;  /* --help: the heading printed before it, or NULL */
    const char *help;     /* --help: its text, lines split by '\n'; NULL: another
                           * row's text names it */
    int align_short;      /* --help: indented as if it had a short form */
    const char *example;  /* a value that parses (test_options runs every row) */
};

#define FIELD(o, f, type) ((type *)(void *)((char *)(o) + (f)->field))

/* a row's value words: its own, or its registry's */
static const char *arg_of(const jf_flag_t *f)
{
    return f->arg_text != NULL ? f->arg_text() : f->arg;
}

/* --energy's words: auto, then the energy registry's backends, handed
 * over by the caller (train/ reads no energy/ header) */
static char energy_choices[160] = "auto|none";

void jf_options_energy_words(const char *words)
{
    snprintf(energy_choices, sizeof energy_choices, "%s", words);
}

static const char *energy_words(void)
{
    return energy_choices;
}

/* k/M/G/T/P counts, 1..f->max */
static jf_err_t count_value(const jf_flag_t *f, const char *arg, uint64_t *v, char *msg,
                            size_t msglen)
{
    char why[JF_MSG_LEN];
    const jf_err_t err = jf_parse_count(arg, f->max, v, why, sizeof why);
    if (err != JF_OK)
        snprintf(msg, msglen, "--%s: %s", f->name, why);
    return err;
}

static jf_err_t flag_i64(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                         size_t msglen)
{
    uint64_t v;
    const jf_err_t err = count_value(f, arg, &v, msg, msglen);
    if (err == JF_OK)
        *FIELD(o, f, int64_t) = (int64_t)v;
    return err;
}

/* --warmup: a count, or none at all */
static jf_err_t flag_i64_or_zero(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                                 char *msg, size_t msglen)
{
    if (strcmp(arg, "0") == 0) {
        *FIELD(o, f, int64_t) = 0;
        return JF_OK;
    }
    return flag_i64(f, arg, o, msg, msglen);
}

static jf_err_t flag_u64_count(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                               char *msg, size_t msglen)
{
    return count_value(f, arg, FIELD(o, f, uint64_t), msg, msglen);
}

static jf_err_t flag_int(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                         size_t msglen)
{
    uint64_t v;
    const jf_err_t err = count_value(f, arg, &v, msg, msglen);
    if (err == JF_OK)
        *FIELD(o, f, int) = (int)v;
    return err;
}

/* any unsigned 64-bit integer, 0 included (a seed) */
static jf_err_t flag_u64(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                         size_t msglen)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(arg, &end, 10);
    if (*arg == '\0' || *arg == '-' || *end != '\0' || errno != 0) {
        snprintf(msg, msglen, "--%s: '%s' is not an unsigned 64-bit integer", f->name, arg);
        return JF_EINVAL;
    }
    *FIELD(o, f, uint64_t) = v;
    return JF_OK;
}

static jf_err_t flag_positive(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                              char *msg, size_t msglen)
{
    char why[JF_MSG_LEN];
    const jf_err_t err = jf_parse_positive_real(arg, FIELD(o, f, double), why, sizeof why);
    if (err != JF_OK)
        snprintf(msg, msglen, "--%s: %s", f->name, why);
    return err;
}

static jf_err_t flag_on(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                        size_t msglen)
{
    (void)arg, (void)msg, (void)msglen;
    *FIELD(o, f, int) = 1;
    return JF_OK;
}

static jf_err_t flag_more(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                          size_t msglen)
{
    (void)arg, (void)msg, (void)msglen;
    (*FIELD(o, f, int))++;
    return JF_OK;
}

/* checked later, where the names are known (GEMM back-ends, kernel sets) */
static jf_err_t flag_text(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                          size_t msglen)
{
    (void)msg, (void)msglen;
    *FIELD(o, f, const char *) = arg;
    return JF_OK;
}

static jf_err_t flag_file(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                          size_t msglen)
{
    if (*arg == '\0') {
        snprintf(msg, msglen, "--%s: empty file name", f->name);
        return JF_EINVAL;
    }
    *FIELD(o, f, const char *) = arg;
    return JF_OK;
}

/* "--energy: 'x' is not auto, likwid, powercap, pm_counters or none",
 * the words being the row's arg as --help shows it */
static jf_err_t not_a_choice(const jf_flag_t *f, const char *arg, char *msg, size_t msglen)
{
    char words[128] = "";
    size_t used = 0;
    for (const char *w = arg_of(f); *w != '\0' && used < sizeof words;) {
        const size_t n = strcspn(w, "|");
        const int k = snprintf(words + used, sizeof words - used, "%s%.*s",
                               used == 0 ? "" : w[n] == '\0' ? " or " : ", ", (int)n, w);
        used += k > 0 ? (size_t)k : 0;
        w += n + (w[n] == '|');
    }
    snprintf(msg, msglen, "--%s: '%s' is not %s", f->name, arg, words);
    return JF_EINVAL;
}

static jf_err_t flag_choice(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                            char *msg, size_t msglen)
{
    const size_t len = strlen(arg);
    for (const char *w = arg_of(f); *w != '\0';) {
        const size_t n = strcspn(w, "|");
        if (n == len && strncmp(w, arg, n) == 0) {
            *FIELD(o, f, const char *) = arg;
            return JF_OK;
        }
        w += n + (w[n] == '|');
    }
    return not_a_choice(f, arg, msg, msglen);
}

static jf_err_t flag_precision(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                               char *msg, size_t msglen)
{
    const int p = jf_precision_parse(arg);
    if (p < 0)
        return not_a_choice(f, arg, msg, msglen);
    *FIELD(o, f, jf_precision_t) = (jf_precision_t)p;
    return JF_OK;
}

static jf_err_t flag_folder(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                            char *msg, size_t msglen)
{
    struct stat st;
    /* a root with %h names a different folder per node: checked on each node */
    if (strchr(arg, '%') == NULL && (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))) {
        snprintf(msg, msglen, "--%s: '%s' is not a folder", f->name, arg);
        return JF_EINVAL;
    }
    *FIELD(o, f, const char *) = arg;
    return JF_OK;
}

/* A duration "0.1", "0.1s" or "100ms": 0 and the positive seconds, or -1
 * when it is not a positive number. */
static int parse_duration(const char *text, double *seconds)
{
    char number[64], why[JF_MSG_LEN];
    double scale = 1;
    size_t n = strlen(text);
    if (n > 2 && strcmp(text + n - 2, "ms") == 0) {
        scale = 1e-3;
        n -= 2;
    } else if (n > 1 && text[n - 1] == 's') {
        n -= 1;
    }
    snprintf(number, sizeof number, "%.*s", (int)(n < sizeof number ? n : sizeof number - 1),
             text);
    if (jf_parse_positive_real(number, seconds, why, sizeof why) != JF_OK)
        return -1;
    *seconds *= scale;
    return 0;
}

/* "0.1", "0.1s" or "100ms": a positive number of seconds, at least 1 ms
 * (finer sampling only measures the sampler) and at most an hour. */
static jf_err_t flag_interval(const jf_flag_t *f, const char *text, jf_run_options_t *o,
                              char *msg, size_t msglen)
{
    double v;
    if (parse_duration(text, &v) != 0) {
        snprintf(msg, msglen, "--%s: '%s' is not a positive time (e.g. 0.1 or 100ms)",
                 f->name, text);
        return JF_EINVAL;
    }
    if (v < 1e-3 || v > 3600) {
        snprintf(msg, msglen, "--%s: %s is outside 1ms..3600s", f->name, text);
        return JF_ERANGE;
    }
    *FIELD(o, f, double) = v;
    o->sample_interval_given = 1;
    return JF_OK;
}

/* --min-seconds, --max-seconds: "60" or "60s", a positive number of
 * seconds, at most a year (a typo's guard). */
static jf_err_t flag_seconds(const jf_flag_t *f, const char *text, jf_run_options_t *o,
                                 char *msg, size_t msglen)
{
    double *const seconds = FIELD(o, f, double);
    char number[64], why[JF_MSG_LEN];
    size_t n = strlen(text);
    if (n > 1 && text[n - 1] == 's')
        n--;
    snprintf(number, sizeof number, "%.*s", (int)(n < sizeof number ? n : sizeof number - 1),
             text);
    if (jf_parse_positive_real(number, seconds, why, sizeof why) != JF_OK) {
        snprintf(msg, msglen, "--%s: '%s' is not a positive number of seconds", f->name, text);
        return JF_EINVAL;
    }
    if (*seconds > 365.0 * 86400) {
        snprintf(msg, msglen, "--%s: %s is more than a year", f->name, text);
        return JF_ERANGE;
    }
    return JF_OK;
}

/* --idle-seconds: "30", "30s" or "500ms"; 0 turns it off; at most an hour */
static jf_err_t flag_idle(const jf_flag_t *f, const char *text, jf_run_options_t *o,
                          char *msg, size_t msglen)
{
    double v = 0;
    if (strcmp(text, "0") != 0 && strcmp(text, "0s") != 0 && parse_duration(text, &v) != 0) {
        snprintf(msg, msglen, "--%s: '%s' is not a time of 0 or more seconds (e.g. 30 or 500ms)",
                 f->name, text);
        return JF_EINVAL;
    }
    if (v > JF_IDLE_SECONDS_MAX) {
        snprintf(msg, msglen, "--%s: %s is more than %.0f s of idling", f->name, text,
                 JF_IDLE_SECONDS_MAX);
        return JF_ERANGE;
    }
    *FIELD(o, f, double) = v;
    return JF_OK;
}

/* --redfish-timeout: "5", "5s" or "500ms", 0.1 s to 600 s */
static jf_err_t flag_timeout(const jf_flag_t *f, const char *text, jf_run_options_t *o,
                             char *msg, size_t msglen)
{
    double v;
    if (parse_duration(text, &v) != 0 || v < 0.1 || v > 600) {
        snprintf(msg, msglen, "--%s: '%s' is not a time in 0.1s..600s", f->name, text);
        return JF_EINVAL;
    }
    *FIELD(o, f, double) = v;
    return JF_OK;
}

/* --redfish-url: https only, no credentials in it (they would land in the
 * results file's command line); %h is expanded per node later */
static jf_err_t flag_url(const jf_flag_t *f, const char *arg, jf_run_options_t *o, char *msg,
                         size_t msglen)
{
    const char *host = arg + 8;
    if (strncmp(arg, "https://", 8) != 0) {
        snprintf(msg, msglen, "--%s: '%s' is not an https:// URL", f->name, arg);
        return JF_EINVAL;
    }
    const size_t authority = strcspn(host, "/?#");
    if (memchr(host, '@', authority) != NULL) {
        snprintf(msg, msglen, "--%s: the URL holds credentials (user@); give them in "
                 "--redfish-credentials FILE instead", f->name);
        return JF_EINVAL;
    }
    if (authority == 0) {
        snprintf(msg, msglen, "--%s: '%s' names no host", f->name, arg);
        return JF_EINVAL;
    }
    *FIELD(o, f, const char *) = arg;
    return JF_OK;
}

/* applied before the others (find_preset), so that they override it */
static jf_err_t flag_preset(const jf_flag_t *f, const char *arg, jf_run_options_t *o,
                            char *msg, size_t msglen)
{
    (void)f, (void)arg, (void)o, (void)msg, (void)msglen;
    return JF_OK;
}

#define AT(member) offsetof(jf_run_options_t, member)

/* In --help's order. */
static const jf_flag_t flags[] = {
    {.name = "preset", .arg = "NAME", .parse = flag_preset,
     .section = "Model shape (defaults from --preset, 'default' unless given):\n",
     .help = "named shape and run length (--list-presets shows them)", .example = "tiny"},
    {.name = "list-presets", .parse = flag_on, .field = AT(list_presets)},
    {.name = "layers", .arg = "N", .parse = flag_i64, .field = AT(shape.layers),
     .max = JF_DIM_MAX, .sets = JF_SETS_SHAPE, .help = "transformer blocks (n_layer)",
     .example = "2"},
    {.name = "d-model", .arg = "N", .parse = flag_i64, .field = AT(shape.d_model),
     .max = JF_DIM_MAX, .sets = JF_SETS_SHAPE, .help = "residual width (d_model = d_attn)",
     .example = "128"},
    {.name = "heads", .arg = "N", .parse = flag_i64, .field = AT(shape.heads),
     .max = JF_DIM_MAX, .sets = JF_SETS_SHAPE, .help = "attention heads; must divide --d-model",
     .example = "8"},
    {.name = "ff", .arg = "N", .parse = flag_i64, .field = AT(shape.ff), .max = JF_DIM_MAX,
     .sets = JF_SETS_SHAPE, .help = "MLP hidden width (d_ff)", .example = "512"},
    {.name = "ctx", .arg = "N", .parse = flag_i64, .field = AT(shape.ctx), .max = JF_DIM_MAX,
     .help = "tokens per sequence (n_ctx)", .example = "64"},
    {.name = "vocab", .arg = "N", .parse = flag_i64, .field = AT(shape.vocab),
     .max = JF_DIM_MAX, .help = "synthetic vocabulary size", .example = "512"},
    {.name = "params", .arg = "N", .parse = flag_u64_count, .field = AT(params_target),
     .max = JF_PARAMS_MAX,
     .help = "target N (k/M/G/T suffixes); derives layers, d-model,\n"
             "heads and ff (d_ff = 4 d_model, 64-wide heads)",
     .example = "10M"},
    {.name = "batch", .arg = "N", .parse = flag_i64, .field = AT(batch), .max = JF_BATCH_MAX,
     .section = "Run length:\n", .help = "sequences per rank per step", .example = "2"},
    {.name = "steps", .arg = "N", .parse = flag_i64, .field = AT(steps), .max = JF_STEPS_MAX,
     .sets = JF_SETS_STEPS, .help = "measured steps", .example = "3"},
    {.name = "warmup", .arg = "N", .parse = flag_i64_or_zero, .field = AT(warmup),
     .max = JF_STEPS_MAX, .help = "unmeasured steps before them (may be 0)", .example = "0"},
    {.name = "tokens", .arg = "D", .parse = flag_u64_count, .field = AT(tokens_target),
     .max = JF_TOKENS_MAX,
     .help = "target D, tokens over all ranks in the measured steps\n"
             "(k/M/G/T/P suffixes); derives --steps, rounding up",
     .example = "1M"},
    {.name = "min-seconds", .arg = "S", .parse = flag_seconds, .field = AT(min_seconds),
     .help = "go on with measured steps after --steps until the\n"
             "measured phase lasts at least S seconds (e.g. 60 for\n"
             "jflop validate); D counts every step that ran",
     .example = "60s"},
    {.name = "max-steps", .arg = "N", .parse = flag_i64, .field = AT(max_steps),
     .max = JF_STEPS_MAX,
     .help = "stop after N measured steps at the latest (with\n"
             "--target-loss: default 10000; else at least --steps)",
     .example = "100"},
    {.name = "max-seconds", .arg = "S", .parse = flag_seconds, .field = AT(max_seconds),
     .help = "stop after the step that brings the measured training\n"
             "time to S seconds (validation not counted)",
     .example = "600s"},
    {.name = "eval-every", .arg = "K", .parse = flag_i64, .field = AT(eval_every),
     .max = JF_STEPS_MAX, .section = "Validation and quality (see README):\n",
     .help = "evaluate the held-out validation stream (own seed,\n"
             "forward only, all ranks) before the first measured step,\n"
             "every K measured steps and after the last (default 10\n"
             "when --eval-tokens or --target-loss is given); its time,\n"
             "energy and FLOPs are kept out of the measured figures",
     .example = "5"},
    {.name = "eval-tokens", .arg = "T", .parse = flag_u64_count, .field = AT(eval_tokens),
     .max = JF_EVAL_TOKENS_MAX,
     .help = "validation set size, tokens over all ranks, rounded\n"
             "up to whole sequences (default 4096)",
     .example = "8k"},
    {.name = "target-loss", .arg = "L", .parse = flag_positive, .field = AT(target_loss),
     .help = "train until the validation loss is at most L nats per\n"
             "token, or --max-steps/--max-seconds run out; L must lie\n"
             "between the data's floor and ln(vocab)",
     .example = "2.5"},
    {.name = "precision", .arg = "fp32|fp64|bf16", .parse = flag_precision,
     .field = AT(precision), .section = "Numerics and threads:\n",
     .help = "GEMM operand precision (default fp32). bf16 is\n"
             "mixed precision: bf16 GEMM operands, fp32 accumulation,\n"
             "outputs, master weights, norms, softmax, GELU and loss",
     .example = "fp64"},
    {.name = "threads", .arg = "N", .parse = flag_int, .field = AT(threads),
     .max = JF_THREADS_MAX, .help = "threads per rank (default OMP_NUM_THREADS or 1)",
     .example = "3"},
    {.name = "seed", .arg = "N", .parse = flag_u64, .field = AT(seed),
     .help = "seed for data and initial weights (default 1)", .example = "7"},
    {.name = "lr", .arg = "X", .parse = flag_positive, .field = AT(lr),
     .help = "SGD learning rate (default 0.5)", .example = "0.1"},
    {.name = "overlap", .parse = flag_on, .field = AT(overlap),
     .help = "sum each layer's gradients (MPI_Iallreduce) as soon as\n"
             "backward has them, hiding communication behind compute"},
    {.name = "no-huge-pages", .parse = flag_on, .field = AT(no_huge_pages),
     .help = "keep the model's arrays on 4 KiB pages (default: ask\n"
             "for transparent huge pages, MADV_HUGEPAGE)"},
    {.name = "gemm", .arg = "auto|blis|onednn", .parse = flag_text, .field = AT(gemm),
     .help = "GEMM back-end (default auto: each back-end and\n"
             "BLIS kernel set that serves the precision is timed on\n"
             "the step's own GEMM shapes before the run, the fastest\n"
             "runs; every candidate's figure is recorded)",
     .example = "blis"},
    {.name = "blis-arch", .arg = "auto|keep|NAME", .parse = flag_text, .field = AT(blis_arch),
     .help = "BLIS kernel set: auto measures BLIS's own\n"
             "choice against skx, haswell and zen3 where the CPU runs\n"
             "them; keep leaves BLIS's choice (BLIS_ARCH_TYPE in the\n"
             "environment is respected); NAME forces one",
     .example = "keep"},
    {.name = "energy", .arg = "BACKEND", .arg_text = energy_words, .parse = flag_choice,
     .field = AT(energy), .section = "Energy (one reader per node; see README):\n",
     .help = "backend (default auto: the first that works in\n"
             "this order; redfish only where a BMC URL is given)",
     .example = "none"},
    {.name = "powercap-root", .arg = "DIR", .parse = flag_folder, .field = AT(powercap_root),
     .help = "powercap tree (default /sys/class/powercap, or\n"
             "$JFLOP_POWERCAP_ROOT); %h in DIR becomes the node's\n"
             "short name, so each node can have its own tree",
     .example = "."},
    {.name = "pm-counters-root", .arg = "DIR", .parse = flag_folder,
     .field = AT(pm_counters_root),
     .help = "Cray pm_counters (default /sys/cray/pm_counters, or\n"
             "$JFLOP_PM_COUNTERS_ROOT); %h as for --powercap-root",
     .example = "node-%h"},
    {.name = "redfish-url", .arg = "URL", .parse = flag_url, .field = AT(redfish_url),
     .help = "the node's BMC: https://BMC/redfish/v1/Chassis/ID, or\n"
             "https://BMC when it has one chassis (or $JFLOP_REDFISH_URL);\n"
             "%h becomes the node's short name, e.g. https://%h-bmc",
     .example = "https://%h-bmc/redfish/v1/Chassis/1"},
    {.name = "redfish-credentials", .arg = "FILE", .parse = flag_file,
     .field = AT(redfish_credentials),
     .help = "USER:PASSWORD on its first line, a file only its\n"
             "owner can read (or $JFLOP_REDFISH_CREDENTIALS; %h too)",
     .example = "bmc.cred"},
    {.name = "redfish-ca", .arg = "FILE", .parse = flag_file, .field = AT(redfish_ca),
     .help = "CA certificates that sign the BMC's (PEM; or\n"
             "$JFLOP_REDFISH_CA); TLS is always verified",
     .example = "site-ca.pem"},
    {.name = "redfish-timeout", .arg = "T", .parse = flag_timeout, .field = AT(redfish_timeout),
     .help = "limit on each request to the BMC (default 5s, or\n"
             "$JFLOP_REDFISH_TIMEOUT)",
     .example = "2s"},
    {.name = "sample-interval", .arg = "T", .parse = flag_interval,
     .field = AT(sample_interval),
     .help = "seconds between readings, e.g. 0.1 or 100ms (default\n"
             "100ms, shortened when a counter could wrap unseen,\n"
             "lengthened to a BMC's refresh interval)",
     .example = "250ms"},
    {.name = "idle-seconds", .arg = "S", .parse = flag_idle, .field = AT(idle_seconds),
     .help = "before the warm-up, measure each node's idle power for\n"
             "S seconds with the ranks asleep; outputs then give idle\n"
             "and dynamic (gross - idle) energy (default 0: not measured)",
     .example = "30"},
    {.name = "verify", .parse = flag_on, .field = AT(verify), .section = "Checks and output:\n",
     .help = "also check GEMM residuals, gradients against finite\n"
             "differences, and 1 rank vs all ranks giving equal weights"},
    {.name = "output", .arg = "FILE|none", .parse = flag_file, .field = AT(output),
     .help = "the HDF5 results file (default\n"
             "results/jflop-<UTC time>-<Slurm job id or pid>.h5)",
     .example = "none"},
    {.name = "summary-json", .arg = "FILE", .parse = flag_file, .field = AT(summary_json),
     .help = "write the run summary as one JSON object", .example = "run.json"},
    {.name = "verbose", .short_name = 'v', .parse = flag_more, .field = AT(verbose),
     .help = "more diagnostics on stderr"},
    {.name = "help", .short_name = 'h', .parse = flag_on, .field = AT(help),
     .help = "this text"},
    {.name = "version", .parse = flag_on, .field = AT(version), .align_short = 1,
     .help = "version and exit"},
};
#define NFLAGS (sizeof flags / sizeof flags[0])

int jf_options_flag(size_t i, jf_flag_info_t *info)
{
    if (i >= NFLAGS)
        return 0;
    info->name = flags[i].name;
    info->short_name = flags[i].short_name;
    info->arg = arg_of(&flags[i]);
    info->example = flags[i].example;
    return 1;
}

/* --help: "  --name ARG" padded to the text's column, or followed by two
 * spaces where it is longer; the text's further lines at that column */
#define HELP_COLUMN 23

void jf_options_usage(FILE *out)
{
    fputs("Usage: mpirun -np RANKS jflop-run [OPTIONS]\n"
          "Train a transformer-shaped model with data-parallel MPI ranks and prove the\n"
          "dense work was exactly 6*N*D FLOPs.\n"
          "\n",
          out);
    for (size_t i = 0; i < NFLAGS; i++) {
        const jf_flag_t *f = &flags[i];
        char left[96];
        if (f->section != NULL)
            fputs(f->section, out);
        if (f->help == NULL)
            continue;
        char lead[8] = "";
        if (f->short_name != 0)
            snprintf(lead, sizeof lead, "-%c, ", f->short_name);
        else if (f->align_short)
            snprintf(lead, sizeof lead, "    ");
        snprintf(left, sizeof left, "%s--%s%s%s", lead, f->name, f->arg != NULL ? " " : "",
                 f->arg != NULL ? arg_of(f) : "");
        fprintf(out, "  %-*s  ", HELP_COLUMN - 4, left);
        for (const char *line = f->help; *line != '\0';) {
            const size_t n = strcspn(line, "\n");
            fwrite(line, 1, n, out);
            fputc('\n', out);
            line += n;
            if (*line == '\n' && *++line != '\0')
                fprintf(out, "%*s", HELP_COLUMN, "");
        }
    }
    fputs("\n"
          "Exit status: 0 ok; 1 the run failed a check (status \"failed\");\n"
          "2 bad flags or input (nothing run); 3 internal error.\n",
          out);
}

/* getopt_long's view of the table: a long-only flag returns 256 + its
 * row, one with a short form its letter, as -v and --verbose alike do. */
static void getopt_table(struct option *longs, char *shorts)
{
    size_t k = 0;
    shorts[k++] = ':';  /* a missing value returns ':', not '?' */
    for (size_t i = 0; i < NFLAGS; i++) {
        const jf_flag_t *f = &flags[i];
        longs[i] = (struct option){f->name, f->arg != NULL ? required_argument : no_argument,
                                   NULL, f->short_name != 0 ? f->short_name : 256 + (int)i};
        if (f->short_name != 0) {
            shorts[k++] = f->short_name;
            if (f->arg != NULL)
                shorts[k++] = ':';
        }
    }
    longs[NFLAGS] = (struct option){NULL, 0, NULL, 0};
    shorts[k] = '\0';
}

static const jf_flag_t *flag_of(int c)
{
    if (c >= 256 && (size_t)(c - 256) < NFLAGS)
        return &flags[c - 256];
    for (size_t i = 0; c > 0 && i < NFLAGS; i++)
        if (flags[i].short_name == c)
            return &flags[i];
    return NULL;
}

/* The preset must be applied before any flag that overrides it. */
static jf_err_t find_preset(int argc, char **argv, const jf_preset_t **preset,
                            char *msg, size_t msglen)
{
    const char *name = "default";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--preset") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strncmp(argv[i], "--preset=", 9) == 0)
            name = argv[i] + 9;
    }
    *preset = jf_preset_find(name);
    if (*preset == NULL) {
        snprintf(msg, msglen, "--preset: unknown preset '%s' (see --list-presets)", name);
        return JF_EINVAL;
    }
    return JF_OK;
}

/* The validation and stop flags, once the vocabulary is known: a target
 * must lie strictly between the data's floor (the ideal predictor's
 * entropy) and ln(vocab) (what an untrained model scores), and a target run
 * stops at its target, so --steps, --tokens and --min-seconds conflict
 * with it. */
static jf_err_t check_quality(jf_run_options_t *o, int seen, char *msg, size_t msglen)
{
    const double floor = jf_data_entropy_of(o->shape.vocab);
    const double ln_vocab = log((double)o->shape.vocab);
    const int validation = o->eval_every > 0 || o->eval_tokens > 0 || o->target_loss > 0;

    if (validation && o->eval_every == 0)
        o->eval_every = JF_EVAL_EVERY_DEFAULT;
    if (validation && o->eval_tokens == 0)
        o->eval_tokens = JF_EVAL_TOKENS_DEFAULT;
    if (o->max_seconds > 0 && o->min_seconds > o->max_seconds) {
        snprintf(msg, msglen, "--min-seconds %g is above --max-seconds %g", o->min_seconds,
                 o->max_seconds);
        return JF_EINVAL;
    }
    if (o->target_loss <= 0) {
        if (o->max_steps > 0 && o->max_steps < o->steps) {
            snprintf(msg, msglen, "--max-steps %lld is below --steps %lld",
                     (long long)o->max_steps, (long long)o->steps);
            return JF_EINVAL;
        }
        return JF_OK;
    }
    if (o->target_loss <= floor) {
        snprintf(msg, msglen, "--target-loss %g: at or below the data's floor, %.4f nats per "
                 "token (the ideal predictor's entropy at --vocab %lld): no model can reach it",
                 o->target_loss, floor, (long long)o->shape.vocab);
        return JF_ERANGE;
    }
    if (o->target_loss >= ln_vocab) {
        snprintf(msg, msglen, "--target-loss %g: at or above ln(vocab) = %.4f nats per token, "
                 "what an untrained model scores; give L between %.4f and %.4f",
                 o->target_loss, ln_vocab, floor, ln_vocab);
        return JF_ERANGE;
    }
    if ((seen & JF_SETS_STEPS) || o->tokens_target != 0 || o->min_seconds > 0) {
        snprintf(msg, msglen, "%s conflicts with --target-loss: a target run stops at its "
                 "target; bound it with --max-steps or --max-seconds",
                 (seen & JF_SETS_STEPS) ? "--steps" : o->tokens_target ? "--tokens"
                                                                       : "--min-seconds");
        return JF_EINVAL;
    }
    o->steps = o->max_steps > 0 ? o->max_steps : JF_TARGET_MAX_STEPS_DEFAULT;
    return JF_OK;
}

jf_err_t jf_options_parse(int argc, char **argv, jf_run_options_t *o, char *msg,
                          size_t msglen)
{
    const jf_preset_t *preset = NULL;
    struct option longs[NFLAGS + 1];
    char shorts[2 * NFLAGS + 2];
    int seen = 0;  /* JF_SETS_* of the flags given */
    jf_err_t err;
    int c;

    memset(o, 0, sizeof *o);
    o->precision = JF_FP32;
    o->threads = default_threads();
    o->seed = 1;
    o->lr = 0.5;
    o->blis_arch = "auto";
    o->gemm = "auto";
    o->energy = "auto";
    o->sample_interval = 0.1;
    err = find_preset(argc, argv, &preset, msg, msglen);
    if (err != JF_OK)
        return err;
    apply_preset(o, preset);

    getopt_table(longs, shorts);
    opterr = 0;  /* our own messages, printed once by rank 0 */
    optind = 1;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        if (c == '?') {
            const jf_flag_t *f = optopt != 0 ? flag_of(optopt) : NULL;
            if (f != NULL)  /* a known flag that takes no value, given one */
                snprintf(msg, msglen, "option '--%s' takes no value", f->name);
            else if (optopt != 0)
                snprintf(msg, msglen, "unknown option '-%c' (see --help)", optopt);
            else
                snprintf(msg, msglen, "unknown option '%s' (see --help)", argv[optind - 1]);
            return JF_EINVAL;
        }
        if (c == ':') {
            snprintf(msg, msglen, "option '%s' needs a value", argv[optind - 1]);
            return JF_EINVAL;
        }
        const jf_flag_t *f = flag_of(c);
        if (f == NULL) {
            snprintf(msg, msglen, "internal: unhandled option %d", c);
            return JF_EINVAL;
        }
        seen |= f->sets;
        err = f->parse(f, optarg, o, msg, msglen);
        if (err != JF_OK)
            return err;
    }
    if (optind < argc) {
        snprintf(msg, msglen, "unexpected argument '%s' (see --help)", argv[optind]);
        return JF_EINVAL;
    }
    if (o->params_target != 0 && (seen & JF_SETS_SHAPE)) {
        snprintf(msg, msglen,
                 "--params conflicts with --layers/--d-model/--heads/--ff: give one or the other");
        return JF_EINVAL;
    }
    if (o->tokens_target != 0 && (seen & JF_SETS_STEPS)) {
        snprintf(msg, msglen, "--tokens conflicts with --steps: give one or the other");
        return JF_EINVAL;
    }
    if (o->params_target != 0) {
        err = jf_shape_from_params(o->params_target, &o->shape, msg, msglen);
        if (err != JF_OK)
            return err;
    }
    err = jf_shape_check(&o->shape, msg, msglen);
    if (err != JF_OK)
        return err;
    return check_quality(o, seen, msg, msglen);
}

jf_err_t jf_options_resolve(jf_run_options_t *o, int ranks, char *msg, size_t msglen)
{
    if (o->tokens_target == 0)
        return JF_OK;
    const uint64_t per_step = (uint64_t)ranks * (uint64_t)o->batch * (uint64_t)o->shape.ctx;
    const int64_t steps = jf_steps_for_tokens(o->tokens_target, (int64_t)per_step);
    if ((uint64_t)steps > JF_STEPS_MAX) {
        snprintf(msg, msglen, "--tokens %llu is unreachable: it needs %lld steps of %llu tokens",
                 (unsigned long long)o->tokens_target, (long long)steps,
                 (unsigned long long)per_step);
        return JF_ERANGE;
    }
    o->steps = steps;
    return JF_OK;
}
