/*
 * fill_flood.c — the per-block phases of the tiled Priority-Flood (Barnes
 * 2016, doi:10.1016/j.cageo.2016.07.001) for float32 and float64 blocks.
 *
 * Phase 1 floods the block from its perimeter cells and its outlets (grid
 * edge; cells next to nodata unless nodata are walls) and labels watersheds,
 * in the one-pass form of Zhou, Sun & Fu (2016,
 * doi:10.1016/j.cageo.2016.02.021) with the spill-point test of Wei, Zhou &
 * Fu (2019, doi:10.1080/17538947.2018.1429503):
 *  - a cell popped from the priority queue at level lv claims its unclaimed
 *    neighbours: those <= lv are raised to lv and claim theirs in turn (pit
 *    FIFO, Barnes et al. 2014 Alg. 2), the higher ones are traced;
 *  - a traced cell t claims its unclaimed neighbours not below it, at their
 *    own elevation (a cell can never end below its elevation, so this is its
 *    final level whatever the order; Zhou et al. trace only strictly higher
 *    cells, equal ones are claimed here as well, which keeps the flats of
 *    integer DEMs out of the priority queue);
 *  - a neighbour m below t may need t as its spill point: t enters the queue
 *    at its elevation, unless m has a claimed neighbour below t, which will
 *    reach m at a lower level (Wei et al.; by induction over strictly
 *    decreasing levels some queued cell claims m).
 * Only seeds and spill points pass through the priority queue, and pops are
 * in non-decreasing level order, so every pit claim is at the least level
 * and the levels are the unique local fill (each cell's level is the max of
 * its elevation and its claimer's, along a tree that falls to its seed).
 * Wherever two labels touch, an edge (a, b, max of the two levels) of the
 * spill graph is kept, and every outlet links its label to the outside at its
 * elevation: that is all phase 2 (fill_graph.c) needs. Labels differ from
 * the all-heap flood's; levels and the final surface do not.
 *
 * Layout: z and the labels live in the padded frame (pad.h); levels are
 * written over z in place (perimeter cells and outlets are never raised,
 * which the cross-block edges and the outlet links rely on). Labels are
 * 32-bit: 0 unclaimed, FILL_SKIP for nodata and the halo. Memory per cell of
 * the block: z (4 or 8 B) + label 4 B, plus the FIFOs (4 B per cell in
 * them) and the heap (16 B per queued seed or spill point).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/fill_flood_internal.h"

sx_err sx__fill_outlet(sx__flood_t *f, uint32_t c)
{
    if (f->nout == f->capout) {
        int64_t cap = f->capout ? 2 * f->capout : 1024;
        uint32_t *o = realloc(f->out, (size_t)cap * sizeof *o);
        SX_FAIL_IF(!o, SX_ERR_NOMEM, "cannot list %lld outlet cells", (long long)cap);
        f->out = o;
        f->capout = cap;
    }
    f->out[f->nout++] = c;
    return SX_OK;
}

static int64_t sx__fill_ring_label(const sx__flood_t *f, int64_t q)
{
    uint32_t l = f->lab[q];
    if (l == 0 || l == FILL_SKIP) return 0;
    return f->firsts[sx__pad_owner(f->d, sx__pad_gi(f->p, q), sx__pad_gj(f->p, q))] + (int64_t)l - 1;
}

#define ELEV float
#define KEY sx__key_f32
#define FN(x) x##_f32
#include "dem/fill_flood.h"
#undef ELEV
#undef KEY
#undef FN
#define ELEV double
#define KEY sx__key_f64
#define FN(x) x##_f64
#include "dem/fill_flood.h"
#undef ELEV
#undef KEY
#undef FN

sx_err sx__fill_phase1(sx__flood_t *f, sx_dtype t, void *z)
{
    if (t == SX_DT_FLOAT32) {
        SX_CHECK(seed_f32(f, z));
        SX_CHECK(flood_f32(f, z));
        return outlet_edges_f32(f, z);
    }
    SX_CHECK(seed_f64(f, z));
    SX_CHECK(flood_f64(f, z));
    return outlet_edges_f64(f, z);
}

sx_err sx__fill_cross(sx__flood_t *f, sx_dtype t, const void *z, sx__edges_t *es, int64_t first)
{
    return t == SX_DT_FLOAT32 ? cross_edges_f32(f, z, es, first) : cross_edges_f64(f, z, es, first);
}

void sx__fill_raise(const sx__flood_t *f, sx_dtype t, void *z, const double *spill, const void *z0)
{
    if (t == SX_DT_FLOAT32) raise_f32(f, z, spill, z0);
    else raise_f64(f, z, spill, z0);
}

void sx__flood_fini(sx__flood_t *f)
{
    sx__q32_free(&f->pit);
    sx__q32_free(&f->trace);
    sx__q32_free(&f->maybe);
    sx__rh_free(&f->pq);
    free(f->out);
    f->out = NULL;
    f->nout = f->capout = 0;
}
