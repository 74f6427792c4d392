/*
 * fill_dist.c — parallel Priority-Flood depression filling (Barnes 2016,
 * doi:10.1016/j.cageo.2016.07.001) over a block decomposition.
 *
 * Phase 1 (each rank, its block only): Priority-Flood from every block
 * perimeter cell and every outlet (grid edge; data next to nodata unless
 * nodata are walls), in the one-pass form of Zhou, Sun & Fu (2016) (see
 * flood_block). A seed popped without a label starts a new watershed
 * label; flooding spreads labels and raises cells to the local spill level.
 * Where two labels meet, an edge (a, b, max(z_a, z_b)) of the spill graph is
 * kept; an outlet seed links its label to the outside (label 0) at its own
 * elevation. Across block edges the one-cell halo of labels gives the edges
 * (p, q, max(z_p, z_q)) between perimeter cells (which are never raised).
 * Phase 2 (rank 0): the graph, O(block perimeters), is gathered and flooded
 * from label 0 with a minimax priority queue, giving each label the lowest
 * level at which it can drain out. Phase 3: each cell becomes
 * max(local level, spill of its label). Cells never reached (walled in by
 * nodata) keep their elevation, as in the serial fill.
 *
 * The filled surface is the unique minimum drainable surface, made only by
 * comparisons of input values, so it equals sx_dem_fill_serial (without
 * epsilon) bit for bit at any rank count and block size; the MPI tests check
 * this. Memory per rank: the block with a one-cell halo (z 8 B, labels 8 B,
 * level 8 B per cell), the pit and trace FIFOs (8 B per cell in flight) and
 * the heap (24 B per seed or spill cell); rank 0 also holds the graph.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

typedef struct {
    int64_t a, b;
    double w;
} edge_t;

typedef struct {
    edge_t *e;
    int64_t n, cap;
} edges_t;

static sx_err edge_add(edges_t *es, int64_t a, int64_t b, double w)
{
    if (a > b) {
        int64_t t = a;
        a = b;
        b = t;
    }
    /* a label boundary is met cell after cell: keep one edge per run */
    if (es->n > 0 && es->e[es->n - 1].a == a && es->e[es->n - 1].b == b) {
        if (w < es->e[es->n - 1].w) es->e[es->n - 1].w = w;
        return SX_OK;
    }
    if (es->n == es->cap) {
        int64_t cap = es->cap ? 2 * es->cap : 1024;
        edge_t *e = realloc(es->e, (size_t)cap * sizeof *e);
        SX_FAIL_IF(!e, SX_ERR_NOMEM, "cannot grow the spill graph to %lld edges", (long long)cap);
        es->e = e;
        es->cap = cap;
    }
    es->e[es->n++] = (edge_t){a, b, w};
    return SX_OK;
}

static int edge_cmp(const void *pa, const void *pb)
{
    const edge_t *x = pa, *y = pb;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    if (x->b != y->b) return x->b < y->b ? -1 : 1;
    return (x->w > y->w) - (x->w < y->w);
}

/* Keep the lowest edge of each label pair. */
static void edges_unique(edges_t *es)
{
    if (es->n == 0) return;
    qsort(es->e, (size_t)es->n, sizeof *es->e, edge_cmp);
    int64_t m = 1;
    for (int64_t i = 1; i < es->n; i++)
        if (es->e[i].a != es->e[m - 1].a || es->e[i].b != es->e[m - 1].b) es->e[m++] = es->e[i];
    es->n = m;
}

/* Phase 1 on one block: Priority-Flood in the one-pass form of Zhou, Sun &
 * Fu (2016, doi:10.1016/j.cageo.2016.02.021). Only seeds and possible spill
 * cells pass through the priority queue: a cell popped at level lv claims its
 * unlabelled neighbours, raising those <= lv to lv (pit FIFO, Barnes 2014
 * Alg. 2) and tracing the higher ones uphill with a plain FIFO (a cell higher
 * than a claimed neighbour keeps its elevation, whatever the order). A traced
 * cell with an unclaimed neighbour not above it may be a spill point and is
 * queued at its elevation. Levels are the unique local fill, so they are the
 * same as with the all-heap flood; labels differ, but every label region
 * is a tree whose levels fall towards its seed and every meeting of two
 * labels is an edge, which is all phase 2 needs. lab and z are over ext;
 * level over own. Labels are local (1..*nlab); label 0 is the outside. */
typedef struct {
    sx_window_t ext, own;
    int64_t ox, oy; /* own origin inside ext */
    const double *z;
    int64_t *lab;
    double *level;
    edges_t *es;
    sx__fifo_t pit, trace;
    sx__heap_t pq;
} flood_t;

static inline int64_t own_index(const flood_t *f, int64_t e)
{
    return (e / f->ext.nx - f->oy) * f->own.nx + e % f->ext.nx - f->ox;
}

/* Visit the neighbours of the labelled cell c at level lv: record label
 * edges and claim unlabelled data neighbours. From a traced cell only higher
 * neighbours are claimed; a lower one makes c a spill candidate (queued). */
static sx_err scan(flood_t *f, int64_t c, double lv, int traced)
{
    int queued = 0;
    int64_t enx = f->ext.nx, ci = c % enx - f->ox, cj = c / enx - f->oy; /* own coordinates of c */
    for (int k = 0; k < 8; k++) {
        int64_t mi = ci + sx_d8_dx[k], mj = cj + sx_d8_dy[k];
        if (mi < 0 || mj < 0 || mi >= f->own.nx || mj >= f->own.ny) continue; /* outside the own block */
        int64_t m = c + sx_d8_dy[k] * enx + sx_d8_dx[k], om = mj * f->own.nx + mi;
        if (isnan(f->z[m])) continue;
        if (f->lab[m] != 0) {
            if (f->lab[m] != f->lab[c]) SX_CHECK(edge_add(f->es, f->lab[c], f->lab[m], fmax(lv, f->level[om])));
            continue;
        }
        if (f->z[m] > lv) {
            f->lab[m] = f->lab[c];
            SX_CHECK(sx__fifo_push(&f->trace, m));
        } else if (traced) {
            if (!queued) SX_CHECK(sx__heap_push(&f->pq, lv, c));
            queued = 1;
        } else {
            f->lab[m] = f->lab[c];
            f->level[om] = lv;
            SX_CHECK(sx__fifo_push(&f->pit, m));
        }
    }
    return SX_OK;
}

static sx_err flood_block(const sx_decomp_t *d, sx_window_t ext, const double *z, int walls, int64_t *lab,
                          double *level, edges_t *es, int64_t *nlab)
{
    sx_window_t own = d->own;
    sx_err err = SX_OK;
    flood_t f = {.ext = ext, .own = own, .ox = own.x0 - ext.x0, .oy = own.y0 - ext.y0, .z = z, .lab = lab,
                 .level = level, .es = es};
    *nlab = 0;
    for (int64_t j = 0; j < own.ny && err == SX_OK; j++)
        for (int64_t i = 0; i < own.nx && err == SX_OK; i++) {
            int64_t e = (f.oy + j) * ext.nx + f.ox + i;
            level[j * own.nx + i] = z[e];
            if (isnan(z[e])) continue;
            int seed = i == 0 || j == 0 || i == own.nx - 1 || j == own.ny - 1;
            for (int k = 0; k < 8 && !seed && !walls; k++) seed = isnan(z[sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy)]);
            if (seed) err = sx__heap_push(&f.pq, z[e], e);
        }
    while (f.pq.n > 0 && err == SX_OK) {
        int64_t c = sx__heap_pop(&f.pq).cell;
        int64_t gi = ext.x0 + c % ext.nx, gj = ext.y0 + c / ext.nx;
        double lv = level[own_index(&f, c)];
        if (lab[c] == 0) lab[c] = ++*nlab;
        /* An outlet links its label to the outside, also when another seed's
         * flood labelled it before it was popped. */
        int outlet = gi == 0 || gj == 0 || gi == d->gnx - 1 || gj == d->gny - 1;
        for (int k = 0; k < 8 && !outlet && !walls; k++)
            outlet = isnan(z[sx__ext_neighbour(ext, c, k, sx_d8_dx, sx_d8_dy)]);
        if (outlet) err = edge_add(es, lab[c], 0, lv);
        if (err == SX_OK) err = scan(&f, c, lv, 0);
        while (err == SX_OK && !sx__fifo_empty(&f.pit)) err = scan(&f, sx__fifo_pop(&f.pit), lv, 0);
        while (err == SX_OK && !sx__fifo_empty(&f.trace)) {
            int64_t t = sx__fifo_pop(&f.trace);
            err = scan(&f, t, z[t], 1);
        }
    }
    sx__heap_free(&f.pq);
    sx__fifo_free(&f.pit);
    sx__fifo_free(&f.trace);
    return err;
}

/* Phase 2 on rank 0: minimax flood of the label graph from label 0. */
static sx_err solve_graph(edge_t *e, int64_t ne, int64_t nl, double *spill)
{
    sx_err err = SX_OK;
    int64_t *start = NULL, *adj = NULL;
    uint8_t *done = NULL;
    sx__heap_t pq = {0};
    SX_ALLOC(start, nl + 2, "the spill graph index");
    adj = malloc((size_t)(2 * ne > 0 ? 2 * ne : 1) * sizeof *adj);
    done = calloc((size_t)nl + 1, 1);
    if (!adj || !done) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the spill graph (%lld edges)", (long long)ne);
        goto done;
    }
    for (int64_t i = 0; i < ne; i++) {
        start[e[i].a + 1]++;
        start[e[i].b + 1]++;
    }
    for (int64_t l = 0; l <= nl; l++) start[l + 1] += start[l];
    {
        int64_t *fill = calloc((size_t)nl + 1, sizeof *fill);
        if (!fill) {
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the spill graph index");
            goto done;
        }
        for (int64_t i = 0; i < ne; i++) {
            adj[start[e[i].a] + fill[e[i].a]++] = i;
            adj[start[e[i].b] + fill[e[i].b]++] = i;
        }
        free(fill);
    }
    for (int64_t l = 0; l <= nl; l++) spill[l] = INFINITY;
    spill[0] = -INFINITY;
    err = sx__heap_push(&pq, -INFINITY, 0);
    while (pq.n > 0 && err == SX_OK) {
        sx__hnode_t top = sx__heap_pop(&pq);
        int64_t l = top.cell;
        if (done[l]) continue;
        done[l] = 1;
        for (int64_t x = start[l]; x < start[l + 1] && err == SX_OK; x++) {
            const edge_t *ed = &e[adj[x]];
            int64_t m = ed->a == l ? ed->b : ed->a;
            double s = fmax(spill[l], ed->w);
            if (!done[m] && s < spill[m]) {
                spill[m] = s;
                err = sx__heap_push(&pq, s, m);
            }
        }
    }
done:
    sx__heap_free(&pq);
    free(start);
    free(adj);
    free(done);
    return err;
}

sx_err sx_dem_fill_dist(const sx_decomp_t *d, double *zown, int walls)
{
    sx_err err = SX_OK;
    sx_halo_t *hz = NULL, *hl = NULL;
    double *z = NULL, *level = NULL, *spill = NULL, *allspill = NULL;
    int64_t *lab = NULL;
    edges_t es = {0};
    edge_t *all = NULL;
    int *counts = NULL, *displs = NULL;
    MPI_Comm comm = d->comm;
    sx_window_t own = d->own;

    SX_CHECK(sx_halo_create(d, 1, sizeof(double), &hz));
    err = sx_halo_create(d, 1, sizeof(int64_t), &hl);
    sx_window_t ext = sx_halo_extended(hz);
    int64_t n = sx_window_cells(ext), no = sx_window_cells(own);
    if (err == SX_OK) {
        z = malloc((size_t)(n ? n : 1) * sizeof *z);
        lab = calloc((size_t)(n ? n : 1), sizeof *lab);
        level = malloc((size_t)(no ? no : 1) * sizeof *level);
        if (!z || !lab || !level)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the fill block (%lld cells)", (long long)n);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t e = 0; e < n; e++) z[e] = NAN;
    sx__own_to_ext(ext, own, zown, z, sizeof *z);
    SX_CHECK_GOTO(sx_halo_exchange(hz, z), err, done);

    int64_t nlab = 0;
    err = flood_block(d, ext, z, walls, lab, level, &es, &nlab);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* local labels -> global: offset by the labels of lower ranks */
    int64_t off = 0;
    SX_CHECK_GOTO(sx_err_agree(comm, MPI_Exscan(&nlab, &off, 1, MPI_INT64_T, MPI_SUM, comm) == MPI_SUCCESS
                                         ? SX_OK
                                         : sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Exscan failed")),
                  err, done);
    if (d->rank == 0) off = 0;
    for (int64_t e = 0; e < n; e++)
        if (lab[e]) lab[e] += off;
    for (int64_t i = 0; i < es.n; i++) {
        if (es.e[i].a) es.e[i].a += off;
        if (es.e[i].b) es.e[i].b += off;
    }
    SX_CHECK_GOTO(sx_halo_exchange(hl, lab), err, done);
    /* edges across block edges: perimeter cell p to halo cell q, added by the smaller label */
    for (int64_t e = 0; e < n && err == SX_OK; e++) {
        if (!lab[e] || !sx__in_own(ext, own, e)) continue;
        for (int k = 0; k < 8 && err == SX_OK; k++) {
            int64_t q = sx__ext_neighbour(ext, e, k, sx_d8_dx, sx_d8_dy);
            if (q < 0 || sx__in_own(ext, own, q) || !lab[q] || lab[e] > lab[q]) continue;
            err = edge_add(&es, lab[e], lab[q], fmax(z[e], z[q]));
        }
    }
    if (err == SX_OK) edges_unique(&es);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* gather the graph on rank 0 */
    int nb = 0;
    SX_CHECK_GOTO(sx_err_agree(comm, sx_mpi_count(es.n * (int64_t)sizeof(edge_t), &nb)), err, done);
    int64_t total = off + nlab, nl = 0;
    MPI_Allreduce(&nlab, &nl, 1, MPI_INT64_T, MPI_SUM, comm);
    (void)total;
    if (d->rank == 0) {
        counts = calloc((size_t)d->size, sizeof *counts);
        displs = calloc((size_t)d->size, sizeof *displs);
    }
    MPI_Gather(&nb, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
    int64_t allbytes = 0;
    if (d->rank == 0) {
        for (int r = 0; r < d->size; r++) {
            if (allbytes > INT32_MAX) break;
            displs[r] = (int)allbytes;
            allbytes += counts[r];
        }
        if (allbytes > INT32_MAX)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                             "the spill graph (%lld bytes) is too large for one gather; use fewer, larger blocks",
                             (long long)allbytes);
        else {
            all = malloc((size_t)(allbytes ? allbytes : 1));
            spill = malloc((size_t)(nl + 1) * sizeof *spill);
            if (!all || !spill)
                err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the spill graph (%lld bytes)",
                                 (long long)allbytes);
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    MPI_Gatherv(es.e, nb, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, comm);
    if (d->rank == 0) err = solve_graph(all, allbytes / (int64_t)sizeof(edge_t), nl, spill);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* hand each rank the spill levels of its labels */
    allspill = malloc((size_t)(nlab + 1) * sizeof *allspill);
    SX_CHECK_GOTO(sx_err_agree(comm, allspill ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "spill levels")),
                  err, done);
    int cnt = 0;
    SX_CHECK_GOTO(sx_err_agree(comm, sx_mpi_count(nlab, &cnt)), err, done);
    int64_t off1 = off + 1;
    if (d->rank == 0) {
        int64_t *offs = malloc((size_t)d->size * sizeof *offs);
        MPI_Gather(&off1, 1, MPI_INT64_T, offs, 1, MPI_INT64_T, 0, comm);
        MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, comm);
        for (int r = 0; r < d->size; r++) displs[r] = (int)offs[r]; /* checked: nl fits via counts */
        free(offs);
    } else {
        MPI_Gather(&off1, 1, MPI_INT64_T, NULL, 1, MPI_INT64_T, 0, comm);
        MPI_Gather(&cnt, 1, MPI_INT, NULL, 1, MPI_INT, 0, comm);
    }
    MPI_Scatterv(spill, counts, displs, MPI_DOUBLE, allspill, cnt, MPI_DOUBLE, 0, comm);

    for (int64_t j = 0; j < own.ny; j++)
        for (int64_t i = 0; i < own.nx; i++) {
            int64_t e = (own.y0 - ext.y0 + j) * ext.nx + own.x0 - ext.x0 + i, o = j * own.nx + i;
            if (!lab[e]) continue; /* nodata, or walled in: unchanged */
            double s = allspill[lab[e] - off - 1];
            if (isinf(s) && s > 0) continue; /* no way out: keep the elevation */
            zown[o] = fmax(level[o], s);
        }
done:
    sx_halo_destroy(&hz);
    sx_halo_destroy(&hl);
    free(z);
    free(level);
    free(lab);
    free(es.e);
    free(all);
    free(spill);
    free(allspill);
    free(counts);
    free(displs);
    return err;
}
