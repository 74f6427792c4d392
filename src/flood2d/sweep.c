/*
 * sweep.c — one time step of the local inertial scheme over a rectangle of
 * own cells, in a single pass over memory: face fluxes, positivity limiter,
 * depth update, inflows, maxima/arrival tracking and the depth maximum for
 * the next time step, row by row.
 *
 * Data flow. The step reads the state at time t (h, qx, qy and their halos:
 * depth 2 cells, discharges 3 faces wide) and writes the state at t + dt into
 * separate arrays (h1, qx1, qy1), so any split of the own block into
 * rectangles — interior and border strips for the communication overlap,
 * row bands for OpenMP threads — gives the same bits: a rectangle computes
 * the raw fluxes of the faces of its cells and of the ring of cells around
 * it, the limiter factors of its cells and that ring, and from them the
 * final fluxes of its cells' faces; a face or ring cell computed by two
 * rectangles (or two ranks) is computed from the same operands in the same
 * order. No flux exchange is needed inside the step.
 *
 * Row pipeline. For row j the raw x-faces of row j and the raw y-faces
 * between rows j-1 and j are computed (stage A), then the limiter factors of
 * row j-1 (B, which needs the south faces of row j-1), then row j-2 is
 * finished (C: final faces scaled by their donor's factor, depth, edge
 * outflow, inflows, statistics). Three rows of raw fluxes and factors live in
 * per-thread row buffers, so each array of the state is streamed once.
 *
 * Inner loops are branch-free (selects) and vectorise; grid-edge faces and
 * cells (boundary conditions, edge outflow volumes) are done per row outside
 * them. The arithmetic of every face and cell is that of the scalar scheme it
 * replaced, operation for operation (f2d_kernel.h), so results are bit-
 * identical to it and to any rank and thread count.
 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>

#include "f2d_internal.h"
#include "f2d_kernel.h"

/* The row loops are compiled for AVX-512, AVX2 and the baseline, picked at
 * load time: wider vectors, the same IEEE operations, so every clone gives
 * the same bits. This file is compiled with -ffp-contract=off (CMakeLists):
 * AVX-512F includes FMA, and a contracted a*b+c rounds once instead of
 * twice. */
#if defined(__x86_64__)
#define F2D_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else /* aarch64 and others: one build for their baseline vectors (NEON); scripts/cross-aarch64.sh */
#define F2D_CLONES
#endif

/* Edge face of cell c (index into ce); inside_b: the cell lies east/south of
 * the face (west and north edges), so positive q flows into the grid. qnb is
 * the inner neighbouring face, used for the theta average with q standing in
 * for the face beyond the edge. */
static double face_edge(const sx_f2d_t *m, const sx__f2d_stepc_t *k, const sx_f2d_bc_t *bc, int inside_b, int64_t c,
                        double q, double qnb, double d)
{
    const double *h = m->h;
    double z = m->z[c];
    if (bc->kind == SX_F2D_BC_CLOSED || isnan(z)) return 0.0;
    double eta = z + h[c], eg, hf;
    if (bc->kind == SX_F2D_BC_FREE) {
        if (h[c] <= m->p.h_dry) return 0.0;
        eg = eta - bc->value * d; /* a ghost lower by the given surface slope */
        hf = h[c];
    } else {
        eg = bc->value;
        hf = f2d_max(eta, eg) - z;
        if (hf <= m->p.h_dry) return 0.0;
    }
    double ea = inside_b ? eg : eta, eb = inside_b ? eta : eg;
    double qn = f2d_inertial(q, inside_b ? q : qnb, inside_b ? qnb : q, ea, eb, hf, m->n ? m->n[c] : m->p.manning, k->dt,
                             d, m->p.theta, k->half_1mtheta);
    if (bc->kind == SX_F2D_BC_FREE) qn = inside_b ? f2d_min(qn, 0.0) : f2d_max(qn, 0.0); /* outflow only */
    return qn;
}

/* Interior face between cells a (west/north) and b (east/south). */
static inline double face_in(double za, double zb, double ha, double hb, double nf, double q, double ql, double qr,
                             const sx__f2d_stepc_t *k, double d, double theta, double h_dry)
{
    double ea = za + ha, eb = zb + hb;
    double hf = f2d_max(ea, eb) - f2d_max(za, zb);
    double v = f2d_inertial(q, ql, qr, ea, eb, hf, nf, k->dt, d, theta, k->half_1mtheta);
    return (za == za) & (zb == zb) & (hf > h_dry) ? v : 0.0; /* walls (NaN bed) and dry faces carry nothing */
}

/* Row offsets: element (gi, gj) of an array over window w is at off + gi. */
static inline int64_t roff(sx_window_t w, int64_t gj) { return (gj - w.y0) * w.nx - w.x0; }

typedef struct {
    int64_t x0, x1, y0, y1; /* the rectangle of own cells, half-open */
    int64_t sx0, sx1;       /* columns of the limiter ring: [x0-1, x1+1) clipped to the grid */
    int64_t bx;             /* column of index 0 in the row buffers (sx0) */
} rect_t;

/* Stage A, x: raw discharges of x-faces [r->sx0, r->sx1] of row j into rx. */
F2D_CLONES static void raw_x(const sx_f2d_t *m, const sx__f2d_stepc_t *k, const rect_t *r, int64_t j, double *restrict rx)
{
    const int64_t gnx = m->grid.nx;
    const int64_t co = roff(m->ce, j), xo = roff(m->xe, j), bx = r->bx;
    const double *restrict z = m->z, *restrict h = m->h, *restrict n = m->n, *restrict qx = m->qx;
    const double theta = m->p.theta, h_dry = m->p.h_dry, dx = m->dx, n0 = m->p.manning;
    const int64_t fa = r->sx0 > 1 ? r->sx0 : 1, fb = r->sx1 < gnx - 1 ? r->sx1 : gnx - 1;
    if (n) {
#pragma omp simd
        for (int64_t fi = fa; fi <= fb; fi++)
            rx[fi - bx] = face_in(z[co + fi - 1], z[co + fi], h[co + fi - 1], h[co + fi], 0.5 * (n[co + fi - 1] + n[co + fi]),
                                  qx[xo + fi], qx[xo + fi - 1], qx[xo + fi + 1], k, dx, theta, h_dry);
    } else {
#pragma omp simd
        for (int64_t fi = fa; fi <= fb; fi++)
            rx[fi - bx] = face_in(z[co + fi - 1], z[co + fi], h[co + fi - 1], h[co + fi], n0, qx[xo + fi], qx[xo + fi - 1],
                                  qx[xo + fi + 1], k, dx, theta, h_dry);
    }
    if (r->sx0 == 0)
        rx[0 - bx] = face_edge(m, k, &m->p.bc[SX_F2D_WEST], 1, co + 0, qx[xo + 0], qx[xo + 1], dx);
    if (r->sx1 == gnx)
        rx[gnx - bx] = face_edge(m, k, &m->p.bc[SX_F2D_EAST], 0, co + gnx - 1, qx[xo + gnx], qx[xo + gnx - 1], dx);
}

/* Stage A, y: raw discharges of the y-faces of row j (north faces of the
 * cells of row j), columns [r->sx0, r->sx1), into ry. */
F2D_CLONES static void raw_y(const sx_f2d_t *m, const sx__f2d_stepc_t *k, const rect_t *r, int64_t j, double *restrict ry)
{
    const int64_t gny = m->grid.ny, bx = r->bx, i0 = r->sx0, i1 = r->sx1;
    const double *restrict z = m->z, *restrict h = m->h, *restrict n = m->n, *restrict qy = m->qy;
    const double dy = m->dy;
    if (j == 0 || j == gny) {
        const int north = j == 0;
        const int64_t co = roff(m->ce, north ? 0 : gny - 1), yo = roff(m->ye, j), yn = roff(m->ye, north ? 1 : gny - 1);
        for (int64_t gi = i0; gi < i1; gi++)
            ry[gi - bx] = face_edge(m, k, &m->p.bc[north ? SX_F2D_NORTH : SX_F2D_SOUTH], north, co + gi, qy[yo + gi],
                                    qy[yn + gi], dy);
        return;
    }
    const int64_t ca = roff(m->ce, j - 1), cb = roff(m->ce, j);
    const int64_t yo = roff(m->ye, j), yl = roff(m->ye, j - 1), yr = roff(m->ye, j + 1);
    const double theta = m->p.theta, h_dry = m->p.h_dry, n0 = m->p.manning;
    if (n) {
#pragma omp simd
        for (int64_t gi = i0; gi < i1; gi++)
            ry[gi - bx] = face_in(z[ca + gi], z[cb + gi], h[ca + gi], h[cb + gi], 0.5 * (n[ca + gi] + n[cb + gi]), qy[yo + gi],
                                  qy[yl + gi], qy[yr + gi], k, dy, theta, h_dry);
    } else {
#pragma omp simd
        for (int64_t gi = i0; gi < i1; gi++)
            ry[gi - bx] = face_in(z[ca + gi], z[cb + gi], h[ca + gi], h[cb + gi], n0, qy[yo + gi], qy[yl + gi], qy[yr + gi], k,
                                  dy, theta, h_dry);
    }
}

/* Stage B: limiter factors of row j, columns [sx0, sx1): a cell whose outflow
 * in this step would exceed its water scales its outgoing faces by V/out. */
F2D_CLONES static void limiter_row(const sx_f2d_t *m, const sx__f2d_stepc_t *k, const rect_t *r, int64_t j, const double *restrict rx,
                        const double *restrict ryn, const double *restrict rys, double *restrict s)
{
    const int64_t co = roff(m->ce, j), bx = r->bx;
    const double *restrict h = m->h;
    const double dt = k->dt, dx = m->dx, dy = m->dy, area = m->area;
#pragma omp simd
    for (int64_t gi = r->sx0; gi < r->sx1; gi++) {
        double qw = rx[gi - bx], qe = rx[gi + 1 - bx], qn = ryn[gi - bx], qs = rys[gi - bx];
        double out = dt * (dy * (f2d_max(-qw, 0.0) + f2d_max(qe, 0.0)) + dx * (f2d_max(-qn, 0.0) + f2d_max(qs, 0.0)));
        double vol = h[co + gi] * area;
        double f = vol / out; /* computed in every lane, used where out > vol */
        s[gi - bx] = out > vol ? f : 1.0;
    }
}

/* Final y-faces of face row j (north faces of row j), columns [x0, x1):
 * scaled by the factor of the donor (the cell the water leaves); sn, ss:
 * factors of rows j-1 and j (NULL outside the grid). */
F2D_CLONES static void final_y(const rect_t *r, const double *restrict ry, const double *restrict sn, const double *restrict ss,
                    double *restrict fy)
{
    const int64_t bx = r->bx;
    if (sn && ss) {
#pragma omp simd
        for (int64_t gi = r->x0; gi < r->x1; gi++) {
            double q = ry[gi - bx], a = sn[gi - bx], b = ss[gi - bx];
            fy[gi - bx] = q * (q > 0 ? a : b);
        }
    } else if (ss) { /* north edge of the grid: water entering has no donor */
        for (int64_t gi = r->x0; gi < r->x1; gi++) {
            double q = ry[gi - bx];
            fy[gi - bx] = q > 0 ? q : q * ss[gi - bx];
        }
    } else {         /* south edge */
        for (int64_t gi = r->x0; gi < r->x1; gi++) {
            double q = ry[gi - bx];
            fy[gi - bx] = q > 0 ? q * sn[gi - bx] : q;
        }
    }
}

/* Final x-faces [x0, x1] of a row from its raw fluxes and factors. */
F2D_CLONES static void final_x(const sx_f2d_t *m, const rect_t *r, const double *restrict rx, const double *restrict s,
                    double *restrict fx)
{
    const int64_t gnx = m->grid.nx, bx = r->bx;
    const int64_t fa = r->x0 > 1 ? r->x0 : 1, fb = r->x1 < gnx - 1 ? r->x1 : gnx - 1;
#pragma omp simd
    for (int64_t fi = fa; fi <= fb; fi++) {
        double q = rx[fi - bx], a = s[fi - 1 - bx], b = s[fi - bx];
        fx[fi - bx] = q * (q > 0 ? a : b);
    }
    if (r->x0 == 0) {
        double q = rx[0 - bx];
        fx[0 - bx] = q > 0 ? q : q * s[0 - bx];
    }
    if (r->x1 == gnx) {
        double q = rx[gnx - bx];
        fx[gnx - bx] = q > 0 ? q * s[gnx - 1 - bx] : q;
    }
}

/* Edge cell (gi, j): its depth with the volume that left through the grid
 * edge, in the reference's order; clips round-off below zero. */
static void edge_cell(sx_f2d_t *m, const sx__f2d_stepc_t *k, int64_t gi, int64_t j, double qw, double qe, double qn,
                      double qs, double *h, double *vout)
{
    const double dt = k->dt, dx = m->dx, dy = m->dy;
    double vo = 0.0;
    if (gi == 0) vo -= qw * dt * dy;
    if (gi == m->grid.nx - 1) vo += qe * dt * dy;
    if (j == 0) vo -= qn * dt * dx;
    if (j == m->grid.ny - 1) vo += qs * dt * dx;
    if (*h < 0) { /* round-off below zero after the limiter: book it as an inflow */
        vo += *h * m->area;
        *h = 0.0;
    }
    *vout += vo;
}

/* Stage C: finish row j of the rectangle. fx: final x-faces of row j; fyn,
 * fys: final y-faces north and south of it. */
F2D_CLONES static void finish_row(sx_f2d_t *m, const sx__f2d_stepc_t *k, const rect_t *r, int64_t j, const double *restrict fx,
                       const double *restrict fyn, const double *restrict fys, double *hm, int64_t *nb)
{
    const int64_t gnx = m->grid.nx, gny = m->grid.ny, bx = r->bx, x0 = r->x0, x1 = r->x1;
    const sx_window_t own = m->own;
    const int64_t X1 = own.x0 + own.nx, Y1 = own.y0 + own.ny;
    const int64_t co = roff(m->ce, j), oo = roff(own, j), xo = roff(m->xe, j);
    const double *restrict h = m->h;
    double *restrict h1 = m->h1, *restrict qx1 = m->qx1, *restrict qy1 = m->qy1;
    const double dt = k->dt, dx = m->dx, dy = m->dy, area = m->area, rf = k->rf;

    /* The faces this rectangle owns: west and north faces of its cells, and
     * the east/south faces of the block's last column/row. */
    for (int64_t fi = x0; fi < x1 + (x1 == X1); fi++) qx1[xo + fi] = fx[fi - bx];
    const int64_t yo = roff(m->ye, j);
    for (int64_t gi = x0; gi < x1; gi++) qy1[yo + gi] = fyn[gi - bx];
    if (j + 1 == r->y1 && r->y1 == Y1) {
        const int64_t ys = roff(m->ye, j + 1);
        for (int64_t gi = x0; gi < x1; gi++) qy1[ys + gi] = fys[gi - bx];
    }

    /* Depths (rain: a per-cell rate, or one rate with nodata cells dry). */
    int neg = 0;
    const double *restrict rain = m->rain, *restrict z = m->z;
    if (m->rain) {
#pragma omp simd reduction(| : neg)
        for (int64_t gi = x0; gi < x1; gi++) {
            double v = h[co + gi] + dt * ((fx[gi - bx] - fx[gi + 1 - bx]) / dx + (fyn[gi - bx] - fys[gi - bx]) / dy);
            v += rain[oo + gi] * rf * dt;
            neg |= v < 0;
            h1[co + gi] = v;
        }
    } else {
        const double rate = k->rain_rate;
#pragma omp simd reduction(| : neg)
        for (int64_t gi = x0; gi < x1; gi++) {
            double v = h[co + gi] + dt * ((fx[gi - bx] - fx[gi + 1 - bx]) / dx + (fyn[gi - bx] - fys[gi - bx]) / dy);
            v += (isnan(z[co + gi]) ? 0.0 : rate) * rf * dt;
            neg |= v < 0;
            h1[co + gi] = v;
        }
    }
    double *vout = m->vout;
    if (j == 0 || j == gny - 1) {
        for (int64_t gi = x0; gi < x1; gi++)
            edge_cell(m, k, gi, j, fx[gi - bx], fx[gi + 1 - bx], fyn[gi - bx], fys[gi - bx], &h1[co + gi], &vout[oo + gi]);
    } else {
        if (x0 == 0) edge_cell(m, k, 0, j, fx[0 - bx], fx[1 - bx], fyn[0 - bx], fys[0 - bx], &h1[co], &vout[oo]);
        if (x1 == gnx && gnx > 1)
            edge_cell(m, k, gnx - 1, j, fx[gnx - 1 - bx], fx[gnx - bx], fyn[gnx - 1 - bx], fys[gnx - 1 - bx], &h1[co + gnx - 1],
                      &vout[oo + gnx - 1]);
        if (neg) /* rare: round-off below zero at a wetting front */
            for (int64_t gi = x0 > 1 ? x0 : 1; gi < (x1 < gnx - 1 ? x1 : gnx - 1); gi++)
                if (h1[co + gi] < 0) {
                    vout[oo + gi] += h1[co + gi] * area;
                    h1[co + gi] = 0.0;
                }
    }

    /* Inflows entering cells of this row, in inflow order. */
    for (int64_t e = m->inflow_row_off[j - own.y0]; e < m->inflow_row_off[j - own.y0 + 1]; e++) {
        const sx__f2d_inrow_t *in = &m->inflow_rows[e];
        if (in->gi >= x0 && in->gi < x1) h1[co + in->gi] += k->inflow_qdt[in->k] * in->w / area;
    }

    /* Running maxima (float, see f2d_internal.h), arrival, and the largest
     * depth for the next step. Stores only where a value changes (masked
     * vector stores), so blocks that stopped rising stay clean in cache. */
    float *restrict hmax = m->hmax, *restrict vmax = m->vmax, *restrict hazmax = m->hazmax, *restrict tarr = m->tarr;
    const double arr = m->p.arrival_depth;
    const float t_new = (float)k->t_new;
    double lhm = *hm;
    int64_t lnb = 0;
#pragma omp simd reduction(max : lhm) reduction(+ : lnb)
    for (int64_t gi = x0; gi < x1; gi++) {
        double hh = h1[co + gi];
        double a = 0.5 * (fx[gi - bx] + fx[gi + 1 - bx]), b = 0.5 * (fyn[gi - bx] + fys[gi - bx]);
        /* velocities only where the water is deeper than arrival_depth: q / h of a film is noise */
        double sp = sqrt(a * a + b * b) / hh;
        double v = hh >= arr ? sp : 0.0;
        float hf = (float)hh, vf = (float)v, zf = (float)(hh * v);
        int64_t o = oo + gi;
        if (hf > hmax[o]) hmax[o] = hf;
        if (vf > vmax[o]) vmax[o] = vf;
        if (zf > hazmax[o]) hazmax[o] = zf;
        if ((tarr[o] != tarr[o]) & (hh >= arr)) tarr[o] = t_new;
        int fin = hh - hh == 0.0; /* finite */
        lnb += !fin;
        lhm = fin & (hh > lhm) ? hh : lhm;
    }
    *hm = lhm;
    *nb += lnb;
}

/* One rectangle, one thread: the row pipeline. buf: 12 rows of rowcap doubles
 * (raw x- and y-faces and factors of three rows, final faces). */
static void sweep_rect(sx_f2d_t *m, const sx__f2d_stepc_t *k, int64_t x0, int64_t x1, int64_t y0, int64_t y1, double *buf,
                       int64_t rowcap, double *hm, int64_t *nb)
{
    const int64_t gnx = m->grid.nx, gny = m->grid.ny;
    rect_t r = {x0, x1, y0, y1, x0 > 0 ? x0 - 1 : 0, x1 < gnx ? x1 + 1 : gnx, 0};
    r.bx = r.sx0;
    double *rx[3], *ry[3], *s[3], *fx = buf + 9 * rowcap, *fy[2] = {buf + 10 * rowcap, buf + 11 * rowcap};
    for (int q = 0; q < 3; q++) {
        rx[q] = buf + q * rowcap;
        ry[q] = buf + (3 + q) * rowcap;
        s[q] = buf + (6 + q) * rowcap;
    }
    const int64_t sy0 = y0 > 0 ? y0 - 1 : 0, sy1 = y1 < gny ? y1 + 1 : gny;
    for (int64_t j = sy0; j <= y1 + 1; j++) {
        if (j <= sy1) {
            if (j < sy1) raw_x(m, k, &r, j, rx[j % 3]);
            raw_y(m, k, &r, j, ry[j % 3]);
        }
        const int64_t jb = j - 1;
        if (jb >= sy0 && jb < sy1) limiter_row(m, k, &r, jb, rx[jb % 3], ry[jb % 3], ry[j % 3], s[jb % 3]);
        const int64_t jc = j - 2;
        if (jc < y0 || jc >= y1) continue;
        const double *sn = jc > 0 ? s[(jc - 1) % 3] : NULL, *sc = s[jc % 3], *ss = jc + 1 < gny ? s[(jc + 1) % 3] : NULL;
        if (jc == y0) final_y(&r, ry[jc % 3], sn, sc, fy[jc % 2]);
        final_y(&r, ry[(jc + 1) % 3], sc, ss, fy[(jc + 1) % 2]);
        final_x(m, &r, rx[jc % 3], sc, fx);
        finish_row(m, k, &r, jc, fx, fy[jc % 2], fy[(jc + 1) % 2], hm, nb);
    }
}

int64_t sx__f2d_sweep_rowcap(const sx_f2d_t *m) { return m->own.nx + 4; }

void sx__f2d_sweep(sx_f2d_t *m, const sx__f2d_stepc_t *k, int64_t x0, int64_t x1, int64_t y0, int64_t y1, double *hm,
                   int64_t *nb)
{
    if (x0 >= x1 || y0 >= y1) return;
    const int64_t nx = x1 - x0, ny = y1 - y0, rowcap = sx__f2d_sweep_rowcap(m);
    /* Split along rows when there are enough of them, else along columns. */
    int nt = m->nthreads;
    const int by_rows = ny >= 4 * (int64_t)nt || ny >= nx;
    const int64_t len = by_rows ? ny : nx;
    if (len < 8 * (int64_t)nt) nt = (int)(len / 8 > 1 ? len / 8 : 1);
    double lhm = *hm;
    int64_t lnb = 0;
#pragma omp parallel num_threads(nt) reduction(max : lhm) reduction(+ : lnb) if (nt > 1)
    {
        const int t = omp_get_thread_num(), n = omp_get_num_threads();
        const int64_t a = len * t / n, b = len * (t + 1) / n;
        double *buf = m->rowbuf + (size_t)t * 12 * (size_t)rowcap;
        if (by_rows) sweep_rect(m, k, x0, x1, y0 + a, y0 + b, buf, rowcap, &lhm, &lnb);
        else sweep_rect(m, k, x0 + a, x0 + b, y0, y1, buf, rowcap, &lhm, &lnb);
    }
    *hm = lhm;
    *nb += lnb;
}

F2D_CLONES void sx__f2d_cbrt_array(const double *x, double *y, int64_t n)
{
#pragma omp simd
    for (int64_t i = 0; i < n; i++) y[i] = f2d_cbrt(x[i]);
}
