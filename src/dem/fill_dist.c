/*
 * fill_dist.c — parallel Priority-Flood depression filling (Barnes 2016,
 * doi:10.1016/j.cageo.2016.07.001) over a block decomposition: the driver
 * of the three phases.
 *
 * Phase 1 (each rank, fill_flood.c): Priority-Flood of the own block from
 * its perimeter and outlets, giving local levels, watershed labels and the
 * spill edges between labels; across block edges, a one-cell halo of labels
 * gives the edges (p, q, max(z_p, z_q)) between perimeter cells (never
 * raised). Phase 2 (fill_graph.c): the graph, O(block perimeters), is solved
 * on rank 0 for each label's spill level. Phase 3: each cell becomes
 * max(local level, spill of its label). Cells never reached (walled in by
 * nodata) keep their elevation, as in the serial fill.
 *
 * The filled surface is the unique minimum drainable surface, made only by
 * comparisons and copies of input values, so it equals sx_dem_fill_serial
 * (without epsilon) bit for bit at any rank count and block size, in float32
 * as in float64 (tests/mpi/mpi_hydrology.c). Memory per cell of the block:
 * z (4 B for float32 DEMs, 8 B otherwise) + label 4 B, plus queues (see
 * fill_flood.c) and, with nodata walls and nodata somewhere in the grid, a
 * copy of the block's input (4 or 8 B) for the cells that cannot drain.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/fill_flood_internal.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

/* Any nodata among the own cells of the frame? */
static int own_has_nan(const sx__pad_t *p, sx_dtype t, const void *z)
{
    int any = 0;
    for (int64_t j = 0; j < p->own.ny; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        if (t == SX_DT_FLOAT32)
            for (int64_t i = 0; i < p->own.nx; i++) any |= isnan(((const float *)z)[c0 + i]);
        else
            for (int64_t i = 0; i < p->own.nx; i++) any |= isnan(((const double *)z)[c0 + i]);
    }
    return any;
}

sx_err sx__fill_frame(const sx_decomp_t *d, const sx__pad_t *p, sx_dtype t, void *z, int walls, uint8_t *reach)
{
    sx_err err = SX_OK;
    MPI_Comm comm = d->comm;
    size_t elem = t == SX_DT_FLOAT32 ? 4 : 8;
    sx__edges_t es = {0};
    sx__flood_t f = {.p = p, .d = d, .walls = walls, .es = &es};
    sx_halo_t *hl = NULL;
    int64_t *firsts = NULL, *nlabs = NULL;
    double *spill = NULL;
    void *z0 = NULL;
    int64_t no = p->own.nx * p->own.ny;

    f.lab = malloc((size_t)(p->n ? p->n : 1) * sizeof *f.lab);
    firsts = malloc((size_t)d->size * sizeof *firsts);
    nlabs = malloc((size_t)d->size * sizeof *nlabs);
    if (!f.lab || !firsts || !nlabs)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the fill labels (%lld cells)", (long long)p->n);
    if (err == SX_OK) err = sx_halo_create_padded(d, 1, sizeof *f.lab, &hl);
    /* with nodata walls, cells walled in across blocks fall back to their input */
    int nan = walls ? own_has_nan(p, t, z) : 0, anynan = 0;
    if (MPI_Allreduce(&nan, &anynan, 1, MPI_INT, MPI_MAX, comm) != MPI_SUCCESS && err == SX_OK)
        err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allreduce failed in the fill");
    if (err == SX_OK && anynan) {
        if (!(z0 = malloc((size_t)(no ? no : 1) * elem)))
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot keep a copy of %lld input cells", (long long)no);
        else
            for (int64_t j = 0; j < p->own.ny; j++)
                memcpy((char *)z0 + (size_t)(j * p->own.nx) * elem, (char *)z + (size_t)sx__pad_at(p, 0, j) * elem,
                       (size_t)p->own.nx * elem);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    SX_CHECK_GOTO(sx_err_agree(comm, sx__fill_phase1(&f, t, z)), err, done);

    /* local labels -> global: rank r's label l is firsts[r] + l - 1 */
    int64_t nl = f.nlab;
    if (MPI_Allgather(&nl, 1, MPI_INT64_T, nlabs, 1, MPI_INT64_T, comm) != MPI_SUCCESS)
        err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allgather failed in the fill");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t r = 0, a = 1; r < d->size; r++) {
        firsts[r] = a;
        a += nlabs[r];
    }
    int64_t first = firsts[d->rank];
    f.firsts = firsts;
    for (int64_t i = 0; i < es.n; i++) {
        if (es.e[i].a) es.e[i].a += first - 1;
        if (es.e[i].b) es.e[i].b += first - 1;
    }
    SX_CHECK_GOTO(sx_halo_exchange(hl, f.lab), err, done);
    err = sx__fill_cross(&f, t, z, &es, first);
    if (err == SX_OK) sx__edges_unique(&es);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    spill = malloc((size_t)(nl ? nl : 1) * sizeof *spill);
    SX_CHECK_GOTO(sx_err_agree(comm, spill ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "spill levels")),
                  err, done);
    SX_CHECK_GOTO(sx__fill_graph_solve(comm, &es, first, nl, spill), err, done);
    sx__fill_raise(&f, t, z, spill, z0);
    if (reach) /* own cells that drain to an outlet */
        for (int64_t j = 0; j < p->own.ny; j++)
            for (int64_t i = 0; i < p->own.nx; i++) {
                int64_t c = sx__pad_at(p, i, j);
                uint32_t L = f.lab[c];
                reach[c] = L != 0 && L != FILL_SKIP && spill[L - 1] != INFINITY;
            }
done:
    sx__flood_fini(&f);
    sx__edges_free(&es);
    sx_halo_destroy(&hl);
    free(f.lab);
    free(firsts);
    free(nlabs);
    free(spill);
    free(z0);
    return err;
}

sx_err sx_dem_fill_dist(const sx_decomp_t *d, double *zown, int walls)
{
    sx__pad_t p;
    double *z = NULL;
    sx_err err = sx__pad_frame_f64(d, zown, 1, &p, &z);
    if (err == SX_OK) err = sx__fill_frame(d, &p, SX_DT_FLOAT64, z, walls, NULL);
    if (err == SX_OK) sx__pad_to_own(&p, z, zown, sizeof *z);
    free(z);
    return err;
}
