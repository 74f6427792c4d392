/*
 * fixpoint.c — the distributed min-plus fixpoint of fixpoint.h.
 */
#include <stdlib.h>
#include <string.h>

#include "dem/cellq.h"
#include "dem/fixpoint.h"
#include "sanxiang/sx_mpi.h"

#define NOTOWN 1 /* state bits: outside the own block */
#define QUEUED 2 /* in the queue, or seen by a component walk */

void sx__pad_notown(const sx__pad_t *p, uint8_t *state)
{
    memset(state, NOTOWN, (size_t)p->n);
    for (int64_t j = 0; j < p->own.ny; j++) memset(state + sx__pad_at(p, 0, j), 0, (size_t)p->own.nx);
}

static inline int linked(const sx__fixpoint_t *fp, sx__link_kind kind, uint32_t f, uint32_t t, int k)
{
    int rk = (k + 4) & 7;
    switch (kind) {
    case SX__LINK_AWAY: return fp->dir[f] == SX_D8_NONE && fp->dir[t] == SX_D8_NONE && ((fp->eq[t] >> rk) & 1);
    case SX__LINK_FLAT: return (fp->eq[t] >> rk) & 1;
    case SX__LINK_TOWARDS: return fp->dir[t] == SX_D8_NONE && ((fp->eq[t] >> rk) & 1);
    default: return !fp->aux[t] && fp->dir[t] == rk;
    }
}

/* Relax the links out of f; improved own cells are queued. */
static inline __attribute__((always_inline)) sx_err relax(const sx__fixpoint_t *fp, uint8_t *st, int32_t *v,
                                                         uint32_t f, int32_t cand, sx__link_kind kind,
                                                         sx__q32_t *q)
{
    const int64_t *off = fp->p->off;
    int halo = st[f] & NOTOWN; /* a halo source: its neighbours may leave the frame */
    if (!halo && kind != SX__LINK_UPSTREAM) {
        /* flat links join cells of equal elevation: only the neighbours in f's equality mask */
        if (kind == SX__LINK_AWAY && fp->dir[f] != SX_D8_NONE) return SX_OK;
        for (unsigned m = fp->eq[f] & 0xffu; m; m &= m - 1) {
            int k = __builtin_ctz(m);
            uint32_t t = (uint32_t)(f + off[k]);
            if ((st[t] & NOTOWN) || cand >= v[t] || (kind != SX__LINK_FLAT && fp->dir[t] != SX_D8_NONE)) continue;
            v[t] = cand;
            if (!(st[t] & QUEUED)) {
                st[t] |= QUEUED;
                SX_CHECK(sx__q32_push(q, t));
            }
        }
        return SX_OK;
    }
    for (int k = 0; k < 8; k++) {
        int64_t tt = halo ? sx__pad_nb(fp->p, f, k) : (int64_t)f + off[k];
        if (tt < 0) continue;
        uint32_t t = (uint32_t)tt;
        if ((st[t] & NOTOWN) || cand >= v[t] || !linked(fp, kind, f, t, k)) continue;
        v[t] = cand;
        if (!(st[t] & QUEUED)) {
            st[t] |= QUEUED;
            SX_CHECK(sx__q32_push(q, t));
        }
    }
    return SX_OK;
}

/* Label-correcting breadth-first relaxation: for step 1 with sources of
 * equal value, as in the first round, every cell is set once; for step 0
 * along UPSTREAM links every cell has one parent, so it is set once too. */
static inline __attribute__((always_inline)) sx_err run_fifo(const sx__fixpoint_t *fp, uint8_t *st, int32_t *v,
                                                            int32_t step, sx__link_kind kind, sx__q32_t *q)
{
    while (!sx__q32_empty(q)) {
        uint32_t f = sx__q32_pop(q);
        st[f] &= (uint8_t)~QUEUED;
        SX_CHECK(relax(fp, st, v, f, v[f] + step, kind, q));
    }
    return SX_OK;
}

/* Append c to the component list. */
static sx_err list_push(uint32_t **a, int64_t *n, int64_t *cap, uint32_t c)
{
    if (*n == *cap) {
        int64_t nc = *cap ? 2 * *cap : 4096;
        uint32_t *x = realloc(*a, (size_t)nc * sizeof *x);
        SX_FAIL_IF(!x, SX_ERR_NOMEM, "cannot list %lld flat cells", (long long)nc);
        *a = x;
        *cap = nc;
    }
    (*a)[(*n)++] = c;
    return SX_OK;
}

/* Step 0 over FLAT links (symmetric): the local fixpoint gives every
 * component of own cells the least value among its cells and the halo cells
 * linked to it. Each component next to a source is walked once, its cells
 * listed, then set; nothing else is touched. */
static sx_err run_components(const sx__fixpoint_t *fp, uint8_t *st, int32_t *v, const uint32_t *src,
                             int64_t nsrc, uint32_t **list, int64_t *cap)
{
    const sx__pad_t *p = fp->p;
    int64_t n = 0;
    sx_err err = SX_OK;
    for (int64_t s = 0; s < nsrc && err == SX_OK; s++) {
        uint32_t c = src[s];
        for (int k = -1; k < 8 && err == SX_OK; k++) { /* c itself if own, else its linked own neighbours */
            int64_t t;
            if (k < 0) t = (st[c] & NOTOWN) ? -1 : (int64_t)c;
            else if (!(st[c] & NOTOWN)) break;
            else {
                t = sx__pad_nb(p, c, k);
                if (t >= 0 && ((st[t] & NOTOWN) || !((fp->eq[t] >> ((k + 4) & 7)) & 1))) t = -1;
            }
            if (t < 0 || (st[t] & QUEUED)) continue;
            int64_t first = n;
            int32_t m = v[t];
            st[t] |= QUEUED;
            err = list_push(list, &n, cap, (uint32_t)t);
            for (int64_t x = first; x < n && err == SX_OK; x++) {
                uint32_t f = (*list)[x];
                for (unsigned bits = fp->eq[f] & 0xffu; bits && err == SX_OK; bits &= bits - 1) {
                    uint32_t u = (uint32_t)(f + p->off[__builtin_ctz(bits)]);
                    if (v[u] < m) m = v[u];
                    if (st[u] & (NOTOWN | QUEUED)) continue;
                    st[u] |= QUEUED;
                    err = list_push(list, &n, cap, u);
                }
            }
            for (int64_t x = first; x < n; x++) v[(*list)[x]] = m;
        }
    }
    for (int64_t x = 0; x < n; x++) st[(*list)[x]] &= (uint8_t)~QUEUED;
    return err;
}

/* The sources to the block's local fixpoint. */
static sx_err settle(const sx__fixpoint_t *fp, uint8_t *st, int32_t *v, int32_t step, sx__link_kind kind,
                     const uint32_t *src, int64_t nsrc, sx__q32_t *q, uint32_t **list, int64_t *cap)
{
    if (kind == SX__LINK_FLAT && step == 0) return run_components(fp, st, v, src, nsrc, list, cap);
    for (int64_t s = 0; s < nsrc; s++)
        if (v[src[s]] != SX__FP_INF && !(st[src[s]] & QUEUED)) {
            st[src[s]] |= QUEUED;
            SX_CHECK(sx__q32_push(q, src[s]));
        }
    switch (kind) {
    case SX__LINK_AWAY: return run_fifo(fp, st, v, step, SX__LINK_AWAY, q);
    case SX__LINK_FLAT: return run_fifo(fp, st, v, step, SX__LINK_FLAT, q);
    case SX__LINK_TOWARDS: return run_fifo(fp, st, v, step, SX__LINK_TOWARDS, q);
    default: return run_fifo(fp, st, v, step, SX__LINK_UPSTREAM, q);
    }
}

sx_err sx__fixpoint_min(const sx__fixpoint_t *fp, int32_t *v, int32_t step, sx__link_kind kind, const uint32_t *src,
                        int64_t nsrc)
{
    sx_err err = SX_OK;
    const sx__pad_t *p = fp->p;
    MPI_Comm comm = fp->d->comm;
    SX_FAIL_IF(step != 0 && step != 1, SX_ERR_INTERNAL, "fixpoint step %d (0 or 1)", (int)step);
    uint8_t *st = fp->state;
    uint32_t *ring = NULL, *changed = NULL, *list = NULL;
    int32_t *old = NULL;
    int64_t nring = 0, cap = 0;
    sx__q32_t q = {0};
    err = sx__pad_ring(p, &ring, &nring);
    if (err == SX_OK && (!(old = malloc((size_t)(nring ? nring : 1) * sizeof *old)) ||
                         !(changed = malloc((size_t)(nring ? nring : 1) * sizeof *changed))))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the halo values");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (;;) {
        if (err == SX_OK) err = settle(fp, st, v, step, kind, src, nsrc, &q, &list, &cap);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        for (int64_t r = 0; r < nring; r++) old[r] = v[ring[r]];
        SX_CHECK_GOTO(sx_halo_exchange(fp->halo, v), err, done);
        nsrc = 0;
        for (int64_t r = 0; r < nring; r++)
            if (v[ring[r]] < old[r]) changed[nsrc++] = ring[r];
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
    sx__q32_free(&q);
    free(ring);
    free(old);
    free(changed);
    free(list);
    return err;
}
