/*
 * flowdir_d8.h — the D8 stencil over one row of own cells, a template:
 * flowdir_dist.c includes it per elevation type with ELEV and FN defined.
 *
 * Written as eight passes over the row, one per neighbour, each a branch-free
 * loop over contiguous cells (a select, not a branch, per cell) that the
 * compiler vectorises; the arithmetic is the scalar rule's, drop / distance
 * in float64, so the directions are those of the cell-by-cell loop bit for
 * bit: the steepest drop wins, equal drops keep the first neighbour in
 * W..SW order except that a cardinal one replaces a diagonal one; nodata
 * neighbours count as an infinite drop. The same passes record which
 * neighbours have the cell's elevation and whether one is higher (eq).
 */
SX__VECTORISE static void FN(d8_pass)(const ELEV *restrict zc, const ELEV *restrict zn, int64_t nx, double dk, int k,
                                      double *restrict best, int32_t *restrict bdir, uint16_t *restrict eq)
{
    const int cardinal = !(k & 1);
    const uint16_t bit = (uint16_t)(1u << k);
    for (int64_t i = 0; i < nx; i++) {
        double a = (double)zc[i], b = (double)zn[i];
        double s = (a - b) / dk; /* computed always, selected below: no branch */
        s = b != b ? INFINITY : s;
        int upd = (s > best[i]) | (cardinal & (s == best[i]) & (bdir[i] & 1));
        best[i] = upd ? s : best[i];
        bdir[i] = upd ? k : bdir[i];
        eq[i] = (uint16_t)(eq[i] | (a == b ? bit : 0) | (b > a ? SX__EQ_HIGHER : 0));
    }
}

static void FN(d8_row)(const ELEV *z, int64_t c0, int64_t nx, int64_t w, const double dist[8], double *best,
                       int32_t *bdir, uint16_t *eq)
{
    for (int64_t i = 0; i < nx; i++) {
        best[i] = 0;
        bdir[i] = SX_D8_NONE;
        eq[i] = 0;
    }
    for (int k = 0; k < 8; k++) FN(d8_pass)(z + c0, z + c0 + sx_d8_dy[k] * w + sx_d8_dx[k], nx, dist[k], k, best, bdir, eq);
}
