/*
 * hydro_internal.h — pieces shared by the hydrology kernels of src/dem: a
 * binary heap ordered by (elevation, insertion number), a FIFO of cell
 * indices, and the fixpoint propagation that replaces a breadth-first search
 * when the grid is split over ranks.
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

/** Link predicate: may a value flow from ext cell `from` to ext cell `to`
 *  (neighbour k of from)? */
typedef int (*sx__link_fn)(const void *ctx, int64_t from, int64_t to, int k);

#define SX__INF INT64_MAX

/**
 * Least fixpoint of v[t] = min(v[t], v[f] + step) over every link f -> t
 * whose target t lies in the own block, with v laid out over ext (own grown
 * by one cell, clipped). Each round relaxes the block with a FIFO worklist,
 * then exchanges the one-cell halo; rounds repeat until no rank changed a
 * perimeter cell. SX__INF means "unreached". Because the fixpoint is unique,
 * the result does not depend on the decomposition. Collective over the halo's
 * communicator.
 */
sx_err sx__propagate_min(MPI_Comm comm, sx_halo_t *halo, sx_window_t ext, sx_window_t own, int64_t *v,
                         int64_t step, sx__link_fn link, const void *ctx);

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
