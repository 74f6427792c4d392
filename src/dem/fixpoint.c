/*
 * fixpoint.c — the distributed min-plus fixpoint of fixpoint.h: rounds of a
 * local Dijkstra-ordered relaxation (sorted sources merged with a FIFO) and a
 * halo exchange, until no halo value changes on any rank.
 */
#include <stdlib.h>
#include <string.h>

#include "dem/fixpoint.h"
#include "sanxiang/sx_mpi.h"

static sx_err fifo_reserve(sx__fp_fifo_t *q, size_t need)
{
    if (need <= q->cap) return SX_OK;
    size_t cap = q->cap ? q->cap : 4096;
    while (cap < need) cap *= 2;
    uint32_t *a = realloc(q->a, cap * sizeof *a);
    SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot grow a cell queue to %zu cells", cap);
    q->a = a;
    q->cap = cap;
    return SX_OK;
}

/* Sort (value, cell) keys, least value first. */
static int key_cmp(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* src in non-decreasing order of v, into *sorted (src itself when it already is). */
static sx_err order_sources(const uint32_t *v, const uint32_t *src, int64_t n, const uint32_t **sorted,
                            uint32_t **buf)
{
    int64_t s = 1;
    while (s < n && !sx__fp_below(v[src[s]], v[src[s - 1]])) s++;
    *sorted = src;
    if (s >= n) return SX_OK;
    uint64_t *key = malloc((size_t)n * sizeof *key);
    uint32_t *out = realloc(*buf, (size_t)n * sizeof *out);
    if (out) *buf = out;
    if (!key || !out) {
        free(key);
        SX_FAIL(SX_ERR_NOMEM, "cannot sort %lld fixpoint sources", (long long)n);
    }
    for (int64_t i = 0; i < n; i++) key[i] = (uint64_t)(v[src[i]] - 1u) << 32 | src[i];
    qsort(key, (size_t)n, sizeof *key, key_cmp);
    for (int64_t i = 0; i < n; i++) out[i] = (uint32_t)key[i];
    free(key);
    *sorted = out;
    return SX_OK;
}

/* Relax the links out of f, a source (own or halo: only its links are
 * followed, so no neighbour outside the frame is touched). */
static inline void relax_links(const int64_t *off, const uint8_t *links, uint32_t *restrict v, uint32_t cand,
                               uint32_t f, uint32_t *restrict qa, size_t *tail)
{
    for (unsigned m = links[f]; m; m &= m - 1) {
        uint32_t t = (uint32_t)((int64_t)f + off[__builtin_ctz(m)]);
        if (sx__fp_below(cand, v[t])) {
            v[t] = cand;
            qa[(*tail)++] = t;
        }
    }
}

/* The same for an own cell f, whose eight neighbours are all in the frame
 * (w: the frame's width): branch-free, every neighbour read and written back
 * (unchanged unless linked and improved). */
static inline void relax_own(int64_t w, const uint8_t *links, uint32_t *restrict v, uint32_t cand, uint32_t f,
                             uint32_t *restrict qa, size_t *tail)
{
    unsigned m = links[f];
    size_t t0 = *tail;
    uint32_t *const c = v + f, cm = cand - 1u;
#define NB(k, o)                                                                  \
    do {                                                                          \
        uint32_t *pt = c + (o), vt = *pt;                                         \
        unsigned up = ((m >> (k)) & 1u) & (cm < vt - 1u);                         \
        *pt = up ? cand : vt;                                                     \
        qa[t0] = f + (uint32_t)(o);                                               \
        t0 += up;                                                                 \
    } while (0)
    NB(0, -1);
    NB(1, -w - 1);
    NB(2, -w);
    NB(3, -w + 1);
    NB(4, 1);
    NB(5, w + 1);
    NB(6, w);
    NB(7, w - 1);
#undef NB
    *tail = t0;
}

/* A breadth-first wavefront jumps between rows, so the hardware prefetchers
 * miss the rows above and below a queued cell and its link byte: fetch
 * them for the cell PREFETCH_AHEAD places down the queue. Only a hint: it
 * changes no value. */
#define PREFETCH_AHEAD 16
static inline void prefetch_cell(int64_t w, const uint8_t *links, const uint32_t *v, uint32_t f)
{
    __builtin_prefetch(links + f, 0, 1);
    __builtin_prefetch(v + f - w, 1, 1);
    __builtin_prefetch(v + f + w, 1, 1);
}

/* Popping the lesser of the next source and the FIFO's front keeps the pops
 * in non-decreasing order, so a cell's first new value is its least this
 * round and each own cell enters the FIFO at most once. */
sx_err sx__fixpoint_settle(const sx__fixpoint_t *fp, uint32_t *restrict v, uint32_t step, const uint32_t *src,
                           int64_t nsrc, sx__fp_fifo_t *q)
{
    const uint8_t *restrict links = fp->links;
    int64_t off[8];
    memcpy(off, fp->p->off, sizeof off);
    const int64_t w = fp->p->w;
    size_t head = 0, tail = 0;
    for (int64_t i = 0; i < nsrc;) { /* sources left: merge */
        if (tail + 8 > q->cap) SX_CHECK(fifo_reserve(q, tail + 8));
        if (head == tail || !sx__fp_below(v[q->a[head]], v[src[i]])) {
            uint32_t f = src[i++];
            relax_links(off, links, v, v[f] + step, f, q->a, &tail);
        } else {
            if (head + PREFETCH_AHEAD < tail) prefetch_cell(w, links, v, q->a[head + PREFETCH_AHEAD]);
            uint32_t f = q->a[head++];
            relax_own(w, links, v, v[f] + step, f, q->a, &tail);
        }
    }
    while (head < tail) { /* only queued own cells */
        if (tail + 8 > q->cap) SX_CHECK(fifo_reserve(q, tail + 8));
        if (head + PREFETCH_AHEAD < tail) prefetch_cell(w, links, v, q->a[head + PREFETCH_AHEAD]);
        uint32_t f = q->a[head++];
        relax_own(w, links, v, v[f] + step, f, q->a, &tail);
    }
    return SX_OK;
}

sx_err sx__fixpoint_min(const sx__fixpoint_t *fp, uint32_t *v, uint32_t step, const uint32_t *src, int64_t nsrc)
{
    sx_err err = SX_OK;
    const sx__pad_t *p = fp->p;
    MPI_Comm comm = fp->d->comm;
    SX_FAIL_IF(step > 1, SX_ERR_INTERNAL, "fixpoint step %u (0 or 1)", (unsigned)step);
    uint32_t *ring = NULL, *changed = NULL, *old = NULL, *sorted = NULL;
    int64_t nring = 0;
    sx__fp_fifo_t q = {0};
    err = sx__pad_ring(p, &ring, &nring);
    if (err == SX_OK && (!(old = malloc((size_t)(nring ? nring : 1) * sizeof *old)) ||
                         !(changed = malloc((size_t)(nring ? nring : 1) * sizeof *changed))))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the halo values");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (;;) {
        const uint32_t *s = NULL;
        err = order_sources(v, src, nsrc, &s, &sorted);
        if (err == SX_OK) err = sx__fixpoint_settle(fp, v, step, s, nsrc, &q);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        for (int64_t r = 0; r < nring; r++) old[r] = v[ring[r]];
        SX_CHECK_GOTO(sx_halo_exchange(fp->halo, v), err, done);
        nsrc = 0;
        for (int64_t r = 0; r < nring; r++)
            if (sx__fp_below(v[ring[r]], old[r])) changed[nsrc++] = ring[r];
        src = changed;
        int any = 0, mine = nsrc > 0;
        int rc = MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm);
        if (rc != MPI_SUCCESS) {
            err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
            goto done;
        }
        if (!any) break;
    }
done:
    free(q.a);
    free(ring);
    free(old);
    free(changed);
    free(sorted);
    return err;
}
