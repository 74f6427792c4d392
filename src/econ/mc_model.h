/*
 * mc_model.h — the index model that the Monte Carlo of mc.c evaluates once
 * per run (internal to src/econ): the six normalised variants of the data,
 * the pillar scores of a batch of runs as BLAS products, and the walk from
 * pillars to the index and its ranks for one run.
 */
#ifndef SX_ECON_MC_MODEL_H
#define SX_ECON_MC_MODEL_H

#include "econ/econ_internal.h"

#define SX__MC_NVAR 6 /* imputation (2) x normalisation (3) */

typedef struct {
    int norm, agg, imp; /* normalisation 0..2, aggregation 0..1, imputation 0..1 */
    double *mult;       /* n_node weight multipliers (borrowed) */
} sx__mc_choice_t;

/* Shared, read-only while runs are scored. */
/* Shared, read-only while runs are scored. */
typedef struct {
    const sx_econ_frame_t *f;
    int nu, ni, nn, np;
    int *pillar;        /* np node indices of level 2 */
    int *pil_of;        /* ni: position of the indicator's pillar */
    int *perm, *poff;   /* column c of the variant matrices is indicator perm[c]; pillar p has columns poff[p]..poff[p+1] */
    int *up, n_up;      /* aggregate nodes above the pillars, children first */
    int *ch_start, *ch; /* children of node j: ch[ch_start[j] .. ch_start[j+1]) */
    double *x0[SX__MC_NVAR], *lg[SX__MC_NVAR], *mask[SX__MC_NVAR]; /* nu x ni: value (NaN -> 0), log value, availability */
    int complete[SX__MC_NVAR];
} sx__mc_model_t;

/* One thread's work space: a batch's products and pillar scores, the walk up. */
typedef struct {
    double *w, *c, *d;  /* batch products: weights, numerators, denominators */
    double *pil;        /* max_runs x np x nu: pillar scores of the batch's runs */
    double *up;         /* n_up x nu: scores of the aggregates above the pillars */
    double *s, *ws;     /* nu: weighted sums and weight sums of one node */
    const double **row; /* n_node: row of node j's scores (pillars point into pil) */
    int *rank;          /* nu: ranks of a run nobody keeps */
    sx__econ_ranker_t rk[2 * SX__MC_NVAR]; /* per variant and aggregation: runs that share them rank alike */
} sx__mc_worker_t;

/** Normalised variants of x_imp / x_raw (nu x n_ind). Not collective. */
sx_err sx__mc_model_init(sx__mc_model_t *m, const sx_econ_frame_t *f, const double *x_imp, const double *x_raw, int nu);
void sx__mc_model_free(sx__mc_model_t *m);
/** Work space for batches of up to max_runs runs. */
sx_err sx__mc_worker_init(sx__mc_worker_t *w, const sx__mc_model_t *m, int max_runs);
void sx__mc_worker_fini(sx__mc_worker_t *w);

/** Pillar scores of runs[0..nr) (all of variant var and aggregation agg)
 *  into w->pil at slot[r]; runs with skip[slot[r]] set are multiplied but not
 *  finished (skip may be NULL). Thread-safe with one worker per thread. */
void sx__mc_pillars(const sx__mc_model_t *m, sx__mc_worker_t *w, sx__mc_choice_t *const *runs, const int *slot, int nr, int var,
                    int agg, const unsigned char *skip);

/** From the pillar scores pil (np x nu) of run c up to the index, and its
 *  descending ranks into rank (nu). Thread-safe with one worker per thread. */
void sx__mc_score(const sx__mc_model_t *m, sx__mc_worker_t *w, const sx__mc_choice_t *c, const double *pil, int *rank);

/** The start of the splitmix64 stream of matrix m (0: A, 1: B) of base
 *  sample j under seed: mix(seed ^ mix(2j + m + 1)). Its outputs, in order,
 *  are the sample's normalisation, aggregation, imputation and weight draws
 *  (mc.c). Pure; pinned by tests/unit/test_splitmix.c. */
uint64_t sx__mc_stream(uint64_t seed, int64_t j, int m);

#endif
