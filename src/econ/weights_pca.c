/*
 * weights_pca.c — factor-based weights as in the OECD/JRC Handbook on
 * Constructing Composite Indicators (OECD 2008, ISBN 978-92-64-04345-9,
 * section 6.1 and Step 4 of Part I): principal components of the
 * correlation matrix, a few factors retained, varimax rotation (Kaiser 1958,
 * Psychometrika 23(3) 187-200, doi:10.1007/BF02289233), weights from the
 * squared rotated loadings.
 *
 * Variant (public implementations differ at every step):
 *  1. z-scores of each indicator; correlation matrix R; eigenpairs of R by
 *     LAPACKE_dsyevd, sorted by decreasing eigenvalue; loadings
 *     L_ij = v_ij sqrt(lambda_j).
 *  2. Retained: the leading components with eigenvalue > 1 and an
 *     individual share lambda/n > 10 % (at least one); then, while their
 *     cumulative share is below 60 %, the next components are added.
 *  3. Varimax with Kaiser normalisation (rows of L divided by the square
 *     root of their communality, rows with zero communality left as they
 *     are), maximised by Kaiser's own algorithm: sweeps over every pair of
 *     factors, each rotated by the angle 4 phi = atan2(D - 2AB/n,
 *     C - (A^2 - B^2)/n) (u = x^2 - y^2, v = 2xy, A = sum u, B = sum v,
 *     C = sum u^2 - v^2, D = 2 sum uv), until no angle exceeds 1e-13 rad.
 *     Unlike the SVD iteration of R's stats::varimax this also leaves a
 *     stationary point that is a minimum (a symmetric general factor).
 *     With one retained factor nothing is rotated.
 *  4. Explained variance of rotated factor j: EV_j = sum_i L_ij^2; squared
 *     loadings scaled to unity within the factor: s_ij = L_ij^2 / EV_j.
 *  5. Each indicator joins the factor where s_ij is largest (first factor
 *     on ties); w_i = s_i,f(i) * EV_f / sum_j EV_j, normalised to sum 1.
 * Checked against two uncorrelated clusters with tied eigenvalues, a
 * hand-derived rotation of two correlated clusters (test_econ_weights.c) and
 * an independent numpy implementation with the SVD varimax iteration of R's
 * stats::varimax (tests/regression/econ_check.py pca).
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_econ.h"

#define SHARE_MIN 0.10
#define CUMULATIVE_MIN 0.60

/* Number of components kept from eigenvalues ev[0..n) sorted descending. */
static int retained(const double *ev, int n)
{
    int m = 0;
    double cum = 0;
    while (m < n && ev[m] > 1 && ev[m] / n > SHARE_MIN) cum += ev[m++] / n;
    if (m == 0) cum = ev[m++] / n;
    while (m < n && cum < CUMULATIVE_MIN) cum += ev[m++] / n;
    return m;
}

/* Varimax rotation of the n x m loadings L (row-major), in place: Kaiser's
 * pairwise planar rotations, each by the angle that maximises the criterion
 * for that pair in closed form, swept until no angle exceeds 1e-13 rad. */
static sx_err varimax(double *L, int n, int m)
{
    if (m < 2) return SX_OK;
    double *sc = malloc((size_t)n * sizeof *sc);
    SX_FAIL_IF(!sc, SX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) { /* Kaiser normalisation */
        double h = 0;
        for (int j = 0; j < m; j++) h += L[i * m + j] * L[i * m + j];
        sc[i] = h > 0 ? sqrt(h) : 1;
        for (int j = 0; j < m; j++) L[i * m + j] /= sc[i];
    }
    int sweep, moved = 1;
    for (sweep = 0; sweep < 1000 && moved; sweep++) {
        moved = 0;
        for (int j = 0; j < m - 1; j++)
            for (int k = j + 1; k < m; k++) {
                double A = 0, B = 0, C = 0, D = 0;
                for (int i = 0; i < n; i++) {
                    double x = L[i * m + j], y = L[i * m + k], u = x * x - y * y, v = 2 * x * y;
                    A += u, B += v, C += u * u - v * v, D += 2 * u * v;
                }
                double num = D - 2 * A * B / n, den = C - (A * A - B * B) / n;
                if (fabs(num) < 1e-14 * n && fabs(den) < 1e-14 * n) continue; /* criterion flat in this plane */
                double phi = 0.25 * atan2(num, den);
                if (fabs(phi) < 1e-13) continue;
                moved = 1;
                double cs = cos(phi), sn = sin(phi);
                for (int i = 0; i < n; i++) {
                    double x = L[i * m + j], y = L[i * m + k];
                    L[i * m + j] = x * cs + y * sn;
                    L[i * m + k] = -x * sn + y * cs;
                }
            }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) L[i * m + j] *= sc[i];
    free(sc);
    SX_FAIL_IF(moved, SX_ERR_NUMERIC, "varimax rotation did not converge in %d sweeps", sweep);
    return SX_OK;
}

sx_err sx_econ_weights_pca(const double *x, int n_unit, int n_ind, double *w)
{
    SX_FAIL_IF(n_unit < 3 || n_ind < 2, SX_ERR_INPUT, "PCA weights need >= 3 units and >= 2 indicators");
    const int n = n_ind;
    double *z = malloc((size_t)n_unit * n * sizeof *z), *c = calloc((size_t)n * n, sizeof *c), *ev = malloc((size_t)n * sizeof *ev),
           *L = malloc((size_t)n * n * sizeof *L), *EV = malloc((size_t)n * sizeof *EV);
    sx_err err = SX_OK;
    if (!z || !c || !ev || !L || !EV) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        double mean = 0, ss = 0;
        for (int u = 0; u < n_unit; u++) {
            double v = x[(int64_t)u * n + i];
            if (isnan(v)) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "PCA weights need complete data; impute first");
            mean += v;
        }
        mean /= n_unit;
        for (int u = 0; u < n_unit; u++) ss += (x[(int64_t)u * n + i] - mean) * (x[(int64_t)u * n + i] - mean);
        if (ss == 0) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "PCA: indicator %d is constant; remove it", i + 1);
        double sd = sqrt(ss);
        for (int u = 0; u < n_unit; u++) z[(int64_t)u * n + i] = (x[(int64_t)u * n + i] - mean) / sd;
    }
    for (int i = 0; i < n; i++) /* correlation matrix, lower triangle used by dsyevd */
        for (int j = 0; j <= i; j++) {
            double s = 0;
            for (int u = 0; u < n_unit; u++) s += z[(int64_t)u * n + i] * z[(int64_t)u * n + j];
            c[i * n + j] = c[j * n + i] = s;
        }
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'L', n, c, n, ev);
    if (info != 0) SX_FAIL_GOTO(err, done, SX_ERR_NUMERIC, "LAPACKE_dsyevd failed (info %d) on the correlation matrix", (int)info);
    /* dsyevd: eigenvalues ascending, column k of c its eigenvector; flip to descending */
    for (int k = 0; k < n / 2; k++) {
        double t = ev[k];
        ev[k] = ev[n - 1 - k], ev[n - 1 - k] = t;
    }
    const int m = retained(ev, n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) L[i * m + j] = c[i * n + (n - 1 - j)] * sqrt(fmax(ev[j], 0));
    SX_CHECK_GOTO(varimax(L, n, m), err, done);
    double tot_ev = 0;
    for (int j = 0; j < m; j++) {
        EV[j] = 0;
        for (int i = 0; i < n; i++) EV[j] += L[i * m + j] * L[i * m + j];
        tot_ev += EV[j];
    }
    double tot = 0;
    for (int i = 0; i < n; i++) {
        int bf = 0;
        double bs = -1;
        for (int j = 0; j < m; j++) {
            double s = EV[j] > 0 ? L[i * m + j] * L[i * m + j] / EV[j] : 0;
            if (s > bs) bs = s, bf = j;
        }
        w[i] = bs * EV[bf] / tot_ev;
        tot += w[i];
    }
    if (!(tot > 0)) SX_FAIL_GOTO(err, done, SX_ERR_NUMERIC, "PCA weights: all squared loadings are zero");
    for (int i = 0; i < n; i++) w[i] /= tot;
done:
    free(z), free(c), free(ev), free(L), free(EV);
    return err;
}
