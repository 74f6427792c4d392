/*
 * flow_multi.c — the multi-neighbour routings: D-infinity directions
 * (Tarboton 1997, doi:10.1029/96WR03137) and the shares a cell passes to its
 * neighbours under D8, D-infinity and MFD (Freeman 1991,
 * doi:10.1016/0098-3004(91)90048-I; Quinn et al. 1991,
 * doi:10.1002/hyp.3360050106), used by the accumulation sweep (accum.c).
 *
 * D-infinity: of the eight triangular facets around a cell, each spanned by
 * a cardinal neighbour e1 and the diagonal neighbour e2 next to it, the one
 * of steepest descent gives the direction: with s1 = (e0 - e1)/d1 and
 * s2 = (e1 - e2)/d2, r = atan2(s2, s1) clamped to [0, atan2(d2, d1)] (at the
 * clamps the slope is that of the facet's edge), and the angle is
 * af r + ac pi/2 (Tarboton's Table 1); ties keep the first facet from east
 * counter-clockwise. Cells on the grid edge, next to nodata or on a flat take
 * their D8 direction's angle, so every cell with a D8 direction has an angle
 * and flats drain as in D8. A cell's flow goes to the two neighbours either
 * side of its angle in proportion to the angle's closeness to each; a share
 * below 1e-6 (float32 rounding of an angle on a neighbour's direction) is
 * given to the nearer neighbour.
 * MFD: a cell with a lower neighbour (found by the D8 stencil, not by the
 * flat resolution), not on the grid edge and not next to nodata, splits its
 * flow over all strictly lower neighbours in proportion to tan(b)^1.1
 * (Freeman) or tan(b) L with L = 0.5 cardinal, 0.354 diagonal (Quinn);
 * tan(b) = drop / metric distance. Other cells use their D8 direction.
 * Each share is computed from the sending cell's own neighbourhood with the
 * same arithmetic wherever it is evaluated, so the sweep's sums are the same
 * at any rank count.
 */
#include <math.h>

#include "dem/accum_internal.h"
#include "dem/flowdir_internal.h"
#include "sanxiang/sx_dem.h"

/* counter-clockwise index from east (0 E, 1 NE, ... 7 SE) <-> neighbour index (0 W, 1 NW, ... 7 SW) */
static inline int ccw_of(int k) { return (4 - k) & 7; }

static inline double zat(const sx__flow_t *F, int64_t c)
{
    return F->zt == SX_DT_FLOAT32 ? (double)((const float *)F->z)[c] : ((const double *)F->z)[c];
}

/* Partition weight of a drop of tanb towards neighbour k. */
static inline double mfd_weight(sx_mfd_rule rule, double tanb, int k)
{
    if (rule == SX_MFD_QUINN) return tanb * ((k & 1) ? 0.354 : 0.5);
    return pow(tanb, 1.1);
}


double sx__flow_share(const sx__flow_t *F, int64_t m, int k)
{
    uint8_t dm = F->dir[m];
    if (F->method == SX_FLOW_D8 || (F->method == SX_FLOW_MFD && dm != SX__DIR_MULTI)) return dm == k ? 1.0 : 0.0;
    if (F->method == SX_FLOW_DINF) {
        double a = (double)F->ang[m];
        if (!(a >= 0)) return 0; /* no direction, or nodata */
        double sector = a / (M_PI / 4);
        int kf = (int)floor(sector);
        double r = sector - kf;
        if (r < 1e-6) r = 0;
        if (r > 1 - 1e-6) {
            kf++;
            r = 0;
        }
        kf &= 7;
        int ak = ccw_of(k);
        if (ak == kf) return 1 - r;
        if (ak == ((kf + 1) & 7)) return r;
        return 0;
    }
    double zm = zat(F, m), zk = zat(F, m + F->p->off[k]);
    if (!(zk < zm)) return 0;
    const double *dist = F->rowdist + (m / F->p->w) * 8;
    return mfd_weight(F->rule, (zm - zk) / dist[k], k) / F->norm[m];
}

void sx__mfd_norms(const sx__flow_t *F, double *norm)
{
    const sx__pad_t *p = F->p;
    /* own cells and the first halo ring: their neighbours are in the frame */
#pragma omp parallel for schedule(static)
    for (int64_t fj = p->width - 1; fj < p->width + p->own.ny + 1; fj++) {
        const double *dist = F->rowdist + fj * 8;
        for (int64_t fi = p->width - 1; fi < p->width + p->own.nx + 1; fi++) {
            int64_t c = fj * p->w + fi;
            if (F->dir[c] != SX__DIR_MULTI) continue;
            double zc = zat(F, c), s = 0;
            for (int k = 0; k < 8; k++) {
                double zk = zat(F, c + p->off[k]);
                if (zk < zc) s += mfd_weight(F->rule, (zc - zk) / dist[k], k);
            }
            norm[c] = s;
        }
    }
}

/* Tarboton's facets: cardinal neighbour, diagonal neighbour, ac, af, and
 * whether d1 runs east-west (1) or north-south (0). */
static const struct {
    int e1, e2, ac, af, ew;
} facets[8] = {{4, 3, 0, 1, 1}, {2, 3, 1, -1, 0}, {2, 1, 1, 1, 0}, {0, 1, 2, -1, 1},
               {0, 7, 2, 1, 1}, {6, 7, 3, -1, 0}, {6, 5, 3, 1, 0}, {4, 5, 4, -1, 1}};

/* Steepest facet angle of interior cell c (all neighbours data). */
static double dinf_cell(const sx__pad_t *p, sx_dtype zt, const void *z, int64_t c, double dx, double dy)
{
#define Z(i) (zt == SX_DT_FLOAT32 ? (double)((const float *)z)[i] : ((const double *)z)[i])
    double e0 = Z(c), best = -INFINITY, ang = 0;
    for (int f = 0; f < 8; f++) {
        double d1 = facets[f].ew ? dx : dy, d2 = facets[f].ew ? dy : dx;
        double e1 = Z(c + p->off[facets[f].e1]), e2 = Z(c + p->off[facets[f].e2]);
        double s1 = (e0 - e1) / d1, s2 = (e1 - e2) / d2, rmax = atan2(d2, d1);
        double r = atan2(s2, s1), s;
        if (r < 0) {
            r = 0;
            s = s1;
        } else if (r > rmax) {
            r = rmax;
            s = (e0 - e2) / hypot(d1, d2);
        } else {
            s = hypot(s1, s2);
        }
        if (s > best) {
            best = s;
            ang = facets[f].af * r + facets[f].ac * (M_PI / 2);
        }
    }
#undef Z
    return ang;
}

void sx__dinf_angles(const sx__pad_t *p, const sx_grid_t *g, sx_dtype zt, const void *z, const uint8_t *dir,
                     const uint16_t *eq, float *ang)
{
    const float twopi = (float)(2 * M_PI);
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < p->own.ny; j++) {
        double dist[8];
        int64_t gj = p->own.y0 + j, c0 = sx__pad_at(p, 0, j);
        sx__d8_distances(g, gj, dist);
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t c = c0 + i, gi = p->own.x0 + i;
            float *out = &ang[j * p->own.nx + i];
            if (dir[c] == SX_D8_NODATA) {
                *out = NAN;
                continue;
            }
            if (dir[c] == SX_D8_NONE) {
                *out = SX_DINF_NONE;
                continue;
            }
            int d8 = (eq[c] & SX__EQ_FLAT) || gi == 0 || gj == 0 || gi == p->gnx - 1 || gj == p->gny - 1;
            for (int k = 0; k < 8 && !d8; k++) d8 = dir[c + p->off[k]] == SX_D8_NODATA;
            float a = (float)(d8 ? ccw_of(dir[c]) * (M_PI / 4) : dinf_cell(p, zt, z, c, dist[4], dist[2]));
            *out = a >= twopi ? 0.0f : a;
        }
    }
}
