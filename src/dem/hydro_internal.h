/*
 * hydro_internal.h — pieces shared by the hydrology kernels of src/dem that
 * work on clipped (unpadded) halo buffers: a binary heap ordered by
 * (elevation, insertion number), a FIFO of cell indices, and window helpers.
 * The fast kernels use pad.h, cellq.h and fixpoint.h instead.
 */
#ifndef SX_DEM_HYDRO_INTERNAL_H
#define SX_DEM_HYDRO_INTERNAL_H

#include <stdint.h>
#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_err.h"
#include "sanxiang/sx_hydrology.h"

typedef struct {
    double z;
    int64_t seq; /* insertion number: ties pop first-in first-out */
    int64_t cell;
} sx__hnode_t;

typedef struct {
    sx__hnode_t *a;
    int64_t n, cap, seq;
} sx__heap_t;

sx_err sx__heap_push(sx__heap_t *h, double z, int64_t cell);
/** Pop the lowest (z, seq). Pre: h->n > 0. */
sx__hnode_t sx__heap_pop(sx__heap_t *h);
void sx__heap_free(sx__heap_t *h);

typedef struct {
    int64_t *a;
    int64_t head, tail, cap; /* ring buffer; count = tail - head */
} sx__fifo_t;

sx_err sx__fifo_push(sx__fifo_t *q, int64_t v);
static inline int sx__fifo_empty(const sx__fifo_t *q) { return q->head == q->tail; }
static inline int64_t sx__fifo_front(const sx__fifo_t *q) { return q->a[q->head % q->cap]; }
static inline int64_t sx__fifo_pop(sx__fifo_t *q) { return q->a[q->head++ % q->cap]; }
void sx__fifo_free(sx__fifo_t *q);

/** sx_d8_decode with an error that names the raster and the cell. */
sx_err sx__d8_decode_at(sx_d8_encoding e, double code, const char *name, int64_t col, int64_t row, uint8_t *dir);

/** Index in ext of the neighbour k of ext cell e, or -1 if it leaves ext. */
static inline int64_t sx__ext_neighbour(sx_window_t ext, int64_t e, int k, const int *dx, const int *dy)
{
    int64_t i = e % ext.nx + dx[k], j = e / ext.nx + dy[k];
    if (i < 0 || j < 0 || i >= ext.nx || j >= ext.ny) return -1;
    return j * ext.nx + i;
}

/** True if ext cell e lies in own. */
static inline int sx__in_own(sx_window_t ext, sx_window_t own, int64_t e)
{
    int64_t gi = ext.x0 + e % ext.nx, gj = ext.y0 + e / ext.nx;
    return gi >= own.x0 && gi < own.x0 + own.nx && gj >= own.y0 && gj < own.y0 + own.ny;
}

/** List the ext cells outside own (the halo ring). *ring is malloc'ed. */
sx_err sx__halo_ring(sx_window_t ext, sx_window_t own, int64_t **ring, int64_t *count);

/** Copy the own block (own.nx-wide rows) into an ext-laid-out buffer. */
void sx__own_to_ext(sx_window_t ext, sx_window_t own, const void *src, void *dst, size_t elem);
/** Copy the own part of an ext-laid-out buffer back to own-block rows. */
void sx__ext_to_own(sx_window_t ext, sx_window_t own, const void *src, void *dst, size_t elem);

#endif
