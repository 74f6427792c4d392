/*
 * step_hydro_frequency.c — step `hydro_frequency` (`sanxiang hydro
 * frequency`): flood frequency analysis by SL 44-2006 of an annual maximum
 * series, optionally with extraordinary (historical) floods over a longer
 * period: empirical frequencies, P-III by moments or by least-squares curve
 * fit, design values at the standard frequencies (CSV) and the frequency
 * curve (SVG next to it). This file reads and checks the two tables, naming
 * file, row and column; the statistics are in src/hydro/frequency.c. Rank 0
 * does the work.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_freq.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_parse.h"
#include "sanxiang/sx_table.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_frequency"},
    {"series", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV year,value: the measured annual maxima", NULL, "ANNUAL.csv"},
    {"historical", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "CSV year,value: the extraordinary floods (historical, or measured years taken out)", NULL, "HIST.csv"},
    {"period", SX_CFG_T_INT, 0, NULL, 1, 100000, NULL, "with historical: N, the years the extraordinary floods rank in",
     NULL, "N"},
    {"fit", SX_CFG_T_ENUM, 0, "moments", 1, 0, "moments|curve", "moments, or least-squares curve fit (适线) of Cv, Cs"},
    {"title", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "title of the frequency-curve plot (e.g. the station)", NULL,
     "TEXT"},
    {"output", SX_CFG_T_STRING, 0, "frequency", 1, 0, NULL, "CSV of frequencies, parameters and design values "
     "(and the curve as <name>.svg)", "-o", "OUT.csv"},
};
#define NF (sizeof fields / sizeof *fields)

/* A flood table year,value: whole years, positive values, each year once. */
typedef struct {
    int *year;
    double *value;
    int *row; /* 0-based data row, for messages */
    int n;
} floods_t;

static void floods_fini(floods_t *f)
{
    free(f->year);
    free(f->value);
    free(f->row);
    memset(f, 0, sizeof *f);
}

static sx_err read_floods(const char *path, floods_t *out, sx_table_t **tab)
{
    memset(out, 0, sizeof *out);
    SX_CHECK(sx_table_read_comments(path, '#', tab));
    const sx_table_t *t = *tab;
    int cy = sx_table_col(t, "year"), cv = sx_table_col(t, "value");
    SX_FAIL_IF(cy < 0 || cv < 0, SX_ERR_INPUT, "%s: line %d: needs the columns year,value (no '%s' column)", path,
               sx_table_line(t, -1), cy < 0 ? "year" : "value");
    out->year = calloc((size_t)t->nrow + 1, sizeof *out->year);
    out->value = calloc((size_t)t->nrow + 1, sizeof *out->value);
    out->row = calloc((size_t)t->nrow + 1, sizeof *out->row);
    SX_FAIL_IF(!out->year || !out->value || !out->row, SX_ERR_NOMEM, "out of memory reading %s", path);
    for (int r = 0; r < t->nrow; r++) {
        int64_t y;
        const char *ys = sx_table_at(t, r, cy);
        SX_FAIL_IF(!sx_parse_int64(ys, &y) || y < -9999 || y > 99999, SX_ERR_INPUT,
                   "%s: row %d (line %d), column 'year': '%s' is not a year", path, r + 1, sx_table_line(t, r), ys);
        double v;
        SX_CHECK(sx_table_num(t, r, cv, &v));
        SX_FAIL_IF(isnan(v), SX_ERR_INPUT,
                   "%s: row %d (line %d), column 'value' is empty; give the year's flood or leave the row out", path,
                   r + 1, sx_table_line(t, r));
        SX_FAIL_IF(!(v > 0), SX_ERR_INPUT, "%s: row %d (line %d), column 'value': %g is not a positive flood", path,
                   r + 1, sx_table_line(t, r), v);
        for (int j = 0; j < out->n; j++)
            SX_FAIL_IF(out->year[j] == (int)y, SX_ERR_INPUT,
                       "%s: row %d (line %d), column 'year': %d appears again (first in row %d); give one flood per year",
                       path, r + 1, sx_table_line(t, r), (int)y, out->row[j] + 1);
        out->year[out->n] = (int)y;
        out->value[out->n] = v;
        out->row[out->n++] = r;
    }
    return SX_OK;
}

/* The checks of sx_freq_sample_init that depend on both tables, named by file, row and option. */
static sx_err check_pair(const sx_cfg_t *cfg, const sx_cfg_node_t *node, const char *sf, const floods_t *s,
                         const char *hf, const floods_t *h, const sx_table_t *ht, int64_t period)
{
    char key[32];
    SX_FAIL_IF(s->n < SX_FREQ_MIN_VALUES, SX_ERR_INPUT,
               "%s: %d floods in column 'value'; frequency analysis needs at least %d", sf, s->n, SX_FREQ_MIN_VALUES);
    if (!h) return SX_OK;
    SX_FAIL_IF(h->n == 0, SX_ERR_INPUT, "%s: no extraordinary floods; leave out %s for a continuous series", hf,
               sx_cfg_key_label(cfg, fields, NF, "historical", key, sizeof key));
    int lo = s->year[0], hi = s->year[0];
    for (int i = 0; i < s->n; i++) lo = s->year[i] < lo ? s->year[i] : lo, hi = s->year[i] > hi ? s->year[i] : hi;
    for (int k = 0; k < h->n; k++) lo = h->year[k] < lo ? h->year[k] : lo, hi = h->year[k] > hi ? h->year[k] : hi;
    if (period < (int64_t)hi - lo + 1)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "period"),
                              "the historical period of %lld years is shorter than the %d years %d-%d that %s and %s "
                              "span; give N >= %d",
                              (long long)period, hi - lo + 1, lo, hi, sf, hf, hi - lo + 1);
    double top = 0; /* largest flood that is not extraordinary */
    int top_i = -1;
    for (int i = 0; i < s->n; i++) {
        int k = 0;
        while (k < h->n && h->year[k] != s->year[i]) k++;
        if (k < h->n) {
            SX_FAIL_IF(h->value[k] != s->value[i], SX_ERR_INPUT,
                       "%s: row %d (line %d), column 'value': %g for %d, but %s row %d has %g; an extraordinary flood "
                       "of a measured year must be that year's flood",
                       hf, h->row[k] + 1, sx_table_line(ht, h->row[k]), h->value[k], h->year[k], sf, s->row[i] + 1,
                       s->value[i]);
        } else if (s->value[i] > top) {
            top = s->value[i], top_i = i;
        }
    }
    for (int k = 0; k < h->n; k++)
        SX_FAIL_IF(h->value[k] < top, SX_ERR_INPUT,
                   "%s: row %d (line %d), column 'value': the extraordinary flood of %d (%g) is smaller than the "
                   "flood of %d (%g, %s row %d); an extraordinary flood must exceed every other flood of the period",
                   hf, h->row[k] + 1, sx_table_line(ht, h->row[k]), h->year[k], h->value[k], s->year[top_i], top,
                   sf, s->row[top_i] + 1);
    return SX_OK;
}

static sx_err analyse(sx_job_t *job, const sx_cfg_node_t *node, const char *sf, const floods_t *s,
                      const floods_t *h, int64_t period)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *fit, *output, *title;
    SX_CHECK(sx_cfg_get_string(cfg, node, "fit", "moments", &fit));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "frequency", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "title", NULL, &title));
    sx_freq_sample_t smp;
    SX_CHECK(sx_freq_sample_init(s->year, s->value, s->n, h ? h->year : NULL, h ? h->value : NULL, h ? h->n : 0,
                                 (int)period, &smp));
    sx_p3_params_t mom, cur;
    double sse = 0;
    int curve = !strcmp(fit, "curve");
    sx_err e = sx_p3_moments(&smp, &mom);
    if (!e && curve) e = sx_p3_fit_curve(&smp, &mom, &cur, &sse);
    char csv[SX_PATH_MAX], svg[SX_PATH_MAX];
    if (!e) e = sx_job_out_file(job, output, ".csv", csv, sizeof csv);
    if (!e) e = sx_job_out_file(job, output, ".svg", svg, sizeof svg);
    if (!e) e = sx_freq_write_csv(csv, &smp, &mom, curve ? &cur : NULL);
    const char *base = strrchr(sf, '/');
    if (!e) e = sx_freq_write_svg(svg, &smp, &mom, curve ? &cur : NULL, title ? title : base ? base + 1 : sf);
    if (!e) {
        sx_log_info("hydro frequency %s: N %d, n %d, a %d, l %d; moments: mean %.6g, Cv %.4f, Cs %.4f", sf, smp.N,
                    smp.n, smp.a, smp.l, mom.mean, mom.cv, mom.cs);
        if (curve)
            sx_log_info("curve fit (least squares, mean kept): Cv %.4f, Cs %.4f (Cs/Cv %.2f), residual sum of squares "
                        "%.6g", cur.cv, cur.cs, cur.cs / cur.cv, sse);
    }
    sx_freq_sample_fini(&smp);
    return e;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *sf, *hf;
    int64_t period;
    char k1[32], k2[32];
    SX_CHECK(sx_cfg_get_int(cfg, node, "period", 0, &period));
    int has_h = sx_cfg_map_get(node, "historical") != NULL;
    if (has_h != (period > 0)) /* a bad pairing fails on every rank before any file is read */
        return sx_cfg_fail_at(cfg, node, "%s and %s go together: the extraordinary floods rank in the N-year period",
                              sx_cfg_key_label(cfg, fields, NF, "historical", k1, sizeof k1),
                              sx_cfg_key_label(cfg, fields, NF, "period", k2, sizeof k2));
    if (sx_mpi_rank() != 0) return SX_OK;
    SX_CHECK(sx_job_input(job, node, "series", &sf));
    SX_CHECK(sx_job_input(job, node, "historical", &hf));
    floods_t s, h;
    sx_table_t *st = NULL, *ht = NULL;
    memset(&h, 0, sizeof h);
    sx_err e = read_floods(sf, &s, &st);
    if (!e && hf) e = read_floods(hf, &h, &ht);
    if (!e) e = check_pair(cfg, node, sf, &s, hf, hf ? &h : NULL, ht, period);
    if (!e) e = analyse(job, node, sf, &s, hf ? &h : NULL, period);
    floods_fini(&s);
    floods_fini(&h);
    sx_table_destroy(&st);
    sx_table_destroy(&ht);
    return e;
}

const sx_job_step_t sx_step_hydro_frequency = {
    "hydro_frequency", "flood frequency analysis, P-III (SL 44-2006), with historical floods", fields, NF, run,
    "hydro frequency", ".csv",
    "ANNUAL.csv and HIST.csv have columns year,value. Empirical frequencies P_M = M/(N+1) (extraordinary) and\n"
    "P_m = P_Ma + (1 - P_Ma)(m - l)/(n - l + 1) (others); P-III by moments or by curve fit; design values at\n"
    "0.01 0.1 1 2 5 10 20 50 %. OUT.csv lists floods, mean, Cv, Cs and design values; OUT.svg the curve."};
