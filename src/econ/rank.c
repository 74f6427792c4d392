/*
 * rank.c — descending ranks of scores (1 = highest, ties share the lowest
 * rank, NaN last), for the index table and for every Monte Carlo run.
 *
 * Each score becomes a 64-bit key whose unsigned order is the descending
 * order of the scores (IEEE 754 bits with the sign folded, -0 taken as +0,
 * every NaN the largest key), so sorting compares integers instead of calling
 * a comparator, and two scores tie exactly when their keys are equal. A
 * ranker keeps the order it sorted last and starts the next sort from it with
 * an insertion sort: Monte Carlo runs are perturbations of one another, so the
 * order is nearly sorted already and the sort costs n plus the number of
 * inversions (Knuth, TAOCP vol. 3, 5.2.1). When the inversions exceed a budget
 * of a few moves per score the ranker sorts from scratch (qsort on the keys),
 * so the worst case stays O(n log n). The ranks are a function of the scores
 * alone: the starting order changes only the work, never the result.
 */
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"

static uint64_t key_desc(double v)
{
    if (v != v) return UINT64_MAX; /* NaN last */
    if (v == 0) v = 0;             /* -0 ties with +0 */
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    const uint64_t asc = b >> 63 ? ~b : b | 0x8000000000000000ULL;
    return ~asc; /* < UINT64_MAX: asc == 0 would need the bits of a NaN */
}

static int cmp_key(const void *a, const void *b)
{
    const uint64_t x = ((const sx__econ_rank_pair_t *)a)->key, y = ((const sx__econ_rank_pair_t *)b)->key;
    return (x > y) - (x < y);
}

sx_err sx__econ_ranker_init(sx__econ_ranker_t *r, int n)
{
    r->n = n;
    r->a = malloc((size_t)(n > 0 ? n : 1) * sizeof *r->a);
    SX_FAIL_IF(!r->a, SX_ERR_NOMEM, "out of memory ranking %d units", n);
    for (int i = 0; i < n; i++) r->a[i].idx = i;
    return SX_OK;
}

void sx__econ_ranker_fini(sx__econ_ranker_t *r)
{
    free(r->a);
    r->a = NULL;
}

static void assign(const sx__econ_rank_pair_t *a, int n, int *rank)
{
    int prev = 0;
    for (int s = 0; s < n; s++) {
        const int r = s > 0 && a[s].key == a[s - 1].key ? prev : s + 1;
        rank[a[s].idx] = prev = r;
    }
}

void sx__econ_ranker_rank(sx__econ_ranker_t *r, const double *score, int64_t stride, int *rank)
{
    const int n = r->n;
    sx__econ_rank_pair_t *a = r->a;
    for (int s = 0; s < n; s++) a[s].key = key_desc(score[(int64_t)a[s].idx * stride]);
    int64_t moves = 0;
    const int64_t budget = 8 * (int64_t)n + 64;
    for (int s = 1; s < n; s++) {
        const sx__econ_rank_pair_t x = a[s];
        int t = s;
        while (t > 0 && a[t - 1].key > x.key) a[t] = a[t - 1], t--;
        a[t] = x;
        moves += s - t;
        if (moves > budget) { /* far from the last order: sort from scratch */
            qsort(a, (size_t)n, sizeof *a, cmp_key);
            break;
        }
    }
    assign(a, n, rank);
}

void sx_econ_rank_desc(const double *score, int n, int stride, int *rank)
{
    sx__econ_rank_pair_t *a = malloc((size_t)(n > 0 ? n : 1) * sizeof *a);
    if (!a) { /* rank still defined, by a quadratic count on the same keys */
        for (int i = 0; i < n; i++) {
            const uint64_t ki = key_desc(score[(int64_t)i * stride]);
            int c = 1;
            for (int j = 0; j < n; j++) c += key_desc(score[(int64_t)j * stride]) < ki;
            rank[i] = c;
        }
        return;
    }
    for (int i = 0; i < n; i++) a[i].key = key_desc(score[(int64_t)i * stride]), a[i].idx = i;
    qsort(a, (size_t)n, sizeof *a, cmp_key);
    assign(a, n, rank);
    free(a);
}
