/*
 * polygonize_label.c — one rank's share of the polygonizer: the connected
 * pieces of equal non-zero value in its block of rows, and each piece's
 * boundary edges.
 *
 * Two-pass connected-component labelling with union-find (Rosenfeld &
 * Pfaltz 1966, "Sequential operations in digital picture processing", JACM
 * 13(4); the union-find of polygonize_uf.c, as in Wu, Otoo & Suzuki 2009,
 * "Optimizing two-pass connected-component labeling algorithms", Pattern
 * Anal. Appl. 12): the first pass gives each cell a provisional label and
 * joins it with its already-scanned neighbours of equal value (W and N; NW
 * and NE too when 8-connected), by Wu et al.'s decision tree — neighbours
 * that touch each other are in one set already, so a cell needs at most one
 * union (none inside a region when 8-connected); the second numbers the
 * roots in raster-scan order of their first cell, so the pieces do not
 * depend on which provisional labels were joined. An edge of a cell is a boundary edge
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
            /* the neighbours already labelled (W, N; NW, NE when 8-connected) of
             * value c, by Wu, Otoo & Suzuki's decision tree: two neighbours that
             * touch each other are in one set already, so at most one union */
            const int w = i > 0 && row[i - 1] == c;
            int32_t m = w ? l[i - 1] : 0;
            if (j > 0 && up[i] == c) {
                if (w && !connect8 && l[i - 1] != lu[i]) sx__poly_unite(p, l[i - 1], lu[i]);
                m = lu[i];
            } else if (j > 0 && connect8) {
                const int nw = i > 0 && up[i - 1] == c, ne = i + 1 < nx && up[i + 1] == c;
                if (ne && (nw || w)) sx__poly_unite(p, lu[i + 1], nw ? lu[i - 1] : l[i - 1]);
                if (ne) m = lu[i + 1];
                else if (nw) m = lu[i - 1];
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

/* The sides of cell i of row (in the padded block) that are boundary edges,
 * as bits: 1 N, 2 E, 4 S, 8 W — where the neighbour across has another value
 * than c or lies outside the raster. */
static unsigned boundary_sides(const int32_t *row, int64_t nx, int64_t i, int32_t c)
{
    return (unsigned)(row[i - nx] != c) | (unsigned)(i + 1 >= nx || row[i + 1] != c) << 1 |
           (unsigned)(row[i + nx] != c) << 2 | (unsigned)(i == 0 || row[i - 1] != c) << 3;
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
                const unsigned side = boundary_sides(v + (j + 1) * nx, nx, i, c);
                if (pass == 0) {
                    if (!q->cells) q->y = gy, q->x = i, q->value = c;
                    q->cells++;
                    q->ne += __builtin_popcount(side);
                    if ((top && j == 0) || (bottom && j == ny - 1)) q->boundary = 1;
                } else if (side) {
                    /* sides N, E, S, W: their edges' start corners and directions */
                    const sx__poly_edge_t ed[4] = {{gy, i, 0}, {gy, i + 1, 1}, {gy + 1, i + 1, 2}, {gy + 1, i, 3}};
                    for (int s = 0; s < 4; s++)
                        if (side >> s & 1) b->e[q->e0 + count[l - 1]++] = ed[s];
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
