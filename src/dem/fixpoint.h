/*
 * fixpoint.h — distributed least fixpoint of min-plus propagation over the
 * cells of padded block frames (pad.h): the breadth-first searches of flat
 * resolution (Barnes, Lehman & Mulla 2014, doi:10.1016/j.cageo.2013.01.009)
 * and the spreading of watershed labels, split over ranks.
 *
 * The links are given as a mask per frame cell (bit k of links[f]: f links
 * to its neighbour k, an own cell), built by the caller from its own cells,
 * so one relaxation serves every kind of link and halo cells need no bounds
 * checks. Values are unsigned with 0 for "unreached", so the arrays start as
 * calloc'ed memory: nothing is initialised or touched outside the cells the
 * searches reach.
 *
 * The least fixpoint of v[t] = min(v[t], v[f] + step) over the links (step
 * 0 or 1) is unique, so it does not depend on the decomposition or on the
 * order of work. Each round relaxes the own block from the round's sources in
 * Dijkstra order — the sources sorted by value and merged with a FIFO, whose
 * values never decrease, so every cell is set at most once per round and no
 * cell is queued twice — then exchanges the halo; halo cells whose value went
 * down are the next round's sources. Rounds end when no rank's halo changed.
 * Work per round is the cells reached from its sources; traffic is the block
 * perimeter; rounds grow with how often a shortest path crosses block edges.
 */
#ifndef SX_DEM_FIXPOINT_H
#define SX_DEM_FIXPOINT_H

#include <stdint.h>

#include "dem/pad.h"

/* v[c] == 0: unreached; values are 1 ..  UINT32_MAX - 1. The unsigned order of
 * v - 1 puts "unreached" above every value. */
static inline int sx__fp_below(uint32_t a, uint32_t b) { return a - 1u < b - 1u; }

typedef struct {
    const sx_decomp_t *d;
    const sx__pad_t *p;
    sx_halo_t *halo;      /* padded, 4-byte elements */
    const uint8_t *links; /* frame: bit k of links[f] when f -> f + p->off[k] is a link (to an own cell) */
} sx__fixpoint_t;

/* A FIFO of cells, grown on demand; free(q.a) when done. */
typedef struct {
    uint32_t *a;
    size_t cap;
} sx__fp_fifo_t;

/**
 * The local part of a round: v becomes the least fixpoint of the own block
 * given its halo, from the listed sources (their v set, in non-decreasing
 * order of v), touching only the cells reached from them. Not collective.
 */
sx_err sx__fixpoint_settle(const sx__fixpoint_t *fp, uint32_t *v, uint32_t step, const uint32_t *src, int64_t nsrc,
                           sx__fp_fifo_t *q);

/**
 * v (frame, uint32, 0 = unreached; halo set) becomes the least fixpoint over
 * fp->links with the given step (0 or 1), starting from the listed source
 * cells (own or halo cells whose v is set, in any order; none when the own
 * block is already settled, as by sx__fixpoint_settle). Collective.
 */
sx_err sx__fixpoint_min(const sx__fixpoint_t *fp, uint32_t *v, uint32_t step, const uint32_t *src, int64_t nsrc);

#endif
