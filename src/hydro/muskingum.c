/*
 * muskingum.c — Muskingum and Muskingum–Cunge channel routing.
 *
 * McCarthy, G.T. (1938) The unit hydrograph and flood routing; coefficients
 * c0 = (dt-2KX)/D, c1 = (dt+2KX)/D, c2 = (2K(1-X)-dt)/D, D = 2K(1-X)+dt
 * and O2 = c0·I2 + c1·I1 + c2·O1 as in Ponce, V.M. (1989) Engineering
 * Hydrology, Prentice Hall, ch. 9 (verified on his Table 9-1 example, see
 * tests/unit/test_hydro_muskingum.c). All three coefficients are >= 0
 * exactly when 2KX <= dt <= 2K(1-X); outside that band the reach is split
 * into sub-reaches (dt < 2KX) or the step into sub-steps with linearly
 * interpolated inflow (dt > 2K(1-X)), so outflow is never negative for a
 * non-negative inflow. Muskingum–Cunge (Cunge 1969, J. Hydraul. Res.
 * 7(2):205-230, doi:10.1080/00221686909500264) supplies K and X from reach
 * length, celerity, width, slope and a reference discharge.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro.h"

static int stable(double K, double X, double dt)
{
    const double eps = 1e-12 * dt;
    return 2 * K * X <= dt + eps && dt <= 2 * K * (1 - X) + eps;
}

sx_err sx_muskingum_plan(double K, double X, double dt, sx_muskingum_t *out)
{
    SX_FAIL_IF(!(K > 0) || !isfinite(K), SX_ERR_INPUT, "Muskingum K = %g must be > 0 (hours)", K);
    SX_FAIL_IF(!(dt > 0) || !isfinite(dt), SX_ERR_INPUT, "Muskingum time step dt = %g must be > 0 (hours)", dt);
    SX_FAIL_IF(!(X >= 0 && X <= 0.5), SX_ERR_INPUT, "Muskingum X = %g must lie in [0, 0.5]", X);
    int nreach = 1, nsub = 1;
    if (2 * K * X > dt) {
        /* Smallest N with 2(K/N)X <= dt; then check the upper bound. */
        nreach = (int)ceil(2 * K * X / dt - 1e-12);
        while (!stable(K / nreach, X, dt) && nreach < 100000) nreach++;
    }
    if (!stable(K / nreach, X, dt / nsub)) {
        nsub = (int)ceil(dt / (2 * (K / nreach) * (1 - X)) - 1e-12);
        if (nsub < 1) nsub = 1;
        while (!stable(K / nreach, X, dt / nsub) && nsub < 100000) nsub++;
    }
    double k = K / nreach, h = dt / nsub;
    SX_FAIL_IF(!stable(k, X, h), SX_ERR_INPUT,
               "Muskingum K = %g, X = %g, dt = %g cannot be made stable by sub-reaches or sub-steps", K, X, dt);
    double den = 2 * k * (1 - X) + h;
    out->K = K;
    out->X = X;
    out->dt = dt;
    out->nreach = nreach;
    out->nsub = nsub;
    out->c0 = fmax(0.0, (h - 2 * k * X) / den);
    out->c1 = fmax(0.0, (h + 2 * k * X) / den);
    out->c2 = fmax(0.0, (2 * k * (1 - X) - h) / den);
    return SX_OK;
}

int64_t sx_muskingum_state_len(const sx_muskingum_t *mk) { return 2 * (int64_t)mk->nreach; }

void sx_muskingum_tag(const sx_muskingum_t *mk, char *buf, size_t len)
{
    snprintf(buf, len, "muskingum K=%.17g X=%.17g dt=%.17g", mk->K, mk->X, mk->dt);
}

sx_err sx_muskingum_route_hot(const sx_muskingum_t *mk, int64_t n, const double *I, double *O, const double *st_in,
                              int64_t capture, double *st_out)
{
    if (n <= 0) return SX_OK;
    for (int64_t t = 0; t < n; t++)
        SX_FAIL_IF(!isfinite(I[t]) || I[t] < 0, SX_ERR_INPUT,
                   "inflow at step %lld is %g; Muskingum needs finite inflows >= 0", (long long)t, I[t]);
    double *st;
    SX_ALLOC(st, 2 * mk->nreach, "Muskingum sub-reach state");
    double *prev_in = st, *prev_out = st + mk->nreach;
    int64_t t0;
    if (st_in) {
        for (int r = 0; r < 2 * mk->nreach; r++)
            if (!isfinite(st_in[r]) || st_in[r] < 0) {
                free(st);
                SX_FAIL(SX_ERR_INPUT, "Muskingum reach state value %d is %g; a saved flow cannot be negative", r, st_in[r]);
            }
        memcpy(st, st_in, (size_t)(2 * mk->nreach) * sizeof *st);
        t0 = 0;
    } else {
        for (int r = 0; r < mk->nreach; r++) prev_in[r] = prev_out[r] = I[0];
        O[0] = I[0];
        t0 = 1;
        if (capture == 0 && st_out) memcpy(st_out, st, (size_t)(2 * mk->nreach) * sizeof *st);
    }
    for (int64_t t = t0; t < n; t++) {
        double i_prev = prev_in[0];
        for (int j = 1; j <= mk->nsub; j++) {
            double in = i_prev + (I[t] - i_prev) * (double)j / mk->nsub;
            for (int r = 0; r < mk->nreach; r++) {
                double out = mk->c0 * in + mk->c1 * prev_in[r] + mk->c2 * prev_out[r];
                prev_in[r] = in;
                prev_out[r] = out;
                in = out;
            }
        }
        O[t] = prev_out[mk->nreach - 1];
        if (t == capture && st_out) memcpy(st_out, st, (size_t)(2 * mk->nreach) * sizeof *st);
    }
    free(st);
    return SX_OK;
}

sx_err sx_muskingum_route(const sx_muskingum_t *mk, int64_t n, const double *I, double *O)
{
    return sx_muskingum_route_hot(mk, n, I, O, NULL, -1, NULL);
}

sx_err sx_muskingum_cunge_params(double dx_m, double celerity_ms, double width_m, double slope, double qref_m3s,
                                 double *K_h, double *X)
{
    SX_FAIL_IF(!(dx_m > 0), SX_ERR_INPUT, "Muskingum-Cunge reach length %g m must be > 0", dx_m);
    SX_FAIL_IF(!(celerity_ms > 0), SX_ERR_INPUT, "Muskingum-Cunge celerity %g m/s must be > 0", celerity_ms);
    SX_FAIL_IF(!(width_m > 0), SX_ERR_INPUT, "Muskingum-Cunge width %g m must be > 0", width_m);
    SX_FAIL_IF(!(slope > 0), SX_ERR_INPUT, "Muskingum-Cunge bed slope %g must be > 0", slope);
    SX_FAIL_IF(!(qref_m3s > 0), SX_ERR_INPUT, "Muskingum-Cunge reference discharge %g m3/s must be > 0", qref_m3s);
    *K_h = dx_m / celerity_ms / 3600.0;
    double x = 0.5 * (1 - (qref_m3s / width_m) / (slope * celerity_ms * dx_m));
    *X = fmin(fmax(x, 0.0), 0.5);
    return SX_OK;
}
