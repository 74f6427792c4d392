/*
 * terrain.c — terrain products in one stencil pass: slope (Horn 1981),
 * aspect, hillshade, TPI, TRI and roughness as gdaldem computes them,
 * Zevenbergen & Thorne (1987) curvatures with ArcGIS's signs and scale, and
 * the topographic wetness index; the DEM is read once (own block plus a
 * one-cell halo, in its exact type) however many products are asked for.
 *
 * Per row, a window pass forms Horn's weighted column and row sums and the
 * nodata mask; each product is then a pass over the row (terrain_row.h),
 * vectorised where its formula allows. Slope's arctangent is vectorised too
 * (vatan.h) with the cells whose float32 result could differ from the C
 * library's recomputed with atan(), so slope stays bit-identical to the
 * scalar Horn kernel it replaced. Every cell depends only on its 3 x 3
 * neighbourhood, which the halo read with the block supplies, so the
 * products are the same at any rank and thread count.
 * Correctness: equal to gdaldem slope (to 1e-4 degree), aspect, TPI, TRI and
 * roughness (to float32 rounding) and hillshade (to one grey level: gdaldem
 * uses an approximate reciprocal square root) on a projected DEM
 * (tests/regression/terrain_check.py); curvatures and TWI against closed
 * forms on quadratic surfaces and planes (tests/unit/test_slope.c); N ranks
 * == 1 rank (demo_equal_*, terrain_equal_np*).
 * Memory per cell of the block: the DEM (4 B for 8/16-bit and float32
 * DEMs, else 8) plus 4 B per float32 product and 1 B for hillshade; TWI
 * also holds the accumulation (4 or 8 B).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dem/dem_block.h"
#include "dem/vatan.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"

/* Rows per strip between progress reports; large enough to keep threads busy. */
#define STRIP_ROWS 256

static const double deg = M_PI / 180.0;

static const struct {
    const char *name, *long_name, *units;
} products[SX_TERRAIN_NPRODUCTS] = {
    [SX_TERRAIN_SLOPE] = {"slope", "terrain slope (Horn 1981)", "degree"},
    [SX_TERRAIN_ASPECT] = {"aspect", "terrain aspect (Horn 1981, as gdaldem): degrees clockwise from north, -9999 flat",
                           "degree"},
    [SX_TERRAIN_HILLSHADE] = {"hillshade", "hillshade (as gdaldem): 1-255, 0 nodata", "1"},
    [SX_TERRAIN_CURVATURE] = {"curvature",
                              "curvature (Zevenbergen & Thorne 1987, ArcGIS): -2(D+E) x 100, positive convex",
                              "0.01 m-1"},
    [SX_TERRAIN_PROFILE_CURVATURE] = {"profile_curvature",
                                      "profile curvature (Zevenbergen & Thorne 1987, ArcGIS): along the slope, "
                                      "negative convex",
                                      "0.01 m-1"},
    [SX_TERRAIN_PLAN_CURVATURE] = {"plan_curvature",
                                   "plan curvature (Zevenbergen & Thorne 1987, ArcGIS): across the slope, positive "
                                   "convex",
                                   "0.01 m-1"},
    [SX_TERRAIN_TPI] = {"tpi", "topographic position index: elevation minus the mean of the 8 neighbours", "m"},
    [SX_TERRAIN_TRI] = {"tri", "terrain ruggedness index (Riley et al. 1999, as gdaldem)", "m"},
    [SX_TERRAIN_ROUGHNESS] = {"roughness", "roughness: largest difference in the 3 x 3 window (as gdaldem)", "m"},
    [SX_TERRAIN_TWI] = {"twi", "topographic wetness index ln(a / tan(slope)) (Beven & Kirkby 1979)", "1"},
};

const char *sx_terrain_name(sx_terrain_product p)
{
    return p >= 0 && p < SX_TERRAIN_NPRODUCTS ? products[p].name : "?";
}

sx_err sx_terrain_parse(const char *name, sx_terrain_product *p)
{
    for (int k = 0; k < SX_TERRAIN_NPRODUCTS; k++)
        if (!strcmp(name, products[k].name)) {
            *p = (sx_terrain_product)k;
            return SX_OK;
        }
    SX_FAIL(SX_ERR_USAGE, "unknown terrain product '%s'; use slope, aspect, hillshade, curvature, profile_curvature, "
                          "plan_curvature, tpi, tri, roughness or twi",
            name);
}

/* Cell sizes of one row, metres. */
typedef struct {
    double dx, dy;
    int square; /* projected, dx == dy: aspect exactly as gdaldem forms it */
} sx__row_geom_t;

/* Constants of the whole run. */
typedef struct {
    double zf;
    int percent;
    /* hillshade, gdaldem's GDALCreateHillshadeData: z_factor / 8 for Horn */
    double hs_sin_alt254, hs_cazc254, hs_sazc254, hs_square_z;
} sx__terrain_t;

typedef struct {
    double *L, *R, *T, *B, *s;
    uint8_t *bad, *amb;
    float *trash[3];
} sx__terrain_scratch_t;

typedef struct {
    float *out[SX_TERRAIN_NPRODUCTS]; /* this row of each float32 product asked for, else NULL */
    uint8_t *hs;
    const void *acc; /* this row of the accumulation (TWI) */
    sx_dtype acc_t;
} sx__terrain_row_t;

/* Slope (into out, and its tangent into s for TWI). */
SX__VECTORISE static int slope_pass(int64_t i0, int64_t i1, const double *restrict L, const double *restrict R,
                                    const double *restrict T, const double *restrict B, double dx8, double dy8,
                                    double zf, int percent, const uint8_t *restrict bad, double *restrict s,
                                    float *restrict out, uint8_t *restrict amb)
{
    int any = 0;
    for (int64_t i = i0; i < i1; i++) {
        double dzdx = (R[i] - L[i]) / dx8, dzdy = (B[i] - T[i]) / dy8;
        double sv = zf * sqrt(dzdx * dzdx + dzdy * dzdy);
        double v = percent ? 100 * sv : sx__atan_pos(sv) / deg;
        s[i] = sv;
        amb[i] = (uint8_t)((!percent) & sx__f32_ambiguous(v));
        any |= amb[i];
        out[i] = bad[i] ? SX_TERRAIN_NODATA : (float)v;
    }
    return any;
}

static void sx__terrain_slope(int64_t i0, int64_t i1, const sx__row_geom_t *geo, const sx__terrain_t *t,
                              sx__terrain_scratch_t *sc, float *out)
{
    float *o = out ? out : sc->trash[0];
    if (!slope_pass(i0, i1, sc->L, sc->R, sc->T, sc->B, 8 * geo->dx, 8 * geo->dy, t->zf, t->percent, sc->bad, sc->s,
                    o, sc->amb))
        return;
    for (int64_t i = i0; i < i1; i++)
        if (sc->amb[i] && !sc->bad[i]) o[i] = (float)(atan(sc->s[i]) / deg); /* the C library decides */
}

/* gdaldem's aspect: atan2 of Horn's (bottom - top, left - right) sums,
 * turned into an azimuth in float32; flat cells nodata. */
static void sx__terrain_aspect(int64_t i0, int64_t i1, const sx__row_geom_t *geo, const sx__terrain_scratch_t *sc,
                               float *out)
{
    for (int64_t i = i0; i < i1; i++) {
        double dx = sc->R[i] - sc->L[i], dy = sc->B[i] - sc->T[i];
        if (sc->bad[i] || (dx == 0 && dy == 0)) {
            out[i] = SX_TERRAIN_NODATA;
            continue;
        }
        float a = (float)((geo->square ? atan2(dy, -dx) : atan2(dy / geo->dy, -dx / geo->dx)) / deg);
        a = a > 90.0f ? 450.0f - a : 90.0f - a;
        out[i] = a == 360.0f ? 0.0f : a;
    }
}

/* gdaldem's hillshade (Horn, one light): 1 + 254 cos(incidence), at least 1,
 * rounded to a byte; the reciprocal square root is exact here. */
SX__VECTORISE static void hillshade_pass(int64_t i0, int64_t i1, const double *restrict L, const double *restrict R,
                                         const double *restrict T, const double *restrict B, double inv_ew,
                                         double inv_ns, double sin_alt254, double cazc254, double sazc254,
                                         double square_z, const uint8_t *restrict bad, uint8_t *restrict hs)
{
    for (int64_t i = i0; i < i1; i++) {
        double x = (L[i] - R[i]) * inv_ew, y = (B[i] - T[i]) * inv_ns;
        double c254 = (sin_alt254 - (y * cazc254 - x * sazc254)) / sqrt(1 + square_z * (x * x + y * y));
        float v = (float)(c254 <= 0.0 ? 1.0 : 1.0 + c254);
        hs[i] = bad[i] ? 0 : (uint8_t)(v + 0.5);
    }
}

static void sx__terrain_hillshade(int64_t i0, int64_t i1, const sx__row_geom_t *geo, const sx__terrain_t *t,
                                  const sx__terrain_scratch_t *sc, uint8_t *hs)
{
    hillshade_pass(i0, i1, sc->L, sc->R, sc->T, sc->B, 1.0 / geo->dx, -1.0 / geo->dy, t->hs_sin_alt254,
                   t->hs_cazc254, t->hs_sazc254, t->hs_square_z, sc->bad, hs);
}

/* TWI = ln(a / tan b): a the specific catchment area (accumulated cells x
 * cell area / contour width, the width taken as sqrt(dx dy)); nodata where
 * the slope is 0, as TauDEM. */
static void sx__terrain_twi(int64_t i0, int64_t i1, const sx__row_geom_t *geo, const sx__terrain_scratch_t *sc,
                            const void *acc, sx_dtype acct, float *out)
{
    double w = sqrt(geo->dx * geo->dy);
    for (int64_t i = i0; i < i1; i++) {
        double a = acct == SX_DT_FLOAT32 ? (double)((const float *)acc)[i] : ((const double *)acc)[i];
        out[i] = sc->bad[i] || !(sc->s[i] > 0) || !(a > 0) ? SX_TERRAIN_NODATA : (float)log(a * w / sc->s[i]);
    }
}

#define ELEV float
#define FN(x) x##_f32
#include "dem/terrain_row.h"
#undef ELEV
#undef FN
#define ELEV double
#define FN(x) x##_f64
#include "dem/terrain_row.h"
#undef ELEV
#undef FN

static void row_geom(const sx_grid_t *g, int64_t gj, sx__row_geom_t *geo)
{
    sx__cell_metres(g, gj, &geo->dx, &geo->dy);
    geo->square = !sx_grid_is_geographic(g) && geo->dx == geo->dy;
}

static void scratch_free(sx__terrain_scratch_t *sc)
{
    free(sc->L);
    free(sc->R);
    free(sc->T);
    free(sc->B);
    free(sc->s);
    free(sc->bad);
    free(sc->amb);
    for (int k = 0; k < 3; k++) free(sc->trash[k]);
}

static int scratch_alloc(sx__terrain_scratch_t *sc, int64_t nx)
{
    size_t n = (size_t)(nx > 0 ? nx : 1);
    memset(sc, 0, sizeof *sc);
    sc->L = malloc(n * sizeof(double));
    sc->R = malloc(n * sizeof(double));
    sc->T = malloc(n * sizeof(double));
    sc->B = malloc(n * sizeof(double));
    sc->s = malloc(n * sizeof(double));
    sc->bad = malloc(n);
    sc->amb = malloc(n);
    int ok = sc->L && sc->R && sc->T && sc->B && sc->s && sc->bad && sc->amb;
    for (int k = 0; k < 3; k++) ok = ok && (sc->trash[k] = malloc(n * sizeof(float)));
    return ok;
}

/*
 * Products of rows [j0, j1) of block own. z0 is the elevation of own cell
 * (0, 0) in type zt, rows zstride cells apart, with the one-cell halo around
 * the block readable (NaN = nodata); out[p] (own layout, own.nx per row) for
 * each float32 product asked for, hs for hillshade; acc0/accstride as z0 for
 * TWI. Not collective; OpenMP over rows.
 */
static sx_err terrain_rows(const sx_grid_t *g, sx_window_t own, int64_t j0, int64_t j1, sx_dtype zt, const void *z0,
                           int64_t zstride, const sx__terrain_t *t, float *const out[SX_TERRAIN_NPRODUCTS],
                           uint8_t *hs, const void *acc0, sx_dtype acct, int64_t accstride)
{
    int failed = 0;
    const size_t ze = zt == SX_DT_FLOAT32 ? 4 : 8, ae = acct == SX_DT_FLOAT32 ? 4 : 8;
    int64_t i0 = own.x0 == 0 ? 1 : 0, i1 = own.x0 + own.nx == g->nx ? own.nx - 1 : own.nx;
#pragma omp parallel
    {
        sx__terrain_scratch_t sc;
        if (!scratch_alloc(&sc, own.nx)) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t j = j0; j < j1; j++) {
            if (failed) continue;
            int64_t gj = own.y0 + j;
            sx__row_geom_t geo;
            row_geom(g, gj, &geo);
            sx__terrain_row_t o = {.hs = hs ? hs + j * own.nx : NULL, .acc_t = acct};
            for (int p = 0; p < SX_TERRAIN_NPRODUCTS; p++) o.out[p] = out[p] ? out[p] + j * own.nx : NULL;
            if (acc0) o.acc = (const char *)acc0 + (size_t)(j * accstride) * ae;
            int64_t lo = i0, hi = i1;
            if (gj == 0 || gj == g->ny - 1 || !(geo.dx > 0)) lo = hi = 0; /* edge row: all nodata */
            const char *mid = (const char *)z0 + (size_t)(j * zstride) * ze;
            const char *up = mid - (size_t)zstride * ze, *dn = mid + (size_t)zstride * ze;
            if (lo >= hi) { /* no stencil on this row: never read the rows beyond the grid */
                up = dn = mid;
            }
            if (zt == SX_DT_FLOAT32)
                terrain_row_f32((const float *)up, (const float *)mid, (const float *)dn, own.nx, lo, hi, &geo, t, &sc,
                                &o);
            else
                terrain_row_f64((const double *)up, (const double *)mid, (const double *)dn, own.nx, lo, hi, &geo, t,
                                &sc, &o);
        }
        scratch_free(&sc);
    }
    SX_FAIL_IF(failed, SX_ERR_NOMEM, "cannot allocate the terrain row buffers (%lld cells)", (long long)own.nx);
    return SX_OK;
}

static void terrain_init(sx__terrain_t *t, double z_factor, sx_slope_units units, double az, double alt)
{
    memset(t, 0, sizeof *t);
    t->zf = z_factor;
    t->percent = units == SX_SLOPE_PERCENT;
    double zh = z_factor / 8, cos_alt_z = cos(alt * deg) * zh;
    t->hs_sin_alt254 = 254.0 * sin(alt * deg);
    t->hs_cazc254 = 254.0 * (cos(az * deg) * cos_alt_z);
    t->hs_sazc254 = 254.0 * (sin(az * deg) * cos_alt_z);
    t->hs_square_z = zh * zh;
}

sx_err sx_dem_slope_block(const sx_grid_t *grid, sx_window_t ext, sx_window_t own, const double *z, float *out,
                          sx_slope_units units, double z_factor)
{
    sx__terrain_t t;
    terrain_init(&t, z_factor, units, 315, 45);
    float *outs[SX_TERRAIN_NPRODUCTS] = {[SX_TERRAIN_SLOPE] = out};
    const double *z0 = z + (own.y0 - ext.y0) * ext.nx + (own.x0 - ext.x0);
    return terrain_rows(grid, own, 0, own.ny, SX_DT_FLOAT64, z0, ext.nx, &t, outs, NULL, NULL, SX_DT_FLOAT64, 0);
}

sx_err sx_dem_terrain_block(const sx_grid_t *grid, sx_window_t ext, sx_window_t own, const double *z,
                            const sx_terrain_opts_t *opts, float *const out[SX_TERRAIN_NPRODUCTS], uint8_t *hs,
                            const double *acc)
{
    sx__terrain_t t;
    int def = opts->azimuth == 0 && opts->altitude == 0;
    terrain_init(&t, opts->z_factor, opts->slope_units, def ? 315 : opts->azimuth, def ? 45 : opts->altitude);
    float *outs[SX_TERRAIN_NPRODUCTS];
    for (int p = 0; p < SX_TERRAIN_NPRODUCTS; p++) outs[p] = p == SX_TERRAIN_HILLSHADE ? NULL : out[p];
    SX_FAIL_IF(outs[SX_TERRAIN_TWI] && !acc, SX_ERR_USAGE, "the wetness index needs the accumulation");
    const double *z0 = z + (own.y0 - ext.y0) * ext.nx + (own.x0 - ext.x0);
    return terrain_rows(grid, own, 0, own.ny, SX_DT_FLOAT64, z0, ext.nx, &t, outs, hs, acc, SX_DT_FLOAT64, own.nx);
}

sx_err sx_dem_terrain_run(MPI_Comm comm, const sx_terrain_opts_t *o)
{
    sx_err err = SX_OK;
    sx__dem_t b, ab;
    memset(&b, 0, sizeof b);
    memset(&ab, 0, sizeof ab);
    float *out[SX_TERRAIN_NPRODUCTS] = {0};
    uint8_t *hs = NULL;
    int want[SX_TERRAIN_NPRODUCTS] = {0};
    for (int k = 0; k < o->n_outputs; k++) {
        sx_terrain_product p = o->outputs[k].product;
        SX_FAIL_IF(p < 0 || p >= SX_TERRAIN_NPRODUCTS, SX_ERR_USAGE, "terrain product %d does not exist", (int)p);
        SX_FAIL_IF(want[p], SX_ERR_USAGE, "terrain product '%s' asked for twice", products[p].name);
        SX_FAIL_IF(!o->outputs[k].out_nc && !o->outputs[k].out_cog, SX_ERR_USAGE,
                   "terrain product '%s' needs an output path", products[p].name);
        want[p] = 1;
    }
    SX_FAIL_IF(o->n_outputs < 1, SX_ERR_USAGE, "no terrain product asked for");
    SX_FAIL_IF(want[SX_TERRAIN_TWI] && !o->accum, SX_ERR_USAGE,
               "the wetness index (twi) needs the flow accumulation on the DEM's grid (accum; from `sanxiang dem accum`)");
    const char *label = o->n_outputs == 1 ? products[o->outputs[0].product].name : "terrain";
    char tn[64];
    snprintf(tn, sizeof tn, "%s: read", label);
    sx_perf_start(tn, SX_PERF_READ);
    err = sx__dem_read(comm, o->input, o->band > 0 ? o->band : 1, 1, 0, 0, NULL, &b);
    if (err == SX_OK && want[SX_TERRAIN_TWI]) err = sx__dem_read(comm, o->accum, 1, 1, 0, 0, &b, &ab);
    sx_perf_stop(tn);
    if (err != SX_OK) goto done;
    sx_window_t own = b.d.own;
    int64_t no = sx_window_cells(own);
    sx_log_info("%s: %s, %lld x %lld cells, %d x %d blocks of ~%lld x %lld, %s", label, o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py, (long long)(b.grid.nx / b.d.px), (long long)(b.grid.ny / b.d.py),
                sx_dtype_name(b.t));
    for (int p = 0; p < SX_TERRAIN_NPRODUCTS && err == SX_OK; p++) {
        if (!want[p]) continue;
        if (p == SX_TERRAIN_HILLSHADE) err = (hs = malloc((size_t)(no ? no : 1))) ? SX_OK : SX_ERR_NOMEM;
        else err = (out[p] = malloc((size_t)(no ? no : 1) * sizeof(float))) ? SX_OK : SX_ERR_NOMEM;
        if (err != SX_OK)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld cells of %s", (long long)no,
                             products[p].name);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    sx__terrain_t t;
    int def = o->azimuth == 0 && o->altitude == 0;
    terrain_init(&t, o->z_factor, o->slope_units, def ? 315 : o->azimuth, def ? 45 : o->altitude);
    snprintf(tn, sizeof tn, "%s: compute", label);
    sx_perf_start(tn, SX_PERF_COMPUTE);
    sx_progress_t prog;
    sx_progress_init(&prog, label, own.ny);
    const void *z0 = sx__dem_own(&b), *a0 = want[SX_TERRAIN_TWI] ? sx__dem_own(&ab) : NULL;
    for (int64_t j0 = 0; j0 < own.ny && err == SX_OK; j0 += STRIP_ROWS) {
        int64_t j1 = own.ny - j0 < STRIP_ROWS ? own.ny : j0 + STRIP_ROWS;
        err = terrain_rows(&b.grid, own, j0, j1, b.t, z0, b.pad.w, &t, out, hs, a0, ab.t, ab.pad.w);
        sx_progress_add(&prog, j1 - j0);
    }
    sx_progress_fini(&prog);
    sx_perf_stop(tn);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx__dem_log_peak(comm, label, no);
    free(b.z); /* the DEM is not needed for writing */
    b.z = NULL;
    sx__dem_fini(&ab);

    for (int k = 0; k < o->n_outputs && err == SX_OK; k++) {
        sx_terrain_product p = o->outputs[k].product;
        const char *units = p == SX_TERRAIN_SLOPE && o->slope_units == SX_SLOPE_PERCENT ? "percent" : products[p].units;
        sx_layer_out_t lo = {o->outputs[k].out_nc, o->outputs[k].out_cog, products[p].name, products[p].long_name,
                             units, NULL, p == SX_TERRAIN_HILLSHADE ? SX_DT_UINT8 : SX_DT_FLOAT32,
                             p == SX_TERRAIN_HILLSHADE ? 0 : SX_TERRAIN_NODATA,
                             p == SX_TERRAIN_ASPECT || p == SX_TERRAIN_HILLSHADE ? "NEAREST" : "AVERAGE", o->provenance};
        err = sx_layer_write(comm, &b.grid, own, p == SX_TERRAIN_HILLSHADE ? (const void *)hs : out[p], own.nx, &lo);
    }
done:
    for (int p = 0; p < SX_TERRAIN_NPRODUCTS; p++) free(out[p]);
    free(hs);
    sx__dem_fini(&b);
    sx__dem_fini(&ab);
    return err;
}

sx_err sx_dem_slope_run(MPI_Comm comm, const sx_slope_opts_t *o)
{
    if (!o->out_nc && !o->out_cog) return SX_OK;
    sx_terrain_output_t out = {SX_TERRAIN_SLOPE, o->out_nc, o->out_cog};
    sx_terrain_opts_t t = {o->input, o->band, &out, 1, o->units, o->z_factor, 0, 0, NULL, o->provenance};
    return sx_dem_terrain_run(comm, &t);
}
