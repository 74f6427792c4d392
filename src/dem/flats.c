/*
 * flats.c — drainage over flats (Barnes, Lehman & Mulla 2014, "An efficient
 * assignment of drainage direction over flat surfaces in raster digital
 * elevation models", Computers & Geosciences 62:128-135,
 * doi:10.1016/j.cageo.2013.01.009), on a block decomposition.
 *
 * A cell without a D8 direction next to a higher cell is a high edge; a cell
 * with a direction next to a direction-less cell of equal elevation is a low
 * edge. Barnes' breadth-first searches become distributed fixpoints
 * (fixpoint.c): d_high, the distance from the high edges over direction-less
 * cells of equal elevation; H, the largest d_high of the flat (the flat is
 * the equal-elevation component, as Barnes labels it); d_low, the distance
 * from the low edges. The mask is H - d_high + 2 d_low (2 d_low where no
 * high edge reaches), and each direction-less cell of a drainable flat points
 * to its equal-elevation neighbour of least mask, a cardinal one replacing a
 * diagonal one on ties. Flats without a low edge (undrained pits) keep no
 * direction. The searches start from the flat cells the D8 pass listed and
 * touch only flats and their rims; the arrays they use are initialised at
 * memory speed. The fixpoints are unique, so the directions do not depend on
 * the ranks or the block size.
 * Memory per cell of the block: two int32 value arrays (8 B) and a state
 * byte, plus the lists and queues (4 B per flat or queued cell).
 */
#include <stdlib.h>
#include <string.h>

#include "dem/fixpoint.h"
#include "dem/flowdir_internal.h"
#include "sanxiang/sx_mpi.h"

#define INF SX__FP_INF

/* Append c to a list of cells. */
static sx_err list_add(uint32_t **a, int64_t *n, int64_t *cap, uint32_t c)
{
    if (*n == *cap) {
        int64_t nc = *cap ? 2 * *cap : 1024;
        uint32_t *x = realloc(*a, (size_t)nc * sizeof *x);
        SX_FAIL_IF(!x, SX_ERR_NOMEM, "cannot list %lld flat cells", (long long)nc);
        *a = x;
        *cap = nc;
    }
    (*a)[(*n)++] = c;
    return SX_OK;
}

/* The passes over the whole frame, at memory speed. */
SX__VECTORISE static void fill_i32(int32_t *restrict a, int64_t n, int32_t v)
{
    for (int64_t c = 0; c < n; c++) a[c] = v;
}
SX__VECTORISE static void neg_or_zero(const int32_t *restrict a, int32_t *restrict b, int64_t n)
{
    for (int64_t c = 0; c < n; c++) b[c] = a[c] == INF ? 0 : -a[c];
}
SX__VECTORISE static void h_minus_d(int32_t *restrict a, const int32_t *restrict b, int64_t n)
{
    for (int64_t c = 0; c < n; c++) a[c] = a[c] == INF ? 0 : -b[c] - a[c];
}
SX__VECTORISE static void mask_of(int32_t *restrict a, const int32_t *restrict b, int64_t n)
{
    for (int64_t c = 0; c < n; c++) a[c] = b[c] == INF ? 0 : a[c] + 2 * b[c];
}

sx_err sx__flats_resolve(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq,
                         const uint32_t *none, int64_t nnone)
{
    sx_err err = SX_OK;
    MPI_Comm comm = d->comm;
    int64_t any = 0, mine = nnone;
    SX_CHECK_MPI(MPI_Allreduce(&mine, &any, 1, MPI_INT64_T, MPI_SUM, comm));
    if (any == 0) return SX_OK; /* no flats anywhere */
    int32_t *a = malloc((size_t)p->n * sizeof *a), *b = malloc((size_t)p->n * sizeof *b);
    uint8_t *state = malloc((size_t)p->n); /* bit 0: outside the own block (the fixpoint's working bits above) */
    uint32_t *src = NULL, *ring = NULL;
    int64_t ns = 0, cap = 0, nring = 0;
    sx_halo_t *h = NULL;
    if (!a || !b || !state)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the flat gradients (%lld cells)",
                         (long long)p->n);
    if (err == SX_OK) err = sx_halo_create_padded(d, (int)p->width, sizeof(int32_t), &h);
    if (err == SX_OK) err = sx__pad_ring(p, &ring, &nring);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx__pad_notown(p, state);
    sx__fixpoint_t fp = {d, p, h, dir, eq, NULL, state};
    const int64_t *off = p->off;

    /* d_high into a, from the high edges */
    fill_i32(a, p->n, INF);
    for (int64_t s = 0; s < nnone && err == SX_OK; s++)
        if (eq[none[s]] & SX__EQ_HIGHER) {
            a[none[s]] = 1;
            err = list_add(&src, &ns, &cap, none[s]);
        }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(sx__fixpoint_min(&fp, a, 1, SX__LINK_AWAY, src, ns), err, done);

    /* -H into b: the least -d_high over each flat (halo of a is final) */
    ns = 0;
    neg_or_zero(a, b, p->n);
    for (int64_t s = 0; s < nnone && err == SX_OK; s++)
        if (b[none[s]] < 0) err = list_add(&src, &ns, &cap, none[s]);
    for (int64_t r = 0; r < nring && err == SX_OK; r++)
        if (b[ring[r]] < 0) err = list_add(&src, &ns, &cap, ring[r]);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(sx__fixpoint_min(&fp, b, 0, SX__LINK_FLAT, src, ns), err, done);

    /* H - d_high into a (0 where no high edge reaches) */
    h_minus_d(a, b, p->n);

    /* d_low into b, from the low edges: own cells with a direction next to
     * a direction-less cell of their elevation (own or halo) */
    ns = 0;
    fill_i32(b, p->n, INF);
    for (int64_t s = 0; s < nnone && err == SX_OK; s++)
        for (unsigned bits = eq[none[s]] & 0xffu; bits && err == SX_OK; bits &= bits - 1) {
            uint32_t m = (uint32_t)(none[s] + off[__builtin_ctz(bits)]);
            if (dir[m] < 8 && b[m] == INF && !(state[m] & 1)) {
                b[m] = 1;
                err = list_add(&src, &ns, &cap, m);
            }
        }
    for (int64_t r = 0; r < nring && err == SX_OK; r++) {
        uint32_t e = ring[r];
        if (dir[e] != SX_D8_NONE) continue;
        for (int k = 0; k < 8 && err == SX_OK; k++) {
            int64_t mm = sx__pad_nb(p, e, k);
            if (mm < 0) continue;
            uint32_t m = (uint32_t)mm;
            if ((state[m] & 1) || dir[m] >= 8 || !((eq[m] >> ((k + 4) & 7)) & 1) || b[m] != INF) continue;
            b[m] = 1;
            err = list_add(&src, &ns, &cap, m);
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(sx__fixpoint_min(&fp, b, 1, SX__LINK_TOWARDS, src, ns), err, done);

    /* the mask into a, for drainable flat cells and low edges; 0 elsewhere */
    mask_of(a, b, p->n);
    SX_CHECK_GOTO(sx_halo_exchange(h, a), err, done);
    for (int64_t s = 0; s < nnone; s++) {
        uint32_t e = none[s];
        if (b[e] == INF) continue; /* an undrained flat */
        int32_t best = a[e];
        uint8_t bd = SX_D8_NONE;
        for (int k = 0; k < 8; k++) {
            if (!((eq[e] >> k) & 1)) continue;
            int32_t mk = a[e + off[k]];
            if (mk < best || (mk == best && bd != SX_D8_NONE && (bd & 1) && !(k & 1))) {
                best = mk;
                bd = (uint8_t)k;
            }
        }
        dir[e] = bd;
    }
done:
    sx_halo_destroy(&h);
    free(a);
    free(b);
    free(state);
    free(src);
    free(ring);
    return err;
}
