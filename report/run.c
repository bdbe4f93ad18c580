/* Checks on a run handed to the renderers, and the number and time formatting the PDF,
 * XLSX and charts share so that one figure reads the same everywhere. The ISO time is
 * converted without timegm() (not in C11) by the civil-from-days arithmetic of
 * H. Hinnant's date algorithms. */
#include "run.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../metrics/hierarchy.h"


/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int edra_report_parse_time(const char *iso, time_t *out, edra_error *err)
{
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, mo, d, h, mi, s;
    size_t len = iso ? strlen(iso) : 0;
    if (len < 19 || (len == 20 && iso[19] != 'Z') || len > 20 || iso[4] != '-' || iso[7] != '-' ||
        (iso[10] != 'T' && iso[10] != ' ') || iso[13] != ':' || iso[16] != ':' ||
        digits(iso, 4, &y) || digits(iso + 5, 2, &mo) || digits(iso + 8, 2, &d) ||
        digits(iso + 11, 2, &h) || digits(iso + 14, 2, &mi) || digits(iso + 17, 2, &s))
        goto bad;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || s > 60)
        goto bad;
    if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        goto bad;
    *out = (time_t)(days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + s);
    return 0;
bad:
    return edra_error_set(err, EDRA_ERANGE,
                          "report time \"%s\" is not YYYY-MM-DDThh:mm:ssZ from 1970 on",
                          iso ? iso : "(none)");
}

int edra_report_run_check(const edra_report_run *run, edra_error *err)
{
    time_t t;
    if (!run || !run->ctx || !run->ctx->md || !run->before)
        return edra_error_set(err, EDRA_EUSAGE, "report: the run has no context or figures");
    if (run->before->n_qi != run->ctx->md->n_qi ||
        (run->after && run->after->n_qi != run->ctx->md->n_qi))
        return edra_error_set(err, EDRA_EUSAGE,
                              "report: the figures have %zu quasi-identifiers, the data %zu",
                              run->after && run->after->n_qi != run->ctx->md->n_qi
                                  ? run->after->n_qi
                                  : run->before->n_qi,
                              run->ctx->md->n_qi);
    if (run->n_nodes && !run->nodes)
        return edra_error_set(err, EDRA_EUSAGE, "report: %zu lattice nodes but no node array",
                              run->n_nodes);
    return edra_report_parse_time(run->created_iso, &t, err);
}

const edra_figures *edra_report_final(const edra_report_run *run)
{
    return run->after ? run->after : run->before;
}

size_t edra_report_shown_level(const edra_report_run *run, size_t qi)
{
    if (run->after)
        return run->after->levels[qi];
    if (run->searched)
        return edra_hierarchy_levels(run->ctx->md->qi_hier[qi]) - 1;
    return run->before->levels[qi];
}

char *edra_report_fmt_count(char *buf, size_t size, uint64_t x)
{
    char plain[32], grouped[48];
    int n = snprintf(plain, sizeof plain, "%llu", (unsigned long long)x);
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            grouped[o++] = ',';
        grouped[o++] = plain[i];
    }
    grouped[o] = '\0';
    snprintf(buf, size, "%s", grouped);
    return buf;
}

char *edra_report_fmt_num(char *buf, size_t size, double x, int digits_)
{
    if (isnan(x))
        snprintf(buf, size, "n/a");
    else if (isinf(x))
        snprintf(buf, size, "%sinf", x < 0 ? "-" : "");
    else if (x == 0)
        snprintf(buf, size, "0");
    else
        snprintf(buf, size, "%.*g", digits_, x);
    return buf;
}

char *edra_report_fmt_levels(char *buf, size_t size, const edra_report_context *ctx,
                             const uint8_t *levels)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (size_t d = 0; d < ctx->md->n_qi && used < size; d++) {
        int n = snprintf(buf + used, size - used, "%s%s=%u", d ? ", " : "", ctx->md->qi_names[d],
                         (unsigned)levels[d]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}
