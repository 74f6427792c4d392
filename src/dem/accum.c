/*
 * accum.c — flow accumulation in O(n) by dependency counting (Barnes 2017,
 * doi:10.1016/j.envsoft.2017.02.022; also RichDEM's and TauDEM's sweep), for
 * D8, D-infinity and MFD routing, over a block decomposition.
 *
 * Each own cell counts the neighbours that send it flow (a bit mask of
 * them, so the count is its population). Cells nobody flows into start; a
 * cell whose count reaches zero pulls acc = w + share x acc of every inflowing
 * neighbour in the fixed order W..SW and releases the cells it flows into; a
 * stack of released cells replaces any priority queue. Pulling in a fixed
 * order (instead of pushing as cells finish) makes floating-point sums
 * independent of the visiting order, hence of the ranks and block sizes;
 * cell counts are integers in float64, exact to 2^53.
 * Across blocks: each round finishes whatever is ready in the block, then the
 * halo of acc (NaN = not final) and of the edge flags is exchanged, and halo
 * cells that became final release the own cells they flow into. Traffic per
 * round is the block perimeter. (Barnes 2017 sends each block's perimeter
 * links to one rank and adds the inflow afterwards, in one exchange; that
 * reorders floating-point sums, so rounds are used here to keep weighted
 * results bit-identical.) A round in which no rank finishes a cell while
 * cells remain means the directions contain a cycle: an input error naming a
 * cell on it (accum_cycle.c).
 * The same sweep gives Strahler (1957) stream orders (sx_dem_strahler_dist).
 * Memory per cell of the block: acc 8 + inflow mask 1 + count 1 + edge 1 B,
 * plus the directions (D8 1 B; D-infinity angles 4 B; MFD the DEM, D8
 * directions and the partition sums, see flow_multi.c) and the stack (4 B per
 * cell in it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/accum_internal.h"
#include "dem/cellq.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_mpi.h"

/* Strahler (1957) order of a stream cell from its upstream stream cells'
 * orders: 1 at a source; the highest incoming order, plus one where two or
 * more streams of that order meet. Non-stream cells carry 0. */
static double strahler(double mx, int nmx)
{
    return mx == 0 ? 1 : (nmx >= 2 ? mx + 1 : mx);
}

static inline double weight(const sx__flow_t *F, int64_t c)
{
    if (!F->w) return 1.0;
    return F->wt == SX_DT_FLOAT32 ? (double)((const float *)F->w)[c] : ((const double *)F->w)[c];
}

/* One neighbour's pass of the D8 inflow count over a row of own cells:
 * branch-free byte lanes, vectorised. */
SX__VECTORISE static void count_pass_d8(const uint8_t *restrict dn, int64_t nx, uint8_t rk, uint8_t bit,
                                        uint8_t *restrict mask, uint8_t *restrict cnt, uint8_t *restrict edge)
{
    for (int64_t i = 0; i < nx; i++) {
        uint8_t in = dn[i] == rk;
        mask[i] |= in ? bit : 0;
        cnt[i] += in;
        edge[i] |= dn[i] == SX_D8_NODATA;
    }
}

/* D8 inflow masks, counts and edge flags of one row of own cells (dir at
 * frame index c0, row stride w). */
static void count_row_d8(const uint8_t *dir, int64_t c0, int64_t nx, int64_t w, uint8_t *mask, uint8_t *cnt,
                         uint8_t *edge)
{
    memset(mask + c0, 0, (size_t)nx);
    memset(cnt + c0, 0, (size_t)nx);
    memset(edge, 0, (size_t)nx);
    for (int k = 0; k < 8; k++)
        count_pass_d8(dir + c0 + sx_d8_dy[k] * w + sx_d8_dx[k], nx, (uint8_t)((k + 4) & 7), (uint8_t)(1u << k),
                      mask + c0, cnt + c0, edge);
}

static const uint8_t popcount8[256] = {
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
    B6(0), B6(1), B6(1), B6(2)
#undef B2
#undef B4
#undef B6
};

/* Inflow masks and counts of the own data cells; edge flags where the cell
 * is on the grid edge or next to nodata. */
static sx_err count_inflows(const sx__flow_t *F, uint8_t *mask, uint8_t *cnt, uint8_t *edge)
{
    const sx__pad_t *p = F->p;
    const uint8_t *dir = F->dir;
    int failed = 0;
#pragma omp parallel
    {
        uint8_t *e = malloc((size_t)(p->own.nx ? p->own.nx : 1));
        if (!e) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(static)
        for (int64_t j = 0; j < p->own.ny; j++) {
            int64_t c0 = sx__pad_at(p, 0, j), gj = p->own.y0 + j;
            if (!e) continue;
            if (F->method == SX_FLOW_D8) {
                count_row_d8(dir, c0, p->own.nx, p->w, mask, cnt, e);
            } else {
                for (int64_t i = 0; i < p->own.nx; i++) {
                    int64_t c = c0 + i;
                    uint8_t m = 0, ee = 0;
                    for (int k = 0; k < 8; k++) {
                        int64_t n = c + p->off[k];
                        ee |= dir[n] == SX_D8_NODATA;
                        m |= (uint8_t)((dir[n] != SX_D8_NODATA && sx__flow_share(F, n, (k + 4) & 7) > 0) << k);
                    }
                    mask[c] = m;
                    cnt[c] = popcount8[m];
                    e[i] = ee;
                }
            }
            for (int64_t i = 0; i < p->own.nx; i++) {
                int64_t c = c0 + i, gi = p->own.x0 + i;
                if (dir[c] == SX_D8_NODATA) { /* nodata: no inflow, no flag */
                    mask[c] = cnt[c] = 0;
                    if (edge) edge[c] = 0;
                } else if (edge) {
                    edge[c] = e[i] || gi == 0 || gj == 0 || gi == p->gnx - 1 || gj == p->gny - 1;
                }
            }
        }
        free(e);
    }
    SX_FAIL_IF(failed, SX_ERR_NOMEM, "cannot allocate a row of %lld flags", (long long)p->own.nx);
    return SX_OK;
}

/* Finish cell c: pull its inflows, then release the own cells it flows into. */
static inline sx_err finish(const sx__flow_t *F, const uint8_t *mask, uint8_t *cnt, const uint8_t *st, double *acc,
                            uint8_t *edge, int64_t c, sx__q32_t *stack)
{
    const sx__pad_t *p = F->p;
    double a = weight(F, c), mx = 0;
    int nmx = 0;
    uint8_t e = edge ? edge[c] : 0, m = mask[c];
    for (int k = 0; m; k++, m >>= 1) {
        if (!(m & 1)) continue;
        int64_t n = c + p->off[k];
        double v = acc[n];
        if (F->method == SX_FLOW_D8) a += v;
        else a += sx__flow_share(F, n, (k + 4) & 7) * v;
        if (edge) e |= edge[n];
        if (F->strahler) {
            if (v > mx) {
                mx = v;
                nmx = 1;
            } else if (v == mx && mx > 0) {
                nmx++;
            }
        }
    }
    if (F->strahler) a = weight(F, c) > 0 ? strahler(mx, nmx) : 0;
    acc[c] = a;
    if (edge) edge[c] = e;
    if (F->method == SX_FLOW_D8) { /* one receiver */
        uint8_t k = F->dir[c];
        if (k < 8) {
            int64_t t = c + p->off[k];
            if (!st[t] && F->dir[t] != SX_D8_NODATA && --cnt[t] == 0) SX_CHECK(sx__q32_push(stack, (uint32_t)t));
        }
        return SX_OK;
    }
    for (int k = 0; k < 8; k++) {
        int64_t t = c + p->off[k];
        if (st[t] || !((mask[t] >> ((k + 4) & 7)) & 1)) continue; /* not own, or c does not flow into t */
        if (--cnt[t] == 0) SX_CHECK(sx__q32_push(stack, (uint32_t)t));
    }
    return SX_OK;
}

sx_err sx__accum_frame(const sx__flow_t *F, double *acc, uint8_t *edge)
{
    sx_err err = SX_OK;
    const sx__pad_t *p = F->p;
    const sx_decomp_t *d = F->d;
    MPI_Comm comm = d->comm;
    sx_halo_t *ha = NULL, *he = NULL;
    uint8_t *mask = malloc((size_t)(p->n ? p->n : 1)), *cnt = malloc((size_t)(p->n ? p->n : 1));
    uint8_t *st = malloc((size_t)(p->n ? p->n : 1)), *seen = NULL;
    uint32_t *ring = NULL;
    int64_t nring = 0;
    sx__q32_t stack = {0};
    if (!mask || !cnt || !st)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the accumulation block (%lld cells)",
                         (long long)p->n);
    if (err == SX_OK) err = sx_halo_create_padded(d, (int)p->width, sizeof(double), &ha);
    if (err == SX_OK && edge) err = sx_halo_create_padded(d, (int)p->width, 1, &he);
    if (err == SX_OK) err = sx__pad_ring(p, &ring, &nring);
    if (err == SX_OK && !(seen = calloc((size_t)(nring ? nring : 1), 1)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the halo flags");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    /* st: 1 outside the own block (never released here) */
    memset(st, 1, (size_t)p->n);
    memset(mask, 0, (size_t)p->n);
    for (int64_t j = 0; j < p->own.ny; j++) memset(st + sx__pad_at(p, 0, j), 0, (size_t)p->own.nx);
    for (int64_t c = 0; c < p->n; c++) acc[c] = NAN;
    if (edge) memset(edge, 0, (size_t)p->n);
    err = count_inflows(F, mask, cnt, edge);
    int64_t pending = 0;
    for (int64_t j = 0; j < p->own.ny && err == SX_OK; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        for (int64_t i = 0; i < p->own.nx && err == SX_OK; i++) {
            if (F->dir[c0 + i] == SX_D8_NODATA) continue;
            pending++;
            if (cnt[c0 + i] == 0) err = sx__q32_push(&stack, (uint32_t)(c0 + i));
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (;;) {
        int64_t finished = 0;
        while (!sx__q32_empty(&stack) && err == SX_OK) {
            uint32_t c = sx__q32_pop_back(&stack); /* last in, first out: follows flow paths */
            err = finish(F, mask, cnt, st, acc, edge, c, &stack);
            finished++;
        }
        pending -= finished;
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        int64_t loc[2] = {pending, finished}, glob[2];
        if (MPI_Allreduce(loc, glob, 2, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS) {
            err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allreduce failed in flow accumulation");
            goto done;
        }
        if (glob[0] == 0) break;
        if (glob[1] == 0) {
            err = sx__accum_cycle(F, mask, cnt, acc);
            goto done;
        }
        SX_CHECK_GOTO(sx_halo_exchange(ha, acc), err, done);
        if (edge) SX_CHECK_GOTO(sx_halo_exchange(he, edge), err, done);
        for (int64_t r = 0; r < nring && err == SX_OK; r++) {
            uint32_t h = ring[r];
            if (seen[r] || isnan(acc[h])) continue;
            seen[r] = 1;
            for (int k = 0; k < 8 && err == SX_OK; k++) {
                int64_t t = sx__pad_nb(p, h, k);
                if (t < 0 || st[t] || !((mask[t] >> ((k + 4) & 7)) & 1)) continue;
                if (--cnt[t] == 0) err = sx__q32_push(&stack, (uint32_t)t);
            }
        }
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    }
done:
    sx_halo_destroy(&ha);
    sx_halo_destroy(&he);
    sx__q32_free(&stack);
    free(mask);
    free(cnt);
    free(st);
    free(seen);
    free(ring);
    return err;
}

/* ---- the own-layout entry points ---- */

/* D8 sweep (accumulation or Strahler) from own-layout directions. */
static sx_err d8_sweep(const sx_decomp_t *d, const uint8_t *dirown, const double *wown, double *accown,
                       uint8_t *edgeown, int strahler)
{
    sx_err err = SX_OK;
    sx__pad_t p;
    sx_halo_t *hd = NULL;
    uint8_t *dir = NULL, *edge = NULL;
    double *acc = NULL, *w = NULL;
    SX_CHECK(sx__pad_init(&p, d->own, 1, d->gnx, d->gny));
    size_t n = (size_t)(p.n ? p.n : 1);
    dir = malloc(n);
    acc = malloc(n * sizeof *acc);
    if (edgeown) edge = malloc(n);
    if (wown) w = calloc(n, sizeof *w);
    if (!dir || !acc || (edgeown && !edge) || (wown && !w))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the accumulation block (%lld cells)",
                         (long long)p.n);
    if (err == SX_OK) err = sx_halo_create_padded(d, 1, 1, &hd);
    SX_CHECK_GOTO(sx_err_agree(d->comm, err), err, done);
    memset(dir, SX_D8_NODATA, n);
    sx__pad_from_own(&p, dirown, dir, 1);
    if (w) sx__pad_from_own(&p, wown, w, sizeof *w);
    SX_CHECK_GOTO(sx_halo_exchange(hd, dir), err, done);
    sx__flow_t F = {.d = d, .p = &p, .method = SX_FLOW_D8, .dir = dir, .w = w, .wt = SX_DT_FLOAT64,
                    .strahler = strahler, .name = "the flow directions"};
    SX_CHECK_GOTO(sx__accum_frame(&F, acc, edge), err, done);
    sx__pad_to_own(&p, acc, accown, sizeof *acc);
    if (edgeown) sx__pad_to_own(&p, edge, edgeown, 1);
done:
    sx_halo_destroy(&hd);
    free(dir);
    free(edge);
    free(acc);
    free(w);
    return err;
}

sx_err sx_dem_accum_dist(const sx_decomp_t *d, const uint8_t *dir, const double *w, double *acc, uint8_t *edge)
{
    return d8_sweep(d, dir, w, acc, edge, 0);
}

sx_err sx_dem_strahler_dist(const sx_decomp_t *d, const uint8_t *dir, const double *stream, double *order)
{
    return d8_sweep(d, dir, stream, order, NULL, 1);
}
