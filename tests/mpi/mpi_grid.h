/*
 * mpi_grid.h — helpers of the MPI tests that compare blocks of a
 * decomposition with a whole grid on rank 0: scatter a whole grid into the
 * own block (take), assemble own blocks on rank 0 (gather), read a whole
 * real DEM (read_whole), and the tests' fixed pseudo-random stream (urand,
 * xorshift64).
 */
#ifndef MPI_GRID_H
#define MPI_GRID_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_raster.h"

/* Assemble own blocks of elem-byte cells into a whole grid on rank 0 (bitwise OR of zeroed copies). */
static inline void gather(const sx_decomp_t *d, const void *own, size_t elem, void *whole)
{
    size_t bytes = (size_t)(d->gnx * d->gny) * elem;
    uint8_t *mine = calloc(bytes, 1);
    for (int64_t j = 0; j < d->own.ny; j++)
        memcpy(mine + ((d->own.y0 + j) * d->gnx + d->own.x0) * elem, (const uint8_t *)own + j * d->own.nx * elem,
               (size_t)d->own.nx * elem);
    MPI_Reduce(mine, whole, (int)bytes, MPI_UINT8_T, MPI_BOR, 0, d->comm);
    free(mine);
}

/* The own block of a whole grid of elem-byte cells. */
static inline void take(const sx_decomp_t *d, const void *whole, size_t elem, void *own)
{
    for (int64_t j = 0; j < d->own.ny; j++)
        memcpy((uint8_t *)own + j * d->own.nx * elem,
               (const uint8_t *)whole + ((d->own.y0 + j) * d->gnx + d->own.x0) * elem, (size_t)d->own.nx * elem);
}

/* The whole first band of path as float64, nodata as NaN (caller frees *z and finishes g). */
static inline sx_err read_whole(const char *path, sx_grid_t *g, double **z)
{
    sx_raster_t *r = NULL;
    *z = NULL;
    sx_err err = sx_gdal_init(0);
    if (err == SX_OK) err = sx_raster_open(path, &r);
    if (err == SX_OK) err = sx_raster_grid(r, 1, g);
    if (err == SX_OK && !(*z = malloc(sizeof **z * (size_t)(g->nx * g->ny)))) err = SX_ERR_NOMEM;
    if (err == SX_OK) err = sx_raster_read(r, 1, 0, 0, g->nx, g->ny, SX_DT_FLOAT64, *z, g->nx);
    for (int64_t i = 0; err == SX_OK && i < g->nx * g->ny; i++)
        if (sx_grid_is_nodata(g, (*z)[i])) (*z)[i] = NAN;
    sx_raster_close(&r);
    return err;
}

static uint64_t mpi_grid_rng = 88172645463325252ull;
/* Uniform in [0, 1), the same sequence in every test run. */
static inline double urand(void)
{
    mpi_grid_rng ^= mpi_grid_rng << 13;
    mpi_grid_rng ^= mpi_grid_rng >> 7;
    mpi_grid_rng ^= mpi_grid_rng << 17;
    return (double)(mpi_grid_rng >> 11) / 9007199254740992.0;
}

#endif
