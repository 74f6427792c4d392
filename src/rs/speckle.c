/*
 * speckle.c — `rs speckle`: boxcar, median and Lee (1980) speckle filters as
 * stencils over a size x size window, and the refined Lee (1981) filter
 * with its edge-aligned 7 x 7 windows.
 *
 * Each rank reads its block of the decomposition grown by the half window
 * (clipped to the raster: cells beyond it are left out of every window, as
 * nodata cells are), so no exchange is needed and every output cell is a
 * function of the input window around it: the same result at any rank or
 * thread count. Window statistics are two-pass (mean, then the mean squared
 * deviation) for numerical soundness; the median is selected with
 * quickselect over a scratch copy. Formulas in sx_rs_sar.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_rs_sar.h"

static const char *const fname[] = {"boxcar", "median", "lee", "refined_lee"};

/* k-th smallest of a[0..n) (a is reordered). */
static double select_k(double *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = a[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j];
                a[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j) hi = j;
        else if (k >= i) lo = i;
        else break;
    }
    return a[k];
}

/* One output cell from the valid values v[0..n) of its window and its centre z. */
static double filter_cell(const sx_rs_speckle_opts_t *o, double *v, int n, double z)
{
    if (isnan(z) || n == 0) return NAN;
    if (o->filter == SX_SPECKLE_MEDIAN) {
        double hi = select_k(v, n, n / 2);
        if (n % 2) return hi;
        return 0.5 * (select_k(v, n, n / 2 - 1) + hi);
    }
    double m = 0;
    for (int i = 0; i < n; i++) m += v[i];
    m /= n;
    if (o->filter == SX_SPECKLE_BOXCAR) return m;
    double var = 0;
    for (int i = 0; i < n; i++) var += (v[i] - m) * (v[i] - m);
    var /= n;
    const double s2 = 1.0 / o->looks;
    double vx = (var - m * m * s2) / (1 + s2);
    if (vx < 0) vx = 0;
    const double den = m * m * s2 + vx;
    const double k = den > 0 ? vx / den : 0;
    return m + k * (z - m);
}

/* Mean of the valid cells of the 3 x 3 subwindow centred at (cy, cx) of a
 * 7 x 7 window w (row stride ws); NaN if none. */
static double sub_mean(const double *w, int64_t ws, int cy, int cx)
{
    double s = 0;
    int n = 0;
    for (int y = cy - 1; y <= cy + 1; y++)
        for (int x = cx - 1; x <= cx + 1; x++)
            if (!isnan(w[y * ws + x])) s += w[y * ws + x], n++;
    return n ? s / n : NAN;
}

/* Refined Lee (1981) at the centre of the 7 x 7 window w (row stride ws). */
static double refined_lee(const double *w, int64_t ws, double looks)
{
    const double z = w[3 * ws + 3];
    if (isnan(z)) return NAN;
    double M[3][3];
    for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) M[r][c] = sub_mean(w, ws, 1 + 2 * r, 1 + 2 * c);
    /* sides of each edge direction: (row, col) of the two subwindows */
    static const int side[4][2][2] = {{{1, 0}, {1, 2}}, {{0, 1}, {2, 1}}, {{0, 2}, {2, 0}}, {{0, 0}, {2, 2}}};
    int dir = -1;
    double best = -1;
    for (int k = 0; k < 4; k++) {
        double g = fabs(M[side[k][0][0]][side[k][0][1]] - M[side[k][1][0]][side[k][1][1]]);
        if (!isnan(g) && g > best) best = g, dir = k;
    }
    int which = 0;
    if (dir >= 0) {
        double da = fabs(M[1][1] - M[side[dir][0][0]][side[dir][0][1]]);
        double db = fabs(M[1][1] - M[side[dir][1][0]][side[dir][1][1]]);
        which = !(da <= db) && !isnan(db) ? 1 : 0;
    }
    double s = 0, v[49];
    int n = 0;
    for (int dy = -3; dy <= 3; dy++)
        for (int dx = -3; dx <= 3; dx++) {
            int in = 1;
            switch (dir * 2 + which) {
            case 0: in = dx <= 0; break;           /* left */
            case 1: in = dx >= 0; break;           /* right */
            case 2: in = dy <= 0; break;           /* up */
            case 3: in = dy >= 0; break;           /* down */
            case 4: in = dx >= dy; break;          /* upper right */
            case 5: in = dx <= dy; break;          /* lower left */
            case 6: in = dx + dy <= 0; break;      /* upper left */
            case 7: in = dx + dy >= 0; break;      /* lower right */
            default: break;                        /* no gradient: the whole window */
            }
            double x = w[(3 + dy) * ws + 3 + dx];
            if (in && !isnan(x)) v[n++] = x, s += x;
        }
    const double m = s / n;
    double var = 0;
    for (int i = 0; i < n; i++) var += (v[i] - m) * (v[i] - m);
    var /= n;
    const double s2 = 1.0 / looks;
    double vx = (var - m * m * s2) / (1 + s2);
    if (vx < 0) vx = 0;
    const double b = var > 0 ? vx / var : 0;
    return m + b * (z - m);
}

sx_err sx_rs_speckle_run(MPI_Comm comm, const sx_rs_speckle_opts_t *o)
{
    SX_FAIL_IF(o->size < 3 || o->size > 31 || o->size % 2 == 0, SX_ERR_USAGE, "--size %d: give an odd window of 3 to 31",
               o->size);
    SX_FAIL_IF(o->filter == SX_SPECKLE_REFINED_LEE && o->size != 7, SX_ERR_USAGE,
               "--size %d: the refined Lee filter works on 7 x 7 windows (give --size 7)", o->size);
    SX_FAIL_IF(o->filter >= SX_SPECKLE_LEE && !(o->looks > 0), SX_ERR_USAGE, "--looks %g: the number of looks must be > 0",
               o->looks);
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    sx_decomp_t d = {0};
    double *in = NULL;
    float *out = NULL;
    char *prov = NULL;
    sx_err err = sx_layer_open(comm, o->input, o->band, &r, &g);
    SX_CHECK(err);
    const int h = o->size / 2;
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, g.nx, g.ny, g.block_x, g.block_y), err, done);
    const sx_window_t own = d.own;
    sx_window_t ext = {own.x0 - h, own.y0 - h, own.nx + 2 * h, own.ny + 2 * h};
    int64_t ax0 = ext.x0 < 0 ? 0 : ext.x0, ay0 = ext.y0 < 0 ? 0 : ext.y0;
    int64_t ax1 = ext.x0 + ext.nx > g.nx ? g.nx : ext.x0 + ext.nx, ay1 = ext.y0 + ext.ny > g.ny ? g.ny : ext.y0 + ext.ny;
    sx_window_t rd = {ax0, ay0, ax1 - ax0, ay1 - ay0};
    in = malloc((size_t)(ext.nx * ext.ny + 1) * sizeof *in);
    out = malloc((size_t)(own.nx * own.ny + 1) * sizeof *out);
    if (!in || !out) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for a block of %lld cells",
                                      (long long)(ext.nx * ext.ny));
    for (int64_t i = 0; !err && i < ext.nx * ext.ny; i++) in[i] = NAN;
    if (!err && own.nx > 0 && own.ny > 0) {
        sx_perf_start("rs speckle: read", SX_PERF_READ);
        err = sx_layer_read_f64(r, o->band, &g, rd, ext, in);
        sx_perf_stop("rs speckle: read");
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_log_info("rs speckle: %s %dx%d%s over %lld x %lld cells", fname[o->filter], o->size, o->size,
                o->filter == SX_SPECKLE_LEE ? " (Lee 1980)" : o->filter == SX_SPECKLE_REFINED_LEE ? " (Lee 1981)" : "", (long long)g.nx, (long long)g.ny);
    sx_perf_start("rs speckle: compute", SX_PERF_COMPUTE);
#pragma omp parallel
    {
        double v[31 * 31];
#pragma omp for schedule(static)
        for (int64_t j = 0; j < own.ny; j++)
            for (int64_t i = 0; i < own.nx; i++) {
                if (o->filter == SX_SPECKLE_REFINED_LEE) {
                    out[j * own.nx + i] = (float)refined_lee(in + j * ext.nx + i, ext.nx, o->looks);
                    continue;
                }
                int n = 0;
                for (int dy = 0; dy < o->size; dy++) {
                    const double *row = in + (j + dy) * ext.nx + i;
                    for (int dx = 0; dx < o->size; dx++)
                        if (!isnan(row[dx])) v[n++] = row[dx];
                }
                out[j * own.nx + i] = (float)filter_cell(o, v, n, in[(j + h) * ext.nx + i + h]);
            }
    }
    sx_perf_stop("rs speckle: compute");
    {
        sx_strbuf_t sb;
        sx_strbuf_init(&sb);
        sx__rs_json_extend(&sb, o->provenance);
        sx_strbuf_printf(&sb, "\"speckle\":{\"filter\":\"%s\",\"size\":%d", fname[o->filter], o->size);
        if (o->filter == SX_SPECKLE_LEE) sx_strbuf_printf(&sb, ",\"looks\":%.17g,\"reference\":\"Lee 1980, "
                                                          "doi:10.1109/TPAMI.1980.4766994\"", o->looks);
        if (o->filter == SX_SPECKLE_REFINED_LEE)
            sx_strbuf_printf(&sb, ",\"looks\":%.17g,\"reference\":\"Lee 1981, doi:10.1016/S0146-664X(81)80018-4\"",
                             o->looks);
        sx_strbuf_puts(&sb, ",\"input\":");
        sx_strbuf_json_string(&sb, o->input);
        sx_strbuf_puts(&sb, "}}");
        if (sb.failed) {
            sx_strbuf_fini(&sb);
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot build the provenance record");
        } else {
            prov = sb.data;
        }
    }
    if (!err) {
        char ln[96];
        snprintf(ln, sizeof ln, "%s speckle filter %dx%d", fname[o->filter], o->size, o->size);
        g.dtype = SX_DT_FLOAT32;
        g.has_nodata = 1;
        g.nodata = NAN;
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "speckle", ln, "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE", prov};
        err = sx_layer_write(comm, &g, own, out, own.nx, &lo);
    }
done:
    free(prov);
    free(in);
    free(out);
    sx_decomp_fini(&d);
    sx_grid_fini(&g);
    sx_raster_close(&r);
    return err;
}
