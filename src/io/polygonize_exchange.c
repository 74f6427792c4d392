/*
 * polygonize_exchange.c — what the polygonizer's ranks send rank 0: the
 * pieces of their block that touch a row shared with another block, with
 * the labels of the block's first and last rows (O(width + those pieces'
 * edges), never the whole block), and the records of the regions they
 * traced whole. Each buffer goes as its length, rank 0's go-ahead (0 when
 * it cannot hold it, so no rank is left waiting in a send), then the values.
 *
 * Side message layout (int64): y0, ny, nb (boundary pieces), the first
 * row's labels then the last row's (nx each, 1 .. nb, 0 none), nb pieces
 * (y, x, cells, value, edges), then their edges (y, x, d each).
 */
#include <stdlib.h>

#include "io/polygonize_internal.h"
#include "sanxiang/sx_mpi.h"

void sx__poly_side_message(const sx__poly_block_t *b, sx__poly_buf_t *m)
{
    int64_t *id = calloc((size_t)(b->npiece + 1), sizeof *id), nb = 0;
    if (!id) {
        m->failed = 1;
        return;
    }
    for (int64_t k = 0; k < b->npiece; k++) id[k + 1] = b->piece[k].boundary ? ++nb : 0;
    const int64_t head[3] = {b->y0, b->ny, nb};
    sx__poly_buf_push(m, head, 3);
    for (int row = 0; row < 2; row++)
        for (int64_t i = 0; i < b->nx; i++) {
            const int64_t l = b->ny > 0 ? id[b->label[(row ? b->ny - 1 : 0) * b->nx + i]] : 0;
            sx__poly_buf_push(m, &l, 1);
        }
    for (int64_t k = 0; k < b->npiece; k++) {
        const sx__poly_piece_t *q = &b->piece[k];
        const int64_t rec[5] = {q->y, q->x, q->cells, q->value, q->ne};
        if (q->boundary) sx__poly_buf_push(m, rec, 5);
    }
    for (int64_t k = 0; k < b->npiece; k++)
        if (b->piece[k].boundary) sx__poly_buf_push(m, &b->e[b->piece[k].e0].y, 3 * (size_t)b->piece[k].ne);
    free(id);
}

sx_err sx__poly_side_read(const int64_t *m, int64_t nx, int top, int bottom, sx__poly_side_t *s,
                          sx__poly_side_store_t *st)
{
    const int64_t nb = m[2];
    s->y0 = m[0];
    s->ny = m[1];
    st->rows = malloc((size_t)(2 * nx > 0 ? 2 * nx : 1) * sizeof *st->rows);
    st->piece = malloc((size_t)(nb ? nb : 1) * sizeof *st->piece);
    SX_FAIL_IF(!st->rows || !st->piece, SX_ERR_NOMEM, "cannot hold %lld boundary pieces", (long long)nb);
    for (int64_t i = 0; i < 2 * nx; i++) st->rows[i] = (int32_t)m[3 + i];
    const int64_t *r = m + 3 + 2 * nx;
    int64_t e0 = 0;
    for (int64_t k = 0; k < nb; k++, r += 5) {
        st->piece[k] = (sx__poly_piece_t){r[0], r[1], r[2], r[3], e0, r[4], 1};
        e0 += r[4];
    }
    s->top = top ? st->rows : NULL;
    s->bottom = bottom ? st->rows + nx : NULL;
    s->piece = st->piece;
    s->e = (const sx__poly_edge_t *)r;
    return SX_OK;
}

sx_err sx__poly_send(MPI_Comm comm, int tag, const sx__poly_buf_t *b)
{
    int64_t n = (int64_t)b->n, go = 0;
    SX_CHECK_MPI(MPI_Send(&n, 1, MPI_INT64_T, 0, tag, comm));
    SX_CHECK_MPI(MPI_Recv(&go, 1, MPI_INT64_T, 0, tag, comm, MPI_STATUS_IGNORE));
    if (go) SX_CHECK_MPI(MPI_Send(b->v, (int)n, MPI_INT64_T, 0, tag, comm));
    return SX_OK;
}

sx_err sx__poly_recv(MPI_Comm comm, int src, int tag, sx__poly_buf_t *b)
{
    int64_t n = 0, go = 1;
    SX_CHECK_MPI(MPI_Recv(&n, 1, MPI_INT64_T, src, tag, comm, MPI_STATUS_IGNORE));
    b->n = 0;
    if (b->cap < (size_t)n) {
        int64_t *nv = realloc(b->v, (size_t)n * sizeof *nv);
        if (nv) b->v = nv, b->cap = (size_t)n;
        else go = 0;
    }
    SX_CHECK_MPI(MPI_Send(&go, 1, MPI_INT64_T, src, tag, comm));
    SX_FAIL_IF(!go, SX_ERR_NOMEM, "cannot hold %lld values of polygons from rank %d", (long long)n, src);
    SX_CHECK_MPI(MPI_Recv(b->v, (int)n, MPI_INT64_T, src, tag, comm, MPI_STATUS_IGNORE));
    b->n = (size_t)n;
    return SX_OK;
}
