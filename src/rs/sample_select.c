/*
 * sample_select.c — the exact distributed choice behind rs sample: in each
 * stratum, the n_h cells with the smallest keys.
 *
 * Every cell has a key that depends only on the seed and its linear index
 * (sx__rs_sample_key: a counter-based splitmix64 output), so the keys do not
 * depend on which rank holds the cell. Taking the n_h smallest keys of a
 * stratum is a simple random sample without replacement of its cells (the
 * random sort method: Sunter 1977, Applied Statistics 26:261-268; Tillé
 * 2006, Sampling Algorithms, chapter 4), the design within each stratum of
 * a stratified random sample (Cochran 1977, chapter 5). Ties of 64-bit keys
 * are broken by the cell index, so the order is total.
 *
 * Each rank keeps, per stratum, its n_h smallest candidates in a bounded
 * max-heap while it scans its block (memory: the sample size, never the
 * block). The global n_h smallest are among the union of the ranks' n_h
 * smallest, so rank 0 gathers those (ranks x sample size records), sorts
 * them and keeps n_h per stratum: the same sample at any rank count, with
 * no serial step that grows with the map.
 */
#include <stdlib.h>
#include <string.h>

#include "rs/forest_internal.h"
#include "rs/sample_internal.h"
#include "sanxiang/sx_mpi.h"

#define SALT 0x73616D706C65ull /* "sample" */

uint64_t sx__rs_sample_stream(uint64_t seed) { return sx__rs_mix64(seed ^ SALT); }

uint64_t sx__rs_sample_key(uint64_t stream, int64_t cell)
{
    return sx__rs_mix64(stream + (uint64_t)cell * SX_SPLITMIX64_GAMMA);
}

static int less(const sx__rs_draw_t *a, const sx__rs_draw_t *b)
{
    return a->key < b->key || (a->key == b->key && a->cell < b->cell);
}

sx_err sx__rs_select_init(sx__rs_select_t *s, int k, const int64_t *n)
{
    memset(s, 0, sizeof *s);
    s->k = k;
    s->n = n;
    s->off = calloc((size_t)k + 1, sizeof *s->off);
    s->len = calloc((size_t)k + 1, sizeof *s->len);
    SX_FAIL_IF(!s->off || !s->len, SX_ERR_NOMEM, "out of memory for %d strata", k);
    for (int h = 0; h < k; h++) s->off[h + 1] = s->off[h] + n[h];
    s->d = malloc((size_t)(s->off[k] + 1) * sizeof *s->d);
    SX_FAIL_IF(!s->d, SX_ERR_NOMEM, "out of memory for %lld sample candidates", (long long)s->off[k]);
    return SX_OK;
}

/* Max-heap of one stratum: the largest (key, cell) kept at the root. */
static void sift_down(sx__rs_draw_t *h, int64_t n, int64_t i)
{
    for (;;) {
        int64_t m = i;
        const int64_t l = 2 * i + 1, r = l + 1;
        if (l < n && less(&h[m], &h[l])) m = l;
        if (r < n && less(&h[m], &h[r])) m = r;
        if (m == i) return;
        const sx__rs_draw_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

void sx__rs_select_offer(sx__rs_select_t *s, sx__rs_draw_t d)
{
    const int h = d.stratum;
    sx__rs_draw_t *heap = s->d + s->off[h];
    int64_t *len = &s->len[h];
    if (*len < s->n[h]) { /* room left: sift up */
        int64_t i = (*len)++;
        heap[i] = d;
        while (i > 0 && less(&heap[(i - 1) / 2], &heap[i])) {
            const int64_t p = (i - 1) / 2;
            const sx__rs_draw_t t = heap[p];
            heap[p] = heap[i];
            heap[i] = t;
            i = p;
        }
    } else if (*len > 0 && less(&d, &heap[0])) { /* smaller than the largest kept: replace it */
        heap[0] = d;
        sift_down(heap, *len, 0);
    }
}

static int by_stratum_key(const void *pa, const void *pb)
{
    const sx__rs_draw_t *a = pa, *b = pb;
    if (a->stratum != b->stratum) return a->stratum < b->stratum ? -1 : 1;
    return less(a, b) ? -1 : less(b, a) ? 1 : 0;
}

static int by_stratum_cell(const void *pa, const void *pb)
{
    const sx__rs_draw_t *a = pa, *b = pb;
    if (a->stratum != b->stratum) return a->stratum < b->stratum ? -1 : 1;
    return (a->cell > b->cell) - (a->cell < b->cell);
}

/* Rank 0: keep the n[h] smallest of each stratum of all (sorted), in place. */
static int64_t keep_smallest(const sx__rs_select_t *s, sx__rs_draw_t *all, int64_t nall)
{
    qsort(all, (size_t)nall, sizeof *all, by_stratum_key);
    int64_t nout = 0;
    for (int64_t i = 0; i < nall;) {
        const int h = all[i].stratum;
        int64_t j = i;
        while (j < nall && all[j].stratum == h) {
            if (j - i < s->n[h]) all[nout++] = all[j];
            j++;
        }
        i = j;
    }
    qsort(all, (size_t)nout, sizeof *all, by_stratum_cell);
    return nout;
}

sx_err sx__rs_select_reduce(MPI_Comm comm, sx__rs_select_t *s, sx__rs_draw_t **out, int64_t *nout)
{
    int rank;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    *out = NULL;
    *nout = 0;
    /* this rank's candidates, packed stratum after stratum */
    int64_t mine = 0;
    for (int h = 0; h < s->k; h++) {
        memmove(s->d + mine, s->d + s->off[h], (size_t)s->len[h] * sizeof *s->d);
        mine += s->len[h];
    }
    void *got = NULL;
    int64_t total = 0;
    SX_CHECK(sx_mpi_gatherv_bytes(comm, 0, s->d, mine * (int64_t)sizeof *s->d, "sample candidates",
                                  "draw a smaller sample or use fewer ranks", &got, &total));
    if (rank == 0) { /* only rank 0 holds the candidates: it keeps the sample in their buffer */
        *out = got;
        *nout = keep_smallest(s, *out, total / (int64_t)sizeof **out);
    }
    return SX_OK;
}

void sx__rs_select_fini(sx__rs_select_t *s)
{
    free(s->off);
    free(s->len);
    free(s->d);
    memset(s, 0, sizeof *s);
}
