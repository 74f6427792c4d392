/*
 * econ_internal.h — helpers shared by the files of src/econ (not public):
 * CSV output cells, the one-rank write of a finished text file, the
 * parsing of method names, and the ranker of rank.c.
 */
#ifndef SX_ECON_INTERNAL_H
#define SX_ECON_INTERNAL_H

#include <mpi.h>
#include "sanxiang/sx_econ.h"
#include "sanxiang/sx_strbuf.h"

/** Append s as one CSV field (quoted when it holds , " or a newline), then sep. */
void sx__econ_csv_str(sx_strbuf_t *sb, const char *s, char sep);
/** Append a number with %.*f (NaN as an empty field), then sep. */
void sx__econ_csv_num(sx_strbuf_t *sb, double v, int decimals, char sep);
/** Index of s among names[0..n) into *out; otherwise SX_ERR_CONFIG
 *  "unknown <what> 's'; use a, b or c". */
sx_err sx__econ_parse_name(const char *s, const char *const *names, int n, const char *what, int *out);
/** Rank 0 writes sb to dir/name through a temporary name; all ranks agree.
 *  Collective over comm. */
sx_err sx__econ_write(MPI_Comm comm, const char *dir, const char *name, sx_strbuf_t *sb);

/* A ranker: descending ranks of n scores (sx_econ_rank_desc's rule) that
 * starts each sort from the order of the previous one (rank.c). One per
 * thread; not shared. */
typedef struct {
    uint64_t key;
    int idx;
} sx__econ_rank_pair_t;
typedef struct {
    int n;
    sx__econ_rank_pair_t *a; /* n: the last sorted order */
} sx__econ_ranker_t;

sx_err sx__econ_ranker_init(sx__econ_ranker_t *r, int n);
void sx__econ_ranker_fini(sx__econ_ranker_t *r);
/** rank[i] = descending rank of score[i * stride]; same result as sx_econ_rank_desc. */
void sx__econ_ranker_rank(sx__econ_ranker_t *r, const double *score, int64_t stride, int *rank);

#endif
