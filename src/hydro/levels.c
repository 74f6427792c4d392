/*
 * levels.c — forecast water levels and warning signals at control stations:
 * each discharge of the deterministic forecast and of every ensemble member
 * is turned into a level by the station's rating curve (rating.c) — at a
 * reservoir node the level is the pool's (the deterministic run's, and each
 * member's own, routed through the reservoir) — then the
 * ensemble percentiles of the level per lead step (Hyndman & Fan type 7,
 * as the discharge percentiles), the first lead step the deterministic level
 * exceeds the warning, guaranteed and historical maximum levels, the
 * probability that a member exceeds each within the lead, and the signal
 * grade (sx_hydro_stations.h) with its onset and the probability of each
 * grade. Every number depends only on the inputs (members in index order).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_stations.h"

static const char *const signal_names[] = {"none", "blue", "yellow", "orange", "red"};

const char *sx_signal_name(sx_signal_t s)
{
    return s >= SX_SIGNAL_NONE && s <= SX_SIGNAL_RED ? signal_names[s] : "?";
}

sx_signal_t sx_hydro_signal_grade(const sx_hydro_station_t *s, double h, double q)
{
    sx_signal_t g = SX_SIGNAL_NONE;
    if (h > s->z_hist) g = SX_SIGNAL_RED;
    else if (h > s->z_guar) g = SX_SIGNAL_ORANGE;
    else if (h > s->z_warn) g = SX_SIGNAL_YELLOW;
    else if (h >= s->z_warn - s->approach) g = SX_SIGNAL_BLUE;
    sx_signal_t r = q >= s->q50 ? SX_SIGNAL_RED : q >= s->q20 ? SX_SIGNAL_ORANGE : q >= s->q5 ? SX_SIGNAL_YELLOW
                                                                                         : SX_SIGNAL_NONE;
    return r > g ? r : g; /* NaN thresholds compare false: not graded by them */
}

void sx_hydro_levels_fini(sx_hydro_levels_t *l)
{
    if (!l) return;
    free(l->h_det);
    free(l->grade);
    free(l->h_pct);
    free(l->p_any);
    free(l->first);
    free(l->sig);
    free(l->onset);
    free(l->p_sig);
    free(l->peak_h);
    free(l->peak_at);
    memset(l, 0, sizeof *l);
}

/* Level of station s for discharge q at step t (what names it in messages); member mb (-1: deterministic). */
static sx_err level_of(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f, const sx_hydro_station_t *s,
                       double q, int64_t t, int mb, const char *member, double *h)
{
    if (c->reservoirs && c->reservoirs[s->node]) { /* the pool's level */
        int k = 0;
        while (mb >= 0 && f->res_node[k] != s->node) k++; /* a reservoir node is in res_node */
        *h = mb < 0 ? f->res_level[(int64_t)s->node * f->nsteps + t]
                    : f->ens_res_level[((int64_t)mb * f->nres + k) * f->nlead + t - (f->nsteps - f->nlead)];
        return SX_OK;
    }
    char what[200];
    snprintf(what, sizeof what, "station '%s'%s at %s", s->id, member, c->times->time[c->start + t]);
    return sx_rating_level(&s->rating, q, what, h);
}

static sx_err alloc(sx_hydro_levels_t *o, int nst, int64_t nsteps, int64_t nl)
{
    SX_ALLOC(o->h_det, (int64_t)nst * nsteps, "levels");
    SX_ALLOC(o->grade, (int64_t)nst * nsteps, "signal grades");
    SX_ALLOC(o->h_pct, (int64_t)nst * nl * SX_HYDRO_NPCT, "level percentiles");
    SX_ALLOC(o->p_any, (int64_t)nst * 3, "exceedance probabilities");
    SX_ALLOC(o->first, (int64_t)nst * 3, "first exceedances");
    SX_ALLOC(o->sig, nst, "signals");
    SX_ALLOC(o->onset, nst, "signal onsets");
    SX_ALLOC(o->p_sig, (int64_t)nst * 5, "signal probabilities");
    SX_ALLOC(o->peak_h, nst, "peak levels");
    SX_ALLOC(o->peak_at, nst, "peak times");
    return SX_OK;
}

/* Deterministic levels, first exceedances, signal and onset of station k. */
static sx_err deterministic(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f, const sx_hydro_station_t *s,
                            int k, sx_hydro_levels_t *o)
{
    const int64_t ns = f->nsteps, nl = f->nlead, nh = ns - nl;
    double *h = o->h_det + (int64_t)k * ns;
    for (int64_t t = 0; t < ns; t++) {
        const double q = f->q_det[(int64_t)s->node * ns + t];
        SX_CHECK(level_of(c, f, s, q, t, -1, "", &h[t]));
        o->grade[(int64_t)k * ns + t] = sx_hydro_signal_grade(s, h[t], q);
    }
    const double thr[3] = {s->z_warn, s->z_guar, s->z_hist};
    o->sig[k] = SX_SIGNAL_NONE;
    o->onset[k] = -1;
    o->peak_h[k] = -INFINITY;
    o->peak_at[k] = 0;
    for (int j = 0; j < 3; j++) o->first[k * 3 + j] = -1;
    for (int64_t l = 0; l < nl; l++) {
        const double hl = h[nh + l];
        for (int j = 0; j < 3; j++)
            if (o->first[k * 3 + j] < 0 && hl > thr[j]) o->first[k * 3 + j] = l;
        if (hl > o->peak_h[k]) o->peak_h[k] = hl, o->peak_at[k] = l;
        const sx_signal_t g = o->grade[(int64_t)k * ns + nh + l];
        if (g > o->sig[k]) o->sig[k] = g, o->onset[k] = l;
    }
    return SX_OK;
}

/* Ensemble: level percentiles, exceedance and grade probabilities of station k. */
static sx_err ensemble(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f, const sx_hydro_station_t *s,
                       int k, sx_hydro_levels_t *o, double *hm, double *vals, sx_signal_t *gmax, double *hmax)
{
    const int m = f->members, nn = f->nnodes;
    const int64_t nl = f->nlead, nh = f->nsteps - nl;
    for (int j = 0; j < 3; j++) o->p_any[k * 3 + j] = NAN;
    for (int g = 0; g < 5; g++) o->p_sig[k * 5 + g] = NAN;
    for (int64_t i = 0; i < nl * SX_HYDRO_NPCT; i++) o->h_pct[(int64_t)k * nl * SX_HYDRO_NPCT + i] = NAN;
    if (m < 1 || !f->ens) return SX_OK;
    char who[48];
    for (int mb = 0; mb < m; mb++) {
        gmax[mb] = SX_SIGNAL_NONE;
        hmax[mb] = -INFINITY;
        snprintf(who, sizeof who, " (member %d)", mb);
        for (int64_t l = 0; l < nl; l++) {
            const double q = f->ens[((int64_t)mb * nn + s->node) * nl + l];
            double *hv = &hm[(int64_t)mb * nl + l];
            SX_CHECK(level_of(c, f, s, q, nh + l, mb, who, hv));
            const sx_signal_t g = sx_hydro_signal_grade(s, *hv, q);
            if (g > gmax[mb]) gmax[mb] = g;
            if (*hv > hmax[mb]) hmax[mb] = *hv;
        }
    }
    for (int64_t l = 0; l < nl; l++) {
        for (int mb = 0; mb < m; mb++) vals[mb] = hm[(int64_t)mb * nl + l];
        sx__hydro_percentiles(vals, m, o->h_pct + ((int64_t)k * nl + l) * SX_HYDRO_NPCT);
    }
    const double thr[3] = {s->z_warn, s->z_guar, s->z_hist};
    for (int j = 0; j < 3; j++) {
        int n = 0;
        for (int mb = 0; mb < m; mb++) n += hmax[mb] > thr[j];
        o->p_any[k * 3 + j] = isnan(thr[j]) ? NAN : (double)n / m;
    }
    for (int g = 0; g < 5; g++) {
        int n = 0;
        for (int mb = 0; mb < m; mb++) n += gmax[mb] >= (sx_signal_t)g;
        o->p_sig[k * 5 + g] = (double)n / m;
    }
    return SX_OK;
}

sx_err sx_hydro_levels_compute(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f, int nst,
                               const sx_hydro_station_t *st, sx_hydro_levels_t *out)
{
    memset(out, 0, sizeof *out);
    out->nst = nst;
    out->nsteps = f->nsteps;
    out->nlead = f->nlead;
    out->members = f->members;
    const int m = f->members > 0 ? f->members : 1;
    double *hm = malloc((size_t)m * (size_t)f->nlead * sizeof *hm), *vals = malloc((size_t)m * sizeof *vals);
    double *hmax = malloc((size_t)m * sizeof *hmax);
    sx_signal_t *gmax = malloc((size_t)m * sizeof *gmax);
    sx_err e = hm && vals && hmax && gmax ? alloc(out, nst, f->nsteps, f->nlead)
                                          : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for levels");
    for (int k = 0; !e && k < nst; k++) {
        e = deterministic(c, f, &st[k], k, out);
        if (!e) e = ensemble(c, f, &st[k], k, out, hm, vals, gmax, hmax);
    }
    free(hm);
    free(vals);
    free(hmax);
    free(gmax);
    if (e) sx_hydro_levels_fini(out);
    return e;
}
