/*
 * sample_internal.h — what the files of rs sample share (not public): the
 * strata of a class map, the cell keys and the exact distributed choice of
 * the cells with the smallest keys, and the writer of the sample layer.
 */
#ifndef SX_RS_SAMPLE_INTERNAL_H
#define SX_RS_SAMPLE_INTERNAL_H

#include "rs/rs_internal.h"
#include "sanxiang/sx_rs_series.h"

#define SX_RS_SAMPLE_NC 255 /* classes 0 .. 254 */

/** One drawn (or candidate) cell: its key, linear index row * nx + col, the
 *  stratum it belongs to and its reference class (255: none given). */
typedef struct {
    uint64_t key;
    int64_t cell;
    int32_t stratum;
    int32_t ref;
} sx__rs_draw_t;

/** Per map class value c (0 .. 254), in cnt: mapped pixels, those under an
 *  exclude feature, those left without a reference label, the eligible rest
 *  (mapped - excluded - unlabelled); one block of int64, so one reduction
 *  sums them. The strata are the classes with mapped pixels, in increasing
 *  class order: cls[h], n[h] units to draw. */
typedef struct {
    struct {
        int64_t mapped[SX_RS_SAMPLE_NC], excluded[SX_RS_SAMPLE_NC], unlabelled[SX_RS_SAMPLE_NC],
            eligible[SX_RS_SAMPLE_NC];
    } cnt;
    int k;
    int cls[SX_RS_SAMPLE_NC];
    int64_t n[SX_RS_SAMPLE_NC];
    int64_t total;
} sx__rs_strata_t;

/** The start s = mix64(seed ^ 0x73616D706C65 ("sample")) of the key stream
 *  of seed (mix64: splitmix64's output function of z + golden ratio,
 *  Steele, Lea & Flood 2014). Not collective. */
uint64_t sx__rs_sample_stream(uint64_t seed);
/** The key of cell `cell` (row * nx + col): mix64(s + cell * golden ratio),
 *  i.e. output cell + 1 of splitmix64 started at state s — a counter-based
 *  draw that depends only on the seed and the cell. Not collective. */
uint64_t sx__rs_sample_key(uint64_t stream, int64_t cell);

/** The n[h] smallest (key, cell) of each stratum among the candidates this
 *  rank offers, in bounded max-heaps (memory: the sample size). */
typedef struct {
    int k;
    const int64_t *n;      /* borrowed: n[h] per stratum */
    int64_t *off, *len;    /* heap of stratum h: d[off[h] .. off[h] + len[h]) */
    sx__rs_draw_t *d;
} sx__rs_select_t;

/** Heaps for k strata of n[h] units (n borrowed). Not collective. */
sx_err sx__rs_select_init(sx__rs_select_t *s, int k, const int64_t *n);
/** Offer a candidate of stratum d.stratum. Not collective. */
void sx__rs_select_offer(sx__rs_select_t *s, sx__rs_draw_t d);
/** The n[h] smallest of each stratum over all ranks: every rank's
 *  candidates go to rank 0, which keeps the n[h] smallest (key, cell) per
 *  stratum — the global ones, since each is among its own rank's n[h]
 *  smallest. On rank 0 *out (caller frees) holds sum n[h] draws sorted by
 *  stratum, then cell; *nout their count (0 elsewhere). Uses up the heaps
 *  (only fini may follow). Collective over comm; ranks agree. */
sx_err sx__rs_select_reduce(MPI_Comm comm, sx__rs_select_t *s, sx__rs_draw_t **out, int64_t *nout);
void sx__rs_select_fini(sx__rs_select_t *s);

/** Rank 0: write the draws as points at cell centres of grid g (its CRS)
 *  into layer o->layer of the GeoPackage path (a temporary name the caller
 *  commits), and the strata table to o->out_csv. Not collective. */
sx_err sx__rs_sample_write(const sx_rs_sample_opts_t *o, const char *path, const sx_grid_t *g,
                           const sx__rs_strata_t *st, const sx__rs_draw_t *d, int64_t nd);

#endif
