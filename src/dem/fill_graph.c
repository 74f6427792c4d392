/*
 * fill_graph.c — phase 2 of the tiled Priority-Flood (Barnes 2016,
 * doi:10.1016/j.cageo.2016.07.001): the spill graph of every block's
 * watershed labels is gathered on rank 0 and flooded from the outside
 * (label 0) with a minimax priority queue, which gives each label the lowest
 * level at which it drains out; each rank gets its labels' levels back.
 *
 * The graph has O(block perimeters) edges after merging runs along label
 * boundaries, so rank 0 holds 24 B per edge, never the raster. The minimax
 * levels are unique and made of input elevations only (max and min), so they
 * do not depend on the order of edges or on the block layout.
 */
#include <math.h>
#include <stdlib.h>

#include "dem/cellq.h"
#include "dem/fill_graph.h"
#include "sanxiang/sx_mpi.h"

/* An MPI call in a function with a cleanup label. */
#define MPI_GOTO(call)                                                   \
    do {                                                                 \
        int rc_ = (call);                                                \
        if (rc_ != MPI_SUCCESS) {                                        \
            err = sx__mpi_fail(rc_, #call, SX__FILE, __LINE__);          \
            goto done;                                                   \
        }                                                                \
    } while (0)

sx_err sx__edges_add_slow(sx__edges_t *es, int64_t a, int64_t b, double w)
{
    if (es->n == es->cap) {
        int64_t cap = es->cap ? 2 * es->cap : 1024;
        sx__edge_t *e = realloc(es->e, (size_t)cap * sizeof *e);
        SX_FAIL_IF(!e, SX_ERR_NOMEM, "cannot grow the spill graph to %lld edges", (long long)cap);
        es->e = e;
        es->cap = cap;
    }
    es->e[es->n++] = (sx__edge_t){a, b, w};
    return SX_OK;
}

static int edge_cmp(const void *pa, const void *pb)
{
    const sx__edge_t *x = pa, *y = pb;
    if (x->a != y->a) return x->a < y->a ? -1 : 1;
    if (x->b != y->b) return x->b < y->b ? -1 : 1;
    return (x->w > y->w) - (x->w < y->w);
}

void sx__edges_unique(sx__edges_t *es)
{
    if (es->n == 0) return;
    qsort(es->e, (size_t)es->n, sizeof *es->e, edge_cmp);
    int64_t m = 1;
    for (int64_t i = 1; i < es->n; i++)
        if (es->e[i].a != es->e[m - 1].a || es->e[i].b != es->e[m - 1].b) es->e[m++] = es->e[i];
    es->n = m;
}

void sx__edges_free(sx__edges_t *es)
{
    free(es->e);
    es->e = NULL;
    es->n = es->cap = 0;
}

/* Minimax flood of the graph (ne edges, labels 0..nl) from label 0. */
static sx_err solve(const sx__edge_t *e, int64_t ne, int64_t nl, double *spill)
{
    sx_err err = SX_OK;
    int64_t *start = calloc((size_t)nl + 2, sizeof *start), *fill = calloc((size_t)nl + 1, sizeof *fill);
    int64_t *adj = malloc((size_t)(2 * ne > 0 ? 2 * ne : 1) * sizeof *adj);
    uint8_t *done = calloc((size_t)nl + 1, 1);
    sx__pq_t pq = {0};
    if (!start || !fill || !adj || !done) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the spill graph (%lld edges)", (long long)ne);
        goto done;
    }
    for (int64_t i = 0; i < ne; i++) {
        start[e[i].a + 1]++;
        start[e[i].b + 1]++;
    }
    for (int64_t l = 0; l <= nl; l++) start[l + 1] += start[l];
    for (int64_t i = 0; i < ne; i++) {
        adj[start[e[i].a] + fill[e[i].a]++] = i;
        adj[start[e[i].b] + fill[e[i].b]++] = i;
    }
    for (int64_t l = 0; l <= nl; l++) spill[l] = INFINITY;
    spill[0] = -INFINITY;
    err = sx__pq_push(&pq, sx__key_f64(-INFINITY), 0);
    while (pq.n > 0 && err == SX_OK) {
        int64_t l = (int64_t)sx__pq_pop(&pq).cell;
        if (done[l]) continue;
        done[l] = 1;
        for (int64_t x = start[l]; x < start[l + 1] && err == SX_OK; x++) {
            const sx__edge_t *ed = &e[adj[x]];
            int64_t m = ed->a == l ? ed->b : ed->a;
            double s = fmax(spill[l], ed->w);
            if (!done[m] && s < spill[m]) {
                spill[m] = s;
                err = sx__pq_push(&pq, sx__key_f64(s), (uint64_t)m);
            }
        }
    }
done:
    sx__pq_free(&pq);
    free(start);
    free(fill);
    free(adj);
    free(done);
    return err;
}

sx_err sx__fill_graph_solve(MPI_Comm comm, sx__edges_t *es, int64_t first, int64_t nlab, double *spill)
{
    sx_err err = SX_OK;
    int rank, size;
    int *counts = NULL, *displs = NULL;
    sx__edge_t *all = NULL;
    double *allspill = NULL;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    int64_t nl = 0;
    SX_CHECK_MPI(MPI_Allreduce(&nlab, &nl, 1, MPI_INT64_T, MPI_SUM, comm));
    int cnt = 0, first32 = 0;
    err = sx_mpi_count(nlab, &cnt);
    if (err == SX_OK && nl + 1 > INT32_MAX)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                         "the spill graph has %lld watershed labels, more than one gather can hold; use fewer, "
                         "larger blocks (fewer ranks)",
                         (long long)nl);
    first32 = (int)(first < INT32_MAX ? first : 0);
    if (err == SX_OK && rank == 0) {
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
        allspill = malloc((size_t)(nl + 1) * sizeof *allspill);
        if (!counts || !displs || !allspill)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the spill levels of %lld labels",
                             (long long)nl);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    int64_t allbytes = 0;
    void *got = NULL;
    SX_CHECK_GOTO(sx_mpi_gatherv_bytes(comm, 0, es->e, es->n * (int64_t)sizeof(sx__edge_t), "spill-graph edges",
                                       "use fewer, larger blocks", &got, &allbytes),
                  err, done);
    all = got;
    if (rank == 0) err = solve(all, allbytes / (int64_t)sizeof(sx__edge_t), nl, allspill);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    /* each rank's labels first..first+nlab-1 */
    MPI_GOTO(MPI_Gather(&cnt, 1, MPI_INT, counts, 1, MPI_INT, 0, comm));
    MPI_GOTO(MPI_Gather(&first32, 1, MPI_INT, displs, 1, MPI_INT, 0, comm));
    MPI_GOTO(MPI_Scatterv(allspill, counts, displs, MPI_DOUBLE, spill, cnt, MPI_DOUBLE, 0, comm));
done:
    free(counts);
    free(displs);
    free(all);
    free(allspill);
    return err;
}
