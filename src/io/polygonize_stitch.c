/*
 * polygonize_stitch.c — rank 0 joins the pieces of regions that cross the ranks'
 * block edges. Only the cells along the block edges are looked at: the
 * labels of each block's first and last rows (O(perimeter) data) give the
 * pairs of pieces that touch across an edge (the cell below, and the
 * diagonal ones when 8-connected, of equal value), and a union-find over the
 * boundary pieces joins them — the merge step of parallel connected-component
 * labelling (Alnuweiri & Prasanna 1992, "Parallel architectures and
 * algorithms for image component labeling", IEEE TPAMI 14(10); Harrison,
 * Childs & Gaither 2011, "Data-parallel mesh connected components labeling
 * and analysis", EGPGV). A region's boundary is then the union of its
 * pieces' edges (the shared block-edge sides are never boundary edges, see
 * polygonize_label.c), traced into rings by polygonize_rings.c exactly as for a region
 * inside one block.
 */
#include <stdlib.h>
#include <string.h>

#include "io/polygonize_internal.h"

static int pair_cmp(const void *a, const void *b)
{
    const int64_t *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

sx_err sx__poly_stitch(const sx__poly_side_t *side, int nside, int64_t nx, int connect8, sx__poly_buf_t *merged)
{
    int64_t *off = malloc((size_t)(nside + 1) * sizeof *off), total = 0;
    SX_FAIL_IF(!off, SX_ERR_NOMEM, "out of memory");
    int64_t *npc = calloc((size_t)nside, sizeof *npc);  /* pieces listed per side */
    if (!npc) {
        free(off);
        SX_FAIL(SX_ERR_NOMEM, "out of memory");
    }
    /* the side's pieces are those its labels name */
    for (int s = 0; s < nside; s++) {
        for (int64_t i = 0; side[s].ny > 0 && i < nx; i++) {
            if (side[s].top && side[s].top[i] > npc[s]) npc[s] = side[s].top[i];
            if (side[s].bottom && side[s].bottom[i] > npc[s]) npc[s] = side[s].bottom[i];
        }
        off[s] = total;
        total += npc[s];
    }
    off[nside] = total;
    int64_t *p = malloc((size_t)(total ? total : 1) * sizeof *p);
    int64_t *pair = malloc((size_t)(total ? total : 1) * 2 * sizeof *pair);
    sx__poly_edge_t *tmp = NULL;
    sx_err err = SX_OK;
    if (!p || !pair) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "cannot hold %lld boundary pieces", (long long)total);
    for (int64_t k = 0; k < total; k++) p[k] = k;
    for (int s = 0, a = -1; s < nside; s++) {
        if (side[s].ny <= 0) continue;
        if (a >= 0 && side[a].bottom && side[s].top) {
            const int32_t *lo = side[a].bottom, *hi = side[s].top;
            for (int64_t i = 0; i < nx; i++) {
                if (!lo[i]) continue;
                const int64_t v = side[a].piece[lo[i] - 1].value;
                for (int64_t di = connect8 ? -1 : 0; di <= (connect8 ? 1 : 0); di++) {
                    const int64_t ii = i + di;
                    if (ii < 0 || ii >= nx || !hi[ii] || side[s].piece[hi[ii] - 1].value != v) continue;
                    sx__poly_unite(p, off[a] + lo[i] - 1, off[s] + hi[ii] - 1);
                }
            }
        }
        a = s;
    }
    /* pieces that touch no shared row (none are listed) are skipped; roots are
     * the smallest node = the first piece in raster-scan order */
    int64_t npair = 0;
    for (int s = 0; s < nside; s++)
        for (int64_t k = 0; k < npc[s]; k++)
            if (side[s].piece[k].boundary) {
                pair[2 * npair] = sx__poly_find(p, off[s] + k);
                pair[2 * npair + 1] = off[s] + k;
                npair++;
            }
    qsort(pair, (size_t)npair, 2 * sizeof *pair, pair_cmp);
    for (int64_t g = 0; g < npair && !err;) {
        int64_t h = g, ne = 0, cells = 0;
        for (; h < npair && pair[2 * h] == pair[2 * g]; h++) {
            int s = 0;
            while (off[s + 1] <= pair[2 * h + 1]) s++;
            const sx__poly_piece_t *q = &side[s].piece[pair[2 * h + 1] - off[s]];
            ne += q->ne;
            cells += q->cells;
        }
        sx__poly_edge_t *nt = realloc(tmp, (size_t)(ne ? ne : 1) * sizeof *nt);
        if (!nt) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "cannot hold the %lld edges of a polygon", (long long)ne);
        tmp = nt;
        int64_t at = 0;
        int owner = -1;
        const sx__poly_piece_t *first = NULL;
        for (int64_t k = g; k < h; k++) {
            int s = 0;
            while (off[s + 1] <= pair[2 * k + 1]) s++;
            const sx__poly_piece_t *q = &side[s].piece[pair[2 * k + 1] - off[s]];
            if (!first) first = q, owner = s;
            memcpy(tmp + at, side[s].e + q->e0, (size_t)q->ne * sizeof *tmp);
            at += q->ne;
        }
        err = sx__poly_rings(tmp, ne, connect8, first->y, first->x, cells, first->value, &merged[owner]);
        g = h;
    }
done:
    free(tmp);
    free(pair);
    free(p);
    free(npc);
    free(off);
    return err;
}
