/*
 * pad.h — the padded frame of a block: the rank's own block grown by `width`
 * cells on every side, not clipped to the grid (sx_halo_create_padded fills
 * the cells that other ranks own; the kernels set the cells beyond the grid
 * to nodata). Every own cell then has all its neighbours at fixed offsets
 * inside the frame, so the stencils and queue kernels need no bounds checks.
 * Frames are limited to 2^32 - 2 cells so cell indices fit 32 bits (the
 * remaining values are sentinels).
 */
#ifndef SX_DEM_PAD_H
#define SX_DEM_PAD_H

#include <stddef.h>
#include <stdint.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_err.h"
#include "sanxiang/sx_hydrology.h"

/* Stencil kernels: an AVX2 clone chosen at run time where the processor has
 * it (no FMA: results stay those of the scalar code, bit for bit). src/dem
 * is compiled with -fno-trapping-math -fno-math-errno (CMakeLists.txt), so
 * compares become selects and sqrt one instruction. */
#if defined(__x86_64__)
#define SX__VECTORISE __attribute__((target_clones("avx2", "default")))
#else /* aarch64 and others: their baseline vectors (NEON) serve; scripts/cross-aarch64.sh */
#define SX__VECTORISE
#endif

/* Unroll a loop over the 8 neighbours, so their offsets become constants. */
#define SX__UNROLL8 _Pragma("GCC unroll 8")

typedef struct {
    sx_window_t own;  /* the rank's block (global cells) */
    int64_t width;    /* padding on each side */
    int64_t w, h, n;  /* frame columns, rows, cells */
    int64_t off[8];   /* index offset of neighbour k (W, NW, N, NE, E, SE, S, SW) */
    int64_t gnx, gny; /* grid size */
} sx__pad_t;

/** Describe the frame of block own padded by width in a gnx x gny grid.
 *  Fails (SX_ERR_NOMEM, saying to use more ranks) if it has 2^32 - 2 cells or more. */
sx_err sx__pad_init(sx__pad_t *p, sx_window_t own, int width, int64_t gnx, int64_t gny);

/** Frame index of own cell (i, j) (own coordinates). */
static inline int64_t sx__pad_at(const sx__pad_t *p, int64_t i, int64_t j)
{
    return (j + p->width) * p->w + i + p->width;
}
/** Global column / row of frame cell c. */
static inline int64_t sx__pad_gi(const sx__pad_t *p, int64_t c) { return p->own.x0 - p->width + c % p->w; }
static inline int64_t sx__pad_gj(const sx__pad_t *p, int64_t c) { return p->own.y0 - p->width + c / p->w; }
/** True if frame cell c lies in the own block. */
static inline int sx__pad_in_own(const sx__pad_t *p, int64_t c)
{
    int64_t i = c % p->w - p->width, j = c / p->w - p->width;
    return i >= 0 && j >= 0 && i < p->own.nx && j < p->own.ny;
}

/** Frame index of neighbour k of frame cell c, or -1 if it leaves the
 *  frame (only halo cells have such neighbours). */
static inline int64_t sx__pad_nb(const sx__pad_t *p, int64_t c, int k)
{
    int64_t i = c % p->w + sx_d8_dx[k], j = c / p->w + sx_d8_dy[k];
    return i < 0 || j < 0 || i >= p->w || j >= p->h ? -1 : j * p->w + i;
}

/** tab[m] for every 8-bit mask m: off[k] for the bits k of m in increasing
 *  order, packed to the front, zeros after. Appending tab[m] + base as eight
 *  lanes and moving the end by popcount(m) lists the masked cells without a
 *  branch (the list needs 8 cells of slack). */
void sx__pack_table(const int64_t off[8], uint32_t tab[256][8]);

/** List the frame cells outside the own block but inside the grid (the
 *  halo that other ranks fill), row-major. *ring is malloc'ed. */
sx_err sx__pad_ring(const sx__pad_t *p, uint32_t **ring, int64_t *count);

/** Copy an own-layout block (own.ny rows of own.nx cells of elem bytes)
 *  into the own part of a frame, and back. */
void sx__pad_from_own(const sx__pad_t *p, const void *own, void *frame, size_t elem);
void sx__pad_to_own(const sx__pad_t *p, const void *frame, void *own, size_t elem);

/** A float64 own block zown in a new frame *z (malloc'ed) of the given
 *  width: NaN beyond the grid, the halo exchanged. Collective over d->comm;
 *  on failure *z is NULL on every rank. */
sx_err sx__pad_frame_f64(const sx_decomp_t *d, const double *zown, int width, sx__pad_t *p, double **z);

/** Rank that owns global cell (gi, gj) of decomposition d. */
int sx__pad_owner(const sx_decomp_t *d, int64_t gi, int64_t gj);

#endif
