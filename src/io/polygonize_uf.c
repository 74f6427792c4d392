/*
 * polygonize_uf.c — the union–find (disjoint sets) of the polygonizer: the block
 * labelling's provisional labels (polygonize_label.c) and the joining of pieces
 * across block edges (polygonize_stitch.c). Path halving and the smaller index as
 * the root (Tarjan & van Leeuwen 1984, "Worst-case analysis of set union
 * algorithms", JACM 31(2); as in Wu, Otoo & Suzuki 2009), so a set's root is
 * its first element — in raster-scan order for both callers.
 */
#include "io/polygonize_internal.h"

int64_t sx__poly_find(int64_t *p, int64_t a)
{
    while (p[a] != a) a = p[a] = p[p[a]];
    return a;
}

void sx__poly_unite(int64_t *p, int64_t a, int64_t b)
{
    a = sx__poly_find(p, a);
    b = sx__poly_find(p, b);
    if (a < b) p[b] = a;
    else if (b < a) p[a] = b;
}
