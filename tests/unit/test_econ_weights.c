/*
 * test_econ_weights.c — weights and TOPSIS against published worked examples:
 *  - entropy: the personnel-selection matrix of Ulutas (2019,
 *    doi:10.26466/opus.580456) as printed in JMcDM's documentation
 *    (Satman et al. 2021, JOSS, doi:10.21105/joss.03430);
 *  - CRITIC: the 3 x 4 bank example printed in JMcDM's documentation
 *    (after Akcakanat et al. 2018), with one cost criterion;
 *  - TOPSIS: JMcDM's apartment example (costs and benefits) and its
 *    3 x 4 benefit example (Hwang & Yoon 1981 method);
 *  - AHP: a consistent matrix returns its generating weights with CR = 0,
 *    and the textbook 3 x 3 matrix (1 3 5 / 1/3 1 3 / 1/5 1/3 1) gives
 *    weights 0.637, 0.258, 0.105, lambda_max 3.039 and CR 0.033;
 *  - PCA: two perfectly correlated indicators and one independent one.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_econ.h"

static void near(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) fail_msg("%s: got %.10g, published %.10g (tol %g)", what, got, want, tol);
}

static void test_entropy(void **state)
{
    const double x[6 * 8] = {2, 1, 4, 7, 6, 6, 7, 3000, 4, 1, 5, 6, 7, 7, 6, 3500, 3, 2, 6, 6, 5, 6, 8, 4000,
                             5, 1, 5, 7, 6, 7, 7, 3000, 4, 2, 5, 6, 7, 7, 6, 3000, 3, 2, 6, 6, 6, 6, 6, 3500};
    const double pub[8] = {0.29967360959745126, 0.441367338923551, 0.07009088719659533, 0.021238237112072383,
                           0.0490229289460051, 0.023080378850660263, 0.0477633096868323, 0.0477633096868323};
    double w[8];
    assert_int_equal(sx_econ_weights_entropy(x, 6, 8, w), SX_OK);
    for (int i = 0; i < 8; i++) near(w[i], pub[i], 1e-9, "entropy weight");
    double bad[4] = {1, NAN, 2, 3};
    assert_int_equal(sx_econ_weights_entropy(bad, 2, 2, w), SX_ERR_INPUT);
}

static void test_critic(void **state)
{
    const double x[3 * 4] = {12.9918, 0.7264, -1.1009, 1.59814, 4.1201, 5.8824, 3.4483, 1.02156,
                             4.1039, 0.0, -0.5076, 0.984469};
    const int dir[4] = {1, 1, -1, 1};
    const double pub[4] = {0.16883905506169491, 0.41844653698732126, 0.24912338769165807, 0.16359102025932576};
    double w[4];
    assert_int_equal(sx_econ_weights_critic(x, 3, 4, dir, w), SX_OK);
    /* the published matrix is printed to 6 significant digits, so the
     * published weights carry ~1e-7 of rounding */
    for (int i = 0; i < 4; i++) near(w[i], pub[i], 1e-6, "CRITIC weight");
}

static void test_topsis(void **state)
{
    const double apt[3 * 5] = {6, 140, 150000, 950, 1500, 4, 90, 100000, 1500, 2000, 12, 140, 75000, 550, 1100};
    const double w1[5] = {0.35, 0.15, 0.25, 0.20, 0.05};
    const int d1[5] = {-1, 1, -1, -1, 1};
    const double pub1[3] = {0.5854753145549456, 0.6517997936899308, 0.41850223305822903};
    double c[3];
    assert_int_equal(sx_econ_topsis(apt, 3, 5, w1, d1, c), SX_OK);
    for (int i = 0; i < 3; i++) near(c[i], pub1[i], 1e-9, "TOPSIS apartment closeness");
    const double x2[3 * 4] = {9, 7, 6, 7, 8, 7, 9, 6, 7, 8, 6, 6};
    const double w2[4] = {4, 2, 6, 8}; /* not summing to 1: re-normalised */
    const double pub2[3] = {0.38768695492211824, 0.6503238218850163, 0.08347670030339041};
    assert_int_equal(sx_econ_topsis(x2, 3, 4, w2, NULL, c), SX_OK);
    for (int i = 0; i < 3; i++) near(c[i], pub2[i], 1e-9, "TOPSIS benefit closeness");
    /* through the aggregation interface: x100, same order */
    int cols[4] = {0, 1, 2, 3};
    double s[3];
    assert_int_equal(sx_econ_aggregate(x2, 3, 4, cols, 4, w2, SX_AGG_TOPSIS, s), SX_OK);
    for (int i = 0; i < 3; i++) near(s[i], 100 * pub2[i], 1e-7, "TOPSIS aggregate");
}

static void test_ahp(void **state)
{
    const double g[4] = {0.4, 0.3, 0.2, 0.1};
    double a[16], w[4], lmax, cr;
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) a[i * 4 + j] = g[i] / g[j];
    assert_int_equal(sx_econ_weights_ahp(a, 4, w, &lmax, &cr), SX_OK);
    for (int i = 0; i < 4; i++) near(w[i], g[i], 1e-12, "consistent AHP weight");
    near(lmax, 4, 1e-10, "consistent lambda_max");
    near(cr, 0, 1e-10, "consistent CR");
    const double t[9] = {1, 3, 5, 1.0 / 3, 1, 3, 1.0 / 5, 1.0 / 3, 1};
    assert_int_equal(sx_econ_weights_ahp(t, 3, w, &lmax, &cr), SX_OK);
    near(w[0], 0.637, 5e-4, "AHP w1");
    near(w[1], 0.258, 5e-4, "AHP w2");
    near(w[2], 0.105, 5e-4, "AHP w3");
    near(lmax, 3.039, 5e-4, "AHP lambda_max");
    near(cr, 0.033, 5e-4, "AHP CR");
    double bad[4] = {1, 2, 2, 1}; /* not reciprocal */
    assert_int_equal(sx_econ_weights_ahp(bad, 2, w, &lmax, &cr), SX_ERR_INPUT);
}

static void test_pca(void **state)
{
    /* columns 0 and 1 identical, column 2 uncorrelated with them */
    const double x[4 * 3] = {1, 1, 1, 2, 2, -1, 3, 3, -1, 4, 4, 1};
    double w[3];
    assert_int_equal(sx_econ_weights_pca(x, 4, 3, w), SX_OK);
    /* eigenvalues 2 (cols 0,1) and 1 (col 2): only the first is kept (> 1);
     * col 2 has zero loading on it. */
    near(w[0], 0.5, 1e-9, "PCA w0");
    near(w[1], 0.5, 1e-9, "PCA w1");
    near(w[2], 0.0, 1e-9, "PCA w2");
}

static void test_pca_varimax(void **state)
{
    (void)state;
    /* Two clusters built from orthonormal centred columns h1..h7 of the 8 x 8
     * Sylvester-Hadamard matrix: x1..x3 = sqrt(.32) h1 + sqrt(.68) h2..h4
     * (pairwise r = .32), x4, x5 = sqrt(.64) h5 + sqrt(.36) h6, h7 (r = .64),
     * clusters uncorrelated, stored interleaved (x1 x4 x2 x5 x3). Eigenvalues
     * 1.64, 1.64 (a tie: any rotation of the two leading eigenvectors is
     * returned), .68, .68, .36; both leading ones are kept (> 1, 32.8 % each,
     * 65.6 % together); varimax finds the clusters. Squared loadings scaled
     * to unity: 1/3 in the first cluster, 1/2 in the second; factor weights
     * 1.64 / 3.28 each: w = 1/6 for x1..x3 and 1/4 for x4, x5. */
    const int order[5] = {0, 3, 1, 4, 2};
    double x[8 * 5], w[5];
    for (int u = 0; u < 8; u++) {
        double h[8];
        for (int j = 0; j < 8; j++) h[j] = __builtin_popcount((unsigned)(u & j)) % 2 ? -1 : 1;
        double v[5] = {sqrt(.32) * h[1] + sqrt(.68) * h[2], sqrt(.32) * h[1] + sqrt(.68) * h[3], sqrt(.32) * h[1] + sqrt(.68) * h[4],
                       sqrt(.64) * h[5] + sqrt(.36) * h[6], sqrt(.64) * h[5] + sqrt(.36) * h[7]};
        for (int k = 0; k < 5; k++) x[u * 5 + k] = v[order[k]];
    }
    assert_int_equal(sx_econ_weights_pca(x, 8, 5, w), SX_OK);
    const double want[5] = {1. / 6, 1. / 4, 1. / 6, 1. / 4, 1. / 6};
    for (int k = 0; k < 5; k++) near(w[k], want[k], 1e-9, "PCA varimax weight");
}

static void test_pca_varimax_rotates(void **state)
{
    (void)state;
    /* Two correlated clusters: r = .8 within {x1, x2}, .5 within {x3, x4},
     * .3 between; data X = E C' with C the Cholesky factor of that
     * correlation matrix and E four orthogonal centred Hadamard columns, so
     * corr(X) is exactly it. Eigenvalues 2.268, 1.032, .5, .2: two kept
     * (> 1, 56.7 % and 25.8 %). Unrotated, factor 1 is a general factor and
     * the weights would be .344, .344, .156, .156. With Kaiser normalisation
     * the rows are two unit directions (each twice) at angle D; the varimax
     * criterion is then proportional to sin^2(a + b) sin^2(a - b) for their
     * angles a, b to the first axis, maximal at a + b = 90 degrees: the
     * clusters end symmetric about the diagonal. Squared loadings scaled to
     * unity and factor weights then give w = 3/11, 3/11, 5/22, 5/22 (i.e.
     * (1 + r_within) / (2 (2 + .8 + .5)) per indicator). */
    const double R[16] = {1, .8, .3, .3, .8, 1, .3, .3, .3, .3, 1, .5, .3, .3, .5, 1};
    double C[16] = {0}, x[8 * 4], w[4];
    for (int i = 0; i < 4; i++) /* Cholesky, R = C C' */
        for (int j = 0; j <= i; j++) {
            double s = R[i * 4 + j];
            for (int k = 0; k < j; k++) s -= C[i * 4 + k] * C[j * 4 + k];
            C[i * 4 + j] = i == j ? sqrt(s) : s / C[j * 4 + j];
        }
    for (int u = 0; u < 8; u++)
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (int k = 0; k < 4; k++) s += (__builtin_popcount((unsigned)(u & (k + 1))) % 2 ? -1 : 1) * C[i * 4 + k];
            x[u * 4 + i] = s;
        }
    assert_int_equal(sx_econ_weights_pca(x, 8, 4, w), SX_OK);
    const double want[4] = {3. / 11, 3. / 11, 5. / 22, 5. / 22};
    for (int k = 0; k < 4; k++) near(w[k], want[k], 1e-9, "PCA varimax weight (correlated clusters)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_entropy), cmocka_unit_test(test_critic),
                                       cmocka_unit_test(test_topsis), cmocka_unit_test(test_ahp),
                                       cmocka_unit_test(test_pca), cmocka_unit_test(test_pca_varimax),
                                       cmocka_unit_test(test_pca_varimax_rotates)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
