/*
 * fcnet.h — a forecast network (sx_hydro_forecast_cfg_t) set up for the
 * updating methods, which must run it again and again from the run's start
 * state: DSRC re-runs the whole window with a runoff correction, the EnKF
 * advances every member one step at a time through a flat state vector
 * (every sub-basin's full model state, then every reach's Muskingum state).
 * Internal to src/hydro; not collective; one instance per thread.
 */
#ifndef SX_HYDRO_FCNET_H
#define SX_HYDRO_FCNET_H

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_hydro_update.h"

typedef struct {
    const sx_hydro_forecast_cfg_t *c;
    int nm, node_of[256], order[256];
    sx_hydro_model_t *m[256];
    int64_t soff[257];           /* model k's state at x[soff[k] .. soff[k+1]) */
    int64_t roff[256], rlen[256]; /* node i's reach state at x[roff[i] ..), rlen 0: no reach */
    int64_t nx;                  /* flat state length */
    double *x0;                  /* state before row start (cold reaches: -1, steady at the first inflow) */
    int64_t nh, nsteps;          /* observed rows start..issue, and with the lead */
    double *P, *local, *qmm;     /* [nm][nsteps] areal rain; [nnodes] one step's local runoff; scratch */
} sx__fcnet_t;

/** The models of the forecast's sub-basins with the start state (cold: the
 *  init values; hot: c->state_in, checked as the forecast checks it). */
sx_err sx__fcnet_init(const sx_hydro_forecast_cfg_t *c, sx__fcnet_t *n);
void sx__fcnet_fini(sx__fcnet_t *n);
/** Whole window from the start state, every sub-basin's runoff corrected by
 *  dR[t] mm at row start + t (NULL: none): q[node][nsteps] m³/s. */
sx_err sx__fcnet_run(sx__fcnet_t *n, const double *dR, double *q);
/** As sx__fcnet_run over ns steps from row start + t0, starting from the flat state x0 (the state
 *  before that row, as sx__fcnet_step leaves it): q[node][ns]. */
sx_err sx__fcnet_run_from(sx__fcnet_t *n, const double *x0, int64_t t0, int64_t ns, const double *dR, double *q);
/** Advance the flat state x one step, row start + t, rain times f: q[node]. */
sx_err sx__fcnet_step(sx__fcnet_t *n, double *x, int64_t t, double f, double *q);
/** Clip x into the physical bounds of every store; the number of values changed. */
int64_t sx__fcnet_clip(const sx__fcnet_t *n, double *x);

/** The EnKF through rows start..issue of c, assimilating obs (rows start.., NaN missing) at obs_node;
 *  at each issue[k] (steps from start, ascending, the last = issue - start) every member forecasts the
 *  lead from its analysed state and q_corr[k][node][lead] gets the members' mean (enkf.c). Collective. */
sx_err sx__hydro_enkf_run(MPI_Comm comm, const sx_hydro_forecast_cfg_t *c, const sx_hydro_enkf_opts_t *o,
                          const double *obs, int obs_node, int64_t nissue, const int64_t *issue, double *q_corr,
                          sx_hydro_enkf_info_t *info);

/** Gather layout of items [0, n) split over size ranks in contiguous blocks (rank r: n·r/size ..
 *  n·(r+1)/size), each item `per` doubles: counts[size], displs[size] (members.c). */
sx_err sx__hydro_blocks(int size, int64_t n, int64_t per, int *counts, int *displs);
/** *sum = the sum of v over the ranks of comm (integers: exact). Collective (members.c). */
sx_err sx__hydro_sum_count(MPI_Comm comm, int64_t v, int64_t *sum);

/** The forecast's model of one sub-basin (forecast.c). */
sx_err sx__hydro_fc_make_model(const sx_hydro_forecast_cfg_t *c, sx_hydro_model_t **m);

#endif
