/*
 * reservoir_structures.c — a reservoir's outflow capacity q(Z) from its
 * outlet structures instead of a table column: free overflow weirs, gated
 * spillways with a given gate opening and bottom outlets, each a group of
 * identical openings, summed. The formulas are the textbook ones the
 * spillway design code uses (SL 253-2018 溢洪道设计规范, appendix A;
 * 吴持恭《水力学》 ch. 8-9; Chow 1959, Open-Channel Hydraulics §14):
 *   free weir (堰流)          q = m n B sqrt(2g) H^1.5,       H = Z - crest
 *   gate (闸孔出流), e/H<=0.65 q = mu n B e sqrt(2g H),      H = Z - sill
 *   gate, e/H > 0.65          the gate clears the water: weir flow as above
 *   bottom outlet (底孔)      q = mu n A sqrt(2g (Z - zc)),  zc = outlet centre
 * (free outflow; approach velocity head neglected, as reservoir tables do).
 * The capacity is evaluated at each level of the Z–V curve, so routing
 * interpolates it linearly between rows like a tabulated column.
 */
#include <math.h>
#include <stdio.h>

#include "sanxiang/sx_hydro_reservoir.h"

#define G 9.81 /* m/s2 */

static double one(const sx_reservoir_structure_t *s, double z)
{
    const double h = z - s->crest;
    if (!(h > 0)) return 0;
    const double weir = s->m * s->count * s->width * sqrt(2 * G) * pow(h, 1.5);
    switch (s->kind) {
    case SX_RESERVOIR_WEIR:
        return weir;
    case SX_RESERVOIR_GATE:
        if (isinf(s->opening) || s->opening / h > 0.65) return weir;
        return s->mu * s->count * s->width * s->opening * sqrt(2 * G * h);
    case SX_RESERVOIR_OUTLET:
        return s->mu * s->count * s->area * sqrt(2 * G * h);
    }
    return 0;
}

double sx_reservoir_structures_q(const sx_reservoir_structure_t *st, int n, double z)
{
    double q = 0;
    for (int k = 0; k < n; k++) q += one(&st[k], z);
    return q;
}

sx_err sx_reservoir_curves_set_structures(sx_reservoir_curves_t *c, const sx_reservoir_structure_t *st, int n,
                                          const char *what)
{
    SX_FAIL_IF(n < 1, SX_ERR_INPUT, "%s: no outlet structures; give at least one (weir, gate or outlet)", what);
    for (int i = 0; i < c->n; i++) {
        c->q[i] = sx_reservoir_structures_q(st, n, c->z[i]);
        SX_FAIL_IF(i > 0 && c->q[i] < c->q[i - 1], SX_ERR_INPUT,
                   "%s: the structures pass %.6g m3/s at level %g m (%s line %d) but %.6g m3/s at the lower level %g m; "
                   "a gate's orifice flow must join its weir flow (mu x 0.65 >= m): check the coefficients", what,
                   c->q[i], c->z[i], c->source, c->line[i], c->q[i - 1], c->z[i - 1]);
    }
    c->unit[2] = sx_reservoir_units("outflow")[0];
    return SX_OK;
}
