/* jf_options.c: parsing and checking jflop-run's flags. */
#include "jf_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/jf_parse.h"

/* Upper bounds that catch typos before they become allocation failures. */
#define JF_BATCH_MAX ((uint64_t)1 << 24)
#define JF_STEPS_MAX ((uint64_t)1000000000)
#define JF_THREADS_MAX 4096
#define JF_PARAMS_MAX ((uint64_t)10000000000000ULL)      /* 1e13 */
#define JF_TOKENS_MAX ((uint64_t)1000000000000000ULL)    /* 1e15 */

enum {
    OPT_LAYERS = 256, OPT_DMODEL, OPT_HEADS, OPT_CTX, OPT_FF, OPT_VOCAB, OPT_BATCH,
    OPT_STEPS, OPT_WARMUP, OPT_PARAMS, OPT_TOKENS, OPT_PRECISION, OPT_THREADS,
    OPT_SEED, OPT_LR, OPT_VERIFY, OPT_BLIS_ARCH, OPT_GEMM, OPT_SUMMARY_JSON, OPT_PRESET,
    OPT_LIST_PRESETS, OPT_VERSION, OPT_ENERGY, OPT_POWERCAP_ROOT, OPT_PM_COUNTERS_ROOT,
    OPT_SAMPLE_INTERVAL, OPT_OUTPUT, OPT_OVERLAP, OPT_MIN_SECONDS
};

static const struct option long_options[] = {
    {"layers", required_argument, NULL, OPT_LAYERS},
    {"d-model", required_argument, NULL, OPT_DMODEL},
    {"heads", required_argument, NULL, OPT_HEADS},
    {"ctx", required_argument, NULL, OPT_CTX},
    {"ff", required_argument, NULL, OPT_FF},
    {"vocab", required_argument, NULL, OPT_VOCAB},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"steps", required_argument, NULL, OPT_STEPS},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"params", required_argument, NULL, OPT_PARAMS},
    {"tokens", required_argument, NULL, OPT_TOKENS},
    {"precision", required_argument, NULL, OPT_PRECISION},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"lr", required_argument, NULL, OPT_LR},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"overlap", no_argument, NULL, OPT_OVERLAP},
    {"blis-arch", required_argument, NULL, OPT_BLIS_ARCH},
    {"gemm", required_argument, NULL, OPT_GEMM},
    {"summary-json", required_argument, NULL, OPT_SUMMARY_JSON},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"preset", required_argument, NULL, OPT_PRESET},
    {"energy", required_argument, NULL, OPT_ENERGY},
    {"powercap-root", required_argument, NULL, OPT_POWERCAP_ROOT},
    {"pm-counters-root", required_argument, NULL, OPT_PM_COUNTERS_ROOT},
    {"sample-interval", required_argument, NULL, OPT_SAMPLE_INTERVAL},
    {"min-seconds", required_argument, NULL, OPT_MIN_SECONDS},
    {"list-presets", no_argument, NULL, OPT_LIST_PRESETS},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

void jf_options_usage(FILE *out)
{
    fputs(
        "Usage: mpirun -np RANKS jflop-run [OPTIONS]\n"
        "Train a transformer-shaped model with data-parallel MPI ranks and prove the\n"
        "dense work was exactly 6*N*D FLOPs.\n"
        "\n"
        "Model shape (defaults from --preset, 'default' unless given):\n"
        "  --preset NAME        named shape and run length (--list-presets shows them)\n"
        "  --layers N           transformer blocks (n_layer)\n"
        "  --d-model N          residual width (d_model = d_attn)\n"
        "  --heads N            attention heads; must divide --d-model\n"
        "  --ff N               MLP hidden width (d_ff)\n"
        "  --ctx N              tokens per sequence (n_ctx)\n"
        "  --vocab N            synthetic vocabulary size\n"
        "  --params N           target N (k/M/G/T suffixes); derives layers, d-model,\n"
        "                       heads and ff (d_ff = 4 d_model, 64-wide heads)\n"
        "Run length:\n"
        "  --batch N            sequences per rank per step\n"
        "  --steps N            measured steps\n"
        "  --warmup N           unmeasured steps before them (may be 0)\n"
        "  --tokens D           target D, tokens over all ranks in the measured steps\n"
        "                       (k/M/G/T/P suffixes); derives --steps, rounding up\n"
        "  --min-seconds S      go on with measured steps after --steps until the\n"
        "                       measured phase lasts at least S seconds (e.g. 60 for\n"
        "                       jflop validate); D counts every step that ran\n"
        "Numerics and threads:\n"
        "  --precision fp32|fp64|bf16  GEMM operand precision (default fp32). bf16 is\n"
        "                       mixed precision: bf16 GEMM operands, fp32 accumulation,\n"
        "                       outputs, master weights, norms, softmax, GELU and loss\n"
        "  --threads N          threads per rank (default OMP_NUM_THREADS or 1)\n"
        "  --seed N             seed for data and initial weights (default 1)\n"
        "  --lr X               SGD learning rate (default 0.5)\n"
        "  --overlap            sum each layer's gradients (MPI_Iallreduce) as soon as\n"
        "                       backward has them, hiding communication behind compute\n"
        "  --gemm auto|blis|onednn  GEMM back-end (default auto: each back-end and\n"
        "                       BLIS kernel set that serves the precision is timed on\n"
        "                       the step's own GEMM shapes before the run, the fastest\n"
        "                       runs; every candidate's figure is recorded)\n"
        "  --blis-arch auto|keep|NAME  BLIS kernel set: auto measures BLIS's own\n"
        "                       choice against skx, haswell and zen3 where the CPU runs\n"
        "                       them; keep leaves BLIS's choice (BLIS_ARCH_TYPE in the\n"
        "                       environment is respected); NAME forces one\n"
        "Energy (one reader per node; see README):\n"
        "  --energy auto|likwid|powercap|pm_counters|none  backend (default auto: the\n"
        "                       first that works of pm_counters, likwid, powercap)\n"
        "  --powercap-root DIR  powercap tree (default /sys/class/powercap, or\n"
        "                       $JFLOP_POWERCAP_ROOT); %h in DIR becomes the node's\n"
        "                       short name, so each node can have its own tree\n"
        "  --pm-counters-root DIR  Cray pm_counters (default /sys/cray/pm_counters, or\n"
        "                       $JFLOP_PM_COUNTERS_ROOT); %h as for --powercap-root\n"
        "  --sample-interval T  seconds between readings, e.g. 0.1 or 100ms (default\n"
        "                       100ms, shortened when a counter could wrap unseen)\n"
        "Checks and output:\n"
        "  --verify             also check GEMM residuals, gradients against finite\n"
        "                       differences, and 1 rank vs all ranks giving equal weights\n"
        "  --output FILE|none   the HDF5 results file (default\n"
        "                       results/jflop-<UTC time>-<Slurm job id or pid>.h5)\n"
        "  --summary-json FILE  write the run summary as one JSON object\n"
        "  -v, --verbose        more diagnostics on stderr\n"
        "  -h, --help           this text\n"
        "      --version        version and exit\n"
        "\n"
        "Exit status: 0 ok; 1 the run failed a check (status \"failed\");\n"
        "2 bad flags or input (nothing run); 3 internal error.\n",
        out);
}

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

static jf_err_t parse_dim(const char *flag, const char *text, uint64_t max, int64_t *out,
                          char *msg, size_t msglen)
{
    char why[JF_MSG_LEN];
    uint64_t v;
    const jf_err_t err = jf_parse_count(text, max, &v, why, sizeof why);
    if (err != JF_OK) {
        snprintf(msg, msglen, "%s: %s", flag, why);
        return err;
    }
    *out = (int64_t)v;
    return JF_OK;
}

static jf_err_t parse_u64(const char *flag, const char *text, uint64_t *out, char *msg,
                          size_t msglen)
{
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (*text == '\0' || *text == '-' || *end != '\0' || errno != 0) {
        snprintf(msg, msglen, "%s: '%s' is not an unsigned 64-bit integer", flag, text);
        return JF_EINVAL;
    }
    *out = v;
    return JF_OK;
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

/* "0.1", "0.1s" or "100ms": a positive number of seconds, at least 1 ms
 * (finer sampling only measures the sampler) and at most an hour. */
static jf_err_t parse_interval(const char *text, double *seconds, char *msg, size_t msglen)
{
    char number[64], why[JF_MSG_LEN];
    double scale = 1, v;
    size_t n = strlen(text);
    if (n > 2 && strcmp(text + n - 2, "ms") == 0) {
        scale = 1e-3;
        n -= 2;
    } else if (n > 1 && text[n - 1] == 's') {
        n -= 1;
    }
    snprintf(number, sizeof number, "%.*s", (int)(n < sizeof number ? n : sizeof number - 1),
             text);
    if (jf_parse_positive_real(number, &v, why, sizeof why) != JF_OK) {
        snprintf(msg, msglen, "--sample-interval: '%s' is not a positive time (e.g. 0.1 or "
                              "100ms)", text);
        return JF_EINVAL;
    }
    v *= scale;
    if (v < 1e-3 || v > 3600) {
        snprintf(msg, msglen, "--sample-interval: %s is outside 1ms..3600s", text);
        return JF_ERANGE;
    }
    *seconds = v;
    return JF_OK;
}

/* --min-seconds: "60" or "60s", a positive number of seconds, at most a
 * year (a typo's guard). */
static jf_err_t parse_min_seconds(const char *text, double *seconds, char *msg, size_t msglen)
{
    char number[64], why[JF_MSG_LEN];
    size_t n = strlen(text);
    if (n > 1 && text[n - 1] == 's')
        n--;
    snprintf(number, sizeof number, "%.*s", (int)(n < sizeof number ? n : sizeof number - 1),
             text);
    if (jf_parse_positive_real(number, seconds, why, sizeof why) != JF_OK) {
        snprintf(msg, msglen, "--min-seconds: '%s' is not a positive number of seconds", text);
        return JF_EINVAL;
    }
    if (*seconds > 365.0 * 86400) {
        snprintf(msg, msglen, "--min-seconds: %s is more than a year", text);
        return JF_ERANGE;
    }
    return JF_OK;
}

/* Which flags the user set, for the conflict checks. */
typedef struct {
    int shape, steps;
} jf_seen_t;

static jf_err_t parse_one(int c, const char *arg, jf_run_options_t *o, jf_seen_t *seen,
                          char *msg, size_t msglen)
{
    int64_t v = 0;
    jf_err_t err = JF_OK;

    switch (c) {
    case OPT_LAYERS:
        seen->shape = 1;
        return parse_dim("--layers", arg, JF_DIM_MAX, &o->shape.layers, msg, msglen);
    case OPT_DMODEL:
        seen->shape = 1;
        return parse_dim("--d-model", arg, JF_DIM_MAX, &o->shape.d_model, msg, msglen);
    case OPT_HEADS:
        seen->shape = 1;
        return parse_dim("--heads", arg, JF_DIM_MAX, &o->shape.heads, msg, msglen);
    case OPT_FF:
        seen->shape = 1;
        return parse_dim("--ff", arg, JF_DIM_MAX, &o->shape.ff, msg, msglen);
    case OPT_CTX:
        return parse_dim("--ctx", arg, JF_DIM_MAX, &o->shape.ctx, msg, msglen);
    case OPT_VOCAB:
        return parse_dim("--vocab", arg, JF_DIM_MAX, &o->shape.vocab, msg, msglen);
    case OPT_BATCH:
        return parse_dim("--batch", arg, JF_BATCH_MAX, &o->batch, msg, msglen);
    case OPT_STEPS:
        seen->steps = 1;
        return parse_dim("--steps", arg, JF_STEPS_MAX, &o->steps, msg, msglen);
    case OPT_WARMUP:
        if (strcmp(arg, "0") == 0) {
            o->warmup = 0;
            return JF_OK;
        }
        return parse_dim("--warmup", arg, JF_STEPS_MAX, &o->warmup, msg, msglen);
    case OPT_PARAMS:
        err = parse_dim("--params", arg, JF_PARAMS_MAX, &v, msg, msglen);
        o->params_target = (uint64_t)v;
        return err;
    case OPT_TOKENS:
        err = parse_dim("--tokens", arg, JF_TOKENS_MAX, &v, msg, msglen);
        o->tokens_target = (uint64_t)v;
        return err;
    case OPT_THREADS:
        err = parse_dim("--threads", arg, JF_THREADS_MAX, &v, msg, msglen);
        o->threads = (int)v;
        return err;
    case OPT_PRECISION:
        if (jf_precision_parse(arg) < 0) {
            snprintf(msg, msglen, "--precision: '%s' is not fp32, fp64 or bf16", arg);
            return JF_EINVAL;
        }
        o->precision = (jf_precision_t)jf_precision_parse(arg);
        return JF_OK;
    case OPT_SEED:
        return parse_u64("--seed", arg, &o->seed, msg, msglen);
    case OPT_LR: {
        char why[JF_MSG_LEN];
        err = jf_parse_positive_real(arg, &o->lr, why, sizeof why);
        if (err != JF_OK)
            snprintf(msg, msglen, "--lr: %s", why);
        return err;
    }
    case OPT_VERIFY:
        o->verify = 1;
        return JF_OK;
    case OPT_OVERLAP:
        o->overlap = 1;
        return JF_OK;
    case OPT_GEMM:
        o->gemm = arg;
        return JF_OK;
    case OPT_BLIS_ARCH:
        o->blis_arch = arg;
        return JF_OK;
    case OPT_SUMMARY_JSON:
        if (*arg == '\0') {
            snprintf(msg, msglen, "--summary-json: empty file name");
            return JF_EINVAL;
        }
        o->summary_json = arg;
        return JF_OK;
    case OPT_ENERGY:
        if (strcmp(arg, "auto") != 0 && strcmp(arg, "likwid") != 0 &&
            strcmp(arg, "powercap") != 0 && strcmp(arg, "pm_counters") != 0 &&
            strcmp(arg, "none") != 0) {
            snprintf(msg, msglen,
                     "--energy: '%s' is not auto, likwid, powercap, pm_counters or none", arg);
            return JF_EINVAL;
        }
        o->energy = arg;
        return JF_OK;
    case OPT_POWERCAP_ROOT:
    case OPT_PM_COUNTERS_ROOT: {
        const char *flag = c == OPT_POWERCAP_ROOT ? "--powercap-root" : "--pm-counters-root";
        struct stat st;
        /* a root with %h names a different folder per node: checked on each node */
        if (strchr(arg, '%') == NULL && (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode))) {
            snprintf(msg, msglen, "%s: '%s' is not a folder", flag, arg);
            return JF_EINVAL;
        }
        if (c == OPT_POWERCAP_ROOT)
            o->powercap_root = arg;
        else
            o->pm_counters_root = arg;
        return JF_OK;
    }
    case OPT_SAMPLE_INTERVAL:
        o->sample_interval_given = 1;
        return parse_interval(arg, &o->sample_interval, msg, msglen);
    case OPT_MIN_SECONDS:
        return parse_min_seconds(arg, &o->min_seconds, msg, msglen);
    case OPT_OUTPUT:
        if (*arg == '\0') {
            snprintf(msg, msglen, "--output: empty file name");
            return JF_EINVAL;
        }
        o->output = arg;
        return JF_OK;
    case OPT_LIST_PRESETS:
        o->list_presets = 1;
        return JF_OK;
    case 'v':
        o->verbose++;
        return JF_OK;
    case 'h':
        o->help = 1;
        return JF_OK;
    case OPT_VERSION:
        o->version = 1;
        return JF_OK;
    default:
        snprintf(msg, msglen, "internal: unhandled option %d", c);
        return JF_EINVAL;
    }
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

jf_err_t jf_options_parse(int argc, char **argv, jf_run_options_t *o, char *msg,
                          size_t msglen)
{
    const jf_preset_t *preset = NULL;
    jf_seen_t seen = {0, 0};
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

    opterr = 0;  /* our own messages, printed once by rank 0 */
    optind = 1;
    while ((c = getopt_long(argc, argv, ":hv", long_options, NULL)) != -1) {
        if (c == '?') {
            if (optopt != 0)
                snprintf(msg, msglen, "unknown option '-%c' (see --help)", optopt);
            else
                snprintf(msg, msglen, "unknown option '%s' (see --help)", argv[optind - 1]);
            return JF_EINVAL;
        }
        if (c == ':') {
            snprintf(msg, msglen, "option '%s' needs a value", argv[optind - 1]);
            return JF_EINVAL;
        }
        if (c == OPT_PRESET)
            continue;  /* applied above */
        err = parse_one(c, optarg, o, &seen, msg, msglen);
        if (err != JF_OK)
            return err;
    }
    if (optind < argc) {
        snprintf(msg, msglen, "unexpected argument '%s' (see --help)", argv[optind]);
        return JF_EINVAL;
    }
    if (o->params_target != 0 && seen.shape) {
        snprintf(msg, msglen,
                 "--params conflicts with --layers/--d-model/--heads/--ff: give one or the other");
        return JF_EINVAL;
    }
    if (o->tokens_target != 0 && seen.steps) {
        snprintf(msg, msglen, "--tokens conflicts with --steps: give one or the other");
        return JF_EINVAL;
    }
    if (o->params_target != 0) {
        err = jf_shape_from_params(o->params_target, &o->shape, msg, msglen);
        if (err != JF_OK)
            return err;
    }
    return jf_shape_check(&o->shape, msg, msglen);
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
