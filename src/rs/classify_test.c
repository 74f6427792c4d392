/*
 * classify_test.c — accuracy of a forest on the samples held back from its
 * training: the confusion matrix (rows: predicted class, columns: the
 * sample's class, as rs accuracy's matrix), overall accuracy (share of test
 * samples classified as labelled) and per class the user's accuracy (correct
 * / predicted as the class) and producer's accuracy (correct / labelled as
 * the class). These are sample proportions, not the area-weighted
 * estimates of rs accuracy: the held-back samples are a share of the
 * training samples, not a probability sample of the map.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rs/classify_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

static void num(sx_strbuf_t *b, double v)
{
    if (isfinite(v)) sx_strbuf_printf(b, ",%.17g", v);
    else sx_strbuf_printf(b, ",");
}

sx_err sx__rs_classify_test(const sx_rs_forest_t *f, const double *x, const int *y, int64_t n, const char *stem,
                            int write, double *overall)
{
    const int k = f->ncls;
    int64_t *m = calloc((size_t)k * (size_t)k, sizeof *m);
    int *votes = malloc((size_t)k * sizeof *votes);
    sx_err err = m && votes ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for the test");
    int64_t correct = 0;
    for (int64_t i = 0; i < n && !err; i++) {
        const int p = sx_rs_forest_predict(f, x + i * f->nfeat, votes);
        m[p * k + y[i]]++;
        correct += p == y[i];
    }
    *overall = n > 0 ? (double)correct / (double)n : NAN;
    sx_strbuf_t t, c;
    sx_strbuf_init(&t);
    sx_strbuf_init(&c);
    sx_strbuf_printf(&t, "class,test_samples,predicted,correct,users_accuracy,producers_accuracy\n");
    sx_strbuf_printf(&c, "map\\reference");
    for (int j = 0; j < k; j++) sx_strbuf_printf(&c, ",%d", f->cls[j]);
    sx_strbuf_printf(&c, ",total\n");
    for (int i = 0; i < k && !err; i++) {
        int64_t row = 0, col = 0;
        sx_strbuf_printf(&c, "%d", f->cls[i]);
        for (int j = 0; j < k; j++) {
            row += m[i * k + j];
            col += m[j * k + i];
            sx_strbuf_printf(&c, ",%lld", (long long)m[i * k + j]);
        }
        sx_strbuf_printf(&c, ",%lld\n", (long long)row);
        sx_strbuf_printf(&t, "%d,%lld,%lld,%lld", f->cls[i], (long long)col, (long long)row, (long long)m[i * k + i]);
        num(&t, row ? (double)m[i * k + i] / (double)row : NAN);
        num(&t, col ? (double)m[i * k + i] / (double)col : NAN);
        sx_strbuf_printf(&t, "\n");
    }
    sx_strbuf_printf(&t, "overall,%lld,%lld,%lld", (long long)n, (long long)n, (long long)correct);
    num(&t, *overall);
    sx_strbuf_printf(&t, ",\n");
    if (!err && (t.failed || c.failed)) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for the test tables");
    char path[4200];
    if (!err && write) {
        snprintf(path, sizeof path, "%s_test.csv", stem);
        err = sx_write_text_file(path, t.data);
    }
    if (!err && write) {
        snprintf(path, sizeof path, "%s_test_matrix.csv", stem);
        err = sx_write_text_file(path, c.data);
    }
    sx_strbuf_fini(&t);
    sx_strbuf_fini(&c);
    free(m);
    free(votes);
    return err;
}
