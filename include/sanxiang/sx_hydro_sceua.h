/*
 * sx_hydro_sceua.h — SCE-UA global optimisation and model calibration.
 *
 * Duan, Q., Sorooshian, S., Gupta, V. (1992) Effective and efficient global
 * optimization for conceptual rainfall-runoff models. Water Resour. Res.
 * 28(4):1015-1031, doi:10.1029/91WR02985; settings and the competitive
 * complex evolution (CCE) as in Duan, Sorooshian & Gupta (1994) J. Hydrol.
 * 158:265-284, doi:10.1016/0022-1694(94)90057-4: m = 2n+1 points per
 * complex, q = n+1 per sub-complex, alpha = 1, beta = 2n+1, triangular
 * selection, reflection / contraction / random point in the complex's
 * hypercube.
 *
 * Parallel and exact: the initial sample is evaluated in rank blocks and
 * gathered by point index; each complex evolves on one rank with its own
 * random stream seeded by (seed, generation, complex), then complexes are
 * gathered by index and shuffled with a deterministic sort (value, then
 * index). So the result is bit-identical at any number of ranks.
 */
#ifndef SX_HYDRO_SCEUA_H
#define SX_HYDRO_SCEUA_H

#include <mpi.h>
#include <stdint.h>
#include "sx_err.h"
#include "sx_hydro_eval.h"

/** Objective to minimise; non-finite values are treated as +1e300. */
typedef double (*sx_sceua_fn)(const double *x, void *ctx);

typedef struct {
    int ncomplex;        /* p (default 4, or 2n when 0 given... see .c) */
    int64_t max_evals;   /* stop after about this many evaluations */
    int kstop;           /* generations over which the best must improve */
    double pcento;       /* ... by at least this fraction (default 1e-5) */
    double peps;         /* stop when the population's normalised range < peps */
    uint64_t seed;
    int keep_population; /* 1: hand the final population back in sx_sceua_result_t.pop */
} sx_sceua_opts_t;

/** Defaults: 4 complexes, 10000 evaluations, kstop 10, pcento 1e-5, peps 1e-7, seed 1, no population kept. */
void sx_sceua_defaults(sx_sceua_opts_t *o);

typedef struct {
    double fbest;
    int64_t evals;
    int generations;
    int converged; /* 1 if stopped by kstop/pcento or peps, 0 by max_evals */
    double *pop;   /* keep_population: npop rows of pop_w doubles, the objective then the point (minimize: x;
                      calibrate: the full parameter vector), best first; the caller free()s it (also after an error). Else NULL */
    int64_t npop;
    int pop_w;
} sx_sceua_result_t;

/**
 * Minimise f over the box [lo, hi]^n; best point into xbest[n].
 * Collective over comm; every rank returns the same xbest and result.
 */
sx_err sx_sceua_minimize(MPI_Comm comm, sx_sceua_fn f, void *ctx, int n, const double *lo, const double *hi,
                         const sx_sceua_opts_t *opts, double *xbest, sx_sceua_result_t *res);

/** Calibration problem: one model kind on one forcing series. */
typedef struct {
    const char *model;          /* "gr4j" | "xaj" */
    const char *const *option_names; /* model options, may be NULL */
    const char *const *option_values;
    int noptions;
    const double *P, *E, *Qobs; /* mm per step */
    int64_t n, warmup;          /* score over [warmup, n) */
    sx_hydro_objective objective;
    const char *const *fixed_names; /* parameters held at fixed_values */
    const double *fixed_values;
    int nfixed;
    const char *const *init_names;  /* initial states (others default) */
    const double *init_values;
    int ninit;
} sx_hydro_calib_t;

/**
 * Calibrate the model's free parameters over their calibration ranges
 * (sx_hydro_var_t.cal_lo..cal_hi; parameters with cal_lo == cal_hi are
 * fixed). params[np] receives the full parameter vector, *score the
 * objective's score (NSE/KGE/log-NSE, or peak error). Collective over comm.
 */
sx_err sx_hydro_calibrate(MPI_Comm comm, const sx_hydro_calib_t *c, const sx_sceua_opts_t *opts, double *params,
                          double *score, sx_sceua_result_t *res);

#endif
