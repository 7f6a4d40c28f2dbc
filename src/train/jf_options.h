/* jf_options.h: jflop-run's command line. Every flag is checked here, before
 * MPI starts or anything large is allocated. */
#ifndef JF_OPTIONS_H
#define JF_OPTIONS_H

#include <stdint.h>
#include <stdio.h>

#include "core/jf_error.h"
#include "core/jf_shape.h"

typedef struct {
    const char *preset;        /* name of the preset the defaults came from */
    jf_shape_t shape;
    int64_t batch;             /* sequences per rank per step */
    int64_t steps;             /* measured steps */
    int64_t warmup;            /* unmeasured steps before them */
    uint64_t params_target;    /* --params, 0 if not given */
    uint64_t tokens_target;    /* --tokens, 0 if not given */
    jf_precision_t precision;
    int threads;               /* per rank */
    uint64_t seed;
    double lr;                 /* SGD learning rate */
    int verify;                /* run the --verify checks */
    int overlap;               /* --overlap: per-block MPI_Iallreduce in backward */
    int no_huge_pages;         /* --no-huge-pages: model arrays on 4 KiB pages */
    const char *blis_arch;     /* auto | keep | kernel-set name */
    const char *gemm;          /* auto | GEMM back-end name */
    const char *summary_json;  /* path or NULL */
    const char *output;        /* HDF5 results file; NULL: the default name; "none" */
    const char *energy;        /* auto or a backend of the energy registry */
    const char *powercap_root;     /* --powercap-root, NULL if not given */
    const char *pm_counters_root;  /* --pm-counters-root, NULL if not given */
    const char *redfish_url;       /* --redfish-url, NULL if not given */
    const char *redfish_credentials;  /* --redfish-credentials FILE, NULL if not given */
    const char *redfish_ca;        /* --redfish-ca FILE, NULL if not given */
    double redfish_timeout;        /* --redfish-timeout, s; 0 if not given */
    double sample_interval;    /* seconds */
    int sample_interval_given; /* 0: the default, shortened if the counters need it */
    int verbose;
    int help, version, list_presets;
    double min_seconds;        /* --min-seconds: measured steps go on until the phase
                                * lasts this long (0: exactly --steps) */
    /* validation and the quality target (README "Quality and learning") */
    int64_t eval_every;        /* evaluate every K measured steps (0: no validation) */
    uint64_t eval_tokens;      /* validation set, tokens over all ranks */
    double target_loss;        /* --target-loss: stop at this validation loss, nats per
                                * token (0: none) */
    int64_t max_steps;         /* --max-steps: most measured steps (0: none) */
    double max_seconds;        /* --max-seconds: most seconds of measured training
                                * (0: none) */
    double idle_seconds;       /* --idle-seconds: idle power measured for this long
                                * before the warm-up (0: not measured) */
} jf_run_options_t;

/* --idle-seconds at most this long (a typo's guard: an hour of idling) */
#define JF_IDLE_SECONDS_MAX 3600.0

/* Validation defaults: every JF_EVAL_EVERY_DEFAULT measured steps over
 * JF_EVAL_TOKENS_DEFAULT tokens; a --target-loss run without --max-steps
 * stops after JF_TARGET_MAX_STEPS_DEFAULT measured steps at the latest. */
#define JF_EVAL_EVERY_DEFAULT 10
#define JF_EVAL_TOKENS_DEFAULT 4096
#define JF_TARGET_MAX_STEPS_DEFAULT 10000

/* The words --energy accepts and --help lists, "auto|likwid|...|none":
 * jflop-run's main gives the energy registry's before parsing (train/
 * depends on no energy/ header); until then "auto|none". */
void jf_options_energy_words(const char *words);

/* Parse argv into *opt (defaults from the "default" preset, or --preset).
 * JF_EINVAL/JF_ERANGE with a one-line reason naming the flag on bad input. */
jf_err_t jf_options_parse(int argc, char **argv, jf_run_options_t *opt,
                          char *msg, size_t msglen);

/* Steps from --tokens, once the number of ranks is known. */
jf_err_t jf_options_resolve(jf_run_options_t *opt, int ranks, char *msg, size_t msglen);

/* --help, from the same table as the parser. */
void jf_options_usage(FILE *out);
void jf_options_list_presets(FILE *out);

/* One of jflop-run's flags as its table defines it, for test_options. */
typedef struct {
    const char *name;     /* long name, without "--" */
    char short_name;      /* 0: none */
    const char *arg;      /* its value's name in --help; NULL: takes no value */
    const char *example;  /* a value that parses */
} jf_flag_info_t;

/* The i-th flag into *info: 1, or 0 past the last. */
int jf_options_flag(size_t i, jf_flag_info_t *info);

#endif
