/*
 * sx_hydro_eval.h — goodness of fit and the Chinese forecast standard.
 *
 * Objectives over steps [from, n) (the warm-up [0, from) is excluded):
 *  - NSE (Nash & Sutcliffe 1970, doi:10.1016/0022-1694(70)90255-6), which
 *    GB/T 22482-2008 calls the deterministic coefficient DC;
 *  - KGE (Gupta et al. 2009, doi:10.1016/j.jhydrol.2009.08.003);
 *  - log-NSE: NSE of ln(Q + eps), eps = mean(obs)/100 (Pushpalatha et al.
 *    2012, doi:10.1016/j.jhydrol.2011.11.055);
 *  - relative peak-flow error (sim peak - obs peak) / obs peak.
 * Sums are taken in step order, so results do not depend on rank count.
 *
 * GB/T 22482-2008 "Standard for hydrological information and hydrological
 * forecasting", flood forecasts: an event qualifies when its relative peak
 * error is within 20 %, its peak-time error within one time step and its
 * runoff-depth error within 20 % of the observed depth, the allowance capped
 * at 20 mm and floored at 3 mm. The pass rate QR = qualified / events gives
 * the grade 甲 (A) >= 85 %, 乙 (B) 70–85 %, 丙 (C) 60–70 %, else none; DC
 * gives 甲 >= 0.90, 乙 0.70–0.90, 丙 0.50–0.70.
 */
#ifndef SX_HYDRO_EVAL_H
#define SX_HYDRO_EVAL_H

#include <stdint.h>
#include "sx_err.h"
#include "sx_strbuf.h"

typedef enum { SX_OBJ_NSE = 0, SX_OBJ_KGE, SX_OBJ_LOGNSE, SX_OBJ_PEAK } sx_hydro_objective;

/** Parse "nse", "kge", "lognse", "peak". */
sx_err sx_hydro_objective_parse(const char *name, sx_hydro_objective *out);
const char *sx_hydro_objective_name(sx_hydro_objective o);

/** Score of sim against obs over [from, n): NSE, KGE, log-NSE (1 best) or
 *  relative peak error (0 best). Fails on a constant observed series. */
sx_err sx_hydro_score(sx_hydro_objective o, const double *obs, const double *sim, int64_t from, int64_t n,
                      double *out);
/** Value to minimise for calibration: 1 - score, or |peak error|. */
double sx_hydro_loss(sx_hydro_objective o, double score);

typedef struct {
    int64_t start, end;     /* steps [start, end] inclusive */
    double obs_peak, sim_peak;
    int64_t obs_peak_t, sim_peak_t;
    double obs_depth, sim_depth; /* mm over the event */
    double peak_rel_err;    /* (sim - obs) / obs */
    int64_t peak_time_err;  /* sim - obs, steps */
    double depth_err, depth_allow; /* mm */
    double dc;              /* NSE within the event */
    int peak_ok, time_ok, depth_ok, qualified;
} sx_gbt_event_t;

typedef struct {
    int nevents, nqualified;
    double pass_rate;       /* percent */
    const char *grade;      /* "甲", "乙", "丙" or "不合格" */
    double dc;              /* over the whole evaluated span */
    const char *dc_grade;
} sx_gbt_summary_t;

/**
 * Evaluate events ev[0..nev) (start/end filled in) of obs against sim.
 * depth_factor converts the sum of one step's discharge into mm (1 when Q is
 * already mm per step; dt_s / (area_km2 * 1000) for m³/s). Fills the rest of
 * each event and the summary. DC is taken over [from, n). Not collective.
 */
sx_err sx_gbt22482_evaluate(const double *obs, const double *sim, int64_t n, int64_t from, double depth_factor,
                            sx_gbt_event_t *ev, int nev, sx_gbt_summary_t *sum);

/** Grade of a pass rate (percent) and of a DC. */
const char *sx_gbt22482_grade(double pass_rate);
const char *sx_gbt22482_dc_grade(double dc);

/**
 * Find flood events in obs: maximal runs of steps with obs >= threshold,
 * widened by pad steps each side and merged when they touch; at most max
 * events are stored, *nev gets the count found.
 */
sx_err sx_hydro_find_events(const double *obs, int64_t n, double threshold, int64_t pad, sx_gbt_event_t *ev, int max,
                            int *nev);

/** Append the event table of ev[0..nev) and its summary as CSV to sb, with
 *  times[] naming the steps (one layout for every writer). Not collective. */
sx_err sx_gbt22482_table(const sx_gbt_event_t *ev, int nev, const sx_gbt_summary_t *sum, char *const *times,
                         sx_strbuf_t *sb);

#endif
