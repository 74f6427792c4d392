/*
 * sx_hydro_update.h — updating a forecast run (sx_hydro_forecast.h) with
 * the discharge observed at one node up to the issue time (实时校正):
 *
 *  - ar | rls: the simulation error at the node modelled as AR(p) and
 *    carried ahead (sx_hydro_correct.h);
 *  - dsrc: every sub-basin's runoff over the last m steps corrected by the
 *    dynamic system response curve and the network re-run
 *    (sx_hydro_dsrc.h; the same dR mm per step for every sub-basin);
 *  - enkf: the ensemble Kalman filter (Evensen 1994, doi:10.1029/94JC00572;
 *    perturbed observations after Burgers, van Leeuwen & Evensen 1998,
 *    doi:10.1175/1520-0493(1998)126<1719:ASITEK>2.0.CO;2; for rainfall–
 *    runoff states as in Moradkhani et al. 2005, doi:10.1016/j.advwatres.
 *    2004.09.002, and Clark et al. 2008, doi:10.1016/j.advwatres.2008.06.005)
 *    updates the states of every sub-basin model (Xinanjiang WU, WL, WD, S,
 *    FR, QI, QG, QC and its lag/unit-hydrograph stores; GR4J S, R and its
 *    unit-hydrograph stores) and of every Muskingum reach, then forecasts
 *    from each analysed member; the corrected forecast is the members' mean.
 *
 * EnKF, at each observed step t of the assimilation window: every member
 * advances one step with its rain multiplied by exp(sigma z - sigma²/2)
 * (model error), giving states x_i and the discharge y_i at the node; the
 * anomalies are inflated, x_i <- mean + rho (x_i - mean) (Anderson &
 * Anderson 1999, doi:10.1175/1520-0493(1999)127<2741:AMCIOT>2.0.CO;2);
 * with observation error sd s = max(obs_rel·y_obs, obs_min),
 *   x_i <- x_i + cov(x, y) / (var(y) + s²) · (y_obs + s·e_i - y_i),
 * e_i ~ N(0, 1); then every store is clipped to its physical bounds
 * (sx_hydro_model_clip; reach flows >= 0). Members are split over the ranks
 * in contiguous blocks; member i draws from its own stream seeded by
 * (seed, "enkf", i) and the ensemble statistics are sums in member order
 * over the gathered members, so the result is bit-identical at any rank
 * count.
 */
#ifndef SX_HYDRO_UPDATE_H
#define SX_HYDRO_UPDATE_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_hydro_correct.h"
#include "sx_hydro_dsrc.h"
#include "sx_hydro_forecast.h"

typedef struct {
    int members;       /* >= 2 */
    double obs_rel;    /* observation error sd as a fraction of the observed discharge, >= 0 */
    double obs_min;    /* floor of the observation error sd, m³/s, > 0 */
    double inflation;  /* multiplicative inflation of the forecast anomalies, >= 1 */
    double rain_sigma; /* log-normal sd of the members' rain multipliers, >= 0 */
    int64_t window;    /* assimilate the observations of the last `window` steps up to the issue (0: all) */
    uint64_t seed;
} sx_hydro_enkf_opts_t;

typedef struct {
    int64_t analyses;  /* steps at which an observation was assimilated */
    int64_t clipped;   /* state values clipped to a bound, over all members and analyses */
    double spread;     /* ensemble sd of the discharge at the node at the last analysis (before it), m³/s */
} sx_hydro_enkf_info_t;

/**
 * EnKF run of the forecast c: obs[0..nh) the discharge (m³/s, NaN missing)
 * at node obs_node on rows start..issue. q_corr[node * nlead + l] gets the
 * members' mean discharge at every node at row issue + 1 + l. Collective
 * over comm; every rank returns the same result.
 */
sx_err sx_hydro_enkf_forecast(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_enkf_opts_t *o,
                              const double *obs, int obs_node, double *q_corr, sx_hydro_enkf_info_t *info);

/**
 * DSRC run of the forecast c: the same runoff correction dR[j] mm for every
 * sub-basin at rows issue-m+1+j, from obs[0..nh) at obs_node (as above).
 * q_sim[nsteps] and q_corr[nsteps] get the uncorrected and corrected
 * discharge at obs_node on rows start..issue+nlead. Not collective.
 */
sx_err sx_hydro_dsrc_forecast(const sx_hydro_forecast_cfg_t *c, const sx_hydro_dsrc_opts_t *o, const double *obs,
                              int obs_node, double *q_sim, double *q_corr, double *dR, sx_hydro_dsrc_info_t *info);

typedef enum {
    SX_HYDRO_UPDATE_AR = 0,
    SX_HYDRO_UPDATE_RLS,
    SX_HYDRO_UPDATE_DSRC,
    SX_HYDRO_UPDATE_ENKF
} sx_hydro_update_method_t;

typedef struct {
    sx_hydro_update_method_t method;
    sx_hydro_correct_opts_t ar; /* ar, rls */
    sx_hydro_dsrc_opts_t dsrc;
    sx_hydro_enkf_opts_t enkf;
} sx_hydro_update_opts_t;

/** "ar", "rls", "dsrc", "enkf". */
const char *sx_hydro_update_method_name(sx_hydro_update_method_t m);

/**
 * Corrected forecast at obs_node: q_corr[nlead] at rows issue+1.., by the
 * chosen method, from obs[0..nh) and the run's deterministic discharge at
 * the node q_det[nsteps] (sx_hydro_forecast_t.q_det + node * nsteps). A
 * one-line account (coefficients, rows, analyses) goes to note (>= 256
 * bytes). Collective over comm (EnKF members are spread over the ranks);
 * every rank returns the same result.
 */
sx_err sx_hydro_forecast_update(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_update_opts_t *o,
                                const double *obs, int obs_node, const double *q_det, double *q_corr, char *note,
                                size_t note_len);

#endif
