/*
 * cellq.c — growth of the cell FIFO and the 4-ary heap of cellq.h.
 *
 * The heap is 4-ary (children of i at 4i+1..4i+4): half the depth of a
 * binary heap, and the four children of a node share a cache line pair,
 * which is what a sift-down spends its time on.
 */
#include <stdlib.h>

#include "dem/cellq.h"

sx_err sx__q32_grow(sx__q32_t *q)
{
    uint64_t cap = q->cap ? 2 * (uint64_t)q->cap : 1024;
    SX_FAIL_IF(cap > 0x80000000ull, SX_ERR_NOMEM, "a cell queue cannot hold more than 2^31 cells; use more ranks");
    uint32_t *a = malloc((size_t)cap * sizeof *a);
    SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot grow a cell queue to %llu cells", (unsigned long long)cap);
    uint32_t n = q->tail - q->head;
    for (uint32_t i = 0; i < n; i++) a[i] = q->a[(q->head + i) & (q->cap - 1)];
    free(q->a);
    q->a = a;
    q->head = 0;
    q->tail = n;
    q->cap = (uint32_t)cap;
    return SX_OK;
}

void sx__q32_free(sx__q32_t *q)
{
    free(q->a);
    memset(q, 0, sizeof *q);
}

sx_err sx__pq_push(sx__pq_t *h, uint64_t key, uint64_t cell)
{
    if (h->n == h->cap) {
        int64_t cap = h->cap ? 2 * h->cap : 1024;
        sx__pqn_t *a = realloc(h->a, (size_t)cap * sizeof *a);
        SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot grow the priority queue to %lld cells", (long long)cap);
        h->a = a;
        h->cap = cap;
    }
    sx__pqn_t x = {key, cell};
    int64_t i = h->n++;
    while (i > 0) {
        int64_t p = (i - 1) >> 2;
        if (!sx__pqn_less(x, h->a[p])) break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = x;
    return SX_OK;
}

sx__pqn_t sx__pq_pop(sx__pq_t *h)
{
    sx__pqn_t top = h->a[0], x = h->a[--h->n];
    int64_t i = 0, n = h->n;
    for (;;) {
        int64_t c = 4 * i + 1;
        if (c >= n) break;
        int64_t best = c, end = c + 4 < n ? c + 4 : n;
        for (int64_t k = c + 1; k < end; k++)
            if (sx__pqn_less(h->a[k], h->a[best])) best = k;
        if (!sx__pqn_less(h->a[best], x)) break;
        h->a[i] = h->a[best];
        i = best;
    }
    if (n > 0) h->a[i] = x;
    return top;
}

void sx__pq_free(sx__pq_t *h)
{
    free(h->a);
    memset(h, 0, sizeof *h);
}

sx_err sx__rhb_grow(sx__rhb_t *b)
{
    uint64_t cap = b->cap ? 2 * (uint64_t)b->cap : 256;
    SX_FAIL_IF(cap > UINT32_MAX, SX_ERR_NOMEM, "a priority queue bucket cannot hold more than 2^32 cells");
    sx__pqn_t *a = realloc(b->a, (size_t)cap * sizeof *a);
    SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot grow the priority queue to %llu cells", (unsigned long long)cap);
    b->a = a;
    b->cap = (uint32_t)cap;
    return SX_OK;
}

sx_err sx__rh_pop(sx__rh_t *h, sx__pqn_t *out)
{
    if (h->b[0].n == 0) {
        int i = 1;
        while (h->b[i].n == 0) i++;
        sx__rhb_t *b = &h->b[i];
        uint64_t m = b->a[0].key;
        for (uint32_t k = 1; k < b->n; k++)
            if (b->a[k].key < m) m = b->a[k].key;
        /* every element moves to a lower bucket: make room first, so a
         * failure leaves the heap as it was */
        uint32_t need[65] = {0};
        for (uint32_t k = 0; k < b->n; k++) need[sx__rh_bucket(b->a[k].key, m)]++;
        for (int t = 0; t < i; t++)
            while (h->b[t].cap - h->b[t].n < need[t]) SX_CHECK(sx__rhb_grow(&h->b[t]));
        h->last = m;
        for (uint32_t k = 0; k < b->n; k++) {
            sx__rhb_t *t = &h->b[sx__rh_bucket(b->a[k].key, m)];
            t->a[t->n++] = b->a[k];
        }
        b->n = 0;
    }
    h->n--;
    *out = h->b[0].a[--h->b[0].n];
    return SX_OK;
}

void sx__rh_free(sx__rh_t *h)
{
    for (int i = 0; i < 65; i++) free(h->b[i].a);
    memset(h, 0, sizeof *h);
}
