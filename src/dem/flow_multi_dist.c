/*
 * flow_multi_dist.c — the own-block entry points of the D-infinity and MFD
 * kernels (sx_hydrology.h): copy the block into a padded frame, exchange
 * its halo, and run flowdir_dist.c, flow_multi.c and accum.c on it. The
 * runs (hydro_run.c) read their inputs into frames directly.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/accum_internal.h"
#include "dem/flowdir_internal.h"
#include "sanxiang/sx_mpi.h"

sx_err sx__mfd_mark(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq)
{
    sx_halo_t *h = NULL;
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t c = sx__pad_at(p, i, j), gi = p->own.x0 + i, gj = p->own.y0 + j;
            if (dir[c] >= 8 || (eq[c] & SX__EQ_FLAT) || gi == 0 || gj == 0 || gi == p->gnx - 1 || gj == p->gny - 1)
                continue;
            int nan = 0;
            for (int k = 0; k < 8; k++) nan |= dir[c + p->off[k]] == SX_D8_NODATA;
            if (!nan) dir[c] = SX__DIR_MULTI;
        }
    sx_err err = sx_halo_create_padded(d, (int)p->width, 1, &h);
    if (err == SX_OK) err = sx_halo_exchange(h, dir);
    sx_halo_destroy(&h);
    return err;
}

sx_err sx__mfd_rowdist(const sx__pad_t *p, const sx_grid_t *g, double **rowdist)
{
    *rowdist = malloc((size_t)p->h * 8 * sizeof **rowdist);
    SX_FAIL_IF(!*rowdist, SX_ERR_NOMEM, "cannot allocate the row distances");
    for (int64_t fj = 0; fj < p->h; fj++) sx__d8_distances(g, p->own.y0 - p->width + fj, *rowdist + fj * 8);
    return SX_OK;
}

sx_err sx_dem_dinf_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, float *ang)
{
    sx__pad_t p;
    double *z = NULL;
    uint8_t *dir = NULL;
    uint16_t *eq = NULL;
    sx_err err = sx__flowdir_own(d, g, zown, &p, &z, &dir, &eq);
    if (err == SX_OK) sx__dinf_angles(&p, g, SX_DT_FLOAT64, z, dir, eq, ang);
    free(z);
    free(dir);
    free(eq);
    return err;
}

sx_err sx__dinf_check(const sx__pad_t *p, float *ang, const char *name)
{
    const float twopi = (float)(2 * M_PI);
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            float *a = &ang[sx__pad_at(p, i, j)];
            if (isnan(*a) || *a == SX_DINF_NODATA) *a = NAN;
            else if (*a != SX_DINF_NONE && !(*a >= 0 && *a < twopi))
                SX_FAIL(SX_ERR_INPUT,
                        "'%s' cell (col %lld, row %lld) holds %g, not a D-infinity angle (radians in [0, 2 pi), -1 "
                        "for none); make the angles with `sanxiang dem flowdir --method dinf`",
                        name, (long long)(p->own.x0 + i), (long long)(p->own.y0 + j), (double)*a);
        }
    return SX_OK;
}

sx_err sx_dem_accum_dinf_dist(const sx_decomp_t *d, const float *angown, const double *wown, double *accown,
                              uint8_t *edgeown)
{
    sx__pad_t p;
    sx_halo_t *h = NULL;
    float *ang = NULL;
    double *w = NULL, *acc = NULL;
    uint8_t *dir = NULL, *edge = NULL;
    SX_CHECK(sx__pad_init(&p, d->own, 1, d->gnx, d->gny));
    size_t n = (size_t)(p.n ? p.n : 1);
    ang = malloc(n * sizeof *ang);
    acc = malloc(n * sizeof *acc);
    dir = malloc(n);
    if (edgeown) edge = malloc(n);
    if (wown) w = calloc(n, sizeof *w);
    sx_err err = ang && acc && dir && (!edgeown || edge) && (!wown || w)
                     ? SX_OK
                     : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the accumulation block");
    if (err == SX_OK) {
        for (size_t c = 0; c < n; c++) ang[c] = NAN;
        sx__pad_from_own(&p, angown, ang, sizeof *ang);
        if (w) sx__pad_from_own(&p, wown, w, sizeof *w);
        err = sx__dinf_check(&p, ang, "the D-infinity angles");
    }
    if (err == SX_OK) err = sx_halo_create_padded(d, 1, sizeof *ang, &h);
    err = sx_err_agree(d->comm, err);
    if (err == SX_OK) err = sx_halo_exchange(h, ang);
    if (err == SX_OK) {
        for (size_t c = 0; c < n; c++) dir[c] = isnan(ang[c]) ? SX_D8_NODATA : 0;
        sx__flow_t F = {.d = d, .p = &p, .method = SX_FLOW_DINF, .dir = dir, .ang = ang, .w = w,
                        .wt = SX_DT_FLOAT64, .name = "the D-infinity angles"};
        err = sx__accum_frame(&F, acc, edge);
    }
    if (err == SX_OK) {
        sx__pad_to_own(&p, acc, accown, sizeof *acc);
        if (edgeown) sx__pad_to_own(&p, edge, edgeown, 1);
    }
    sx_halo_destroy(&h);
    free(ang);
    free(w);
    free(acc);
    free(dir);
    free(edge);
    return err;
}

sx_err sx_dem_accum_mfd_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *zown, sx_mfd_rule rule,
                             const double *wown, double *accown, uint8_t *edgeown)
{
    sx__pad_t p;
    double *z = NULL, *w = NULL, *acc = NULL, *norm = NULL, *rowdist = NULL;
    uint8_t *dir = NULL, *edge = NULL;
    uint16_t *eq = NULL;
    sx_err err = sx__pad_frame_f64(d, zown, 2, &p, &z);
    size_t n = (size_t)(p.n ? p.n : 1);
    if (err == SX_OK) {
        dir = malloc(n);
        eq = malloc(n * sizeof *eq);
        acc = malloc(n * sizeof *acc);
        norm = malloc(n * sizeof *norm);
        if (edgeown) edge = malloc(n);
        if (wown) w = calloc(n, sizeof *w);
        err = dir && eq && acc && norm && (!edgeown || edge) && (!wown || w)
                  ? SX_OK
                  : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the MFD block");
        if (err == SX_OK) err = sx__mfd_rowdist(&p, g, &rowdist);
        err = sx_err_agree(d->comm, err);
    }
    if (err == SX_OK) err = sx__flowdir_frame(d, &p, g, SX_DT_FLOAT64, z, dir, eq);
    if (err == SX_OK) err = sx__mfd_mark(d, &p, dir, eq);
    if (err == SX_OK) {
        if (w) sx__pad_from_own(&p, wown, w, sizeof *w);
        sx__flow_t F = {.d = d, .p = &p, .method = SX_FLOW_MFD, .dir = dir, .z = z, .zt = SX_DT_FLOAT64,
                        .norm = norm, .g = g, .rowdist = rowdist, .rule = rule, .w = w, .wt = SX_DT_FLOAT64,
                        .name = "the DEM"};
        sx__mfd_norms(&F, norm);
        err = sx__accum_frame(&F, acc, edge);
    }
    if (err == SX_OK) {
        sx__pad_to_own(&p, acc, accown, sizeof *acc);
        if (edgeown) sx__pad_to_own(&p, edge, edgeown, 1);
    }
    free(z);
    free(w);
    free(acc);
    free(norm);
    free(rowdist);
    free(dir);
    free(eq);
    free(edge);
    return err;
}
