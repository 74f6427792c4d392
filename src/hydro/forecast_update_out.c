/*
 * forecast_update_out.c — the bulletin's section on a forecast updated with
 * the latest observations (sx_hydro_update.h): which method, what it
 * fitted, and the simulated and corrected discharge per lead with both
 * peaks, so the forecaster sees how far the observations moved the run.
 */
#include <math.h>

#include "hydro/hydro_internal.h"

void sx__hydro_bulletin_correction(sx_strbuf_t *sb, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                   const sx_hydro_forecast_extra_t *x)
{
    const int64_t n = f->nsteps, nh = n - f->nlead;
    const double *q = f->q_det + (int64_t)x->obs_node * n;
    int64_t ps = 0, pc = 0;
    for (int64_t l = 1; l < f->nlead; l++) {
        if (q[nh + l] > q[nh + ps]) ps = l;
        if (x->q_corr[l] > x->q_corr[pc]) pc = l;
    }
    sx_strbuf_printf(sb, "\n## Updated with the observations up to %s (实时校正, %s) at %s\n\n%s.\n\n",
                     c->times->time[c->issue], x->corr_method ? x->corr_method : "", c->nodes[x->obs_node].id,
                     x->corr_note ? x->corr_note : "");
    sx_strbuf_printf(sb, "Peak: simulated %.1f m³/s at %s, corrected %.1f m³/s at %s.\n\n", q[nh + ps],
                     c->times->time[c->issue + 1 + ps], x->q_corr[pc], c->times->time[c->issue + 1 + pc]);
    sx_strbuf_puts(sb, "| lead | time | simulated (m³/s) | corrected (m³/s) |\n|---|---|---|---|\n");
    for (int64_t l = 0; l < f->nlead; l++)
        sx_strbuf_printf(sb, "| %lld | %s | %.1f | %.1f |\n", (long long)l + 1, c->times->time[c->issue + 1 + l],
                         q[nh + l], x->q_corr[l]);
}
