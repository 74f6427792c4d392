/*
 * hydro_queue.c — the priority queue and FIFO used by the hydrology kernels.
 *
 * The heap orders cells by (elevation, insertion number), so equal
 * elevations leave in the order they entered: with seeds pushed in row-major
 * order, Priority-Flood visits cells in one fixed order on every run.
 */
#include <stdlib.h>
#include <string.h>

#include "dem/hydro_internal.h"

static int less(const sx__hnode_t *a, const sx__hnode_t *b)
{
    return a->z < b->z || (a->z == b->z && a->seq < b->seq);
}

sx_err sx__heap_push(sx__heap_t *h, double z, int64_t cell)
{
    if (h->n == h->cap) {
        int64_t cap = h->cap ? 2 * h->cap : 1024;
        sx__hnode_t *a = realloc(h->a, (size_t)cap * sizeof *a);
        SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot grow the priority queue to %lld cells", (long long)cap);
        h->a = a;
        h->cap = cap;
    }
    sx__hnode_t x = {z, h->seq++, cell};
    int64_t i = h->n++;
    while (i > 0) {
        int64_t p = (i - 1) / 2;
        if (!less(&x, &h->a[p])) break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = x;
    return SX_OK;
}

sx__hnode_t sx__heap_pop(sx__heap_t *h)
{
    sx__hnode_t top = h->a[0], x = h->a[--h->n];
    int64_t i = 0;
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && less(&h->a[c + 1], &h->a[c])) c++;
        if (!less(&h->a[c], &x)) break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n > 0) h->a[i] = x;
    return top;
}

void sx__heap_free(sx__heap_t *h)
{
    free(h->a);
    memset(h, 0, sizeof *h);
}

sx_err sx__fifo_push(sx__fifo_t *q, int64_t v)
{
    if (q->tail - q->head == q->cap) {
        int64_t cap = q->cap ? 2 * q->cap : 1024;
        int64_t *a = malloc((size_t)cap * sizeof *a);
        SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot grow a cell queue to %lld cells", (long long)cap);
        for (int64_t i = q->head; i < q->tail; i++) a[i - q->head] = q->a[i % q->cap];
        free(q->a);
        q->a = a;
        q->tail -= q->head;
        q->head = 0;
        q->cap = cap;
    }
    q->a[q->tail++ % q->cap] = v;
    return SX_OK;
}

void sx__fifo_free(sx__fifo_t *q)
{
    free(q->a);
    memset(q, 0, sizeof *q);
}

void sx__own_to_ext(sx_window_t ext, sx_window_t own, const void *src, void *dst, size_t elem)
{
    for (int64_t j = 0; j < own.ny; j++)
        memcpy((char *)dst + (((own.y0 - ext.y0 + j) * ext.nx) + own.x0 - ext.x0) * elem,
               (const char *)src + (size_t)(j * own.nx) * elem, (size_t)own.nx * elem);
}

void sx__ext_to_own(sx_window_t ext, sx_window_t own, const void *src, void *dst, size_t elem)
{
    for (int64_t j = 0; j < own.ny; j++)
        memcpy((char *)dst + (size_t)(j * own.nx) * elem,
               (const char *)src + (((own.y0 - ext.y0 + j) * ext.nx) + own.x0 - ext.x0) * elem, (size_t)own.nx * elem);
}

sx_err sx__halo_ring(sx_window_t ext, sx_window_t own, int64_t **ring, int64_t *count)
{
    int64_t n = sx_window_cells(ext) - sx_window_cells(own);
    *count = 0;
    *ring = malloc((size_t)(n > 0 ? n : 1) * sizeof **ring);
    SX_FAIL_IF(!*ring, SX_ERR_NOMEM, "cannot allocate the halo ring (%lld cells)", (long long)n);
    for (int64_t e = 0; e < sx_window_cells(ext); e++)
        if (!sx__in_own(ext, own, e)) (*ring)[(*count)++] = e;
    return SX_OK;
}
