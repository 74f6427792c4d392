/*
 * p3.c — the Pearson type III frequency factor Phi and design values that
 * flood frequency analysis needs (see sx_hydro_freq.h), from the inverse
 * incomplete gamma function (src/core/special.c). Correctness:
 * tests/unit/test_hydro_freq.c checks Phi against the printed K tables of
 * Bulletin 17B (appendix 3) and Soetopo, cell by cell to the last digit.
 */
#include <math.h>

#include "sanxiang/sx_hydro_freq.h"

sx_err sx_p3_phi(double cs, double p, double *phi)
{
    SX_FAIL_IF(!(p > 0 && p < 1), SX_ERR_NUMERIC, "exceedance probability %g is outside (0, 1)", p);
    SX_FAIL_IF(!isfinite(cs), SX_ERR_NUMERIC, "Cs = %g is not finite", cs);
    if (fabs(cs) < 1e-4) { /* Cornish–Fisher to first order in Cs: the error is O(Cs^2) < 1e-8 */
        double z;
        SX_CHECK(sx_normal_q_inv(p, &z));
        *phi = z + (z * z - 1) * cs / 6;
        return SX_OK;
    }
    if (cs < 0) { /* a negative skew mirrors the positive one */
        SX_CHECK(sx_p3_phi(-cs, 1 - p, phi));
        *phi = -*phi;
        return SX_OK;
    }
    double y;
    SX_CHECK(sx_gamma_q_inv(4 / (cs * cs), p, &y));
    *phi = cs * y / 2 - 2 / cs;
    return SX_OK;
}

sx_err sx_p3_quantile(double mean, double cv, double cs, double p, double *x)
{
    double phi;
    SX_CHECK(sx_p3_phi(cs, p, &phi));
    *x = mean * (1 + cv * phi);
    return SX_OK;
}
