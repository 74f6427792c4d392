/*
 * polygonize_rings.c — the rings of one region from its boundary edges, in a
 * canonical form, and the int64 buffers that carry them.
 *
 * The edges are sorted by start corner (row, column, direction) and followed
 * head to tail, each ring from its smallest unused edge (border following in
 * the manner of Suzuki & Abe 1985, "Topological structural analysis of
 * digitized binary images by border following", CVGIP 30, on the cell-edge
 * grid). A corner with two outgoing edges is where two cells of the region
 * touch diagonally: the ring turns right (stays on its cell) for a
 * 4-connected region and left (crosses to the other cell) for an
 * 8-connected one, so the rings bound the 8- resp. 4-connected pieces of the
 * background, one ring each (Rosenfeld 1970, "Connectivity in digital
 * pictures", JACM 17(1)). The first ring starts at the region's top-left
 * corner and is the outer one; holes follow by their top-left corner. Only
 * corners are kept (collinear vertices dropped), so a region's rings are the
 * same whichever blocks its edges came from.
 */
#include <stdlib.h>
#include <string.h>

#include "io/polygonize_internal.h"

void sx__poly_buf_push(sx__poly_buf_t *b, const int64_t *v, size_t n)
{
    if (b->failed) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->n + n) cap *= 2;
        int64_t *nv = realloc(b->v, cap * sizeof *nv);
        if (!nv) {
            b->failed = 1;
            return;
        }
        b->v = nv;
        b->cap = cap;
    }
    memcpy(b->v + b->n, v, n * sizeof *v);
    b->n += n;
}

void sx__poly_buf_fini(sx__poly_buf_t *b)
{
    free(b->v);
    memset(b, 0, sizeof *b);
}

static int edge_cmp(const void *a, const void *b)
{
    const sx__poly_edge_t *x = a, *y = b;
    if (x->y != y->y) return x->y < y->y ? -1 : 1;
    if (x->x != y->x) return x->x < y->x ? -1 : 1;
    return (x->d > y->d) - (x->d < y->d);
}

/* First edge starting at corner (x, y), or n. */
static int64_t lower(const sx__poly_edge_t *e, int64_t n, int64_t y, int64_t x)
{
    int64_t lo = 0, hi = n;
    while (lo < hi) {
        const int64_t mid = lo + (hi - lo) / 2;
        if (e[mid].y < y || (e[mid].y == y && e[mid].x < x)) lo = mid + 1;
        else hi = mid;
    }
    return lo < n && e[lo].y == y && e[lo].x == x ? lo : n;
}

sx_err sx__poly_rings(sx__poly_edge_t *e, int64_t n, int connect8, int64_t y, int64_t x, int64_t cells,
                      int64_t value, sx__poly_buf_t *out)
{
    static const int64_t dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
    qsort(e, (size_t)n, sizeof *e, edge_cmp);
    unsigned char *used = calloc((size_t)(n ? n : 1), 1);
    sx__poly_buf_t len = {0}, xy = {0};
    SX_FAIL_IF(!used, SX_ERR_NOMEM, "cannot hold the %lld edges of a polygon", (long long)n);
    for (int64_t s = 0; s < n; s++) {
        if (used[s]) continue;
        int64_t k = s, nv = 0, prev = -1;
        do {
            used[k] = 1;
            if (e[k].d != prev) {
                const int64_t pt[2] = {e[k].x, e[k].y};
                sx__poly_buf_push(&xy, pt, 2);
                nv++;
            }
            prev = e[k].d;
            int64_t nk = lower(e, n, e[k].y + dy[e[k].d], e[k].x + dx[e[k].d]);
            if (nk + 1 < n && e[nk + 1].y == e[nk].y && e[nk + 1].x == e[nk].x) {
                const int64_t want = (e[k].d + (connect8 ? 3 : 1)) % 4; /* two ways on: a diagonal touch */
                if (e[nk].d != want) nk++;
            }
            if (nk >= n) {
                free(used);
                sx__poly_buf_fini(&len);
                sx__poly_buf_fini(&xy);
                SX_FAIL(SX_ERR_INTERNAL, "a polygon's boundary does not close at corner (%lld, %lld)",
                        (long long)e[k].x, (long long)e[k].y);
            }
            k = nk;
        } while (k != s);
        sx__poly_buf_push(&len, &nv, 1);
    }
    free(used);
    const int64_t head[SX__POLY_HEAD] = {y, x, cells, value, (int64_t)len.n};
    sx__poly_buf_push(out, head, SX__POLY_HEAD);
    if (len.n) sx__poly_buf_push(out, len.v, len.n);
    if (xy.n) sx__poly_buf_push(out, xy.v, xy.n);
    const int failed = len.failed || xy.failed || out->failed;
    sx__poly_buf_fini(&len);
    sx__poly_buf_fini(&xy);
    SX_FAIL_IF(failed, SX_ERR_NOMEM, "cannot hold the rings of a polygon of %lld edges", (long long)n);
    return SX_OK;
}
