/*
 * analytic.c — exact solutions of the shallow-water equations used to verify
 * the solver (tests only read them; nothing in a run depends on them).
 *
 * Ritter (1892): dam break over a dry, frictionless, horizontal bed.
 * Stoker (1957), Water Waves, ch. 10: dam break over a wet bed; the shock
 * state (h2, u2, shock speed) solves the Rankine-Hugoniot conditions joined
 * to the rarefaction, found here by bisection on the middle depth.
 * Thacker (1981), J. Fluid Mech. 107:499-508, doi:10.1017/S0022112081001882:
 * planar water surface oscillating in a parabolic channel; the form used is
 * the 1-D case of the SWASHES collection (Delestre et al. 2013,
 * doi:10.1002/fld.3741), derived again in docs/inundation.md.
 */
#include <math.h>

#include "sanxiang/sx_flood2d.h"

double sx_f2d_ritter_depth(double h0, double x, double t, double g)
{
    double c0 = sqrt(g * h0);
    if (x <= -c0 * t) return h0;
    if (x >= 2 * c0 * t) return 0.0;
    double r = 2 * c0 - x / t;
    return r * r / (9 * g);
}

/* Middle-state depth h2 of the wet dam break: the rarefaction gives
 * u2 = 2 (c0 - c2) and the shock (speed S) gives u2 = S (1 - h1/h2) with
 * S = sqrt(g h2 (h2 + h1) / (2 h1)). Solve f(h2) = 0 by bisection. */
static double stoker_h2(double h0, double h1, double g)
{
    double lo = h1, hi = h0;
    for (int it = 0; it < 200; it++) {
        double h2 = 0.5 * (lo + hi);
        double u_rare = 2 * (sqrt(g * h0) - sqrt(g * h2));
        double s = sqrt(g * h2 * (h2 + h1) / (2 * h1));
        double u_shock = s * (1 - h1 / h2);
        if (u_rare > u_shock) lo = h2;
        else hi = h2;
    }
    return 0.5 * (lo + hi);
}

double sx_f2d_stoker_depth(double h0, double h1, double x, double t, double g)
{
    double c0 = sqrt(g * h0), h2 = stoker_h2(h0, h1, g), c2 = sqrt(g * h2);
    double u2 = 2 * (c0 - c2);
    double s = sqrt(g * h2 * (h2 + h1) / (2 * h1));
    if (x <= -c0 * t) return h0;
    if (x <= (u2 - c2) * t) {
        double r = 2 * c0 - x / t;
        return r * r / (9 * g);
    }
    if (x <= s * t) return h2;
    return h1;
}

double sx_f2d_thacker_depth(double h0, double a, double B, double xc, double x, double t, double g)
{
    double w = sqrt(2 * g * h0) / a;
    double X = x - xc, Xc = -(B / w) * cos(w * t); /* the lens moves rigidly: u = dXc/dt = B sin(w t) */
    double h = h0 - h0 * (X - Xc) * (X - Xc) / (a * a);
    return h > 0 ? h : 0.0;
}
