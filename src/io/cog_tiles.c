/*
 * cog_tiles.c — which rank owns which COG tile, and moving cells to owners.
 *
 * A full-resolution tile belongs to the rank whose block holds its top-left
 * cell; tile (i, j) of overview level k+1 belongs to the owner of tile
 * (2i, 2j) of level k, so a coarser tile's largest piece is already local.
 * Owners are computed on every rank from the gathered blocks, without
 * further communication.
 *
 * Full resolution: a tile that lies inside its owner's block is used in
 * place (a view); one that reaches into other blocks (block edges not on
 * multiples of the tile size) is assembled from the intersections of its
 * window with those blocks, sent point to point as in src/core/halo.c.
 * Overviews: the owner of each level-k tile reduces it to a quarter-size piece
 * that goes to the owner of the level-(k+1) tile covering it. Pieces travel in
 * tile order per peer, so both ends agree on the layout without sending it,
 * and the assembled tiles never depend on message arrival order.
 */
#include <stdlib.h>
#include <string.h>

#include "io/cog_internal.h"
#include "sanxiang/sx_mpi.h"

#define TAG_LEVEL0 81
#define TAG_NEXT 82

void sx__cog_pyramid(int64_t nx, int64_t ny, int tile, sx__cog_pyramid_t *p)
{
    memset(p, 0, sizeof *p);
    p->tile = tile;
    for (int k = 0; k < SX__COG_MAX_LEVELS; k++) {
        sx__cog_level_t *l = &p->lv[k];
        l->nx = nx, l->ny = ny;
        l->ntx = (nx + tile - 1) / tile, l->nty = (ny + tile - 1) / tile;
        p->base[k] = p->ntiles;
        p->ntiles += l->ntx * l->nty;
        p->nlevels = k + 1;
        if (nx <= tile && ny <= tile) break;
        nx = (nx + 1) / 2, ny = (ny + 1) / 2;
    }
}

void sx__cog_plan_fini(sx__cog_plan_t *p)
{
    if (!p) return;
    free(p->own);
    for (int k = 0; k < SX__COG_MAX_LEVELS; k++) free(p->owner[k]);
    memset(p, 0, sizeof *p);
}

static sx_window_t tile_window(const sx__cog_pyramid_t *pyr, int k, int64_t t)
{
    return sx_tiles_window(pyr->lv[k].nx, pyr->lv[k].ny, pyr->tile, pyr->tile, t);
}

static int inside(sx_window_t in, sx_window_t w)
{
    return w.x0 >= in.x0 && w.y0 >= in.y0 && w.x0 + w.nx <= in.x0 + in.nx && w.y0 + w.ny <= in.y0 + in.ny;
}

/* Owners of every level; checks that the blocks tile the grid. */
static sx_err assign_owners(sx__cog_plan_t *p)
{
    const sx__cog_pyramid_t *pyr = &p->pyr;
    const int64_t nx = pyr->lv[0].nx, ny = pyr->lv[0].ny, T = pyr->tile;
    int64_t cells = 0;
    for (int r = 0; r < p->size; r++) {
        sx_window_t w = p->own[r];
        if (w.nx == 0 || w.ny == 0) continue;
        SX_FAIL_IF(w.nx < 0 || w.ny < 0 || w.x0 < 0 || w.y0 < 0 || w.x0 + w.nx > nx || w.y0 + w.ny > ny,
                   SX_ERR_INTERNAL, "rank %d's block %lld,%lld+%lldx%lld lies outside the %lldx%lld grid", r,
                   (long long)w.x0, (long long)w.y0, (long long)w.nx, (long long)w.ny, (long long)nx, (long long)ny);
        cells += w.nx * w.ny;
    }
    SX_FAIL_IF(cells != nx * ny, SX_ERR_INTERNAL, "the ranks' blocks hold %lld cells, the grid %lld",
               (long long)cells, (long long)(nx * ny));
    for (int k = 0; k < pyr->nlevels; k++) {
        int64_t n = pyr->lv[k].ntx * pyr->lv[k].nty;
        SX_ALLOC(p->owner[k], n, "COG tile owners");
        for (int64_t t = 0; t < n; t++) p->owner[k][t] = -1;
    }
    /* Level 0: the tiles whose top-left cell is in a block, block by block. */
    int64_t ntx = pyr->lv[0].ntx, assigned = 0;
    for (int r = 0; r < p->size; r++) {
        sx_window_t w = p->own[r];
        if (w.nx == 0 || w.ny == 0) continue;
        for (int64_t tj = (w.y0 + T - 1) / T; tj * T < w.y0 + w.ny; tj++)
            for (int64_t ti = (w.x0 + T - 1) / T; ti * T < w.x0 + w.nx; ti++) {
                SX_FAIL_IF(p->owner[0][tj * ntx + ti] >= 0, SX_ERR_INTERNAL, "the blocks of ranks %d and %d overlap",
                           p->owner[0][tj * ntx + ti], r);
                p->owner[0][tj * ntx + ti] = r;
                assigned++;
            }
    }
    SX_FAIL_IF(assigned != pyr->lv[0].ntx * pyr->lv[0].nty, SX_ERR_INTERNAL, "COG tiles without an owner");
    for (int k = 1; k < pyr->nlevels; k++)
        for (int64_t tj = 0; tj < pyr->lv[k].nty; tj++)
            for (int64_t ti = 0; ti < pyr->lv[k].ntx; ti++)
                p->owner[k][tj * pyr->lv[k].ntx + ti] = p->owner[k - 1][2 * tj * pyr->lv[k - 1].ntx + 2 * ti];
    return SX_OK;
}

sx_err sx__cog_plan_init(MPI_Comm comm, int64_t nx, int64_t ny, sx_window_t own, int tile, sx_dtype t, double fill,
                         sx__cog_plan_t *p)
{
    memset(p, 0, sizeof *p);
    p->comm = comm;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &p->rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &p->size));
    sx__cog_pyramid(nx, ny, tile, &p->pyr);
    p->dtype = t;
    p->esz = sx_dtype_size(t);
    p->fill = fill;
    sx_err err = SX_OK;
    p->own = calloc((size_t)p->size, sizeof *p->own);
    if (!p->own) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %d block windows", p->size);
    SX_CHECK(sx_err_agree(comm, err));
    int64_t mine[4] = {own.x0, own.y0, own.nx, own.ny};
    SX_CHECK_MPI(MPI_Allgather(mine, 4, MPI_INT64_T, p->own, 4, MPI_INT64_T, comm));
    err = assign_owners(p);
    return sx_err_agree(comm, err);
}

void sx__cog_tiles_free(sx__cog_tile_t **tiles, int64_t n)
{
    if (!tiles || !*tiles) return;
    for (int64_t i = 0; i < n; i++) free((*tiles)[i].buf);
    free(*tiles);
    *tiles = NULL;
}

/* Per-peer message buffers of one exchange. */
typedef struct {
    size_t *send_off, *recv_off; /* size+1 prefix sums in bytes */
    unsigned char *sendbuf, *recvbuf;
    MPI_Request *reqs;
    int nreq;
} xbufs;

static void xbufs_free(xbufs *b)
{
    free(b->send_off);
    free(b->recv_off);
    free(b->sendbuf);
    free(b->recvbuf);
    free(b->reqs);
    memset(b, 0, sizeof *b);
}

/* Turn per-peer byte counts (in *_off[0..size-1]) into offsets and allocate. */
static sx_err xbufs_alloc(xbufs *b, int size)
{
    size_t s = 0, r = 0;
    for (int q = 0; q <= size; q++) {
        size_t ns = q < size ? b->send_off[q] : 0, nr = q < size ? b->recv_off[q] : 0;
        b->send_off[q] = s, b->recv_off[q] = r;
        s += ns, r += nr;
    }
    b->sendbuf = s ? malloc(s) : NULL;
    b->recvbuf = r ? malloc(r) : NULL;
    b->reqs = calloc(2 * (size_t)(size > 0 ? size : 1), sizeof *b->reqs);
    SX_FAIL_IF((s && !b->sendbuf) || (r && !b->recvbuf) || !b->reqs, SX_ERR_NOMEM,
               "cannot allocate %zu bytes of COG tile messages", s + r);
    return SX_OK;
}

static sx_err xbufs_init(xbufs *b, int size)
{
    memset(b, 0, sizeof *b);
    b->send_off = calloc((size_t)size + 1, sizeof *b->send_off);
    b->recv_off = calloc((size_t)size + 1, sizeof *b->recv_off);
    SX_FAIL_IF(!b->send_off || !b->recv_off, SX_ERR_NOMEM, "cannot allocate COG exchange plan");
    return SX_OK;
}

static sx_err xbufs_post_recv(xbufs *b, MPI_Comm comm, int rank, int size, int tag)
{
    for (int q = 0; q < size; q++) {
        size_t n = b->recv_off[q + 1] - b->recv_off[q];
        if (q == rank || n == 0) continue;
        int count;
        SX_CHECK(sx_mpi_count((int64_t)n, &count));
        SX_CHECK_MPI(MPI_Irecv(b->recvbuf + b->recv_off[q], count, MPI_BYTE, q, tag, comm, &b->reqs[b->nreq++]));
    }
    return SX_OK;
}

static sx_err xbufs_send_wait(xbufs *b, MPI_Comm comm, int rank, int size, int tag)
{
    for (int q = 0; q < size; q++) {
        size_t n = b->send_off[q + 1] - b->send_off[q];
        if (q == rank || n == 0) continue;
        int count;
        SX_CHECK(sx_mpi_count((int64_t)n, &count));
        SX_CHECK_MPI(MPI_Isend(b->sendbuf + b->send_off[q], count, MPI_BYTE, q, tag, comm, &b->reqs[b->nreq++]));
    }
    SX_CHECK_MPI(MPI_Waitall(b->nreq, b->reqs, MPI_STATUSES_IGNORE));
    b->nreq = 0;
    return SX_OK;
}

/* Copy window w of a buffer laid out over `over` (rows `stride` cells) to or
 * from packed rows. */
static void copy_window(unsigned char *base, sx_window_t over, int64_t stride, size_t esz, sx_window_t w,
                        unsigned char *packed, int to_packed)
{
    size_t row = (size_t)w.nx * esz;
    for (int64_t j = 0; j < w.ny; j++) {
        unsigned char *loc = base + ((size_t)(w.y0 - over.y0 + j) * (size_t)stride + (size_t)(w.x0 - over.x0)) * esz;
        if (to_packed) memcpy(packed + (size_t)j * row, loc, row);
        else memcpy(loc, packed + (size_t)j * row, row);
    }
}

sx_err sx__cog_level0(const sx__cog_plan_t *p, const void *data, int64_t row_stride, sx__cog_tile_t **tiles_out,
                      int64_t *ntiles_out)
{
    const sx__cog_pyramid_t *pyr = &p->pyr;
    const int64_t n = pyr->lv[0].ntx * pyr->lv[0].nty, T = pyr->tile;
    const sx_window_t own = p->own[p->rank];
    const int *owner = p->owner[0];
    int64_t mine = 0;
    for (int64_t t = 0; t < n; t++) mine += owner[t] == p->rank;
    sx__cog_tile_t *tiles = NULL;
    xbufs b;
    sx_err err = xbufs_init(&b, p->size);
    size_t *at = calloc((size_t)p->size, sizeof *at), *from = calloc((size_t)p->size, sizeof *from);
    if (err == SX_OK && (!at || !from)) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (err == SX_OK && mine > 0 && !(tiles = calloc((size_t)mine, sizeof *tiles)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld COG tiles", (long long)mine);

    /* Plan: my tiles (views or buffers to assemble), and the bytes each peer
     * sends me and I send each peer, in tile order. */
    int64_t k = 0;
    for (int64_t t = 0; t < n && err == SX_OK; t++) {
        sx_window_t tw = tile_window(pyr, 0, t);
        if (owner[t] == p->rank) {
            sx__cog_tile_t *tl = &tiles[k++];
            tl->index = t, tl->w = tw.nx, tl->h = tw.ny;
            if (inside(own, tw)) {
                tl->p = (const unsigned char *)data +
                        ((size_t)(tw.y0 - own.y0) * (size_t)row_stride + (size_t)(tw.x0 - own.x0)) * p->esz;
                tl->stride = row_stride;
                continue;
            }
            tl->buf = malloc((size_t)(T * T) * p->esz);
            if (!tl->buf) {
                err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a %lldx%lld COG tile",
                                 (long long)T, (long long)T);
                break;
            }
            sx__cog_fill(p->dtype, p->fill, tl->buf, T * T);
            tl->p = tl->buf, tl->stride = T;
            for (int s = 0; s < p->size; s++)
                if (s != p->rank) b.recv_off[s] += (size_t)sx_window_cells(sx_window_intersect(tw, p->own[s])) * p->esz;
        } else {
            sx_window_t x = sx_window_intersect(tw, own);
            b.send_off[owner[t]] += (size_t)sx_window_cells(x) * p->esz;
        }
    }
    if (err == SX_OK) err = xbufs_alloc(&b, p->size);
    err = sx_err_agree(p->comm, err);
    if (err != SX_OK) goto done;

    SX_CHECK_GOTO(xbufs_post_recv(&b, p->comm, p->rank, p->size, TAG_LEVEL0), err, done);
    /* Pack what others own; copy my own cells into my assembled tiles. */
    k = 0;
    for (int64_t t = 0; t < n; t++) {
        sx_window_t tw = tile_window(pyr, 0, t);
        sx_window_t x = sx_window_intersect(tw, own);
        if (owner[t] == p->rank) {
            sx__cog_tile_t *tl = &tiles[k++];
            if (tl->buf && sx_window_cells(x) > 0)
                for (int64_t j = 0; j < x.ny; j++) /* block row -> tile row */
                    memcpy((unsigned char *)tl->buf + ((size_t)(x.y0 - tw.y0 + j) * (size_t)T + (size_t)(x.x0 - tw.x0)) * p->esz,
                           (const unsigned char *)data +
                               ((size_t)(x.y0 - own.y0 + j) * (size_t)row_stride + (size_t)(x.x0 - own.x0)) * p->esz,
                           (size_t)x.nx * p->esz);
        } else if (sx_window_cells(x) > 0) {
            int q = owner[t];
            copy_window((unsigned char *)data, own, row_stride, p->esz, x, b.sendbuf + b.send_off[q] + at[q], 1);
            at[q] += (size_t)sx_window_cells(x) * p->esz;
        }
    }
    SX_CHECK_GOTO(xbufs_send_wait(&b, p->comm, p->rank, p->size, TAG_LEVEL0), err, done);
    /* Unpack: per peer, pieces in tile order. */
    for (int64_t i = 0; i < mine; i++) {
        sx__cog_tile_t *tl = &tiles[i];
        if (!tl->buf) continue;
        sx_window_t tw = tile_window(pyr, 0, tl->index);
        for (int s = 0; s < p->size; s++) {
            if (s == p->rank) continue;
            sx_window_t x = sx_window_intersect(tw, p->own[s]);
            if (sx_window_cells(x) == 0) continue;
            copy_window(tl->buf, tw, T, p->esz, x, b.recvbuf + b.recv_off[s] + from[s], 0);
            from[s] += (size_t)sx_window_cells(x) * p->esz;
        }
    }
done:
    free(at);
    free(from);
    xbufs_free(&b);
    if (err != SX_OK) {
        sx__cog_tiles_free(&tiles, mine);
        return err;
    }
    *tiles_out = tiles;
    *ntiles_out = mine;
    return SX_OK;
}

struct sx__cog_next {
    const sx__cog_plan_t *p;
    int k;                  /* level being reduced; the new tiles are level k+1 */
    int64_t nmine;          /* my level-k tiles */
    sx__cog_tile_t *tiles;  /* my level-(k+1) tiles */
    int64_t ntiles;
    void **slot;            /* per level-k tile of mine: where its piece goes */
    int64_t *slot_stride;
    xbufs b;
};

void sx__cog_next_destroy(sx__cog_next_t **xp)
{
    if (!xp || !*xp) return;
    sx__cog_next_t *x = *xp;
    sx__cog_tiles_free(&x->tiles, x->ntiles);
    free(x->slot);
    free(x->slot_stride);
    xbufs_free(&x->b);
    free(x);
    *xp = NULL;
}

/* Index among my level-(k+1) tiles of tile t (binary search; mine are in order). */
static int64_t find_tile(const sx__cog_tile_t *tiles, int64_t n, int64_t t)
{
    int64_t lo = 0, hi = n - 1;
    while (lo <= hi) {
        int64_t mid = (lo + hi) / 2;
        if (tiles[mid].index == t) return mid;
        if (tiles[mid].index < t) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

sx_err sx__cog_next_create(const sx__cog_plan_t *p, int k, sx__cog_next_t **out)
{
    const sx__cog_pyramid_t *pyr = &p->pyr;
    const sx__cog_level_t *lk = &pyr->lv[k], *ln = &pyr->lv[k + 1];
    const int64_t T = pyr->tile, H = T / 2;
    const size_t piece = (size_t)(H * H) * p->esz;
    const int *own_k = p->owner[k], *own_n = p->owner[k + 1];
    sx__cog_next_t *x;
    SX_ALLOC(x, 1, "COG overview exchange");
    x->p = p, x->k = k;
    sx_err err = xbufs_init(&x->b, p->size);
    int64_t nk = lk->ntx * lk->nty, nn = ln->ntx * ln->nty;
    for (int64_t t = 0; t < nk; t++) x->nmine += own_k[t] == p->rank;
    for (int64_t t = 0; t < nn; t++) x->ntiles += own_n[t] == p->rank;
    if (err == SX_OK && x->ntiles && !(x->tiles = calloc((size_t)x->ntiles, sizeof *x->tiles)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate COG overview tiles");
    if (err == SX_OK && x->nmine &&
        (!(x->slot = calloc((size_t)x->nmine, sizeof *x->slot)) ||
         !(x->slot_stride = calloc((size_t)x->nmine, sizeof *x->slot_stride))))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate COG overview pieces");
    for (int64_t t = 0, i = 0; t < nn && err == SX_OK; t++) {
        if (own_n[t] != p->rank) continue;
        sx_window_t tw = tile_window(pyr, k + 1, t);
        sx__cog_tile_t *tl = &x->tiles[i++];
        tl->index = t, tl->w = tw.nx, tl->h = tw.ny, tl->stride = T;
        tl->buf = malloc((size_t)(T * T) * p->esz);
        if (!tl->buf) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a COG overview tile");
        else sx__cog_fill(p->dtype, p->fill, tl->buf, T * T);
        tl->p = tl->buf;
    }
    /* Pieces in level-k tile order: from each child's owner to its parent's owner. */
    for (int64_t t = 0; t < nk && err == SX_OK; t++) {
        int64_t ti = t % lk->ntx, tj = t / lk->ntx;
        int from = own_k[t], to = own_n[(tj / 2) * ln->ntx + ti / 2];
        if (from == to) continue;
        if (from == p->rank) x->b.send_off[to] += piece;
        else if (to == p->rank) x->b.recv_off[from] += piece;
    }
    if (err == SX_OK) err = xbufs_alloc(&x->b, p->size);
    if (err == SX_OK && x->b.sendbuf) sx__cog_fill(p->dtype, p->fill, x->b.sendbuf, (int64_t)(x->b.send_off[p->size] / p->esz));
    /* Slots of my level-k tiles' pieces. */
    size_t *at = err == SX_OK ? calloc((size_t)p->size, sizeof *at) : NULL;
    if (err == SX_OK && !at) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    for (int64_t t = 0, i = 0; t < nk && err == SX_OK; t++) {
        if (own_k[t] != p->rank) continue;
        int64_t ti = t % lk->ntx, tj = t / lk->ntx;
        int64_t parent = (tj / 2) * ln->ntx + ti / 2;
        int to = own_n[parent];
        if (to == p->rank) {
            sx__cog_tile_t *tl = &x->tiles[find_tile(x->tiles, x->ntiles, parent)];
            x->slot[i] = (unsigned char *)tl->buf + ((size_t)((tj % 2) * H) * (size_t)T + (size_t)((ti % 2) * H)) * p->esz;
            x->slot_stride[i] = T;
        } else {
            x->slot[i] = x->b.sendbuf + x->b.send_off[to] + at[to];
            x->slot_stride[i] = H;
            at[to] += piece;
        }
        i++;
    }
    free(at);
    if (err != SX_OK) {
        sx__cog_next_destroy(&x);
        return err;
    }
    *out = x;
    return SX_OK;
}

sx_err sx__cog_next_post(sx__cog_next_t *x)
{
    return xbufs_post_recv(&x->b, x->p->comm, x->p->rank, x->p->size, TAG_NEXT);
}

void *sx__cog_next_slot(sx__cog_next_t *x, int64_t i, int64_t *stride)
{
    *stride = x->slot_stride[i];
    return x->slot[i];
}

sx_err sx__cog_next_finish(sx__cog_next_t **xp, sx__cog_tile_t **tiles, int64_t *ntiles)
{
    sx__cog_next_t *x = *xp;
    const sx__cog_plan_t *p = x->p;
    const sx__cog_pyramid_t *pyr = &p->pyr;
    const sx__cog_level_t *lk = &pyr->lv[x->k], *ln = &pyr->lv[x->k + 1];
    const int64_t T = pyr->tile, H = T / 2;
    const size_t piece = (size_t)(H * H) * p->esz;
    sx_err err = xbufs_send_wait(&x->b, p->comm, p->rank, p->size, TAG_NEXT);
    if (err == SX_OK) {
        size_t *from = calloc((size_t)p->size, sizeof *from);
        if (!from) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        int64_t nk = lk->ntx * lk->nty;
        for (int64_t t = 0; t < nk && err == SX_OK; t++) {
            int64_t ti = t % lk->ntx, tj = t / lk->ntx;
            int64_t parent = (tj / 2) * ln->ntx + ti / 2;
            int src = p->owner[x->k][t];
            if (p->owner[x->k + 1][parent] != p->rank || src == p->rank) continue;
            sx__cog_tile_t *tl = &x->tiles[find_tile(x->tiles, x->ntiles, parent)];
            const unsigned char *in = x->b.recvbuf + x->b.recv_off[src] + from[src];
            unsigned char *dst = (unsigned char *)tl->buf + ((size_t)((tj % 2) * H) * (size_t)T + (size_t)((ti % 2) * H)) * p->esz;
            for (int64_t j = 0; j < H; j++) memcpy(dst + (size_t)(j * T) * p->esz, in + (size_t)(j * H) * p->esz, (size_t)H * p->esz);
            from[src] += piece;
        }
        free(from);
    }
    if (err == SX_OK) {
        *tiles = x->tiles, *ntiles = x->ntiles;
        x->tiles = NULL, x->ntiles = 0;
    }
    sx__cog_next_destroy(xp);
    return err;
}
