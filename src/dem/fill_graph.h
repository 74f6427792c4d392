/*
 * fill_graph.h — the spill graph of the tiled Priority-Flood (Barnes 2016,
 * doi:10.1016/j.cageo.2016.07.001): edges (label a, label b, spill level)
 * between the watershed labels of the blocks, label 0 being the outside.
 * fill_flood.h builds a block's edges with local labels; fill_graph.c makes
 * them global, solves the graph on rank 0 and returns each label's spill
 * level.
 */
#ifndef SX_DEM_FILL_GRAPH_H
#define SX_DEM_FILL_GRAPH_H

#include <stdint.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_err.h"

typedef struct {
    int64_t a, b; /* labels, a <= b after sx__edges_add */
    double w;     /* the lowest level at which water passes between them */
} sx__edge_t;

typedef struct {
    sx__edge_t *e;
    int64_t n, cap;
} sx__edges_t;

/** Add edge (a, b, w), keeping only the lowest w when the previous edge
 *  joins the same pair (a label boundary is met cell after cell). */
sx_err sx__edges_add_slow(sx__edges_t *es, int64_t a, int64_t b, double w);
static inline sx_err sx__edges_add(sx__edges_t *es, int64_t a, int64_t b, double w)
{
    if (a > b) {
        int64_t t = a;
        a = b;
        b = t;
    }
    if (es->n > 0 && es->e[es->n - 1].a == a && es->e[es->n - 1].b == b) {
        if (w < es->e[es->n - 1].w) es->e[es->n - 1].w = w;
        return SX_OK;
    }
    return sx__edges_add_slow(es, a, b, w);
}
/** Sort and keep the lowest edge of each pair. */
void sx__edges_unique(sx__edges_t *es);
void sx__edges_free(sx__edges_t *es);

/**
 * Solve the spill graph: es holds this rank's edges between global labels
 * (1..total, 0 = outside); this rank's labels are first..first+nlab-1. On
 * return spill[l] (l = 0..nlab-1) is the lowest level at which label
 * first+l drains to the outside (+inf if it cannot). The graph is gathered
 * and flooded from label 0 on rank 0 (minimax Priority-Flood). Collective.
 */
sx_err sx__fill_graph_solve(MPI_Comm comm, sx__edges_t *es, int64_t first, int64_t nlab, double *spill);

#endif
