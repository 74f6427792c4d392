/*
 * dispatch.c — the comparison of dispatch alternatives (预演/预案): for each
 * alternative (a rule set or release plan of the reservoirs) and each
 * control point (every reservoir, then every station) one record of the
 * forecast lead: peak inflow and release with their times, peak and final
 * level, the station's warning signal with onset and ensemble probability,
 * and how many steps each operating rule governed; and the table
 * dispatch.csv with one row per alternative and point. The records are plain
 * numbers so a job can gather them over ranks exactly.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_stations.h"

int sx_hydro_dispatch_npoints(const sx_hydro_forecast_cfg_t *c, int nst)
{
    int n = nst;
    for (int i = 0; c->reservoirs && i < c->nnodes; i++) n += c->reservoirs[i] != NULL;
    return n;
}

/* Peak of x[nh .. nh + nl) and its lead step. */
static void peak(const double *x, int64_t nh, int64_t nl, double *v, double *at)
{
    *v = -INFINITY;
    *at = -1;
    for (int64_t l = 0; l < nl; l++)
        if (x[nh + l] > *v) *v = x[nh + l], *at = (double)l;
}

void sx_hydro_dispatch_records(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                               const sx_hydro_levels_t *l, const sx_hydro_station_t *st, double *rec)
{
    const int64_t ns = f->nsteps, nl = f->nlead, nh = ns - nl;
    int p = 0;
    for (int i = 0; c->reservoirs && i < c->nnodes; i++) {
        if (!c->reservoirs[i]) continue;
        double *r = rec + (int64_t)p++ * SX_DISPATCH_REC;
        const int64_t o = (int64_t)i * ns;
        double at;
        r[SX_DISPATCH_KIND] = 1, r[SX_DISPATCH_NODE] = i;
        peak(f->res_inflow + o, nh, nl, &r[SX_DISPATCH_PEAK_IN], &at);
        peak(f->q_det + o, nh, nl, &r[SX_DISPATCH_PEAK_Q], &r[SX_DISPATCH_PEAK_Q_AT]);
        peak(f->res_level + o, nh, nl, &r[SX_DISPATCH_PEAK_H], &r[SX_DISPATCH_PEAK_H_AT]);
        r[SX_DISPATCH_SIGNAL] = -1, r[SX_DISPATCH_ONSET] = -1, r[SX_DISPATCH_PROB] = NAN, r[SX_DISPATCH_P_WARN] = NAN;
        r[SX_DISPATCH_END_H] = f->res_level[o + ns - 1];
        for (int k = 0; k < SX_RESERVOIR_RULE_COUNT; k++) r[SX_DISPATCH_RULES + k] = 0;
        for (int64_t t = nh; t < ns; t++) r[SX_DISPATCH_RULES + f->res_rule[o + t]] += 1;
    }
    for (int k = 0; k < l->nst; k++) {
        double *r = rec + (int64_t)p++ * SX_DISPATCH_REC;
        const int i = st[k].node;
        r[SX_DISPATCH_KIND] = 2, r[SX_DISPATCH_NODE] = i, r[SX_DISPATCH_PEAK_IN] = NAN;
        peak(f->q_det + (int64_t)i * ns, nh, nl, &r[SX_DISPATCH_PEAK_Q], &r[SX_DISPATCH_PEAK_Q_AT]);
        r[SX_DISPATCH_PEAK_H] = l->peak_h[k], r[SX_DISPATCH_PEAK_H_AT] = (double)l->peak_at[k];
        r[SX_DISPATCH_SIGNAL] = l->sig[k], r[SX_DISPATCH_ONSET] = (double)l->onset[k];
        r[SX_DISPATCH_PROB] = l->sig[k] ? l->p_sig[k * 5 + l->sig[k]] : NAN;
        r[SX_DISPATCH_P_WARN] = l->p_any[k * 3];
        r[SX_DISPATCH_END_H] = l->h_det[(int64_t)k * ns + ns - 1];
        for (int j = 0; j < SX_RESERVOIR_RULE_COUNT; j++) r[SX_DISPATCH_RULES + j] = 0;
    }
}

static void cell(sx_strbuf_t *sb, double v, const char *fmt)
{
    sx_strbuf_puts(sb, ",");
    if (isfinite(v)) sx_strbuf_printf(sb, fmt, v);
}

static const char *at(const sx_hydro_forecast_cfg_t *c, int64_t nsteps, int64_t nlead, double lead)
{
    return lead >= 0 ? c->times->time[c->start + nsteps - nlead + (int64_t)lead] : "";
}

sx_err sx_hydro_dispatch_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, int64_t nsteps, int64_t nlead,
                                   int nalt, const char *const *names, int npoints, const double *rec)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "alternative,point,kind,peak_inflow,peak_outflow,peak_outflow_time,peak_level,peak_level_time,"
                        "end_level,signal,onset,probability,p_over_warning,rules\n");
    for (int a = 0; a < nalt; a++)
        for (int p = 0; p < npoints; p++) {
            const double *r = rec + ((int64_t)a * npoints + p) * SX_DISPATCH_REC;
            const int res = r[SX_DISPATCH_KIND] == 1;
            sx_strbuf_printf(&sb, "%s,%s,%s", names[a], c->nodes[(int)r[SX_DISPATCH_NODE]].id, res ? "reservoir" : "station");
            cell(&sb, r[SX_DISPATCH_PEAK_IN], "%.3f");
            cell(&sb, r[SX_DISPATCH_PEAK_Q], "%.3f");
            sx_strbuf_printf(&sb, ",%s", at(c, nsteps, nlead, r[SX_DISPATCH_PEAK_Q_AT]));
            cell(&sb, r[SX_DISPATCH_PEAK_H], "%.3f");
            sx_strbuf_printf(&sb, ",%s", at(c, nsteps, nlead, r[SX_DISPATCH_PEAK_H_AT]));
            cell(&sb, r[SX_DISPATCH_END_H], "%.3f");
            sx_strbuf_printf(&sb, ",%s,%s", res ? "" : sx_signal_name((sx_signal_t)r[SX_DISPATCH_SIGNAL]),
                             at(c, nsteps, nlead, r[SX_DISPATCH_ONSET]));
            cell(&sb, r[SX_DISPATCH_PROB], "%.4f");
            cell(&sb, r[SX_DISPATCH_P_WARN], "%.4f");
            sx_strbuf_puts(&sb, ",");
            for (int k = 0, first = 1; k < SX_RESERVOIR_RULE_COUNT; k++)
                if (r[SX_DISPATCH_RULES + k] > 0) {
                    sx_strbuf_printf(&sb, "%s%s:%.0f", first ? "" : " ", sx_reservoir_rule_name((sx_reservoir_rule_t)k),
                                     r[SX_DISPATCH_RULES + k]);
                    first = 0;
                }
            sx_strbuf_puts(&sb, "\n");
        }
    return sx__hydro_write_text(&sb, path);
}
