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

/* Four and eight uint32 lanes (GCC / Clang vector extension). */
typedef uint32_t fp_v4u __attribute__((vector_size(16)));
typedef uint32_t fp_v8u __attribute__((vector_size(32)));

/* Rows of four lanes around an own cell: the link bits of the lanes of the
 * row above (NW N NE, a cell left as it is), of the cell's row (W, the cell,
 * E, a cell left as it is) and of the row below (a cell left as it is, SW S
 * SE). */
static const fp_v4u lane_bits[3] = {{2, 4, 8, 0}, {1, 0, 16, 0}, {0, 128, 64, 32}};

/* Tables by link mask m, built per round: lane[m][r], all ones in the lanes
 * of row r that m links (0 elsewhere); push[m], the index offsets of the
 * neighbours in m, in W..SW order, packed to the front, so the improved
 * neighbours of a cell are queued by one store of eight lanes (the lanes
 * past them land in the FIFO's slack). */
typedef struct {
    fp_v4u lane[256][3];
    uint32_t push[256][8];
} fp_tables_t;

static void tables_init(const int64_t off[8], fp_tables_t *t)
{
    for (unsigned m = 0; m < 256; m++)
        for (int r = 0; r < 3; r++) t->lane[m][r] = (fp_v4u)((lane_bits[r] & m) != 0);
    sx__pack_table(off, t->push);
}

/* One row of four lanes at x: the lanes linked (all ones in link) whose
 * value improves take cand (unsigned, 0 unreached: an unlinked lane compares
 * as 0 and never improves); returns those lanes' link bits. */
static inline fp_v4u relax_row(uint32_t *x, fp_v4u link, fp_v4u bits, fp_v4u cm, uint32_t cand)
{
    fp_v4u a;
    memcpy(&a, x, sizeof a);
    fp_v4u up = (fp_v4u)(cm < ((a - 1u) & link)); /* all ones: improve */
    a = (up & cand) | (a & ~up);
    memcpy(x, &a, sizeof a);
    return bits & up;
}

/* The same for an own cell f, whose eight neighbours are all in the frame
 * (w: the frame's width), without branches: its three rows as four lanes
 * each, every lane written back (unchanged unless linked and improved), the
 * cell's own row last (with a frame three cells wide the other rows' spare
 * lanes are its W and E); the improved neighbours queued by one table
 * lookup and store, the tail moved past them. */
static inline void relax_own(int64_t w, const uint8_t *links, uint32_t *restrict v, uint32_t cand, uint32_t f,
                             uint32_t *restrict qa, size_t *tail, const fp_tables_t *t)
{
    const unsigned m = links[f];
    uint32_t *const c = v + f;
    const fp_v4u cm = (fp_v4u){0, 0, 0, 0} + (cand - 1u);
    fp_v4u b = relax_row(c - w - 1, t->lane[m][0], lane_bits[0], cm, cand);
    b |= relax_row(c + w - 2, t->lane[m][2], lane_bits[2], cm, cand);
    b |= relax_row(c - 1, t->lane[m][1], lane_bits[1], cm, cand);
    b |= __builtin_shufflevector(b, b, 2, 3, 0, 1);
    b |= __builtin_shufflevector(b, b, 1, 0, 3, 2);
    const unsigned up = b[0];
    fp_v8u q;
    memcpy(&q, t->push[up], sizeof q);
    q += f;
    memcpy(qa + *tail, &q, sizeof q);
    *tail += (size_t)__builtin_popcount(up);
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
SX__VECTORISE sx_err sx__fixpoint_settle(const sx__fixpoint_t *fp, uint32_t *restrict v, uint32_t step,
                                         const uint32_t *src, int64_t nsrc, sx__fp_fifo_t *q)
{
    const uint8_t *restrict links = fp->links;
    int64_t off[8];
    memcpy(off, fp->p->off, sizeof off);
    const int64_t w = fp->p->w;
    fp_tables_t tab; /* 20 KiB */
    tables_init(off, &tab);
    size_t head = 0, tail = 0;
    for (int64_t i = 0; i < nsrc;) { /* sources left: merge */
        if (tail + 8 > q->cap) SX_CHECK(fifo_reserve(q, tail + 8));
        if (head == tail || !sx__fp_below(v[q->a[head]], v[src[i]])) {
            uint32_t f = src[i++];
            relax_links(off, links, v, v[f] + step, f, q->a, &tail);
        } else {
            if (head + PREFETCH_AHEAD < tail) prefetch_cell(w, links, v, q->a[head + PREFETCH_AHEAD]);
            uint32_t f = q->a[head++];
            relax_own(w, links, v, v[f] + step, f, q->a, &tail, &tab);
        }
    }
    while (head < tail) { /* only queued own cells */
        if (tail + 8 > q->cap) SX_CHECK(fifo_reserve(q, tail + 8));
        if (head + PREFETCH_AHEAD < tail) prefetch_cell(w, links, v, q->a[head + PREFETCH_AHEAD]);
        uint32_t f = q->a[head++];
        relax_own(w, links, v, v[f] + step, f, q->a, &tail, &tab);
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
