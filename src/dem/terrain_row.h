/*
 * terrain_row.h — the fused terrain stencil over one row of cells, a
 * template: terrain.c includes it per elevation type with ELEV and FN
 * defined. Each product is one pass over the row's contiguous cells reading
 * the same three rows (cache-resident), branch-free where the formula
 * allows, so the compiler vectorises it (SX__VECTORISE: AVX2 clone, no FMA,
 * so results equal a scalar loop's); aspect and TWI call atan2/log per cell.
 * Columns [i0, i1) have their whole neighbourhood in the grid; the others
 * are the caller's (nodata).
 */

/* Window pass: Horn's weighted sums of the left/right columns and top/bottom
 * rows, and whether any of the nine cells is nodata. */
SX__VECTORISE static void FN(window)(const ELEV *restrict up, const ELEV *restrict mid, const ELEV *restrict dn,
                                     int64_t i0, int64_t i1, double *restrict L, double *restrict R,
                                     double *restrict T, double *restrict B, uint8_t *restrict bad)
{
    for (int64_t i = i0; i < i1; i++) {
        double a = up[i - 1], b = up[i], c = up[i + 1], d = mid[i - 1], e = mid[i], f = mid[i + 1];
        double g = dn[i - 1], h = dn[i], k = dn[i + 1];
        bad[i] = (uint8_t)((a != a) | (b != b) | (c != c) | (d != d) | (e != e) | (f != f) | (g != g) | (h != h) |
                           (k != k));
        L[i] = a + 2 * d + g;
        R[i] = c + 2 * f + k;
        T[i] = a + 2 * b + c;
        B[i] = g + 2 * h + k;
    }
}

/* TPI, TRI and roughness as gdaldem computes them (in float64 here); outputs
 * not asked for go to scratch. */
SX__VECTORISE static void FN(tpi_tri_rough)(const ELEV *restrict up, const ELEV *restrict mid,
                                            const ELEV *restrict dn, int64_t i0, int64_t i1,
                                            const uint8_t *restrict bad, float *restrict tpi, float *restrict tri,
                                            float *restrict rough)
{
    for (int64_t i = i0; i < i1; i++) {
        double a = up[i - 1], b = up[i], c = up[i + 1], d = mid[i - 1], e = mid[i], f = mid[i + 1];
        double g = dn[i - 1], h = dn[i], k = dn[i + 1];
        double vtpi = e - (a + b + c + d + f + g + h + k) * 0.125;
        double vtri = sqrt((a - e) * (a - e) + (b - e) * (b - e) + (c - e) * (c - e) + (d - e) * (d - e) +
                           (f - e) * (f - e) + (g - e) * (g - e) + (h - e) * (h - e) + (k - e) * (k - e));
#define MIN2(x, y) ((x) < (y) ? (x) : (y)) /* nodata windows are masked: no NaN rule needed */
#define MAX2(x, y) ((x) > (y) ? (x) : (y))
        double lo = MIN2(MIN2(MIN2(a, b), MIN2(c, d)), MIN2(MIN2(e, f), MIN2(MIN2(g, h), k)));
        double hi = MAX2(MAX2(MAX2(a, b), MAX2(c, d)), MAX2(MAX2(e, f), MAX2(MAX2(g, h), k)));
#undef MIN2
#undef MAX2
        tpi[i] = bad[i] ? SX_TERRAIN_NODATA : (float)vtpi;
        tri[i] = bad[i] ? SX_TERRAIN_NODATA : (float)vtri;
        rough[i] = bad[i] ? SX_TERRAIN_NODATA : (float)(hi - lo);
    }
}

/* Zevenbergen & Thorne (1987) coefficients of the 3 x 3 window (z1..z9 row by
 * row from the north-west; D, E second derivatives / 2, F the cross term, G,
 * H the gradient east and north), with ArcGIS's curvatures x 100: total
 * -2 (D + E), profile 2 (D G^2 + E H^2 + F G H) / (G^2 + H^2) (the second
 * derivative along the slope: negative convex), plan
 * -2 (D H^2 + E G^2 - F G H) / (G^2 + H^2) (minus the one across it:
 * positive convex), so that total = plan - profile; 0 on flat cells.
 * Outputs not asked for go to scratch. */
SX__VECTORISE static void FN(curvature)(const ELEV *restrict up, const ELEV *restrict mid, const ELEV *restrict dn,
                                        int64_t i0, int64_t i1, double dx, double dy, double zf,
                                        const uint8_t *restrict bad, float *restrict curv, float *restrict prof,
                                        float *restrict plan)
{
    for (int64_t i = i0; i < i1; i++) {
        double z1 = zf * up[i - 1], z2 = zf * up[i], z3 = zf * up[i + 1], z4 = zf * mid[i - 1], z5 = zf * mid[i];
        double z6 = zf * mid[i + 1], z7 = zf * dn[i - 1], z8 = zf * dn[i], z9 = zf * dn[i + 1];
        double D = ((z4 + z6) / 2 - z5) / (dx * dx), E = ((z2 + z8) / 2 - z5) / (dy * dy);
        double F = (-z1 + z3 + z7 - z9) / (4 * dx * dy), G = (-z4 + z6) / (2 * dx), H = (z2 - z8) / (2 * dy);
        double g2 = G * G + H * H, q = g2 > 0 ? g2 : 1;
        double vprof = g2 > 0 ? 200 * (D * G * G + E * H * H + F * G * H) / q : 0;
        double vplan = g2 > 0 ? -200 * (D * H * H + E * G * G - F * G * H) / q : 0;
        curv[i] = bad[i] ? SX_TERRAIN_NODATA : (float)(-200 * (D + E));
        prof[i] = bad[i] ? SX_TERRAIN_NODATA : (float)vprof;
        plan[i] = bad[i] ? SX_TERRAIN_NODATA : (float)vplan;
    }
}

/* Every product of one row. */
static void FN(terrain_row)(const ELEV *up, const ELEV *mid, const ELEV *dn, int64_t nx, int64_t i0, int64_t i1,
                            const sx__row_geom_t *geo, const sx__terrain_t *t, sx__terrain_scratch_t *sc,
                            sx__terrain_row_t *o)
{
    FN(window)(up, mid, dn, i0, i1, sc->L, sc->R, sc->T, sc->B, sc->bad);
    if (o->out[SX_TERRAIN_SLOPE] || o->out[SX_TERRAIN_TWI])
        sx__terrain_slope(i0, i1, geo, t, sc, o->out[SX_TERRAIN_SLOPE]);
    if (o->out[SX_TERRAIN_ASPECT]) sx__terrain_aspect(i0, i1, geo, sc, o->out[SX_TERRAIN_ASPECT]);
    if (o->hs) sx__terrain_hillshade(i0, i1, geo, t, sc, o->hs);
#define OUT_OR_TRASH(p, k) (o->out[p] ? o->out[p] : sc->trash[k])
    if (o->out[SX_TERRAIN_TPI] || o->out[SX_TERRAIN_TRI] || o->out[SX_TERRAIN_ROUGHNESS])
        FN(tpi_tri_rough)(up, mid, dn, i0, i1, sc->bad, OUT_OR_TRASH(SX_TERRAIN_TPI, 0), OUT_OR_TRASH(SX_TERRAIN_TRI, 1),
                          OUT_OR_TRASH(SX_TERRAIN_ROUGHNESS, 2));
    if (o->out[SX_TERRAIN_CURVATURE] || o->out[SX_TERRAIN_PROFILE_CURVATURE] || o->out[SX_TERRAIN_PLAN_CURVATURE])
        FN(curvature)(up, mid, dn, i0, i1, geo->dx, geo->dy, t->zf, sc->bad, OUT_OR_TRASH(SX_TERRAIN_CURVATURE, 0),
                      OUT_OR_TRASH(SX_TERRAIN_PROFILE_CURVATURE, 1), OUT_OR_TRASH(SX_TERRAIN_PLAN_CURVATURE, 2));
#undef OUT_OR_TRASH
    if (o->out[SX_TERRAIN_TWI]) sx__terrain_twi(i0, i1, geo, sc, o->acc, o->acc_t, o->out[SX_TERRAIN_TWI]);
    for (int64_t i = 0; i < nx; i++) { /* the edge columns: [0, i0) and [i1, nx) */
        if (i == i0 && i1 > i0) i = i1;
        if (i >= nx) break;
        for (int p = 0; p < SX_TERRAIN_NPRODUCTS; p++)
            if (o->out[p]) o->out[p][i] = SX_TERRAIN_NODATA;
        if (o->hs) o->hs[i] = 0;
    }
}
