/*
 * flowdir_d8.h — the D8 stencil over one row of own cells, included by
 * flowdir_dist.c. Elevations come as float64 rows: float32 DEMs are widened
 * row by row first (exactly), so every compare and select of the loop is on
 * 64-bit lanes; reading the float32 frame directly made the compiler compare
 * in 32-bit lanes and widen each mask (a quarter more instructions).
 *
 * One branch-free loop over the row's contiguous cells (selects, not
 * branches) that the compiler vectorises, the eight neighbours unrolled in
 * W..SW order with the running best in registers; the arithmetic is the
 * scalar rule's, drop / distance in float64, so the directions are those of
 * a cell-by-cell loop bit for bit: the steepest drop wins, equal drops keep
 * the first neighbour in W..SW order except that a cardinal one replaces a
 * diagonal one; nodata neighbours count as an infinite drop. The same loop
 * records which neighbours have the cell's elevation and whether one is
 * higher (eq), and SX__EQ_FLAT on the cells left without a direction;
 * nodata cells get SX_D8_NODATA.
 */
SX__VECTORISE static void d8_row(const double *restrict up, const double *restrict mid, const double *restrict dn,
                                 int64_t nx, const double dist[8], int64_t *restrict dir, int64_t *restrict eq)
{ /* 64-bit lanes throughout: the compiler vectorises a loop of one lane width */
    const double d0 = dist[0], d1 = dist[1], d2 = dist[2], d3 = dist[3], d4 = dist[4], d5 = dist[5], d6 = dist[6],
                 d7 = dist[7];
    for (int64_t i = 0; i < nx; i++) {
        const double a = mid[i];
        double best = 0;
        int64_t bd = SX_D8_NONE, e = 0;
/* neighbour k at value v over distance dk: a cardinal (even k) one also wins a tie with a diagonal best */
#define NB(k, v, dk)                                                                          \
    do {                                                                                      \
        const double b = (v), s0 = (a - b) / (dk), s = b != b ? INFINITY : s0;                \
        const int64_t upd = (s > best) | ((!((k) & 1)) & (s == best) & (bd & 1));             \
        best = upd ? s : best;                                                                \
        bd = upd ? (k) : bd;                                                                  \
        e |= (a == b ? (int64_t)1 << (k) : 0) | (b > a ? (int64_t)SX__EQ_HIGHER : 0);         \
    } while (0)
        NB(0, mid[i - 1], d0);
        NB(1, up[i - 1], d1);
        NB(2, up[i], d2);
        NB(3, up[i + 1], d3);
        NB(4, mid[i + 1], d4);
        NB(5, dn[i + 1], d5);
        NB(6, dn[i], d6);
        NB(7, dn[i - 1], d7);
#undef NB
        const int64_t d = a != a ? SX_D8_NODATA : bd;
        dir[i] = d;
        eq[i] = e | (d == SX_D8_NONE ? (int64_t)SX__EQ_FLAT : 0);
    }
}
