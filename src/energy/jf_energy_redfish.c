/* jf_energy_redfish.c: the whole node's power from its BMC over Redfish
 * (DMTF DSP0266; schemas Chassis, Power, EnvironmentMetrics, Sensor), read
 * over HTTPS with libcurl and parsed with jansson.
 *
 * --redfish-url names a Chassis (https://bmc/redfish/v1/Chassis/1) or a
 * service whose Chassis collection has exactly one member (https://bmc,
 * https://bmc/redfish/v1). The node total comes from the best source the
 * chassis has: an energy counter (EnvironmentMetrics EnergyJoules, then
 * EnergykWh), else power (EnvironmentMetrics PowerWatts, then the older
 * Power resource's PowerControl[].PowerConsumedWatts), which this backend
 * integrates over the sampler's readings (trapezoids on the node's
 * monotonic clock: the BMC's own clock may be off by seconds). Where an
 * excerpt names its Sensor (DataSourceUri) the sensor is read instead: it
 * carries the BMC's ReadingTime and SensingInterval. BMCs refresh their
 * readings only every 1-10 s, so the sampler may not read faster than the
 * sensor's SensingInterval (1 s assumed where none is given).
 *
 * Credentials come from a file only its owner can read, never from the
 * command line, and never appear in a message: the URL may not hold any.
 * TLS is verified (--redfish-ca adds the site's CA); redirects are not
 * followed (they could carry the credentials elsewhere); every request has
 * a time limit. */
#define _DEFAULT_SOURCE  /* timegm */
#include "jf_energy.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

#ifdef HAVE_CURL

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The most a node can draw, for the physical check of every step
 * (jf_energy.h): as for pm_counters, no node reaches 15 kW. */
#define RF_MAX_WATTS 15000.0
/* No BMC answer is larger; a bigger one is not a BMC. */
#define RF_MAX_BODY (4u << 20)
/* Where the sensor states no SensingInterval: BMCs refresh every 1-10 s. */
#define RF_ASSUMED_UPDATE 1.0

typedef enum { SRC_ENERGY_J, SRC_ENERGY_KWH, SRC_POWER_W, SRC_POWER_CONTROL } rf_kind_t;

typedef struct {
    CURL *curl;
    struct curl_slist *headers;
    char user[256], password[256];
    int have_credentials;
    char credentials_path[1024], ca[1024];
    long timeout_ms;
    double timeout;
    char origin[1024];          /* scheme://host[:port] of the configured URL */
    char url[1024];             /* the resource read at every sample */
    rf_kind_t kind;
    int sensor;                 /* url is a Sensor: Reading at its top level */
    char prop[32];              /* else the EnvironmentMetrics property */
    int pc_index;               /* or the PowerControl member */
    int have_prev;              /* integration: the last reading */
    double prev_t, prev_watts, joules;
    int have_last;              /* telling new readings from repeats */
    double last_time, last_value;
    char errbuf[CURL_ERROR_SIZE];
    char *body;
    size_t body_len, body_cap;
    int body_too_big;
} rf_state_t;

static const char *const kind_names[] = {"EnergyJoules", "EnergykWh", "PowerWatts",
                                         "PowerConsumedWatts"};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code = CURLE_OK;

/* once per process, before any thread reads: curl_global_init is not
 * thread-safe */
static void curl_init(void)
{
    curl_init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

/* The credentials file: USER:PASSWORD on its first line, readable by its
 * owner alone (it holds the BMC's password). */
static jf_err_t read_credentials(rf_state_t *st, const char *path, char *msg, size_t msglen)
{
    char line[600];
    struct stat sb;
    jf_err_t err = JF_EINVAL;
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(msg, msglen, "redfish: cannot read the credentials file %s (%s)", path,
                 strerror(errno));
        return JF_EINVAL;
    }
    FILE *f = NULL;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(msg, msglen, "redfish: the credentials file %s is not a regular file", path);
        goto cleanup;
    }
    if (sb.st_mode & (S_IRGRP | S_IROTH)) {
        snprintf(msg, msglen, "redfish: the credentials file %s can be read by %s (mode %04o); "
                 "it holds the BMC's password: chmod 600 %s", path,
                 (sb.st_mode & S_IRGRP) && (sb.st_mode & S_IROTH) ? "its group and others"
                 : (sb.st_mode & S_IRGRP)                         ? "its group"
                                                                  : "others",
                 (unsigned)(sb.st_mode & 07777), path);
        goto cleanup;
    }
    if ((f = fdopen(fd, "r")) == NULL) {
        snprintf(msg, msglen, "redfish: cannot read the credentials file %s", path);
        goto cleanup;
    }
    if (fgets(line, sizeof line, f) == NULL) {
        snprintf(msg, msglen, "redfish: the credentials file %s is empty (want USER:PASSWORD "
                 "on its first line)", path);
        goto cleanup;
    }
    line[strcspn(line, "\r\n")] = '\0';
    const char *colon = strchr(line, ':');
    const size_t ulen = colon ? (size_t)(colon - line) : 0;
    if (colon == NULL || ulen == 0 || ulen >= sizeof st->user ||
        strlen(colon + 1) >= sizeof st->password) {
        snprintf(msg, msglen, "redfish: the credentials file %s does not hold USER:PASSWORD on "
                 "its first line (each under 256 bytes)", path);
        goto cleanup;
    }
    memcpy(st->user, line, ulen);
    st->user[ulen] = '\0';
    snprintf(st->password, sizeof st->password, "%s", colon + 1);
    st->have_credentials = 1;
    err = JF_OK;
cleanup:
    wipe(line, sizeof line);
    if (f != NULL)
        fclose(f);
    else
        close(fd);
    return err;
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    rf_state_t *st = arg;
    const size_t len = size * n;
    if (st->body_len + len + 1 > RF_MAX_BODY) {
        st->body_too_big = 1;
        return 0;  /* aborts the transfer */
    }
    if (st->body_len + len + 1 > st->body_cap) {
        size_t cap = st->body_cap ? st->body_cap : 16384;
        while (cap < st->body_len + len + 1)
            cap *= 2;
        char *grown = realloc(st->body, cap);
        if (grown == NULL)
            return 0;
        st->body = grown;
        st->body_cap = cap;
    }
    memcpy(st->body + st->body_len, data, len);
    st->body_len += len;
    st->body[st->body_len] = '\0';
    return len;
}

/* GET url into a JSON object, or one line saying why not. */
static jf_err_t get_json(rf_state_t *st, const char *url, json_t **out, char *msg, size_t msglen)
{
    long status = 0;
    *out = NULL;
    st->body_len = 0;
    st->body_too_big = 0;
    st->errbuf[0] = '\0';
    curl_easy_setopt(st->curl, CURLOPT_URL, url);
    const CURLcode rc = curl_easy_perform(st->curl);
    const char *why = st->errbuf[0] ? st->errbuf : curl_easy_strerror(rc);
    switch (rc) {
    case CURLE_OK:
        break;
    case CURLE_OPERATION_TIMEDOUT:
        snprintf(msg, msglen, "redfish: %s: no answer within %g s (--redfish-timeout)", url,
                 st->timeout);
        return JF_EIO;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        snprintf(msg, msglen, "redfish: %s: cannot reach the BMC (%s)", url, why);
        return JF_EIO;
    case CURLE_PEER_FAILED_VERIFICATION:
        if (strstr(why, "subject name") != NULL)
            snprintf(msg, msglen, "redfish: %s: TLS: the BMC's certificate is not for this host "
                     "name (%s); use the name it was issued for in --redfish-url", url, why);
        else
            snprintf(msg, msglen, "redfish: %s: TLS: the BMC's certificate is not trusted (%s); "
                     "give the CA that signed it with --redfish-ca FILE", url, why);
        return JF_EIO;
    case CURLE_SSL_CACERT_BADFILE:
        snprintf(msg, msglen, "redfish: %s: TLS: the CA file %s holds no usable certificate (%s)",
                 url, st->ca, why);
        return JF_EIO;
    case CURLE_SSL_CONNECT_ERROR:
        snprintf(msg, msglen, "redfish: %s: TLS handshake failed (%s)", url, why);
        return JF_EIO;
    case CURLE_WRITE_ERROR:
        if (st->body_too_big) {
            snprintf(msg, msglen, "redfish: %s: the answer is larger than %u MiB: not a Redfish "
                     "resource", url, RF_MAX_BODY >> 20);
            return JF_EIO;
        }
        /* fall through */
    default:
        snprintf(msg, msglen, "redfish: %s: %s", url, why);
        return JF_EIO;
    }
    curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status == 401 || status == 403) {
        if (st->have_credentials)
            snprintf(msg, msglen, "redfish: %s: HTTP %ld: the BMC refused the credentials of %s",
                     url, status, st->credentials_path);
        else
            snprintf(msg, msglen, "redfish: %s: HTTP %ld: the BMC wants credentials "
                     "(--redfish-credentials FILE)", url, status);
        return JF_EIO;
    }
    if (status >= 300 && status < 400) {
        char *to = NULL;
        curl_easy_getinfo(st->curl, CURLINFO_REDIRECT_URL, &to);
        snprintf(msg, msglen, "redfish: %s: HTTP %ld, a redirect to %s, not followed (it could "
                 "carry the credentials elsewhere): give that URL", url, status, to ? to : "?");
        return JF_EIO;
    }
    if (status != 200) {
        snprintf(msg, msglen, "redfish: %s: HTTP %ld%s", url, status,
                 status == 404 ? ": no such resource on this BMC" : "");
        return JF_EIO;
    }
    json_error_t jerr;
    json_t *j = json_loadb(st->body ? st->body : "", st->body_len, 0, &jerr);
    if (j == NULL) {
        snprintf(msg, msglen, "redfish: %s: the answer is not JSON (line %d: %s)", url, jerr.line,
                 jerr.text);
        return JF_EIO;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        snprintf(msg, msglen, "redfish: %s: the answer is not a JSON object", url);
        return JF_EIO;
    }
    *out = j;
    return JF_OK;
}

/* obj[key]["@odata.id"], a link, or NULL */
static const char *link_of(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, key), "@odata.id"));
}

/* A link ("/redfish/v1/...") made absolute on the configured BMC; links to
 * another host are refused (the credentials go to the configured BMC only). */
static jf_err_t absolute(const rf_state_t *st, const char *ref, char *out, size_t outlen,
                         char *msg, size_t msglen)
{
    int n;
    if (ref[0] == '/')
        n = snprintf(out, outlen, "%s%s", st->origin, ref);
    else if (strncmp(ref, st->origin, strlen(st->origin)) == 0 &&
             (ref[strlen(st->origin)] == '/' || ref[strlen(st->origin)] == '\0'))
        n = snprintf(out, outlen, "%s", ref);
    else {
        snprintf(msg, msglen, "redfish: the BMC %s links to %s, outside it: not followed",
                 st->origin, ref);
        return JF_EINVAL;
    }
    if (n < 0 || (size_t)n >= outlen) {
        snprintf(msg, msglen, "redfish: the link %s is too long", ref);
        return JF_EINVAL;
    }
    return JF_OK;
}

/* ISO 8601 duration ("PT1S", "PT0.5S", "PT1M30S", "P0DT0H0M5S") in s, or NAN. */
static double parse_duration(const char *text)
{
    double total = 0;
    int in_time = 0;
    const char *p = text;
    if (p == NULL || *p++ != 'P')
        return NAN;
    while (*p) {
        if (*p == 'T') {
            in_time = 1;
            p++;
            continue;
        }
        char *end;
        const double v = strtod(p, &end);
        if (end == p || !isfinite(v) || v < 0)
            return NAN;
        switch (*end) {
        case 'D': total += 86400 * v; break;
        case 'H': if (!in_time) return NAN; total += 3600 * v; break;
        case 'M': if (!in_time) return NAN; total += 60 * v; break;
        case 'S': if (!in_time) return NAN; total += v; break;
        default: return NAN;
        }
        p = end + 1;
    }
    return p == text + 1 ? NAN : total;
}

/* ISO 8601 date-time ("2024-05-01T12:00:00.25Z", "...+02:00") in s since
 * 1970, or NAN. */
static double parse_time(const char *text)
{
    struct tm tm;
    int used = 0;
    memset(&tm, 0, sizeof tm);
    if (text == NULL || sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
        return NAN;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double t = (double)timegm(&tm);
    const char *p = text + used;
    if (*p == '.') {
        char *end;
        t += strtod(p, &end);
        p = end;
    }
    int oh, om;
    if (*p == 'Z' && p[1] == '\0')
        return t;
    if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2 && strlen(p) == 6)
        return t - (*p == '+' ? 1 : -1) * (oh * 3600.0 + om * 60.0);
    return NAN;
}

/* The value the source holds now, and the BMC's time of it (NAN: none). */
static jf_err_t parse_reading(const rf_state_t *st, const json_t *j, double *value,
                              double *when, char *msg, size_t msglen)
{
    const json_t *v;
    const char *what = kind_names[st->kind];
    *when = NAN;
    if (st->kind == SRC_POWER_CONTROL) {
        const json_t *pc = json_array_get(json_object_get(j, "PowerControl"),
                                          (size_t)st->pc_index);
        v = json_object_get(pc, "PowerConsumedWatts");
    } else {
        const json_t *holder = st->sensor ? j : json_object_get(j, st->prop);
        v = json_object_get(holder, "Reading");
        *when = parse_time(json_string_value(json_object_get(holder, "ReadingTime")));
        if (st->sensor) {
            static const char *const units[] = {"J", "kW.h", "W"};
            const char *u = json_string_value(json_object_get(j, "ReadingUnits"));
            if (u != NULL && strcmp(u, units[st->kind]) != 0) {
                snprintf(msg, msglen, "redfish: %s: ReadingUnits '%.20s', not the %s of %s",
                         st->url, u, units[st->kind], what);
                return JF_EINVAL;
            }
        }
    }
    if (!json_is_number(v)) {
        snprintf(msg, msglen, "redfish: %s: no %s reading (%s)", st->url, what,
                 v == NULL ? "the field is missing" : json_is_null(v) ? "it is null"
                                                                      : "it is not a number");
        return JF_EINVAL;
    }
    *value = json_number_value(v);
    if (!isfinite(*value) || *value < 0) {
        snprintf(msg, msglen, "redfish: %s: %s reads %g, not a physical value", st->url, what,
                 *value);
        return JF_EINVAL;
    }
    return JF_OK;
}

static double now_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One reading into raw mJ: the counter, or the running integral of power. */
static jf_err_t take_reading(jf_energy_session_t *s, rf_state_t *st, uint64_t *raw, char *msg,
                             size_t msglen)
{
    json_t *j;
    double value, when;
    jf_err_t err = get_json(st, st->url, &j, msg, msglen);
    if (err != JF_OK)
        return err;
    const double t = now_monotonic();
    err = parse_reading(st, j, &value, &when, msg, msglen);
    json_decref(j);
    if (err != JF_OK)
        return err;
    s->reading_time = when;
    s->reading_new = !st->have_last ||
                     (isfinite(when) ? when != st->last_time : value != st->last_value);
    st->have_last = 1;
    st->last_time = when;
    st->last_value = value;
    double joules;
    switch (st->kind) {
    case SRC_ENERGY_J: joules = value; break;
    case SRC_ENERGY_KWH: joules = value * 3.6e6; break;
    default:
        if (st->have_prev)
            st->joules += 0.5 * (value + st->prev_watts) * (t - st->prev_t);
        st->have_prev = 1;
        st->prev_t = t;
        st->prev_watts = value;
        joules = st->joules;
    }
    if (!(joules * 1e3 < 9.0e15)) {
        snprintf(msg, msglen, "redfish: %s: %s reads %g J, beyond what is counted exactly",
                 st->url, kind_names[st->kind], joules);
        return JF_ERANGE;
    }
    raw[0] = (uint64_t)llround(joules * 1e3);
    return JF_OK;
}

static void close_state(rf_state_t *st)
{
    if (st == NULL)
        return;
    if (st->curl != NULL)
        curl_easy_cleanup(st->curl);
    curl_slist_free_all(st->headers);
    wipe(st->password, sizeof st->password);
    wipe(st->user, sizeof st->user);
    free(st->body);
    free(st);
}

/* The configuration checked and a curl handle set up for it. */
static jf_err_t configure(const jf_energy_paths_t *paths, rf_state_t *st, char *msg,
                          size_t msglen)
{
    const char *url = paths->redfish_url;
    if (url[0] == '\0') {
        snprintf(msg, msglen, "redfish: no BMC given (--redfish-url or JFLOP_REDFISH_URL)");
        return JF_EINVAL;
    }
    if (strncmp(url, "https://", 8) != 0) {
        snprintf(msg, msglen, "redfish: --redfish-url %s is not https:// (the credentials are "
                 "never sent in clear)", url);
        return JF_EINVAL;
    }
    const char *host = url + 8;
    const size_t authority = strcspn(host, "/?#");
    if (authority == 0 || memchr(host, '@', authority) != NULL) {
        snprintf(msg, msglen, "redfish: --redfish-url %s", memchr(host, '@', authority)
                 ? "holds credentials (user@): give them in --redfish-credentials FILE instead"
                 : "names no host");
        return JF_EINVAL;
    }
    snprintf(st->origin, sizeof st->origin, "https://%.*s", (int)authority, host);
    snprintf(st->ca, sizeof st->ca, "%s", paths->redfish_ca);
    if (st->ca[0] != '\0' && access(st->ca, R_OK) != 0) {
        snprintf(msg, msglen, "redfish: cannot read the CA file %s (--redfish-ca): %s", st->ca,
                 strerror(errno));
        return JF_EINVAL;
    }
    snprintf(st->credentials_path, sizeof st->credentials_path, "%s",
             paths->redfish_credentials);
    if (st->credentials_path[0] != '\0' &&
        read_credentials(st, st->credentials_path, msg, msglen) != JF_OK)
        return JF_EINVAL;
    st->timeout = paths->redfish_timeout > 0 ? paths->redfish_timeout : 5.0;
    st->timeout_ms = (long)ceil(st->timeout * 1000);

    pthread_once(&curl_once, curl_init);
    if (curl_init_code != CURLE_OK || (st->curl = curl_easy_init()) == NULL) {
        snprintf(msg, msglen, "redfish: libcurl cannot start (%s)",
                 curl_easy_strerror(curl_init_code));
        return JF_EIO;
    }
    st->headers = curl_slist_append(NULL, "Accept: application/json");
    st->headers = curl_slist_append(st->headers, "OData-Version: 4.0");
    CURL *c = st->curl;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, st->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, st);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, st->errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  /* threads: no SIGALRM for timeouts */
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, st->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, st->timeout_ms);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
#else
    curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
    curl_easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
    if (st->ca[0] != '\0')
        curl_easy_setopt(c, CURLOPT_CAINFO, st->ca);
    if (st->have_credentials) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, st->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, st->password);
    }
    return JF_OK;
}

/* The chassis: the URL itself, or the one member of the service's Chassis
 * collection. */
static jf_err_t find_chassis(rf_state_t *st, const char *url, char *chassis, size_t len,
                             char *msg, size_t msglen)
{
    const char *path = url + strlen(st->origin);
    char collection[1200];
    const char *c = strstr(path, "/Chassis/");
    if (c != NULL && c[9] != '\0' && c[9] != '?') {
        snprintf(chassis, len, "%s", url);
        return JF_OK;
    }
    const size_t n = strlen(path);
    if (n == 0 || strcmp(path, "/") == 0)
        snprintf(collection, sizeof collection, "%s/redfish/v1/Chassis", st->origin);
    else if (n >= 11 && strcmp(path + n - 11, "/redfish/v1") == 0)
        snprintf(collection, sizeof collection, "%s/Chassis", url);
    else if (n >= 12 && strcmp(path + n - 12, "/redfish/v1/") == 0)
        snprintf(collection, sizeof collection, "%sChassis", url);
    else if (n >= 8 && strcmp(path + n - 8, "/Chassis") == 0)
        snprintf(collection, sizeof collection, "%s", url);
    else {
        snprintf(msg, msglen, "redfish: %s is neither a Redfish service (https://BMC or "
                 "https://BMC/redfish/v1) nor a chassis (.../redfish/v1/Chassis/ID)", url);
        return JF_EINVAL;
    }
    json_t *j;
    jf_err_t err = get_json(st, collection, &j, msg, msglen);
    if (err != JF_OK)
        return err;
    const json_t *members = json_object_get(j, "Members");
    const size_t count = json_array_size(members);
    if (count != 1) {
        char list[400] = "";
        size_t used = 0;
        for (size_t i = 0; i < count && i < 4 && used < sizeof list; i++) {
            const char *id = json_string_value(json_object_get(json_array_get(members, i),
                                                               "@odata.id"));
            const int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                   id ? id : "?");
            used += w > 0 ? (size_t)w : 0;
        }
        snprintf(msg, msglen, "redfish: %s lists %zu chassis%s%s%s: give the node's in "
                 "--redfish-url (https://BMC/redfish/v1/Chassis/ID)", collection, count,
                 count ? " (" : "", list, count ? (count > 4 ? ", ...)" : ")") : "");
        json_decref(j);
        return JF_EINVAL;
    }
    const char *ref = json_string_value(json_object_get(json_array_get(members, 0),
                                                        "@odata.id"));
    err = ref ? absolute(st, ref, chassis, len, msg, msglen) : JF_EINVAL;
    if (ref == NULL)
        snprintf(msg, msglen, "redfish: %s: its member has no @odata.id", collection);
    json_decref(j);
    return err;
}

/* The best source of the chassis (see the top of the file), with the
 * sensor's SensingInterval when it states one. */
static jf_err_t find_source(jf_energy_session_t *s, rf_state_t *st, char *msg, size_t msglen)
{
    char chassis[1024], ref_url[1024], why[JF_MSG_LEN] = "";
    json_t *ch = NULL, *em = NULL, *pw = NULL;
    double interval = NAN;
    int found = 0;
    jf_err_t err = find_chassis(st, st->url, chassis, sizeof chassis, msg, msglen);
    if (err != JF_OK)
        return err;
    if ((err = get_json(st, chassis, &ch, msg, msglen)) != JF_OK)
        return err;
    const char *id = json_string_value(json_object_get(ch, "Id"));
    const char *em_ref = link_of(ch, "EnvironmentMetrics"), *pw_ref = link_of(ch, "Power");

    if (em_ref != NULL && absolute(st, em_ref, ref_url, sizeof ref_url, msg, msglen) == JF_OK &&
        get_json(st, ref_url, &em, why, sizeof why) == JF_OK) {
        for (int k = SRC_ENERGY_J; k <= SRC_POWER_W && !found; k++) {
            const json_t *ex = json_object_get(em, kind_names[k]);
            if (!json_is_number(json_object_get(ex, "Reading")))
                continue;
            st->kind = (rf_kind_t)k;
            snprintf(st->prop, sizeof st->prop, "%s", kind_names[k]);
            snprintf(st->url, sizeof st->url, "%s", ref_url);
            st->sensor = 0;
            found = 1;
            /* the sensor itself has the BMC's reading time and interval */
            const char *src = json_string_value(json_object_get(ex, "DataSourceUri"));
            json_t *sensor = NULL;
            char sensor_url[1024], ignore[JF_MSG_LEN];
            if (src != NULL &&
                absolute(st, src, sensor_url, sizeof sensor_url, ignore, sizeof ignore) == JF_OK &&
                get_json(st, sensor_url, &sensor, ignore, sizeof ignore) == JF_OK &&
                json_is_number(json_object_get(sensor, "Reading"))) {
                snprintf(st->url, sizeof st->url, "%s", sensor_url);
                st->sensor = 1;
                interval = parse_duration(
                    json_string_value(json_object_get(sensor, "SensingInterval")));
            }
            json_decref(sensor);
        }
    }
    if (!found && pw_ref != NULL &&
        absolute(st, pw_ref, ref_url, sizeof ref_url, msg, msglen) == JF_OK &&
        get_json(st, ref_url, &pw, why, sizeof why) == JF_OK) {
        const json_t *pcs = json_object_get(pw, "PowerControl");
        for (size_t i = 0; i < json_array_size(pcs) && !found; i++)
            if (json_is_number(json_object_get(json_array_get(pcs, i), "PowerConsumedWatts"))) {
                st->kind = SRC_POWER_CONTROL;
                st->pc_index = (int)i;
                snprintf(st->url, sizeof st->url, "%s", ref_url);
                found = 1;
            }
    }
    if (!found) {
        /* a power resource that could not be read says why itself */
        if (why[0])
            snprintf(msg, msglen, "%s", why);
        else
            snprintf(msg, msglen, "redfish: chassis %s publishes no node power: %s", chassis,
                     em_ref == NULL && pw_ref == NULL
                         ? "it links neither EnvironmentMetrics nor Power"
                         : "no reading in EnvironmentMetrics (EnergyJoules, EnergykWh, "
                           "PowerWatts) or Power (PowerControl[].PowerConsumedWatts)");
        err = JF_EINVAL;
        goto cleanup;
    }

    jf_energy_domain_t *d = &s->domains[0];
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", kind_names[st->kind]);
    snprintf(d->scope, sizeof d->scope, "node (chassis %.30s)", id ? id : "?");
    d->in_node_total = 1;
    d->joules_per_unit = 1e-3;  /* raw mJ */
    d->range = 0;
    d->max_watts = RF_MAX_WATTS;
    s->ndomains = 1;
    s->basis = st->kind <= SRC_ENERGY_KWH ? JF_BASIS_COUNTER : JF_BASIS_POWER;
    s->reports_readings = 1;
    snprintf(s->coverage, sizeof s->coverage, "the whole node as its BMC meters it (chassis "
             "%.30s, %s), BMC %.40s", id ? id : "?", kind_names[st->kind], st->origin + 8);
    if (isfinite(interval) && interval > 0) {
        s->update_seconds = interval;
        snprintf(s->update_how, sizeof s->update_how, "the sensor's SensingInterval");
    } else {
        s->update_seconds = RF_ASSUMED_UPDATE;
        snprintf(s->update_how, sizeof s->update_how,
                 "assumed: the BMC states no SensingInterval (BMCs refresh every 1-10 s)");
    }
    err = JF_OK;
cleanup:
    json_decref(ch);
    json_decref(em);
    json_decref(pw);
    return err;
}

/* Configure, find the source and read it once (a source that answers
 * discovery but not a reading is found here, not mid-run). */
static jf_err_t open_bmc(const jf_energy_paths_t *paths, jf_energy_session_t *s,
                         rf_state_t **out, char *msg, size_t msglen)
{
    uint64_t raw;
    rf_state_t *st = calloc(1, sizeof *st);
    jf_err_t err;
    *out = NULL;
    if (st == NULL) {
        snprintf(msg, msglen, "redfish: out of memory");
        return JF_ENOMEM;
    }
    if ((err = configure(paths, st, msg, msglen)) != JF_OK)
        goto fail;
    snprintf(st->url, sizeof st->url, "%s", paths->redfish_url);
    if ((err = find_source(s, st, msg, msglen)) != JF_OK ||
        (err = take_reading(s, st, &raw, msg, msglen)) != JF_OK)
        goto fail;
    /* the meter's first reading is the integral's start */
    st->have_prev = st->have_last = 0;
    st->joules = 0;
    *out = st;
    return JF_OK;
fail:
    s->ndomains = 0;
    close_state(st);
    return err;
}

static jf_err_t rf_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would, char *why,
                         size_t whylen)
{
    rf_state_t *st;
    const jf_err_t err = open_bmc(paths, would, &st, why, whylen);
    close_state(st);
    return err;
}

static jf_err_t rf_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                         size_t msglen)
{
    rf_state_t *st;
    const jf_err_t err = open_bmc(paths, s, &st, msg, msglen);
    s->state = st;
    return err;
}

static jf_err_t rf_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *v,
                        char *msg, size_t msglen)
{
    (void)v;
    return take_reading(s, s->state, raw, msg, msglen);
}

static void rf_stop(jf_energy_session_t *s)
{
    close_state(s->state);
    s->state = NULL;
}

#else /* !HAVE_CURL */

static jf_err_t rf_probe(const jf_energy_paths_t *paths, jf_energy_session_t *would, char *why,
                         size_t whylen)
{
    (void)paths, (void)would;
    snprintf(why, whylen, "redfish: this jflop was built without libcurl (install "
             "libcurl4-openssl-dev, then configure and make again)");
    return JF_EINVAL;
}

static jf_err_t rf_start(const jf_energy_paths_t *paths, jf_energy_session_t *s, char *msg,
                         size_t msglen)
{
    return rf_probe(paths, s, msg, msglen);
}

static jf_err_t rf_read(jf_energy_session_t *s, uint64_t *raw, jf_energy_validity_t *v,
                        char *msg, size_t msglen)
{
    (void)s, (void)raw, (void)v;
    snprintf(msg, msglen, "redfish: built without libcurl");
    return JF_EINVAL;
}

static void rf_stop(jf_energy_session_t *s)
{
    (void)s;
}

#endif

const jf_energy_backend_t jf_energy_redfish = {
    .name = "redfish",
    .description = "the node's BMC over Redfish (whole node, HTTPS)",
    .probe = rf_probe,
    .start = rf_start,
    .read = rf_read,
    .stop = rf_stop,
    .covers = JF_COVERS_NODE_PSU,
};
