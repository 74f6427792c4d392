/*
 * inflow_cells.c — where each inflow's discharge enters the grid: a point
 * inflow feeds the cell containing it; a line inflow (a polyline, e.g. a
 * river reach or a breached dyke) spreads its discharge over the cells the
 * line crosses, each getting the fraction (length of the line inside the
 * cell) / (length of the line).
 *
 * The lengths come from clipping each segment at every grid line it crosses
 * (the parameters where x or y is a multiple of the cell size, sorted; the
 * piece between two consecutive crossings lies in one cell, found from its
 * midpoint) — the exact cell traversal of Amanatides & Woo (1987, "A fast
 * voxel traversal algorithm", Eurographics '87), written as a sort. Every
 * rank computes the whole list for every inflow in the same order and keeps
 * the entries of its own cells, so a cell's weight and the order in which
 * inflows add to it do not depend on the rank count. A line that leaves the
 * grid, or a point or line on a DEM nodata cell, is an error naming the
 * inflow, the cell and the nearest data cell (the first such cell in raster
 * order and the nearest cell come from MPI reductions, so the message is the
 * same at any rank count).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_mpi.h"

typedef struct {
    int64_t cell; /* gj * nx + gi */
    double len;
    int64_t seq;  /* order along the line, for a stable merge */
} piece;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_piece(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    if (x->cell != y->cell) return x->cell < y->cell ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

typedef struct {
    piece *p;
    int64_t n, cap;
} piece_list;

static int push(piece_list *l, int64_t cell, double len)
{
    if (l->n == l->cap) {
        int64_t cap = l->cap ? 2 * l->cap : 64;
        piece *np = realloc(l->p, (size_t)cap * sizeof *np);
        if (!np) return 0;
        l->p = np;
        l->cap = cap;
    }
    l->p[l->n] = (piece){cell, len, l->n};
    l->n++;
    return 1;
}

/* Cells crossed by the polyline of `in` with their lengths (m), merged per
 * cell in ascending cell order. */
static sx_err line_pieces(const sx_f2d_t *m, const sx_f2d_inflow_t *in, piece_list *out)
{
    const double *gt = m->grid.gt;
    const double nx = (double)m->grid.nx, ny = (double)m->grid.ny;
    for (int64_t v = 0; v < in->npts; v++) {
        double x = in->xy[2 * v], y = in->xy[2 * v + 1];
        double fi = (x - gt[0]) / gt[1], fj = (y - gt[3]) / gt[5];
        SX_FAIL_IF(!(fi >= 0 && fi <= nx && fj >= 0 && fj <= ny), SX_ERR_INPUT,
                   "line inflow '%s': point %lld (x = %.3f, y = %.3f) lies outside the DEM (x %.3f .. %.3f, y %.3f .. "
                   "%.3f); the line must stay on the grid — give its points in the DEM's CRS",
                   in->name, (long long)v + 1, x, y, gt[0], gt[0] + gt[1] * nx, gt[3] + gt[5] * ny, gt[3]);
    }
    piece_list l = {0};
    double *s = NULL;
    sx_err err = SX_OK;
    for (int64_t v = 0; v + 1 < in->npts && err == SX_OK; v++) {
        double fi0 = (in->xy[2 * v] - gt[0]) / gt[1], fj0 = (in->xy[2 * v + 1] - gt[3]) / gt[5];
        double fi1 = (in->xy[2 * v + 2] - gt[0]) / gt[1], fj1 = (in->xy[2 * v + 3] - gt[3]) / gt[5];
        double len = hypot(in->xy[2 * v + 2] - in->xy[2 * v], in->xy[2 * v + 3] - in->xy[2 * v + 1]);
        if (!(len > 0)) continue;
        int64_t ia = (int64_t)floor(fmin(fi0, fi1)), ib = (int64_t)ceil(fmax(fi0, fi1));
        int64_t ja = (int64_t)floor(fmin(fj0, fj1)), jb = (int64_t)ceil(fmax(fj0, fj1));
        int64_t ns = 2 + (ib - ia + 1) + (jb - ja + 1), k = 0;
        double *ns_p = realloc(s, (size_t)ns * sizeof *s);
        if (!ns_p) {
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory tracing line inflow '%s'", in->name);
            break;
        }
        s = ns_p;
        s[k++] = 0.0;
        s[k++] = 1.0;
        for (int64_t i = ia; fi1 != fi0 && i <= ib; i++) {
            double t = ((double)i - fi0) / (fi1 - fi0);
            if (t > 0 && t < 1) s[k++] = t;
        }
        for (int64_t j = ja; fj1 != fj0 && j <= jb; j++) {
            double t = ((double)j - fj0) / (fj1 - fj0);
            if (t > 0 && t < 1) s[k++] = t;
        }
        qsort(s, (size_t)k, sizeof *s, cmp_double);
        for (int64_t e = 0; e + 1 < k; e++) {
            if (!(s[e + 1] > s[e])) continue;
            double tm = 0.5 * (s[e] + s[e + 1]);
            int64_t gi = (int64_t)floor(fi0 + tm * (fi1 - fi0)), gj = (int64_t)floor(fj0 + tm * (fj1 - fj0));
            if (gi >= m->grid.nx) gi = m->grid.nx - 1;
            if (gj >= m->grid.ny) gj = m->grid.ny - 1;
            if (!push(&l, gj * m->grid.nx + gi, (s[e + 1] - s[e]) * len)) {
                err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory tracing line inflow '%s'", in->name);
                break;
            }
        }
    }
    free(s);
    if (err == SX_OK && l.n == 0)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "line inflow '%s' has zero length; give at least two distinct points",
                         in->name);
    if (err != SX_OK) {
        free(l.p);
        return err;
    }
    qsort(l.p, (size_t)l.n, sizeof *l.p, cmp_piece);
    int64_t w = 0;
    for (int64_t r = 0; r < l.n; r++) {
        if (w > 0 && l.p[w - 1].cell == l.p[r].cell) l.p[w - 1].len += l.p[r].len;
        else l.p[w++] = l.p[r];
    }
    l.n = w;
    *out = l;
    return SX_OK;
}

/* Point inflow: the one cell containing the point. */
static sx_err point_piece(const sx_f2d_t *m, const sx_f2d_inflow_t *in, piece_list *out)
{
    const double *gt = m->grid.gt;
    double fi = (in->x - gt[0]) / gt[1], fj = (in->y - gt[3]) / gt[5];
    SX_FAIL_IF(!(fi >= 0 && fi < (double)m->grid.nx && fj >= 0 && fj < (double)m->grid.ny), SX_ERR_INPUT,
               "inflow '%s' at x = %.3f, y = %.3f lies outside the DEM (x %.3f .. %.3f, y %.3f .. %.3f); give its "
               "coordinates in the DEM's CRS",
               in->name, in->x, in->y, gt[0], gt[0] + gt[1] * (double)m->grid.nx, gt[3] + gt[5] * (double)m->grid.ny,
               gt[3]);
    out->p = malloc(sizeof *out->p);
    SX_FAIL_IF(!out->p, SX_ERR_NOMEM, "out of memory");
    out->p[0] = (piece){(int64_t)fj * m->grid.nx + (int64_t)fi, 1.0, 0};
    out->n = out->cap = 1;
    return SX_OK;
}

/* Keep the pieces of own cells as (ce index, weight); *bad gets the first
 * (lowest) cell of the inflow on a DEM nodata cell, if any. */
static sx_err keep_own(sx_f2d_t *m, int k, const piece_list *l, int64_t *cap, int64_t *bad)
{
    const sx_f2d_inflow_t *in = &m->p.inflows[k];
    double total = 0;
    for (int64_t r = 0; r < l->n; r++) total += l->p[r].len;
    for (int64_t r = 0; r < l->n; r++) {
        int64_t gi = l->p[r].cell % m->grid.nx, gj = l->p[r].cell / m->grid.nx;
        if (gi < m->own.x0 || gi >= m->own.x0 + m->own.nx || gj < m->own.y0 || gj >= m->own.y0 + m->own.ny) continue;
        int64_t c = sx__f2d_ci(m, gi, gj);
        if (isnan(m->z[c])) {
            if (l->p[r].cell < *bad) *bad = l->p[r].cell;
            continue;
        }
        int64_t e = m->inflow_off[k + 1];
        if (e == *cap) {
            int64_t nc = 2 * *cap + 16;
            int64_t *a = realloc(m->inflow_c, (size_t)nc * sizeof *a);
            if (a) m->inflow_c = a;
            double *b = realloc(m->inflow_w, (size_t)nc * sizeof *b);
            if (b) m->inflow_w = b;
            SX_FAIL_IF(!a || !b, SX_ERR_NOMEM, "out of memory placing inflow '%s'", in->name);
            *cap = nc;
        }
        m->inflow_c[e] = c;
        m->inflow_w[e] = l->n == 1 ? 1.0 : l->p[r].len / total;
        m->inflow_off[k + 1]++;
    }
    return SX_OK;
}

/* The data cell nearest to cell `bad` (squared distance in cells, ties to the
 * lowest cell number), over all ranks. Collective. */
static sx_err nearest_data_cell(const sx_f2d_t *m, int64_t bad, int64_t *best)
{
    const int64_t gnx = m->grid.nx, bi = bad % gnx, bj = bad / gnx;
    int64_t d2 = INT64_MAX, cell = INT64_MAX, gd2;
    for (int64_t gj = m->own.y0; gj < m->own.y0 + m->own.ny; gj++)
        for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++) {
            if (isnan(m->z[sx__f2d_ci(m, gi, gj)])) continue;
            int64_t d = (gi - bi) * (gi - bi) + (gj - bj) * (gj - bj);
            if (d < d2 || (d == d2 && gj * gnx + gi < cell)) {
                d2 = d;
                cell = gj * gnx + gi;
            }
        }
    SX_CHECK_MPI(MPI_Allreduce(&d2, &gd2, 1, MPI_INT64_T, MPI_MIN, m->comm));
    if (d2 != gd2) cell = INT64_MAX;
    SX_CHECK_MPI(MPI_Allreduce(&cell, best, 1, MPI_INT64_T, MPI_MIN, m->comm));
    return SX_OK;
}

/* An inflow on a DEM nodata cell: a message naming the cell and the nearest
 * data cell, the same on every rank. Collective. */
static sx_err on_nodata(const sx_f2d_t *m, int k, int64_t bad)
{
    const sx_f2d_inflow_t *in = &m->p.inflows[k];
    const sx_grid_t *g = &m->grid;
    int64_t near;
    SX_CHECK(nearest_data_cell(m, bad, &near)); /* the DEM has a data cell (sx__f2d_check_dem) */
    int64_t bi = bad % g->nx, bj = bad / g->nx, ni = near % g->nx, nj = near / g->nx;
    char nearest[160];
    snprintf(nearest, sizeof nearest, "the nearest data cell is column %lld, row %lld (x = %.3f, y = %.3f)",
             (long long)ni, (long long)nj, sx_grid_x_center(g, ni), sx_grid_y_center(g, nj));
    if (in->npts >= 2)
        SX_FAIL(SX_ERR_INPUT,
                "line inflow '%s' crosses a nodata cell of the DEM '%s' at column %lld, row %lld (x = %.3f, y = %.3f); "
                "nodata cells are walls: route the line around them (%s) or give the DEM a value there",
                in->name, m->p.dem, (long long)bi, (long long)bj, sx_grid_x_center(g, bi), sx_grid_y_center(g, bj),
                nearest);
    SX_FAIL(SX_ERR_INPUT,
            "inflow '%s' at x = %.3f, y = %.3f falls on a nodata cell of the DEM '%s' (column %lld, row %lld); move it "
            "onto the channel: %s",
            in->name, in->x, in->y, m->p.dem, (long long)bi, (long long)bj, nearest);
}

/* The inflow cells of each own row, for the sweep: a counting sort by row
 * that keeps the order of inflow k, then entry e, within a row (so a cell fed
 * by several inflows receives them in inflow order, as before). */
static sx_err index_rows(sx_f2d_t *m)
{
    const int n = m->p.ninflows;
    const int64_t ny = m->own.ny, ne = m->inflow_off[n], cnx = m->ce.nx;
    SX_ALLOC(m->inflow_row_off, ny + 1, "inflow rows");
    SX_ALLOC(m->inflow_rows, ne > 0 ? ne : 1, "inflow rows");
    SX_ALLOC(m->inflow_qdt, n > 0 ? n : 1, "inflow discharges");
    for (int64_t e = 0; e < ne; e++) m->inflow_row_off[m->inflow_c[e] / cnx + m->ce.y0 - m->own.y0 + 1]++;
    for (int64_t r = 0; r < ny; r++) m->inflow_row_off[r + 1] += m->inflow_row_off[r];
    int64_t *fill = NULL;
    SX_ALLOC(fill, ny > 0 ? ny : 1, "inflow rows");
    for (int k = 0; k < n; k++)
        for (int64_t e = m->inflow_off[k]; e < m->inflow_off[k + 1]; e++) {
            int64_t r = m->inflow_c[e] / cnx + m->ce.y0 - m->own.y0;
            m->inflow_rows[m->inflow_row_off[r] + fill[r]++] =
                (sx__f2d_inrow_t){m->inflow_c[e] % cnx + m->ce.x0, k, m->inflow_w[e]};
        }
    free(fill);
    return SX_OK;
}

static sx_err first_bad_over_ranks(MPI_Comm comm, const int64_t *bad, int64_t *gbad, int n)
{
    SX_CHECK_MPI(MPI_Allreduce(bad, gbad, n, MPI_INT64_T, MPI_MIN, comm));
    return SX_OK;
}

sx_err sx__f2d_setup_inflows(sx_f2d_t *m)
{
    const int n = m->p.ninflows;
    SX_ALLOC(m->inflow_off, n + 1, "inflow cells");
    int64_t *bad = NULL, *gbad = NULL;
    SX_ALLOC(bad, 2 * (n + 1), "inflow checks");
    gbad = bad + n + 1;
    m->inflow_off[0] = 0;
    int64_t cap = 0;
    sx_err err = SX_OK;
    for (int k = 0; k < n && err == SX_OK; k++) {
        const sx_f2d_inflow_t *in = &m->p.inflows[k];
        piece_list l = {0};
        m->inflow_off[k + 1] = m->inflow_off[k];
        bad[k] = INT64_MAX;
        err = in->npts >= 2 ? line_pieces(m, in, &l) : point_piece(m, in, &l);
        if (err == SX_OK) err = keep_own(m, k, &l, &cap, &bad[k]);
        free(l.p);
    }
    err = sx_err_agree(m->comm, err);
    if (err == SX_OK && n > 0) {
        err = first_bad_over_ranks(m->comm, bad, gbad, n);
        for (int k = 0; k < n && err == SX_OK; k++)
            if (gbad[k] != INT64_MAX) err = on_nodata(m, k, gbad[k]);
    }
    free(bad);
    if (err == SX_OK) err = sx_err_agree(m->comm, index_rows(m));
    return err;
}
