/*
 * classify.c — `rs classify`: supervised classification of a stack of
 * feature layers (bands, indices) by a random forest (forest.c), trained on
 * sample points or polygons (classify_samples.c) or loaded from a model
 * file (forest_io.c).
 *
 * Phases: every rank reads its block of every feature; the sample cells are
 * read on rank 0 and broadcast; each rank takes the feature vectors of the
 * samples in its block and the vectors are gathered with their sample
 * numbers (Allgatherv), so every rank holds the same training matrix in
 * sample order — exact, whatever the rank count. Samples with a missing
 * feature are dropped. Per class, the samples are ordered by a hash of
 * (seed, sample number) and the first floor(test_fraction n_c) are held back
 * for the test (classify_test.c). The forest is grown over the ranks and
 * gathered; every rank then classifies its block (OpenMP over cells) and the
 * map (and the vote shares) are written. Outputs do not depend on the rank
 * or thread count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/classify_internal.h"
#include "rs/forest_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"

#define MAXF 64

/* The training set every rank holds. */
typedef struct {
    int64_t n;       /* samples with every feature valid */
    double *x;       /* n x nfeat */
    int *cls;        /* class value */
    int64_t *seq;    /* sample number in the sample layer's cell list */
    int64_t dropped; /* samples with a missing feature */
} train_t;

static void train_free(train_t *t)
{
    free(t->x);
    free(t->cls);
    free(t->seq);
    memset(t, 0, sizeof *t);
}

/* Feature vectors of the sample cells, gathered from the ranks holding them. */
static sx_err gather(MPI_Comm comm, const sx__rs_cells_t *c, sx_window_t own, const double *planes, int nf, train_t *t)
{
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    const int64_t cells = sx_window_cells(own);
    int64_t mine = 0;
    for (int64_t i = 0; i < c->n; i++) {
        const int64_t col = c->v[3 * i], row = c->v[3 * i + 1];
        mine += col >= own.x0 && col < own.x0 + own.nx && row >= own.y0 && row < own.y0 + own.ny;
    }
    int64_t *sseq = malloc((size_t)(mine + 1) * sizeof *sseq), *aseq = malloc((size_t)(c->n + 1) * sizeof *aseq);
    double *sv = malloc((size_t)(mine * nf + 1) * sizeof *sv), *ax = malloc((size_t)(c->n * nf + 1) * sizeof *ax);
    int *cnt = calloc((size_t)size, sizeof *cnt), *dsp = calloc((size_t)size, sizeof *dsp);
    int *cntx = calloc((size_t)size, sizeof *cntx), *dspx = calloc((size_t)size, sizeof *dspx);
    t->x = malloc((size_t)(c->n * nf + 1) * sizeof *t->x);
    t->cls = malloc((size_t)(c->n + 1) * sizeof *t->cls);
    t->seq = malloc((size_t)(c->n + 1) * sizeof *t->seq);
    sx_err err = sseq && aseq && sv && ax && cnt && dsp && cntx && dspx && t->x && t->cls && t->seq
                     ? SX_OK
                     : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %lld training samples",
                                  (long long)c->n);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    int64_t k = 0;
    for (int64_t i = 0; i < c->n; i++) {
        const int64_t col = c->v[3 * i] - own.x0, row = c->v[3 * i + 1] - own.y0;
        if (col < 0 || col >= own.nx || row < 0 || row >= own.ny) continue;
        sseq[k] = i;
        for (int f = 0; f < nf; f++) sv[k * nf + f] = planes[(int64_t)f * cells + row * own.nx + col];
        k++;
    }
    int m;
    SX_CHECK_GOTO(sx_err_agree(comm, sx_mpi_count(mine * nf, &m)), err, done); /* the value count bounds both */
    m = (int)mine;
    int mrc = MPI_Allgather(&m, 1, MPI_INT, cnt, 1, MPI_INT, comm);
    for (int r = 0, d = 0; r < size && mrc == MPI_SUCCESS; r++) {
        dsp[r] = d;
        cntx[r] = cnt[r] * nf;
        dspx[r] = d * nf;
        d += cnt[r];
    }
    if (mrc == MPI_SUCCESS) mrc = MPI_Allgatherv(sseq, m, MPI_INT64_T, aseq, cnt, dsp, MPI_INT64_T, comm);
    if (mrc == MPI_SUCCESS) mrc = MPI_Allgatherv(sv, m * nf, MPI_DOUBLE, ax, cntx, dspx, MPI_DOUBLE, comm);
    if (mrc != MPI_SUCCESS) SX_CHECK_GOTO(sx__mpi_fail(mrc, "MPI_Allgatherv", SX__FILE, __LINE__), err, done);
    /* back into sample order: every sample is in exactly one rank's block */
    int64_t *where = malloc((size_t)(c->n + 1) * sizeof *where);
    err = where ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %lld samples", (long long)c->n);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t i = 0; i < c->n; i++) where[aseq[i]] = i;
    t->n = t->dropped = 0;
    for (int64_t i = 0; i < c->n; i++) {
        const double *v = ax + where[i] * nf;
        int ok = 1;
        for (int f = 0; f < nf; f++) ok &= !isnan(v[f]);
        if (!ok) {
            t->dropped++;
            continue;
        }
        memcpy(t->x + t->n * nf, v, (size_t)nf * sizeof *v);
        t->cls[t->n] = (int)c->v[3 * i + 2];
        t->seq[t->n++] = i;
    }
    free(where);
done:
    free(sseq);
    free(aseq);
    free(sv);
    free(ax);
    free(cnt);
    free(dsp);
    free(cntx);
    free(dspx);
    return err;
}

typedef struct {
    uint64_t key;
    int64_t i;
} order_t;

static int order_cmp(const void *a, const void *b)
{
    const order_t *p = a, *q = b;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    return (p->i > q->i) - (p->i < q->i);
}

/* test[i] = 1 for the held-back samples: per class the floor(fraction n_c)
 * with the smallest hash of (seed, sample number). */
static sx_err hold_back(const train_t *t, double fraction, uint64_t seed, unsigned char *test)
{
    order_t *o = malloc((size_t)(t->n + 1) * sizeof *o);
    SX_FAIL_IF(!o, SX_ERR_NOMEM, "out of memory splitting %lld samples", (long long)t->n);
    memset(test, 0, (size_t)t->n);
    for (int c = 0; c < 255; c++) {
        int64_t m = 0;
        for (int64_t i = 0; i < t->n; i++)
            if (t->cls[i] == c)
                o[m++] = (order_t){sx__rs_mix64(sx__rs_mix64(seed ^ 0x5851F42D4C957F2Dull) ^ (uint64_t)t->seq[i]), i};
        qsort(o, (size_t)m, sizeof *o, order_cmp);
        const int64_t h = (int64_t)floor(fraction * (double)m);
        for (int64_t j = 0; j < h; j++) test[o[j].i] = 1;
    }
    free(o);
    return SX_OK;
}

/* Bands in the model's feature order: ordered[i] = the band named feat[i]. */
static sx_err match_features(const sx_rs_classify_opts_t *o, const sx_rs_forest_t *f, sx_rs_band_t *ordered)
{
    SX_FAIL_IF(o->nbands != f->nfeat, SX_ERR_INPUT,
               "the model '%s' was trained on %d features but %d are given; give exactly the model's features (%s%s)",
               o->model_in, f->nfeat, o->nbands, f->feat[0], f->nfeat > 1 ? ", ..." : "");
    for (int i = 0; i < f->nfeat; i++) {
        int k = -1;
        for (int b = 0; b < o->nbands; b++)
            if (!strcmp(o->bands[b].name, f->feat[i])) k = b;
        SX_FAIL_IF(k < 0, SX_ERR_INPUT, "the model '%s' was trained on feature '%s', which is not given; add -b %s=FILE",
                   o->model_in, f->feat[i], f->feat[i]);
        ordered[i] = o->bands[k];
    }
    return SX_OK;
}

/* Class table of the training set; checks the classes the user listed and
 * the counts. y[i] = class index of sample i. */
static sx_err class_table(const sx_rs_classify_opts_t *o, const train_t *t, const unsigned char *test, int *cls,
                          int *ncls, int *y)
{
    int64_t all[255] = {0}, tr[255] = {0};
    for (int64_t i = 0; i < t->n; i++) {
        all[t->cls[i]]++;
        tr[t->cls[i]] += !test[i];
    }
    for (int i = 0; i < o->nclasses; i++)
        SX_FAIL_IF(all[o->classes[i]] == 0, SX_ERR_INPUT,
                   "class %d (listed in --classes) has no valid sample in '%s' (field '%s'); add samples of it or "
                   "drop it from --classes", o->classes[i], o->samples, o->field);
    *ncls = 0;
    for (int c = 0; c < 255; c++) {
        if (!all[c]) continue;
        SX_FAIL_IF(tr[c] < o->min_samples, SX_ERR_INPUT,
                   "class %d has %lld training sample(s) (%lld valid, %lld held back for the test); each class needs at "
                   "least %d: add samples of it or lower --min-samples / --test-fraction", c, (long long)tr[c],
                   (long long)all[c], (long long)(all[c] - tr[c]), o->min_samples);
        cls[(*ncls)++] = c;
    }
    SX_FAIL_IF(*ncls < 2, SX_ERR_INPUT, "the samples '%s' hold %d class with valid features; a classification needs at "
               "least 2", o->samples, *ncls);
    for (int64_t i = 0; i < t->n; i++)
        for (int k = 0; k < *ncls; k++)
            if (cls[k] == t->cls[i]) y[i] = k;
    return SX_OK;
}

/* Train on the samples not held back (or take the loaded model) and test on
 * the others (all samples with a loaded model). */
static sx_err fit_and_test(MPI_Comm comm, const sx_rs_classify_opts_t *o, const sx_rs_band_t *bands, train_t *t,
                           sx_rs_forest_t **forest, double *overall)
{
    int rank;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    unsigned char *test = malloc((size_t)t->n + 1);
    int *y = malloc((size_t)(t->n + 1) * sizeof *y), cls[255], ncls = 0;
    double *xt = malloc((size_t)(t->n * (*forest ? (*forest)->nfeat : o->nbands) + 1) * sizeof *xt);
    int *yt = malloc((size_t)(t->n + 1) * sizeof *yt);
    sx_err err = test && y && xt && yt ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    const int nf = o->nbands;
    if (!err && *forest) { /* every sample tests the given model */
        memset(test, 1, (size_t)t->n);
        for (int64_t i = 0; i < t->n && !err; i++) {
            y[i] = -1;
            for (int k = 0; k < (*forest)->ncls; k++)
                if ((*forest)->cls[k] == t->cls[i]) y[i] = k;
            if (y[i] < 0)
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                 "class %d of the samples '%s' is absent from the classes the model '%s' was trained on; "
                                 "drop those samples or train a model with them", t->cls[i], o->samples, o->model_in);
        }
    } else if (!err) {
        err = hold_back(t, o->test_fraction, o->params.seed, test);
        if (!err) err = class_table(o, t, test, cls, &ncls, y);
        int64_t ntr = 0;
        for (int64_t i = 0; i < t->n && !err; i++)
            if (!test[i]) {
                memmove(xt + ntr * nf, t->x + i * nf, (size_t)nf * sizeof *xt);
                yt[ntr++] = y[i];
            }
        char(*names)[64] = calloc((size_t)nf, sizeof *names);
        if (!err && !names) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        for (int b = 0; b < nf && !err; b++) snprintf(names[b], sizeof names[b], "%s", bands[b].name);
        if (!err) {
            sx_log_info("rs classify: %lld samples (%lld dropped: a feature missing), %lld train, %lld test, %d classes",
                        (long long)(t->n + t->dropped), (long long)t->dropped, (long long)ntr, (long long)(t->n - ntr),
                        ncls);
            sx_perf_start("rs classify: train", SX_PERF_COMPUTE);
            err = sx_rs_forest_train(comm, xt, yt, ntr, nf, (const char(*)[64])names, cls, ncls, &o->params, forest);
            sx_perf_stop("rs classify: train");
        }
        free(names);
    }
    /* agreement: the checks above see the same data on every rank */
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    int64_t nt = 0;
    for (int64_t i = 0; i < t->n; i++)
        if (test[i]) {
            memcpy(xt + nt * nf, t->x + i * nf, (size_t)nf * sizeof *xt);
            yt[nt++] = y[i];
        }
    *overall = NAN;
    if (nt > 0) {
        err = sx__rs_classify_test(*forest, xt, yt, nt, o->out_stem, rank == 0, overall);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        sx_log_info("rs classify: test accuracy %.4f on %lld held-back samples (%s_test.csv)", *overall, (long long)nt,
                    o->out_stem);
    }
done:
    free(test);
    free(y);
    free(xt);
    free(yt);
    return err;
}

/* Classify the block: map[i] (255 where a feature is missing) and, with
 * prob, prob[c * n + i] the vote share of class c. Chunks of CHUNK cells per
 * thread, voted tree by tree (sx_rs_forest_vote). */
#define CHUNK 256
static sx_err predict_block(const sx_rs_forest_t *f, const double *planes, int64_t n, unsigned char *map, float *prob)
{
    const int nf = f->nfeat, k = f->ncls;
    int nomem = 0;
#pragma omp parallel
    {
        double *v = malloc((size_t)CHUNK * (size_t)nf * sizeof *v);
        int *votes = malloc((size_t)CHUNK * (size_t)k * sizeof *votes);
        int64_t at[CHUNK];
        if (!v || !votes) {
#pragma omp atomic write
            nomem = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int64_t c0 = 0; c0 < n; c0 += CHUNK) {
            if (!v || !votes) continue;
            const int64_t c1 = c0 + CHUNK < n ? c0 + CHUNK : n;
            int m = 0;
            for (int64_t i = c0; i < c1; i++) {
                int ok = 1;
                for (int j = 0; j < nf; j++) {
                    v[m * nf + j] = planes[(int64_t)j * n + i];
                    ok &= !isnan(v[m * nf + j]);
                }
                if (ok) at[m++] = i;
                else {
                    map[i] = 255;
                    for (int c = 0; prob && c < k; c++) prob[(int64_t)c * n + i] = NAN;
                }
            }
            sx_rs_forest_vote(f, v, m, votes);
            for (int q = 0; q < m; q++) {
                const int64_t i = at[q];
                map[i] = (unsigned char)f->cls[sx_rs_forest_winner(f, votes + q * k)];
                for (int c = 0; prob && c < k; c++) prob[(int64_t)c * n + i] = (float)((double)votes[q * k + c] / f->ntrees);
            }
        }
        free(v);
        free(votes);
    }
    SX_FAIL_IF(nomem, SX_ERR_NOMEM, "out of memory for the classification work space");
    return SX_OK;
}

static sx_err write_outputs(MPI_Comm comm, const sx_rs_classify_opts_t *o, const sx_rs_forest_t *f,
                            const sx_grid_t *g, sx_window_t own, const unsigned char *map, const float *prob,
                            const char *prov)
{
    char nc[SX_PATH_MAX + 32], tif[SX_PATH_MAX + 32], name[32], lname[96];
    snprintf(nc, sizeof nc, "%s.nc", o->out_stem);
    snprintf(tif, sizeof tif, "%s.tif", o->out_stem);
    sx_layer_out_t lo = {o->formats & SX_LAYER_NC ? nc : NULL, o->formats & SX_LAYER_COG ? tif : NULL, "class",
                         "class (random forest, Breiman 2001)", "1", NULL, SX_DT_UINT8, 255, "NEAREST", prov};
    SX_CHECK(sx_layer_write(comm, g, own, map, own.nx, &lo));
    for (int c = 0; prob && c < f->ncls; c++) {
        snprintf(name, sizeof name, "prob_%d", f->cls[c]);
        snprintf(lname, sizeof lname, "share of the trees voting for class %d", f->cls[c]);
        snprintf(nc, sizeof nc, "%s_prob_%d.nc", o->out_stem, f->cls[c]);
        snprintf(tif, sizeof tif, "%s_prob_%d.tif", o->out_stem, f->cls[c]);
        sx_layer_out_t lp = {o->formats & SX_LAYER_NC ? nc : NULL, o->formats & SX_LAYER_COG ? tif : NULL, name, lname,
                             "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE", prov};
        SX_CHECK(sx_layer_write(comm, g, own, prob + (int64_t)c * sx_window_cells(own), own.nx, &lp));
    }
    return SX_OK;
}

sx_err sx_rs_classify_run(MPI_Comm comm, const sx_rs_classify_opts_t *o)
{
    int rank;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_FAIL_IF(o->nbands < 1 || o->nbands > MAXF, SX_ERR_USAGE, "rs classify takes 1 .. %d features (-b NAME=FILE), got %d",
               MAXF, o->nbands);
    SX_FAIL_IF(!o->samples && !o->model_in, SX_ERR_USAGE,
               "rs classify needs training samples (--samples FILE.gpkg) or a trained model (--model FILE)");
    SX_FAIL_IF(!(o->test_fraction >= 0 && o->test_fraction <= 0.9), SX_ERR_USAGE,
               "the test fraction must lie in [0, 0.9], got %g", o->test_fraction);
    sx_rs_forest_t *forest = NULL;
    sx_rs_band_t bands[MAXF];
    memcpy(bands, o->bands, (size_t)o->nbands * sizeof *bands);
    sx_err err = SX_OK;
    if (o->model_in) {
        err = sx_rs_forest_load(o->model_in, &forest);
        if (!err) err = match_features(o, forest, bands);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, out);
    }
    sx__rs_bandset_t bs = {0};
    sx_decomp_t d = {0};
    sx__rs_cells_t cells = {0};
    train_t t = {0};
    double *planes = NULL, overall = NAN;
    unsigned char *map = NULL;
    float *prob = NULL;
    char *prov = NULL, expr[512];
    sx_perf_start("rs classify: read", SX_PERF_READ);
    err = sx__rs_bandset_open(comm, bands, o->nbands, NULL, &bs);
    sx_perf_stop("rs classify: read");
    SX_CHECK_GOTO(err, err, out);
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, bs.frame.nx, bs.frame.ny, bs.frame.block_x, bs.frame.block_y), err, done);
    const int64_t n = sx_window_cells(d.own);
    planes = malloc((size_t)(n * o->nbands + 1) * sizeof *planes);
    map = malloc((size_t)n + 1);
    err = planes && map
              ? SX_OK
              : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold %d features of the %lld-cell block", o->nbands,
                           (long long)n);
    sx_perf_start("rs classify: read", SX_PERF_READ);
    for (int b = 0; b < o->nbands && !err && n; b++) err = sx__rs_bandset_read(&bs, b, d.own, planes + (int64_t)b * n);
    sx_perf_stop("rs classify: read");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (o->samples) {
        const sx__rs_features_t src = {o->samples, o->layer, o->field, "the training samples",
                                       "the class; name it with --class-field", 0};
        SX_CHECK_GOTO(sx__rs_feature_cells(comm, &src, &bs.frame, o->bands[0].path, &cells, NULL), err, done);
        sx_perf_start("rs classify: gather samples", SX_PERF_COMM);
        err = gather(comm, &cells, d.own, planes, o->nbands, &t);
        sx_perf_stop("rs classify: gather samples");
        SX_CHECK_GOTO(err, err, done);
        SX_CHECK_GOTO(fit_and_test(comm, o, bands, &t, &forest, &overall), err, done);
    }
    if (o->probabilities) {
        prob = malloc((size_t)(n * forest->ncls + 1) * sizeof *prob);
        err = prob ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold %d class shares of the %lld-cell "
                                        "block", forest->ncls, (long long)n);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    }
    sx_perf_start("rs classify: predict", SX_PERF_COMPUTE);
    err = predict_block(forest, planes, n, map, prob);
    sx_perf_stop("rs classify: predict");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    snprintf(expr, sizeof expr,
             "random forest (Breiman 2001): %d CART trees (Gini), mtry %d, min_node %d, max_depth %d, seed %llu; %s; "
             "test overall accuracy %.6g", forest->ntrees, forest->mtry, forest->min_node, forest->max_depth,
             (unsigned long long)forest->seed, o->model_in ? o->model_in : "trained on the samples", overall);
    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, expr, bands, o->nbands, &prov), err, done);
    SX_CHECK_GOTO(write_outputs(comm, o, forest, &bs.frame, d.own, map, prob, prov), err, done);
    err = rank == 0 && o->model_out && !o->model_in ? sx_rs_forest_save(forest, o->model_out) : SX_OK;
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (o->overall) *o->overall = overall;
    if (o->classes_out) memcpy(o->classes_out, forest->cls, (size_t)forest->ncls * sizeof *forest->cls);
    if (o->nclasses_out) *o->nclasses_out = forest->ncls;
done:
    free(prov);
    free(planes);
    free(map);
    free(prob);
    free(cells.v);
    train_free(&t);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
out:
    sx_rs_forest_destroy(&forest);
    return err;
}
