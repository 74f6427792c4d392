/*
 * cellq.h — the work lists of the fast hydrology kernels: a FIFO ring of
 * 32-bit cell indices (power-of-two capacity, so no division per operation)
 * and a 4-ary min-heap of (key, cell) pairs, where the key is an elevation
 * mapped to an unsigned integer of the same order (sx__key_f32/_f64), so the
 * heap compares integers and breaks ties by cell index: the pop order is a
 * fixed function of the input. Cell indices are 32-bit because a block's
 * padded frame is limited to 2^32 cells (sx__pad_init checks it); the queues
 * then take 4 B (FIFO) and 16 B (heap) per cell in them.
 */
#ifndef SX_DEM_CELLQ_H
#define SX_DEM_CELLQ_H

#include <stdint.h>
#include <string.h>

#include "sanxiang/sx_err.h"

typedef struct {
    uint32_t *a;
    uint32_t head, tail; /* count = tail - head (mod 2^32) */
    uint32_t cap;        /* 0 or a power of two */
} sx__q32_t;

sx_err sx__q32_grow(sx__q32_t *q);
static inline sx_err sx__q32_push(sx__q32_t *q, uint32_t v)
{
    if (q->tail - q->head == q->cap) SX_CHECK(sx__q32_grow(q));
    q->a[q->tail++ & (q->cap - 1)] = v;
    return SX_OK;
}
static inline int sx__q32_empty(const sx__q32_t *q) { return q->head == q->tail; }
static inline uint32_t sx__q32_pop(sx__q32_t *q) { return q->a[q->head++ & (q->cap - 1)]; }
/** The element d places behind the oldest, or UINT32_MAX when the queue
 *  holds no more than d (for prefetching ahead of the pops). */
static inline uint32_t sx__q32_ahead(const sx__q32_t *q, uint32_t d)
{
    return q->tail - q->head > d ? q->a[(q->head + d) & (q->cap - 1)] : UINT32_MAX;
}
/** The oldest element, left in place. Pre: not empty. */
static inline uint32_t sx__q32_front(const sx__q32_t *q) { return q->a[q->head & (q->cap - 1)]; }
/** Pop the newest element (the queue used as a stack). */
static inline uint32_t sx__q32_pop_back(sx__q32_t *q) { return q->a[--q->tail & (q->cap - 1)]; }
void sx__q32_free(sx__q32_t *q);

typedef struct {
    uint64_t key;
    uint64_t cell;
} sx__pqn_t;

typedef struct {
    sx__pqn_t *a;
    int64_t n, cap;
} sx__pq_t;

static inline int sx__pqn_less(sx__pqn_t x, sx__pqn_t y) { return x.key < y.key || (x.key == y.key && x.cell < y.cell); }
sx_err sx__pq_push(sx__pq_t *h, uint64_t key, uint64_t cell);
/** Pop the least (key, cell). Pre: h->n > 0. */
sx__pqn_t sx__pq_pop(sx__pq_t *h);
void sx__pq_free(sx__pq_t *h);

/*
 * Radix heap (Ahuja, Mehlhorn, Orlin & Tarjan 1990, doi:10.1145/77600.77615)
 * for monotone queues (every key pushed is >= the last key popped, as in
 * Priority-Flood and Dijkstra): an element sits in the bucket of the highest
 * bit in which its key differs from the last popped key; a pop empties the
 * lowest non-empty bucket into lower ones around its least key. Each element
 * moves at most 64 times, in practice once or twice, and never by a
 * comparison per heap level. Ties pop last-in first-out: a fixed order.
 */
typedef struct {
    sx__pqn_t *a;
    uint32_t n, cap;
} sx__rhb_t;

typedef struct {
    sx__rhb_t b[65];
    uint64_t last; /* key of the last pop (0 before the first) */
    int64_t n;
} sx__rh_t;

sx_err sx__rhb_grow(sx__rhb_t *b);
static inline int sx__rh_bucket(uint64_t key, uint64_t last)
{
    return key == last ? 0 : 64 - __builtin_clzll(key ^ last);
}
/** Push (key, cell); pre: key >= the last popped key (or the heap is empty). */
static inline sx_err sx__rh_push(sx__rh_t *h, uint64_t key, uint64_t cell)
{
    if (h->n == 0) h->last = 0;
    sx__rhb_t *b = &h->b[sx__rh_bucket(key, h->last)];
    if (b->n == b->cap) SX_CHECK(sx__rhb_grow(b));
    b->a[b->n++] = (sx__pqn_t){key, cell};
    h->n++;
    return SX_OK;
}
/** Pop an element of least key into *out. Pre: h->n > 0. Fails only if a
 *  bucket cannot grow (the heap is then unchanged). */
sx_err sx__rh_pop(sx__rh_t *h, sx__pqn_t *out);
void sx__rh_free(sx__rh_t *h);

/* Order-preserving keys: a < b (as numbers, not NaN) implies key(a) <= key(b);
 * -0 sorts just before +0, which compare equal as numbers. */
static inline uint64_t sx__key_f32(float v)
{
    uint32_t b;
    memcpy(&b, &v, sizeof b);
    return (b & 0x80000000u) ? (uint64_t)~b : (uint64_t)(b | 0x80000000u);
}
static inline uint64_t sx__key_f64(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return (b & 0x8000000000000000ull) ? ~b : (b | 0x8000000000000000ull);
}

#endif
