/*
 * forecast_reservoir.c — the reservoirs of a forecast run: room for what the
 * deterministic run's reservoirs did (inflow, level, storage, governing rule
 * per step) and its table reservoirs.csv, one row per reservoir and step,
 * which states which operating rule governed each step. The routing itself
 * is network_reservoir.c; rank 0 writes, through a temporary name.
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

sx_err sx_hydro_forecast_write_reservoirs(const char *path, const sx_hydro_forecast_cfg_t *c,
                                          const sx_hydro_forecast_t *f)
{
    if (!any_reservoir(c) || !f->res_level) return SX_OK;
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "reservoir,time,phase,inflow,outflow,storage,level,rule\n");
    const int64_t nh = f->nsteps - f->nlead;
    for (int i = 0; i < c->nnodes; i++) {
        if (!c->reservoirs[i]) continue;
        for (int64_t t = 0; t < f->nsteps; t++) {
            const int64_t k = (int64_t)i * f->nsteps + t;
            sx_strbuf_printf(&sb, "%s,%s,%s,%.6f,%.6f,%.6f,%.4f,%s\n", c->nodes[i].id, c->times->time[c->start + t],
                             t < nh ? "observed" : "forecast", f->res_inflow[k], f->q_det[k], f->res_storage[k],
                             f->res_level[k], sx_reservoir_rule_name(f->res_rule[k]));
        }
    }
    return sx__hydro_write_text(&sb, path);
}
