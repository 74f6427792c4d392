/*
 * sx_decomp.h — 2-D block decomposition of a grid over ranks, halo exchange
 * and a dynamic tile farm.
 *
 * The decomposition splits nx x ny cells into px x py blocks, one per rank,
 * with block edges on multiples of the input's internal block size where the
 * grid has enough blocks (so every rank reads whole compressed tiles), also
 * of the output COG tile size where that keeps the blocks balanced (so the
 * COG writer moves nothing), and on cell boundaries otherwise. px x py is chosen to minimise the largest block
 * perimeter (halo traffic). The split depends only on the grid, the block size
 * and the number of ranks, so every rank computes it without communicating.
 *
 * Halo exchange copies, for any halo width, the cells of other ranks' blocks
 * that lie within `width` cells of this rank's block into this rank's local
 * buffer (the block grown by width on each side, clipped to the grid). It
 * works for grids that do not divide evenly, for halos wider than a
 * neighbour's block (cells then come from ranks further away) and for ranks
 * with empty blocks.
 */
#ifndef SX_DECOMP_H
#define SX_DECOMP_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

typedef struct {
    int64_t x0, y0, nx, ny;
} sx_window_t;

/* The tile size of delivery COGs (sx_cog.h): block edges fall on its
 * multiples too when the grid is large enough for that to keep the blocks
 * balanced (largest block at most 1.25 x an even share). */
#define SX_DECOMP_OUTPUT_TILE 512

typedef struct {
    MPI_Comm comm;
    int rank, size;
    int px, py;       /* process grid: px columns x py rows of blocks */
    int pi, pj;       /* this rank's block column and row */
    int64_t gnx, gny; /* global grid size */
    int64_t *xcuts;   /* px+1 column boundaries */
    int64_t *ycuts;   /* py+1 row boundaries */
    sx_window_t own;  /* this rank's block */
} sx_decomp_t;

/** Split an nx x ny grid over the ranks of comm, aligning to block_x x
 *  block_y where possible. Not communicating, but every rank of comm must
 *  call it with the same arguments. Free with sx_decomp_fini. */
sx_err sx_decomp_init(sx_decomp_t *d, MPI_Comm comm, int64_t nx, int64_t ny, int block_x, int block_y);
/** The same for verbs whose cells are independent (or need a narrow halo): as many
 *  columns of blocks as there are ranks, while the column edges can fall on
 *  input blocks and output COG tiles (balanced as above); rows of blocks for
 *  the ranks left. Each rank then holds a share of every row of output tiles
 *  and the COG writer streams every rank's tiles while they are compressed
 *  (src/io/cog_bands.c); an input in strips (block_x = nx) gets rows. */
sx_err sx_decomp_init_per_cell(sx_decomp_t *d, MPI_Comm comm, int64_t nx, int64_t ny, int block_x, int block_y);
void sx_decomp_fini(sx_decomp_t *d);
/** Block of any rank. */
sx_window_t sx_decomp_window(const sx_decomp_t *d, int rank);
/** Block grown by width on every side, clipped to the grid. */
sx_window_t sx_decomp_extended(const sx_decomp_t *d, int rank, int width);
/** Intersection of two windows (nx or ny 0 when they do not meet). */
sx_window_t sx_window_intersect(sx_window_t a, sx_window_t b);
static inline int64_t sx_window_cells(sx_window_t w) { return w.nx * w.ny; }

typedef struct sx_halo sx_halo_t;

/** Plan a halo exchange of `width` cells of elem_size bytes each for the
 *  local buffers of decomposition d. Collective over d->comm (no traffic). */
sx_err sx_halo_create(const sx_decomp_t *d, int width, size_t elem_size, sx_halo_t **out);
/** As sx_halo_create, but the local buffer is the block grown by width on
 *  every side without clipping to the grid, so a fixed-offset stencil needs
 *  no bounds checks; cells beyond the grid are never written by an exchange
 *  (the caller sets them, e.g. to nodata). Collective over d->comm (no
 *  traffic). */
sx_err sx_halo_create_padded(const sx_decomp_t *d, int width, size_t elem_size, sx_halo_t **out);
/** Local buffer window (block + halo, clipped): buf holds ext.ny rows of
 *  ext.nx cells; the block starts at (own.x0-ext.x0, own.y0-ext.y0). */
sx_window_t sx_halo_extended(const sx_halo_t *h);
/** Fill the halo cells of buf from the ranks that own them. Collective. */
sx_err sx_halo_exchange(sx_halo_t *h, void *buf);
/** The same exchange split in two, to overlap it with work: begin packs
 *  buf's sent cells and posts the messages; end waits and fills the halo.
 *  In between buf may be read (its halo cells still hold their old values)
 *  but not written. Plans in flight together must be begun in the same order on
 *  every rank. Collective (both calls). */
sx_err sx_halo_exchange_begin(sx_halo_t *h, void *buf);
sx_err sx_halo_exchange_end(sx_halo_t *h, void *buf);
void sx_halo_destroy(sx_halo_t **h);

/*
 * Tile farm: hands out tile numbers 0..ntiles-1 to whichever rank asks next
 * (an atomic counter in an MPI window on rank 0), so many independent tiles of
 * uneven cost spread over the ranks without a master rank sitting idle.
 * Which rank computes a tile varies from run to run; results must depend only
 * on the tile number (write per-tile outputs, reduce in tile order).
 */
typedef struct sx_tilefarm sx_tilefarm_t;
/** Collective over comm. */
sx_err sx_tilefarm_create(MPI_Comm comm, int64_t ntiles, sx_tilefarm_t **out);
/** Next tile number for this rank, or -1 when all are taken. Not collective. */
sx_err sx_tilefarm_next(sx_tilefarm_t *f, int64_t *tile);
/** Collective: waits for all ranks, frees the window. Accepts *f == NULL. */
sx_err sx_tilefarm_destroy(sx_tilefarm_t **f);

/** Tiles of size tx x ty over an nx x ny grid, numbered row by row. */
int64_t sx_tiles_count(int64_t nx, int64_t ny, int64_t tx, int64_t ty);
sx_window_t sx_tiles_window(int64_t nx, int64_t ny, int64_t tx, int64_t ty, int64_t tile);

#endif
