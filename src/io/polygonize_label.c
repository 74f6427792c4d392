/*
 * polygonize_label.c — one rank's share of the polygonizer: the connected pieces of
 * equal non-zero value in its block of rows, and each piece's boundary edges.
 *
 * Two-pass connected-component labelling with union-find (Rosenfeld &
 * Pfaltz 1966, "Sequential operations in digital picture processing", JACM
 * 13(4); the union-find of polygonize_uf.c, as in Wu, Otoo & Suzuki 2009,
 * "Optimizing two-pass connected-component labeling algorithms", Pattern
 * Anal. Appl. 12): the first pass gives each cell a provisional
 * label and joins it with its already-scanned neighbours of equal value (W
 * and N; NW and NE too when 8-connected); the second numbers the roots in
 * raster-scan order of their first cell. An edge of a cell is a boundary edge
 * where the neighbour across it has another value or lies outside the raster
 * (the rows above and below the block are read for this), so the edges of a
 * region split across blocks are the union of its pieces' edges, with
 * nothing counted twice.
 */
#include <stdlib.h>
#include <string.h>

#include "io/polygonize_internal.h"

/* Provisional labels (1 ..) in lab, parents in *parent; returns their count + 1. */
static sx_err first_pass(const int32_t *v, int64_t nx, int64_t ny, int connect8, int32_t *lab, int64_t **parent,
                         int32_t *nlab)
{
    size_t cap = 1024;
    int64_t *p = malloc(cap * sizeof *p);
    int32_t n = 1;
    SX_FAIL_IF(!p, SX_ERR_NOMEM, "cannot hold the polygonizer's labels");
    p[0] = 0;
    for (int64_t j = 0; j < ny; j++) {
        const int32_t *row = v + (j + 1) * nx, *up = row - nx;
        int32_t *l = lab + j * nx, *lu = l - nx;
        for (int64_t i = 0; i < nx; i++) {
            const int32_t c = row[i];
            if (!c) {
                l[i] = 0;
                continue;
            }
            int32_t m = 0;
            /* neighbours already labelled: W, N, and NW, NE when 8-connected */
            const int64_t nb[4][2] = {{0, -1}, {-1, 0}, {-1, -1}, {-1, 1}};
            for (int k = 0; k < (connect8 ? 4 : 2); k++) {
                const int64_t jj = j + nb[k][0], ii = i + nb[k][1];
                if (jj < 0 || ii < 0 || ii >= nx) continue;
                if ((jj == j ? row : up)[ii] != c) continue;
                const int32_t o = (jj == j ? l : lu)[ii];
                if (!m) m = o;
                else sx__poly_unite(p, m, o);
            }
            if (!m) {
                if ((size_t)n == cap) {
                    if (cap >= (size_t)INT32_MAX / 2) {
                        free(p);
                        SX_FAIL(SX_ERR_NOMEM, "the block has more than 2^30 pieces; run on more ranks");
                    }
                    int64_t *np = realloc(p, 2 * cap * sizeof *np);
                    if (!np) {
                        free(p);
                        SX_FAIL(SX_ERR_NOMEM, "cannot hold the polygonizer's labels");
                    }
                    p = np;
                    cap *= 2;
                }
                p[n] = n;
                m = n++;
            }
            l[i] = m;
        }
    }
    *parent = p;
    *nlab = n;
    return SX_OK;
}

/* Is the cell at (i, j + dj) of the padded block a different value from c? */
static int differs(const int32_t *v, int64_t nx, int64_t i, int64_t j, int32_t c)
{
    return i < 0 || i >= nx || v[(j + 1) * nx + i] != c;
}

sx_err sx__poly_label(const int32_t *v, int64_t nx, int64_t ny, int64_t y0, int connect8, int top, int bottom,
                      sx__poly_block_t *b)
{
    memset(b, 0, sizeof *b);
    b->nx = nx;
    b->ny = ny;
    b->y0 = y0;
    SX_FAIL_IF(nx * ny > INT32_MAX, SX_ERR_NOMEM, "a block of %lld cells is too large to polygonize on one rank; run on "
               "more ranks", (long long)(nx * ny));
    b->label = malloc((size_t)(nx * ny > 0 ? nx * ny : 1) * sizeof *b->label);
    SX_FAIL_IF(!b->label, SX_ERR_NOMEM, "cannot hold the labels of a %lld-cell block", (long long)(nx * ny));
    int64_t *p = NULL;
    int32_t n = 0;
    sx_err err = first_pass(v, nx, ny, connect8, b->label, &p, &n);
    if (err) return err;
    /* second pass: roots numbered in scan order of their first cell */
    int32_t *final = calloc((size_t)n, sizeof *final);
    int64_t np = 0, *count = NULL;
    if (!final) goto nomem;
    for (int64_t k = 0; k < nx * ny; k++) {
        if (!b->label[k]) continue;
        const int64_t r = sx__poly_find(p, b->label[k]);
        if (!final[r]) final[r] = (int32_t)++np;
        b->label[k] = final[r];
    }
    b->npiece = np;
    b->piece = calloc((size_t)(np ? np : 1), sizeof *b->piece);
    count = calloc((size_t)(np ? np : 1), sizeof *count);
    if (!b->piece || !count) goto nomem;
    /* pieces: first cell, cells, value, edges counted, then listed */
    for (int pass = 0; pass < 2; pass++) {
        for (int64_t j = 0; j < ny; j++) {
            for (int64_t i = 0; i < nx; i++) {
                const int32_t l = b->label[j * nx + i];
                if (!l) continue;
                sx__poly_piece_t *q = &b->piece[l - 1];
                const int32_t c = v[(j + 1) * nx + i];
                const int64_t gy = y0 + j;
                /* sides N, E, S, W with their edges' start corners and directions */
                const int side[4] = {differs(v, nx, i, j - 1, c), differs(v, nx, i + 1, j, c),
                                     differs(v, nx, i, j + 1, c), differs(v, nx, i - 1, j, c)};
                const sx__poly_edge_t ed[4] = {{gy, i, 0}, {gy, i + 1, 1}, {gy + 1, i + 1, 2}, {gy + 1, i, 3}};
                if (pass == 0) {
                    if (!q->cells) q->y = gy, q->x = i, q->value = c;
                    q->cells++;
                    q->ne += side[0] + side[1] + side[2] + side[3];
                    if ((top && j == 0) || (bottom && j == ny - 1)) q->boundary = 1;
                } else {
                    for (int s = 0; s < 4; s++)
                        if (side[s]) b->e[q->e0 + count[l - 1]++] = ed[s];
                }
            }
        }
        if (pass == 0) {
            for (int64_t k = 0; k < np; k++) b->piece[k].e0 = b->ne, b->ne += b->piece[k].ne;
            b->e = malloc((size_t)(b->ne ? b->ne : 1) * sizeof *b->e);
            if (!b->e) goto nomem;
        }
    }
    free(count);
    free(final);
    free(p);
    return SX_OK;
nomem:
    free(count);
    free(final);
    free(p);
    sx__poly_block_fini(b);
    SX_FAIL(SX_ERR_NOMEM, "cannot hold the pieces of a %lld-cell block to polygonize", (long long)(nx * ny));
}

void sx__poly_block_fini(sx__poly_block_t *b)
{
    free(b->label);
    free(b->piece);
    free(b->e);
    memset(b, 0, sizeof *b);
}
