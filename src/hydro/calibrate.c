/*
 * calibrate.c — calibration of a rainfall–runoff model by SCE-UA: the free
 * parameters are those with a calibration range (cal_lo < cal_hi) that the
 * caller did not fix; every evaluation sets them, resets the model, applies
 * the initial states, runs the whole forcing and scores [warmup, n).
 * A parameter set the model refuses (e.g. WUM + WLM >= WM) scores 1e300.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_sceua.h"

typedef struct {
    const sx_hydro_calib_t *c;
    sx_hydro_model_t *m;
    int nfree;
    int free_idx[64];
    double *p;  /* full parameter vector */
    double *q;  /* simulated series */
} ctx_t;

static sx_err apply(ctx_t *x, const double *v)
{
    const sx_hydro_kind_t *k = sx_hydro_model_kind(x->m);
    for (int i = 0; i < x->nfree; i++) x->p[x->free_idx[i]] = v[i];
    for (int i = 0; i < sx_hydro_kind_nparams(k); i++)
        SX_CHECK(sx_hydro_model_set_param(x->m, sx_hydro_kind_param(k, i)->name, x->p[i]));
    SX_CHECK(sx_hydro_model_reset(x->m));
    for (int i = 0; i < x->c->ninit; i++) SX_CHECK(sx_hydro_model_set_state(x->m, x->c->init_names[i], x->c->init_values[i]));
    return SX_OK;
}

static double objective(const double *v, void *vctx)
{
    ctx_t *x = vctx;
    double score;
    if (apply(x, v) != SX_OK || sx_hydro_model_run(x->m, x->c->n, x->c->P, x->c->E, x->q, 0) != SX_OK ||
        sx_hydro_score(x->c->objective, x->c->Qobs, x->q, x->c->warmup, x->c->n, &score) != SX_OK) {
        sx_err_clear();
        return 1e300;
    }
    return sx_hydro_loss(x->c->objective, score);
}

sx_err sx_hydro_calibrate(MPI_Comm comm, const sx_hydro_calib_t *c, const sx_sceua_opts_t *opts, double *params,
                          double *score, sx_sceua_result_t *res)
{
    SX_FAIL_IF(c->warmup < 0 || c->warmup >= c->n - 1, SX_ERR_CONFIG,
               "warm-up of %lld steps leaves too little of the %lld-step series to calibrate on", (long long)c->warmup,
               (long long)c->n);
    for (int64_t t = 0; t < c->n; t++)
        SX_FAIL_IF(!isfinite(c->Qobs[t]) || c->Qobs[t] < 0, SX_ERR_INPUT,
                   "observed discharge at step %lld is %g; calibration needs finite values >= 0", (long long)t, c->Qobs[t]);
    ctx_t x = {.c = c};
    SX_CHECK(sx_hydro_model_create(c->model, &x.m));
    sx_err err = SX_OK;
    const sx_hydro_kind_t *k = sx_hydro_model_kind(x.m);
    int np = sx_hydro_kind_nparams(k);
    double lo[64], hi[64], best[64];
    x.p = calloc((size_t)np, sizeof *x.p);
    x.q = calloc((size_t)c->n, sizeof *x.q);
    if (!x.p || !x.q) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the calibration buffers");
        goto done;
    }
    for (int i = 0; i < c->noptions; i++)
        SX_CHECK_GOTO(sx_hydro_model_set_option(x.m, c->option_names[i], c->option_values[i]), err, done);
    for (int i = 0; i < c->nfixed; i++) {
        int found = 0;
        for (int j = 0; j < np; j++) found |= !strcasecmp(sx_hydro_kind_param(k, j)->name, c->fixed_names[i]);
        if (!found) {
            err = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "%s has no parameter '%s' to fix", c->model,
                             c->fixed_names[i]);
            goto done;
        }
    }
    for (int j = 0; j < np; j++) {
        const sx_hydro_var_t *v = sx_hydro_kind_param(k, j);
        int fixed = -1;
        for (int i = 0; i < c->nfixed; i++)
            if (!strcasecmp(v->name, c->fixed_names[i])) fixed = i;
        x.p[j] = fixed >= 0 ? c->fixed_values[fixed] : v->def;
        if (fixed < 0 && v->cal_hi > v->cal_lo) {
            lo[x.nfree] = v->cal_lo;
            hi[x.nfree] = v->cal_hi;
            x.free_idx[x.nfree++] = j;
        }
    }
    if (x.nfree == 0) {
        err = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "every %s parameter is fixed; nothing to calibrate", c->model);
        goto done;
    }
    SX_CHECK_GOTO(sx_sceua_minimize(comm, objective, &x, x.nfree, lo, hi, opts, best, res), err, done);
    if (res->pop) { /* population rows: objective, free parameters -> objective, full parameter vector */
        double *full = malloc(sizeof *full * (size_t)(res->npop * (np + 1)));
        if (!full) {
            free(res->pop);
            res->pop = NULL;
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for the SCE-UA population");
            goto done;
        }
        for (int64_t r = 0; r < res->npop; r++) {
            double *row = full + r * (np + 1);
            row[0] = res->pop[r * res->pop_w];
            memcpy(row + 1, x.p, (size_t)np * sizeof *row);
            for (int i = 0; i < x.nfree; i++) row[1 + x.free_idx[i]] = res->pop[r * res->pop_w + 1 + i];
        }
        free(res->pop);
        res->pop = full, res->pop_w = np + 1;
    }
    for (int i = 0; i < x.nfree; i++) x.p[x.free_idx[i]] = best[i];
    memcpy(params, x.p, (size_t)np * sizeof *params);
    SX_CHECK_GOTO(apply(&x, best), err, done);
    SX_CHECK_GOTO(sx_hydro_model_run(x.m, c->n, c->P, c->E, x.q, 0), err, done);
    SX_CHECK_GOTO(sx_hydro_score(c->objective, c->Qobs, x.q, c->warmup, c->n, score), err, done);
done:
    free(x.p);
    free(x.q);
    sx_hydro_model_destroy(&x.m);
    return err;
}
