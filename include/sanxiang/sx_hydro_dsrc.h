/*
 * sx_hydro_dsrc.h — real-time correction of the runoff input by the
 * dynamic system response curve (DSRC; Bao, W., Si, W. & Qu, S. (2014)
 * Flow updating in real-time flood forecasting based on runoff correction
 * by a dynamic system response curve, J. Hydrol. Eng. 19(4):747-756,
 * doi:10.1061/(ASCE)HE.1943-5584.0000848).
 *
 * The routing part of a model (everything between the generated runoff and
 * the discharge at the gauge) is a system Q = f(R). Around the simulated
 * runoff R the response of the discharge at the observed steps to a runoff
 * change at each of the last m steps before the issue is the response
 * matrix U (n_obs x m; U_ij = dQ_i / dR_j, the system response curve of
 * step j), taken here by forward differences of f with step delta — exact
 * for a linear routing. The runoff error is the least-squares solution
 *
 *     dR = argmin |U dR - (Q_obs - Q_sim)|² + alpha·s²·|dR|²
 *
 * (LAPACKE_dgelsd: SVD, minimum-norm when U is rank deficient; alpha = 0 is
 * Bao et al.'s plain least squares; s² the mean squared column norm of U,
 * so alpha is scale-free), and the forecast is re-routed with R + dR:
 * Q_corr = f(dR). On a noise-free linear routing with m <= n_obs and U of
 * full rank, dR is the true runoff error (unit test `unit_hydro_dsrc`).
 *
 * Nothing here is collective; sums run in index order.
 */
#ifndef SX_HYDRO_DSRC_H
#define SX_HYDRO_DSRC_H

#include <stdint.h>
#include "sx_err.h"

/** The routing system: q[0..n) (discharge at every step of the series) for
 *  runoff corrections dR[0..m) at the m steps ending at the issue step. */
typedef sx_err (*sx_hydro_dsrc_fn)(void *ctx, const double *dR, double *q);

typedef struct {
    int64_t m;      /* corrected runoff steps, the m steps ending at the issue, >= 1 */
    int64_t window; /* observed steps fitted, the window steps ending at the issue, >= m */
    double alpha;   /* ridge weight >= 0 (0: plain least squares) */
    double delta;   /* forward-difference runoff step (mm), > 0 */
} sx_hydro_dsrc_opts_t;

typedef struct {
    int64_t rows;       /* observed steps used (finite observations in the window) */
    int rank;           /* numerical rank of U */
    double rms_before;  /* RMS of Q_obs - Q_sim over the rows */
    double rms_after;   /* RMS of Q_obs - Q_corr over the rows */
} sx_hydro_dsrc_info_t;

/**
 * DSRC correction of a series of n steps whose step `issue` is the last
 * observed: obs[0..issue] (NaN: missing). q_sim[n] gets f(0), dR[m] the
 * runoff correction of steps issue-m+1..issue, q_corr[n] the re-routed
 * f(dR). Fails (SX_ERR_INPUT) with fewer observed rows than m, or when the
 * correction steps do not influence the observed ones (U = 0). Allocates
 * only scratch, freed before it returns. Not collective.
 */
sx_err sx_hydro_dsrc(const sx_hydro_dsrc_opts_t *o, sx_hydro_dsrc_fn f, void *ctx, int64_t n, int64_t issue,
                     const double *obs, double *q_sim, double *dR, double *q_corr, sx_hydro_dsrc_info_t *info);

/** Linear routing by a unit hydrograph: Q[t] = sum_k uh[k] R[t-k] over
 *  k = 0..min(nuh-1, t) (the system of the linear DSRC case). */
void sx_hydro_uh_route(const double *R, int64_t n, const double *uh, int nuh, double *Q);

#endif
