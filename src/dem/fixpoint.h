/*
 * fixpoint.h — distributed least fixpoint of min-plus propagation over the
 * cells of padded block frames (pad.h): the breadth-first searches of flat
 * resolution (Barnes, Lehman & Mulla 2014, doi:10.1016/j.cageo.2013.01.009),
 * the flat-wide maximum of their distances, and the spreading of watershed
 * labels, split over ranks.
 *
 * The least fixpoint of v[t] = min(v[t], v[f] + step) over the links f -> t
 * (t an own cell) is unique, so it does not depend on the decomposition or on
 * the order of work. Each round relaxes the own block from the round's
 * sources — breadth-first (label-correcting; each cell is set once when the
 * sources share a value, as in the first round, and along UPSTREAM links,
 * where a cell has one parent), or, for step 0 over the symmetric FLAT links,
 * one walk per component next to a source that gives it its least value —
 * then exchanges the one-cell halo; halo cells whose value went down
 * are the next round's sources. Rounds end when no rank's halo changed. Work
 * per round is the cells reached from its sources; traffic is the block
 * perimeter; rounds grow with how often a shortest path crosses block edges.
 */
#ifndef SX_DEM_FIXPOINT_H
#define SX_DEM_FIXPOINT_H

#include <stdint.h>

#include "dem/pad.h"

#define SX__FP_INF INT32_MAX

/* Which cells are linked; k is the direction from f to t, rk = (k + 4) & 7 from t to f.
 * eq[t] has bit j set when t's neighbour j has t's elevation (flats only; bit 8: a
 * neighbour is higher). */
typedef enum {
    SX__LINK_AWAY,    /* f, t without direction and of equal elevation (distance from higher terrain) */
    SX__LINK_FLAT,    /* f, t of equal elevation (the maximum over a flat) */
    SX__LINK_TOWARDS, /* t without direction, of f's elevation (distance from lower terrain) */
    SX__LINK_UPSTREAM /* t drains into f and is not marked in aux (labels spread upstream) */
} sx__link_kind;

typedef struct {
    const sx_decomp_t *d;
    const sx__pad_t *p;
    sx_halo_t *halo;     /* padded, int32 */
    const uint8_t *dir;  /* frame, halo exchanged */
    const uint16_t *eq;  /* own cells (flat links) */
    const uint8_t *aux;  /* frame (UPSTREAM: outlet flags) */
    uint8_t *state;      /* frame (sx__pad_notown): bit 0 outside the own block; bit 1 working space, left clear */
} sx__fixpoint_t;

/** state (p->n bytes): 1 on the halo and beyond, 0 on the own block. */
void sx__pad_notown(const sx__pad_t *p, uint8_t *state);

/**
 * v (frame, int32, SX__FP_INF = unreached; halo set) becomes the least
 * fixpoint over links of kind with the given step (0 or 1), starting from the
 * listed source cells (own or halo cells whose v is set). Collective.
 */
sx_err sx__fixpoint_min(const sx__fixpoint_t *fp, int32_t *v, int32_t step, sx__link_kind kind, const uint32_t *src,
                        int64_t nsrc);

#endif
