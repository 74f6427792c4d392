/*
 * halo.c — halo exchange for any width by window intersection.
 *
 * The plan lists, for every other rank, the part of its block this rank
 * needs (intersection of that block with our extended window) and the part
 * of our block it needs (intersection of its extended window with our
 * block). Because blocks tile the grid, these pieces fill the halo exactly.
 * Messages are packed row by row into one buffer per peer and sent with
 * non-blocking point-to-point calls; peers are visited in rank order so the
 * result never depends on message arrival order. The exchange can be split
 * (begin: post receives, pack and send; end: wait and unpack) so a caller
 * computes what does not need the halo meanwhile. Several plans on one
 * communicator may be in flight together: they share a tag, and MPI's
 * non-overtaking order matches them correctly because every rank begins them
 * in the same order.
 */
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_mpi.h"

typedef struct {
    int peer;
    sx_window_t win; /* global cells moved */
    size_t offset;   /* bytes into the pack buffer */
} halo_piece;

struct sx_halo {
    MPI_Comm comm;
    size_t elem;
    sx_window_t own, ext;
    int nsend, nrecv;
    halo_piece *send, *recv;
    unsigned char *sendbuf, *recvbuf;
    size_t sendbytes, recvbytes;
    MPI_Request *reqs;
    int nreq;   /* requests of an exchange begun and not yet ended */
    int active;
};

sx_window_t sx_halo_extended(const sx_halo_t *h) { return h->ext; }

/* The local buffer is the block grown by width, clipped to the grid unless
 * padded; only cells of other blocks are ever received, so the cells of a
 * padded buffer beyond the grid are left to the caller. */
static sx_err create(const sx_decomp_t *d, int width, size_t elem_size, int padded, sx_halo_t **out)
{
    SX_FAIL_IF(width < 0, SX_ERR_INTERNAL, "negative halo width %d", width);
    sx_halo_t *h;
    SX_ALLOC(h, 1, "halo plan");
    h->comm = d->comm;
    h->elem = elem_size;
    h->own = d->own;
    h->ext = sx_decomp_extended(d, d->rank, width);
    if (padded && d->own.nx > 0 && d->own.ny > 0)
        h->ext = (sx_window_t){d->own.x0 - width, d->own.y0 - width, d->own.nx + 2 * (int64_t)width,
                               d->own.ny + 2 * (int64_t)width};
    sx_err err = SX_OK;
    h->send = calloc((size_t)d->size, sizeof *h->send);
    h->recv = calloc((size_t)d->size, sizeof *h->recv);
    h->reqs = calloc(2 * (size_t)d->size, sizeof *h->reqs);
    if (!h->send || !h->recv || !h->reqs)
        SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "cannot allocate halo plan for %d ranks", d->size);

    for (int r = 0; r < d->size && width > 0; r++) {
        if (r == d->rank) continue;
        sx_window_t theirs = sx_decomp_window(d, r);
        sx_window_t in = sx_window_intersect(h->ext, theirs);
        if (sx_window_cells(in) > 0) {
            h->recv[h->nrecv] = (halo_piece){r, in, h->recvbytes};
            h->recvbytes += (size_t)sx_window_cells(in) * elem_size;
            h->nrecv++;
        }
        sx_window_t out_w = sx_window_intersect(sx_decomp_extended(d, r, width), h->own);
        if (sx_window_cells(out_w) > 0) {
            h->send[h->nsend] = (halo_piece){r, out_w, h->sendbytes};
            h->sendbytes += (size_t)sx_window_cells(out_w) * elem_size;
            h->nsend++;
        }
    }
    h->sendbuf = h->sendbytes ? malloc(h->sendbytes) : NULL;
    h->recvbuf = h->recvbytes ? malloc(h->recvbytes) : NULL;
    if ((h->sendbytes && !h->sendbuf) || (h->recvbytes && !h->recvbuf))
        SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "cannot allocate %zu bytes of halo buffers",
                     h->sendbytes + h->recvbytes);
    *out = h;
    return SX_OK;
fail:
    sx_halo_destroy(&h);
    return err;
}

sx_err sx_halo_create(const sx_decomp_t *d, int width, size_t elem_size, sx_halo_t **out)
{
    return create(d, width, elem_size, 0, out);
}

sx_err sx_halo_create_padded(const sx_decomp_t *d, int width, size_t elem_size, sx_halo_t **out)
{
    return create(d, width, elem_size, 1, out);
}

/* Copy a window between the local buffer and a packed piece. */
static void copy_piece(const sx_halo_t *h, unsigned char *local, unsigned char *packed, sx_window_t w,
                       int to_packed)
{
    size_t row_bytes = (size_t)w.nx * h->elem;
    for (int64_t j = 0; j < w.ny; j++) {
        size_t loc = ((size_t)(w.y0 + j - h->ext.y0) * (size_t)h->ext.nx + (size_t)(w.x0 - h->ext.x0)) * h->elem;
        unsigned char *p = packed + (size_t)j * row_bytes;
        if (to_packed) memcpy(p, local + loc, row_bytes);
        else memcpy(local + loc, p, row_bytes);
    }
}

sx_err sx_halo_exchange_begin(sx_halo_t *h, void *buf)
{
    SX_FAIL_IF(h->active, SX_ERR_INTERNAL, "halo exchange begun twice without sx_halo_exchange_end");
    int nreq = 0, count;
    for (int k = 0; k < h->nrecv; k++) {
        halo_piece *p = &h->recv[k];
        SX_CHECK(sx_mpi_count(sx_window_cells(p->win) * (int64_t)h->elem, &count));
        SX_CHECK_MPI(MPI_Irecv(h->recvbuf + p->offset, count, MPI_BYTE, p->peer, 71, h->comm, &h->reqs[nreq++]));
    }
    for (int k = 0; k < h->nsend; k++) {
        halo_piece *p = &h->send[k];
        copy_piece(h, buf, h->sendbuf + p->offset, p->win, 1);
        SX_CHECK(sx_mpi_count(sx_window_cells(p->win) * (int64_t)h->elem, &count));
        SX_CHECK_MPI(MPI_Isend(h->sendbuf + p->offset, count, MPI_BYTE, p->peer, 71, h->comm, &h->reqs[nreq++]));
    }
    h->nreq = nreq;
    h->active = 1;
    return SX_OK;
}

sx_err sx_halo_exchange_end(sx_halo_t *h, void *buf)
{
    SX_FAIL_IF(!h->active, SX_ERR_INTERNAL, "sx_halo_exchange_end without sx_halo_exchange_begin");
    h->active = 0;
    SX_CHECK_MPI(MPI_Waitall(h->nreq, h->reqs, MPI_STATUSES_IGNORE));
    for (int k = 0; k < h->nrecv; k++)
        copy_piece(h, buf, h->recvbuf + h->recv[k].offset, h->recv[k].win, 0);
    return SX_OK;
}

sx_err sx_halo_exchange(sx_halo_t *h, void *buf)
{
    SX_CHECK(sx_halo_exchange_begin(h, buf));
    return sx_halo_exchange_end(h, buf);
}

void sx_halo_destroy(sx_halo_t **hp)
{
    if (!hp || !*hp) return;
    sx_halo_t *h = *hp;
    free(h->send);
    free(h->recv);
    free(h->reqs);
    free(h->sendbuf);
    free(h->recvbuf);
    free(h);
    *hp = NULL;
}
