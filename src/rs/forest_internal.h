/*
 * forest_internal.h — what the random-forest files of src/rs share (not
 * public): the 64-bit mixing function behind the per-tree random streams and
 * the deterministic hold-back (also the cell keys of rs sample), and the
 * allocation of an empty forest.
 */
#ifndef SX_RS_FOREST_INTERNAL_H
#define SX_RS_FOREST_INTERNAL_H

#include <stdint.h>
#include "sanxiang/sx_rs_classify.h"
#include "sanxiang/sx_splitmix.h"

/** splitmix64's output from state z: the mix of z + the golden ratio, i.e.
 *  sx_splitmix64_next on a copy of z (Steele et al. 2014). */
static inline uint64_t sx__rs_mix64(uint64_t z) { return sx_splitmix64_mix(z + SX_SPLITMIX64_GAMMA); }
/** A zeroed forest with room for nfeat names, ntrees trees and nnodes nodes. */
sx_err sx__rs_forest_alloc(int nfeat, int ncls, int ntrees, int64_t nnodes, sx_rs_forest_t **out);

#endif
