/*
 * forecast_reservoir.c — the reservoirs of a forecast run: room for what the
 * deterministic run's reservoirs did (inflow, level, storage, governing rule
 * per step); the ensemble's pool levels turned into percentiles per lead step
 * (Hyndman & Fan 1996 type 7, the set of the discharge percentiles) and the
 * share of members above the flood-limit (汛限水位), flood-control high
 * (防洪高水位) and design flood (设计洪水位) levels, per step and anywhere in
 * the lead; and the table reservoirs.csv, one row per reservoir and step,
 * which states which operating rule governed each step and, on forecast rows,
 * the ensemble's level and release percentiles and those shares. The routing
 * itself is network_reservoir.c; rank 0 writes, through a temporary name.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_strbuf.h"

static int any_reservoir(const sx_hydro_forecast_cfg_t *c)
{
    for (int i = 0; c->reservoirs && i < c->nnodes; i++)
        if (c->reservoirs[i]) return 1;
    return 0;
}

sx_err sx_hydro_forecast_res_alloc(const sx_hydro_forecast_cfg_t *c, sx_hydro_forecast_t *f)
{
    if (!any_reservoir(c)) return SX_OK;
    const int64_t n = (int64_t)c->nnodes * f->nsteps;
    SX_ALLOC(f->res_inflow, n, "reservoir inflow");
    SX_ALLOC(f->res_level, n, "reservoir levels");
    SX_ALLOC(f->res_storage, n, "reservoir storage");
    SX_ALLOC(f->res_rule, n, "reservoir rules");
    for (int64_t k = 0; k < n; k++) {
        f->res_inflow[k] = f->res_level[k] = f->res_storage[k] = NAN;
        f->res_rule[k] = SX_RESERVOIR_RULE_CAPACITY;
    }
    return SX_OK;
}

/* The flood-limit, flood-control high and design levels of reservoir node i (m; NaN: not given). */
static void thresholds(const sx_hydro_forecast_cfg_t *c, int i, double *z)
{
    const sx_hydro_net_reservoir_t *r = c->reservoirs[i];
    z[0] = r->rules ? r->rules->z_limit : NAN;
    z[1] = r->rules ? r->rules->z_high : NAN;
    z[2] = r->z_design;
}

sx_err sx_hydro_forecast_res_stats(const sx_hydro_forecast_cfg_t *c, sx_hydro_forecast_t *f)
{
    const int m = f->members, nr = f->nres;
    const int64_t nl = f->nlead;
    SX_FAIL_IF(m < 1 || nr < 1 || !f->ens_res_level, SX_ERR_INTERNAL, "reservoir statistics without members");
    SX_ALLOC(f->res_lpct, (int64_t)nr * nl * SX_HYDRO_NPCT, "reservoir level percentiles");
    SX_ALLOC(f->res_p, (int64_t)nr * nl * 3, "reservoir exceedance");
    SX_ALLOC(f->res_p_any, (int64_t)nr * 3, "reservoir exceedance");
    double *vals, *zmax;
    SX_ALLOC(vals, m, "reservoir statistics");
    zmax = malloc((size_t)m * sizeof *zmax);
    if (!zmax) {
        free(vals);
        SX_FAIL(SX_ERR_NOMEM, "out of memory for reservoir statistics");
    }
    for (int k = 0; k < nr; k++) {
        double z[3];
        thresholds(c, f->res_node[k], z);
        for (int mb = 0; mb < m; mb++) zmax[mb] = -INFINITY;
        for (int64_t l = 0; l < nl; l++) {
            int over[3] = {0, 0, 0};
            for (int mb = 0; mb < m; mb++) {
                vals[mb] = f->ens_res_level[((int64_t)mb * nr + k) * nl + l];
                if (vals[mb] > zmax[mb]) zmax[mb] = vals[mb];
                for (int j = 0; j < 3; j++) over[j] += vals[mb] > z[j];
            }
            for (int j = 0; j < 3; j++) f->res_p[((int64_t)k * nl + l) * 3 + j] = isnan(z[j]) ? NAN : (double)over[j] / m;
            sx__hydro_percentiles(vals, m, f->res_lpct + ((int64_t)k * nl + l) * SX_HYDRO_NPCT);
        }
        for (int j = 0; j < 3; j++) {
            int n = 0;
            for (int mb = 0; mb < m; mb++) n += zmax[mb] > z[j];
            f->res_p_any[k * 3 + j] = isnan(z[j]) ? NAN : (double)n / m;
        }
    }
    free(vals);
    free(zmax);
    return SX_OK;
}

/* "NN %" or "—" for NaN (level not given). */
static void share(sx_strbuf_t *sb, double p)
{
    if (isnan(p))
        sx_strbuf_puts(sb, " — |");
    else
        sx_strbuf_printf(sb, " %.0f %% |", 100 * p);
}

void sx__hydro_bulletin_reservoirs(sx_strbuf_t *sb, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f)
{
    const int64_t n = f->nsteps, nl = f->nlead, nh = n - nl;
    sx_strbuf_puts(sb, "\n## Reservoirs (水库)\n\n| reservoir | peak level (m) | at | ensemble 95 % peak level | peak release "
                       "(m³/s) | at | P(> 汛限水位) | P(> 防洪高水位) | P(> 设计洪水位) |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < f->nres; k++) {
        const int i = f->res_node[k];
        const double *z = f->res_level + (int64_t)i * n, *q = f->q_det + (int64_t)i * n;
        int64_t pz = nh, pq = nh;
        for (int64_t t = nh; t < n; t++) {
            if (z[t] > z[pz]) pz = t;
            if (q[t] > q[pq]) pq = t;
        }
        double z95 = NAN;
        for (int64_t l = 0; f->res_lpct && l < nl; l++)
            z95 = fmax(isnan(z95) ? -INFINITY : z95, f->res_lpct[((int64_t)k * nl + l) * SX_HYDRO_NPCT + 4]);
        sx_strbuf_printf(sb, "| %s | %.2f | %s | ", c->nodes[i].id, z[pz], c->times->time[c->start + pz]);
        if (isnan(z95))
            sx_strbuf_puts(sb, "— |");
        else
            sx_strbuf_printf(sb, "%.2f |", z95);
        sx_strbuf_printf(sb, " %.1f | %s |", q[pq], c->times->time[c->start + pq]);
        for (int j = 0; j < 3; j++) share(sb, f->res_p_any ? f->res_p_any[k * 3 + j] : NAN);
        sx_strbuf_puts(sb, "\n");
    }
    sx_strbuf_puts(sb, "\nLevels and releases of every member are in reservoirs.csv (z05..z95, r05..r95).\n");
}

/* ",%.4f" or "," for NaN (no value). */
static void num(sx_strbuf_t *sb, const char *fmt, double v)
{
    if (isnan(v))
        sx_strbuf_puts(sb, ",");
    else
        sx_strbuf_printf(sb, fmt, v);
}

sx_err sx_hydro_forecast_write_reservoirs(const char *path, const sx_hydro_forecast_cfg_t *c,
                                          const sx_hydro_forecast_t *f)
{
    if (!any_reservoir(c) || !f->res_level) return SX_OK;
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "reservoir,time,phase,inflow,outflow,storage,level,rule,z05,z25,z50,z75,z95,r05,r25,r50,r75,"
                        "r95,p_over_flood_limit,p_over_high_level,p_over_design_level\n");
    const int64_t nh = f->nsteps - f->nlead, nl = f->nlead;
    for (int i = 0, kr = 0; i < c->nnodes; i++) {
        if (!c->reservoirs[i]) continue;
        for (int64_t t = 0; t < f->nsteps; t++) {
            const int64_t k = (int64_t)i * f->nsteps + t, l = t - nh;
            sx_strbuf_printf(&sb, "%s,%s,%s,%.6f,%.6f,%.6f,%.4f,%s", c->nodes[i].id, c->times->time[c->start + t],
                             t < nh ? "observed" : "forecast", f->res_inflow[k], f->q_det[k], f->res_storage[k],
                             f->res_level[k], sx_reservoir_rule_name(f->res_rule[k]));
            const int ens = l >= 0 && f->res_lpct;
            for (int p = 0; p < SX_HYDRO_NPCT; p++)
                num(&sb, ",%.4f", ens ? f->res_lpct[((int64_t)kr * nl + l) * SX_HYDRO_NPCT + p] : NAN);
            for (int p = 0; p < SX_HYDRO_NPCT; p++) /* the release is the node's discharge */
                num(&sb, ",%.6f", ens && f->pct ? f->pct[((int64_t)i * nl + l) * SX_HYDRO_NPCT + p] : NAN);
            for (int j = 0; j < 3; j++) num(&sb, ",%.4f", ens ? f->res_p[((int64_t)kr * nl + l) * 3 + j] : NAN);
            sx_strbuf_puts(&sb, "\n");
        }
        kr++;
    }
    return sx__hydro_write_text(&sb, path);
}
