/*
 * pad.c — padded block frames (pad.h): size check, halo ring, copies from
 * and to own-layout blocks, cell owner, the table that packs masked cells.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/pad.h"
#include "sanxiang/sx_mpi.h"

sx_err sx__pad_init(sx__pad_t *p, sx_window_t own, int width, int64_t gnx, int64_t gny)
{
    p->own = own;
    p->width = width;
    p->w = own.nx + 2 * (int64_t)width;
    p->h = own.ny + 2 * (int64_t)width;
    p->n = p->w * p->h;
    p->gnx = gnx;
    p->gny = gny;
    SX_FAIL_IF(p->n >= (int64_t)UINT32_MAX - 1, SX_ERR_NOMEM,
               "a block of %lld x %lld cells is too large for one rank's hydrology kernels (limit 2^32 cells); "
               "run with more ranks",
               (long long)own.nx, (long long)own.ny);
    for (int k = 0; k < 8; k++) p->off[k] = sx_d8_dy[k] * p->w + sx_d8_dx[k];
    return SX_OK;
}

void sx__pack_table(const int64_t off[8], uint32_t tab[256][8])
{
    for (unsigned m = 0; m < 256; m++) {
        int i = 0;
        for (int k = 0; k < 8; k++)
            if (m >> k & 1) tab[m][i++] = (uint32_t)off[k];
        while (i < 8) tab[m][i++] = 0;
    }
}

sx_err sx__pad_ring(const sx__pad_t *p, uint32_t **ring, int64_t *count)
{
    int64_t m = p->n - p->own.nx * p->own.ny;
    *count = 0;
    *ring = malloc((size_t)(m > 0 ? m : 1) * sizeof **ring);
    SX_FAIL_IF(!*ring, SX_ERR_NOMEM, "cannot allocate the halo ring (%lld cells)", (long long)m);
    if (p->own.nx == 0 || p->own.ny == 0) return SX_OK;
    /* row-major over the frame, visiting only the padding of each row */
    for (int64_t j = 0; j < p->h; j++) {
        int64_t gj = p->own.y0 - p->width + j;
        if (gj < 0 || gj >= p->gny) continue;
        int full = j < p->width || j >= p->width + p->own.ny;
        for (int64_t i = 0; i < p->w; i++) {
            if (!full && i == p->width) i += p->own.nx; /* skip the own row */
            int64_t gi = p->own.x0 - p->width + i;
            if (gi >= 0 && gi < p->gnx) (*ring)[(*count)++] = (uint32_t)(j * p->w + i);
        }
    }
    return SX_OK;
}

/* Block column of coordinate x: the last k with cuts[k] <= x (empty blocks skipped). */
static int block_of(const int64_t *cuts, int nb, int64_t x)
{
    int lo = 0, hi = nb - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (cuts[mid] <= x) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

int sx__pad_owner(const sx_decomp_t *d, int64_t gi, int64_t gj)
{
    return block_of(d->ycuts, d->py, gj) * d->px + block_of(d->xcuts, d->px, gi);
}

void sx__pad_from_own(const sx__pad_t *p, const void *own, void *frame, size_t elem)
{
    for (int64_t j = 0; j < p->own.ny; j++)
        memcpy((char *)frame + (size_t)sx__pad_at(p, 0, j) * elem, (const char *)own + (size_t)(j * p->own.nx) * elem,
               (size_t)p->own.nx * elem);
}

void sx__pad_to_own(const sx__pad_t *p, const void *frame, void *own, size_t elem)
{
    for (int64_t j = 0; j < p->own.ny; j++)
        memcpy((char *)own + (size_t)(j * p->own.nx) * elem, (const char *)frame + (size_t)sx__pad_at(p, 0, j) * elem,
               (size_t)p->own.nx * elem);
}

sx_err sx__pad_frame_f64(const sx_decomp_t *d, const double *zown, int width, sx__pad_t *p, double **z)
{
    sx_halo_t *h = NULL;
    *z = NULL;
    sx_err err = sx__pad_init(p, d->own, width, d->gnx, d->gny);
    if (err == SX_OK && !(*z = malloc((size_t)(p->n ? p->n : 1) * sizeof **z)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a block of %lld cells", (long long)p->n);
    if (err == SX_OK) err = sx_halo_create_padded(d, width, sizeof **z, &h);
    err = sx_err_agree(d->comm, err);
    if (err == SX_OK) {
        for (int64_t c = 0; c < p->n; c++) (*z)[c] = NAN;
        sx__pad_from_own(p, zown, *z, sizeof **z);
        err = sx_halo_exchange(h, *z);
    }
    sx_halo_destroy(&h);
    if (err != SX_OK) {
        free(*z);
        *z = NULL;
    }
    return err;
}
