/*
 * sx_hydro_hindcast.h — a hindcast (回顾预报): the forecast cycle re-run at
 * every issue time of a past period, as it would have run then, and scored
 * per lead time by GB/T 22482-2008, uncorrected and updated side by side —
 * how a forecasting scheme is accepted (方案评定).
 *
 * The forecast rain of each issue's lead is the recorded rain (a perfect
 * rain forecast), so the uncorrected L-step forecast is the continuous
 * simulation itself and the hindcast measures the model and the updating,
 * not the rain forecast. At each issue time i the updating uses only the
 * observations up to i: AR/RLS fit the errors up to i, DSRC re-runs the
 * window ending at i from the continuous run's state, the EnKF runs as one
 * filter through the period and branches a forecast from its analysed
 * members at each issue time.
 *
 * Scoring by lead L (1 <= L <= nlead - every + 1): the L-step series f_L(t)
 * is the forecast for t of the latest issue i <= t - L (lead t - i, between
 * L and L + every - 1; with every = 1, exactly the L-step-ahead forecast).
 * Every lead is scored over the same span [first issue + Lmax, last issue
 * + 1]: flood events are the runs of observed discharge >= threshold there
 * (sx_hydro_find_events, 2 steps padding); each event's peak, peak time and
 * runoff depth are checked (sx_gbt22482_evaluate), giving the pass rate and
 * grade, and DC and RMSE over the span.
 *
 * Issue times (AR, RLS, DSRC) are spread over the ranks in contiguous
 * blocks and gathered by index; the EnKF spreads its members. Results are
 * bit-identical at any rank count.
 */
#ifndef SX_HYDRO_HINDCAST_H
#define SX_HYDRO_HINDCAST_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_hydro_eval.h"
#include "sx_hydro_forecast.h"
#include "sx_hydro_update.h"

typedef struct {
    int64_t nissue, *issue; /* issue steps, counted from the run's start row */
    int64_t nsteps, nlead, every;
    double *sim;            /* [nsteps] continuous simulation at the node, m³/s */
    double *corr;           /* [nissue][nlead] updated forecasts, or NULL without a method */
    int64_t fallback;       /* issues where the method could not fit (too few observations): left uncorrected */
    char note[256];
} sx_hydro_hindcast_t;

/**
 * Run the hindcast of c (rows start..issue + nlead; c->issue is the last
 * issue time) with issue times every `every` steps from row `first`
 * (start <= first <= issue), updated by o (NULL: uncorrected only) with
 * obs[0..nsteps) (rows start.., NaN missing) at obs_node. Collective; every
 * rank gets the same result. Owning: sx_hydro_hindcast_fini.
 */
sx_err sx_hydro_hindcast_run(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o,
                             const double *obs, int obs_node, int64_t first, int64_t every, sx_hydro_hindcast_t *out);
void sx_hydro_hindcast_fini(sx_hydro_hindcast_t *h);

/** The L-step series (see above) of the uncorrected (corrected = 0) or the
 *  updated forecasts into f[nsteps], NaN where there is none. */
void sx_hydro_hindcast_series(const sx_hydro_hindcast_t *h, int64_t L, int corrected, double *f);

#define SX_HINDCAST_MAX_EVENTS 256

typedef struct {
    int64_t lead;
    int64_t from, to;             /* scored span, steps [from, to) */
    int nev;
    sx_gbt_summary_t sum[2];      /* [0] uncorrected, [1] updated */
    double rmse[2];
    sx_gbt_event_t ev[2][SX_HINDCAST_MAX_EVENTS];
} sx_hydro_hindcast_score_t;

/** Highest scored lead: nlead - every + 1. */
int64_t sx_hydro_hindcast_max_lead(const sx_hydro_hindcast_t *h);

/**
 * Score lead L against obs[0..nsteps) (no NaN in the span: refused naming
 * the step) with events obs >= threshold; depth_factor converts one step's
 * m³/s into mm over the basin (dt_s / (area_km2 · 1000)). Without updated
 * forecasts, sum[1] repeats sum[0]. Not collective.
 */
sx_err sx_hydro_hindcast_score(const sx_hydro_hindcast_t *h, const double *obs, double threshold, double depth_factor,
                               int64_t L, sx_hydro_hindcast_score_t *out);

/* ---- outputs (one rank writes; each through a temporary name) ---------- */

/** hindcast_scores.csv: lead,series,events,qualified,pass_rate,grade,dc,dc_grade,rmse (series
 *  "uncorrected" and the method's name) for scores[0..n). */
sx_err sx_hydro_hindcast_write_scores(const char *path, const sx_hydro_hindcast_score_t *scores, int n,
                                      const char *method);
/** hindcast_events.csv: per lead, series and event: start,end (times), observed and forecast peak,
 *  peak error %, peak-time error (steps), observed and forecast depth (mm), depth error, qualified. */
sx_err sx_hydro_hindcast_write_events(const char *path, const sx_hydro_forecast_cfg_t *c,
                                      const sx_hydro_hindcast_score_t *scores, int n, const char *method);
/** hindcast_forecasts.csv: issue,lead,time,Q_obs,Q_sim,Q_corr for every issue time and lead. */
sx_err sx_hydro_hindcast_write_forecasts(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_hindcast_t *h,
                                         const double *obs);
/** hindcast_passrate.svg: pass rate (%) against lead, uncorrected and updated, with the grade lines. */
sx_err sx_hydro_hindcast_write_svg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_hindcast_score_t *scores,
                                   int n, const char *method);
/** hindcast.md: the period, the method and a table per lead (pass rate, grade, DC, RMSE), for the docs. */
sx_err sx_hydro_hindcast_write_md(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_hindcast_t *h,
                                  const sx_hydro_hindcast_score_t *scores, int n, const char *method, double threshold);

#endif
