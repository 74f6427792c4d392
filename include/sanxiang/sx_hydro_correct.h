/*
 * sx_hydro_correct.h — real-time error correction (实时校正) of a simulated
 * discharge series with the latest observations: the simulation error
 * e_t = obs_t - sim_t is modelled as an autoregression
 *
 *     e_t = phi_1 e_{t-1} + ... + phi_p e_{t-p} + a_t
 *
 * (Box & Jenkins 1976; the error-prediction updating of the WMO
 * intercomparison, WMO Operational Hydrology Report 38, 1992, and
 * Refsgaard 1997, Nordic Hydrology 28:65-84; 误差自回归校正 in 包为民
 * 《水文预报》第4版, 2009), with phi
 *  - by least squares over a window of the latest observations (AR), or
 *  - by recursive least squares with a forgetting factor lambda, updated
 *    online at every observed step (RLS; Ljung & Söderström 1983, ch. 2),
 * and the error at the issue time carried L steps ahead by the same
 * recursion and added to the simulation. An optional limit keeps the
 * corrected value within a factor of the simulated one, against the
 * over-correction of raw-error AR updating on falling limbs and the
 * negative flows it can give on rising ones (Li, Wang, Bennett & Robertson
 * 2015, HESS 19:1-15, doi:10.5194/hess-19-1-2015).
 *
 * Missing errors are NaN: a regression row with any NaN is skipped; in the
 * propagation a missing error is replaced by its AR prediction. Sums run in
 * index order, so results do not depend on the rank count. Nothing here is
 * collective; every function works on one process; only sx_hydro_correct
 * allocates (the error series, freed before it returns).
 */
#ifndef SX_HYDRO_CORRECT_H
#define SX_HYDRO_CORRECT_H

#include <stdint.h>
#include "sx_err.h"

#define SX_HYDRO_CORRECT_MAX_ORDER 10

typedef enum { SX_HYDRO_CORRECT_AR = 0, SX_HYDRO_CORRECT_RLS = 1 } sx_hydro_correct_method_t;

typedef struct {
    sx_hydro_correct_method_t method;
    int order;      /* p, 1..SX_HYDRO_CORRECT_MAX_ORDER */
    double lambda;  /* RLS forgetting factor, (0, 1]; 1 = batch least squares */
    int64_t window; /* regression rows whose target lies in the last `window` steps up to the issue; 0: all */
    double limit;   /* > 0: corrected kept within [sim / (1 + limit), sim * (1 + limit)]; 0: no limit */
} sx_hydro_correct_opts_t;

typedef struct {
    double phi[SX_HYDRO_CORRECT_MAX_ORDER];
    int64_t rows;    /* complete regression rows used in the fit */
    int64_t from;    /* last step whose p errors were all observed: the propagation starts after it */
    int64_t limited; /* lead steps where the limit (or Q >= 0) changed the corrected value */
} sx_hydro_correct_info_t;

/** Complete regression rows of an AR(p) on e[0..n): targets t in [p, n) with
 *  e[t-p..t] all finite. */
int64_t sx_hydro_ar_rows(const double *e, int64_t n, int p);

/**
 * Least-squares AR(p) coefficients phi[p] over the complete rows of e[0..n)
 * (normal equations, Cholesky). *rows gets the row count. Fails
 * (SX_ERR_INPUT) with fewer than p rows or a singular system (e.g. errors all
 * zero).
 */
sx_err sx_hydro_ar_fit(const double *e, int64_t n, int p, double *phi, int64_t *rows);

/**
 * Recursive least squares with forgetting factor lambda in (0, 1] over the
 * complete rows of e[0..n), in time order. Started exactly: the first m >= p
 * rows whose normal matrix is regular give theta and P = (X'X)^-1 by batch
 * least squares, then each row updates
 *   k = P x / (lambda + x'P x),  theta += k (y - x'theta),  P = (P - k x'P) / lambda,
 * so lambda = 1 gives the batch solution over all rows (to rounding).
 * Fails like sx_hydro_ar_fit.
 */
sx_err sx_hydro_rls_fit(const double *e, int64_t n, int p, double lambda, double *phi, int64_t *rows);

/**
 * Carry the errors e[0..n) ahead by the AR(p) recursion: starting after the
 * last step j (*from) whose errors e[j-p+1..j] are all finite, every later
 * step takes its observed error when finite (and < n), else
 * sum_k phi_k e_{i-k}; out[l-1] gets the error at step n-1+l, l = 1..steps.
 * For AR(1) with e[n-1] observed, out[l-1] = phi^l e[n-1]. Fails when no p
 * consecutive errors are observed.
 */
sx_err sx_hydro_ar_propagate(const double *phi, int p, const double *e, int64_t n, int64_t steps, double *out,
                             int64_t *from);

/**
 * Correct sim after the issue step: obs[0..issue] are the observations (NaN:
 * missing) at the steps of sim, sim[0..issue+lead] the simulation. The
 * error e = obs - sim is fitted over the window ending at issue and
 * propagated; corrected[l-1] = sim[issue+l] + e_hat[issue+l], then limited
 * (opts->limit) and never below 0. Fails as the fit does.
 */
sx_err sx_hydro_correct(const sx_hydro_correct_opts_t *opts, const double *sim, const double *obs, int64_t issue,
                        int64_t lead, double *corrected, sx_hydro_correct_info_t *info);

#endif
