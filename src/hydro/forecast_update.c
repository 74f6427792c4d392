/*
 * forecast_update.c — one entry for the four ways a forecast run is updated
 * with the discharge observed at a node up to the issue time (ar, rls,
 * dsrc, enkf; sx_hydro_update.h): picks the method, gives the corrected
 * lead-time series at that node and a one-line account of what was fitted.
 * AR, RLS and DSRC are cheap and run on every rank alike; the EnKF spreads
 * its members over the ranks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_update.h"

const char *sx_hydro_update_method_name(sx_hydro_update_method_t m)
{
    static const char *const names[] = {"ar", "rls", "dsrc", "enkf"};
    return (unsigned)m < 4 ? names[m] : "?";
}

static sx_err by_ar(const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o, const double *obs,
                    const double *q_det, double *q_corr, char *note, size_t len)
{
    sx_hydro_correct_info_t info;
    const int64_t nh = c->issue - c->start + 1;
    SX_CHECK(sx_hydro_correct(&o->ar, q_det, obs, nh - 1, c->nlead, q_corr, &info));
    int off = snprintf(note, len, "AR(%d) phi = [", o->ar.order);
    for (int i = 0; i < o->ar.order && off > 0 && (size_t)off < len; i++)
        off += snprintf(note + off, len - (size_t)off, "%s%.4g", i ? ", " : "", info.phi[i]);
    if (off > 0 && (size_t)off < len)
        snprintf(note + off, len - (size_t)off, "] from %lld rows, propagated from %s, %lld value(s) limited",
                 (long long)info.rows, c->times->time[c->start + info.from], (long long)info.limited);
    return SX_OK;
}

static sx_err by_dsrc(const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o, const double *obs, int node,
                      double *q_corr, char *note, size_t len)
{
    const int64_t nh = c->issue - c->start + 1, ns = nh + c->nlead, m = o->dsrc.m;
    double *qs = malloc((size_t)ns * sizeof *qs), *qc = malloc((size_t)ns * sizeof *qc),
           *dr = malloc((size_t)(m > 0 ? m : 1) * sizeof *dr);
    sx_hydro_dsrc_info_t info;
    sx_err e = qs && qc && dr ? sx_hydro_dsrc_forecast(c, &o->dsrc, obs, node, qs, qc, dr, &info)
                              : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for DSRC");
    if (!e) {
        memcpy(q_corr, qc + nh, (size_t)c->nlead * sizeof *q_corr);
        double sum = 0;
        for (int64_t j = 0; j < m; j++) sum += dr[j];
        snprintf(note, len, "DSRC: runoff of the last %lld steps corrected by %+.3g mm in all (rank %d, %lld observed "
                 "steps); RMS misfit %.4g -> %.4g m3/s", (long long)m, sum, info.rank, (long long)info.rows,
                 info.rms_before, info.rms_after);
    }
    free(qs);
    free(qc);
    free(dr);
    return e;
}

static sx_err by_enkf(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o,
                      const double *obs, int node, double *q_corr, char *note, size_t len)
{
    double *all = malloc((size_t)(c->nnodes * c->nlead) * sizeof *all);
    sx_hydro_enkf_info_t info;
    sx_err e = all ? sx_hydro_enkf_forecast(comm, c, &o->enkf, obs, node, all, &info)
                   : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for the EnKF");
    if (!e) {
        memcpy(q_corr, all + (int64_t)node * c->nlead, (size_t)c->nlead * sizeof *q_corr);
        snprintf(note, len, "EnKF: %d members, %lld analyses, %lld state value(s) clipped to bounds, spread %.4g m3/s "
                 "at the last analysis", o->enkf.members, (long long)info.analyses, (long long)info.clipped,
                 info.spread);
    }
    free(all);
    return e;
}

sx_err sx_hydro_forecast_update(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o,
                                const double *obs, int obs_node, const double *q_det, double *q_corr, char *note,
                                size_t note_len)
{
    note[0] = '\0';
    switch (o->method) {
    case SX_HYDRO_UPDATE_AR:
    case SX_HYDRO_UPDATE_RLS: return by_ar(c, o, obs, q_det, q_corr, note, note_len);
    case SX_HYDRO_UPDATE_DSRC: return by_dsrc(c, o, obs, obs_node, q_corr, note, note_len);
    case SX_HYDRO_UPDATE_ENKF: return by_enkf(comm, c, o, obs, obs_node, q_corr, note, note_len);
    }
    SX_FAIL(SX_ERR_INTERNAL, "unknown updating method %d", (int)o->method);
}
