/*
 * flats.c — drainage over flats (Barnes, Lehman & Mulla 2014, "An efficient
 * assignment of drainage direction over flat surfaces in raster digital
 * elevation models", Computers & Geosciences 62:128-135,
 * doi:10.1016/j.cageo.2013.01.009), on a block decomposition.
 *
 * A cell without a D8 direction next to a higher cell is a high edge; a cell
 * with a direction next to a direction-less cell of equal elevation is a low
 * edge. Barnes' two breadth-first searches become distributed fixpoints
 * (fixpoint.c) over the links between direction-less cells of equal
 * elevation: d_high, the distance from the high edges, and d_low, the
 * distance from the low edges. Barnes' mask is H - d_high + 2 d_low (H the
 * largest d_high of the flat, 0 in place of H - d_high where no high edge
 * reaches), and each direction-less cell of a drainable flat points to its
 * equal-elevation neighbour of least mask, a cardinal one replacing a
 * diagonal one on ties. Flats without a low edge (undrained pits) keep no
 * direction.
 *
 * H is never computed: the choice compares a cell's mask with those of its
 * equal-elevation neighbours only, and those are either low edges (mask 2,
 * below every flat cell's mask, which is at least 2 d_low >= 4) or
 * direction-less cells linked to it, so reached from a high edge exactly when
 * it is and of the same flat, with the same H. Where the cell has low-edge
 * neighbours it points to the first cardinal one of them (else the first);
 * otherwise the masks less H, -d_high + 2 d_low (2 d_low where no high edge
 * reaches), order its neighbours as the masks do, and the same scan picks
 * the same neighbour. The directions are Barnes' bit for bit.
 *
 * Both searches run over the links between direction-less cells only: d_low
 * starts at 2 on the cells next to a low edge (own or halo) instead of 1 on
 * the low edges, which gives the same values and leaves the cells with a
 * direction out of the searches; the cells next to a low edge get their
 * direction from the low edges alone.
 *
 * Work is proportional to the flat cells: one pass over the list of
 * direction-less cells the D8 pass made sets their links (a byte per cell,
 * from the directions of their neighbours) and the sources, the searches
 * touch only flats, a last pass over the list sets the directions; the
 * arrays are calloc'ed (0 = unreached), so no pass runs over the whole frame
 * and only the pages holding flats are ever touched. The fixpoints are
 * unique, so the directions do not depend on the ranks or the block size.
 * Memory per cell of the block: two uint32 distance arrays (8 B) and a link
 * byte, plus the source lists and the queue (4 B per flat cell each).
 */
#include <stdlib.h>
#include <string.h>

#include "dem/fixpoint.h"
#include "dem/flowdir_internal.h"
#include "sanxiang/sx_mpi.h"

/* A temporary mark in dir (never left there): direction-less halo cells. */
#define HALO_FLAT 9

/* Barnes' mask less the flat's H (see above): least is steepest. Both
 * distances are below 2^30 (a frame has under 2^32 cells, and a distance
 * counts cells of one flat), so the key fits an int32. */
static inline int32_t key_of(uint32_t dh, uint32_t dl)
{
    return (dh ? -(int32_t)dh : 0) + 2 * (int32_t)dl;
}

/* Eight int32 lanes, one per neighbour (GCC / Clang vector extension): the
 * AVX2 clone holds them in one register, the default one in two. */
typedef int32_t sx__v8i __attribute__((vector_size(32)));

/* Direction of a direction-less own cell e of a drainable flat without a
 * low-edge neighbour: all its neighbours of its elevation are direction-less
 * and in its flat. The least key wins; of several, the first cardinal one,
 * else the first (the sequential scan's rule). No strictly lower key: none.
 * key: every flat cell's key (own and halo). Branch-free over the eight
 * keys as lanes (INT32_MAX off the flat, above every key): their least, then
 * the bits of the lanes that hold it. */
static inline uint8_t flat_dir(int64_t w, const uint16_t *eq, const int32_t *key, uint32_t e)
{
    const int32_t *c = key + e, *up = c - w, *dn = c + w;
    const sx__v8i bit = {1, 2, 4, 8, 16, 32, 64, 128};
    sx__v8i kk = {c[-1], up[-1], up[0], up[1], c[1], dn[1], dn[0], dn[-1]};
    sx__v8i in = (bit & (int32_t)(eq[e] & 0xffu)) != 0; /* lanes of -1 / 0 */
    kk = (kk & in) | (~in & INT32_MAX);
    sx__v8i t = __builtin_shufflevector(kk, kk, 4, 5, 6, 7, 0, 1, 2, 3), lt = t < kk;
    sx__v8i least = (t & lt) | (kk & ~lt);
    t = __builtin_shufflevector(least, least, 2, 3, 0, 1, 6, 7, 4, 5), lt = t < least;
    least = (t & lt) | (least & ~lt);
    t = __builtin_shufflevector(least, least, 1, 0, 3, 2, 5, 4, 7, 6), lt = t < least;
    least = (t & lt) | (least & ~lt); /* in every lane */
    sx__v8i set = (kk == least) & bit;
    set |= __builtin_shufflevector(set, set, 4, 5, 6, 7, 0, 1, 2, 3);
    set |= __builtin_shufflevector(set, set, 2, 3, 0, 1, 6, 7, 4, 5);
    set |= __builtin_shufflevector(set, set, 1, 0, 3, 2, 5, 4, 7, 6);
    unsigned s = (unsigned)set[0], card = s & 0x55u;
    return least[0] < *c ? (uint8_t)__builtin_ctz(card ? card : s) : SX_D8_NONE;
}

/* The directions in dir of the eight neighbours of own cell c, byte k
 * neighbour k (W, NW, N, NE, E, SE, S, SW): three loads on little-endian
 * machines (the rows above and below as 4 bytes each, inside the frame). */
static inline uint64_t nb_dirs(int64_t w, const uint8_t *dir, uint32_t c)
{
    const uint8_t *m = dir + c, *up = m - w, *dn = m + w;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t u, d;
    memcpy(&u, up - 1, 4); /* NW N NE . */
    memcpy(&d, dn - 2, 4); /* . SW S SE */
    return m[-1] | (uint64_t)(u & 0xffffffu) << 8 | (uint64_t)m[1] << 32 | (uint64_t)__builtin_bswap32(d) << 40;
#else
    const uint8_t b[8] = {m[-1], up[-1], up[0], up[1], m[1], dn[1], dn[0], dn[-1]};
    uint64_t x = 0;
    for (int k = 0; k < 8; k++) x |= (uint64_t)b[k] << 8 * k;
    return x;
#endif
}

/* Neighbours of own cell c without a direction (own: SX_D8_NONE; halo ones
 * are marked HALO_FLAT), and those with one. */
static inline unsigned nb_none(uint64_t nb) { return sx__zero_bytes(nb ^ 0x0808080808080808u); }
static inline unsigned nb_directed(uint64_t nb) { return sx__zero_bytes(nb & 0xf8f8f8f8f8f8f8f8u); }

/* Marks the direction-less halo cells in dir and links them into the own
 * block (the sources of later rounds) (on), or clears the marks. */
static void halo_flats(const sx__pad_t *p, uint8_t *dir, const uint16_t *eq, uint8_t *links, const uint32_t *ring,
                       int64_t nring, int on)
{
    for (int64_t r = 0; r < nring; r++) {
        uint32_t e = ring[r];
        if (dir[e] != (on ? SX_D8_NONE : HALO_FLAT)) continue;
        dir[e] = on ? HALO_FLAT : SX_D8_NONE;
        if (!on) continue;
        unsigned lk = 0;
        for (int k = 0; k < 8; k++) {
            int64_t t = sx__pad_nb(p, e, k);
            if (t >= 0 && sx__pad_in_own(p, t) && (eq[t] & SX__EQ_FLAT) && ((eq[t] >> ((k + 4) & 7)) & 1))
                lk |= 1u << k;
        }
        links[e] = (uint8_t)lk;
    }
}

/* The directions of the listed direction-less own cells (dl and key final,
 * own and halo): next to low edges the first cardinal one, else the first;
 * elsewhere the least key; none on undrained flats. */
SX__VECTORISE static void flat_dirs(const sx__pad_t *p, uint8_t *dir, const uint16_t *eq, const uint8_t *links,
                                    const int32_t *key, const uint32_t *dl, const uint32_t *none, int64_t nnone)
{
    const int64_t w = p->w;
    for (int64_t s = 0; s < nnone; s++) {
        uint32_t c = none[s];
        if (!dl[c]) continue; /* an undrained flat */
        unsigned low = dl[c] == 2 ? nb_directed(nb_dirs(w, dir, c)) & (eq[c] & 0xffu) & ~(unsigned)links[c] : 0;
        unsigned card = low & 0x55u;
        dir[c] = low ? (uint8_t)__builtin_ctz(card ? card : low) : flat_dir(w, eq, key, c);
    }
}

sx_err sx__flats_resolve(const sx_decomp_t *d, const sx__pad_t *p, uint8_t *dir, const uint16_t *eq,
                         const uint32_t *none, int64_t nnone)
{
    sx_err err = SX_OK;
    MPI_Comm comm = d->comm;
    int64_t any = 0, mine = nnone;
    SX_CHECK_MPI(MPI_Allreduce(&mine, &any, 1, MPI_INT64_T, MPI_SUM, comm));
    if (any == 0) return SX_OK; /* no flats anywhere */
    size_t n = (size_t)(p->n ? p->n : 1), nf = (size_t)(nnone ? nnone : 1);
    uint32_t *dh = calloc(n, sizeof *dh), *dl = calloc(n, sizeof *dl), *ring = NULL;
    uint8_t *links = calloc(n, 1);
    uint32_t *hi = malloc(nf * sizeof *hi), *lo = malloc(nf * sizeof *lo);
    int64_t nring = 0, nhi = 0, nlo = 0;
    sx_halo_t *h = NULL;
    const int64_t w = p->w;
    if (!dh || !dl || !links || !hi || !lo)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the flat gradients (%lld cells)",
                         (long long)p->n);
    if (err == SX_OK) err = sx_halo_create_padded(d, (int)p->width, sizeof(uint32_t), &h);
    if (err == SX_OK) err = sx__pad_ring(p, &ring, &nring);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* links, and the sources: high edges (d_high 1), cells next to a low
     * edge, own or halo (d_low 2, as in Barnes' numbering) */
    halo_flats(p, dir, eq, links, ring, nring, 1);
    for (int64_t s = 0; s < nnone; s++) {
        uint32_t c = none[s];
        uint64_t nb = nb_dirs(w, dir, c);
        unsigned all = eq[c] & 0xffu;
        links[c] = (uint8_t)(nb_none(nb) & all);
        if (eq[c] & SX__EQ_HIGHER) {
            dh[c] = 1;
            hi[nhi++] = c;
        }
        if (nb_directed(nb) & all) {
            dl[c] = 2;
            lo[nlo++] = c;
        }
    }
    sx__fixpoint_t fp = {d, p, h, links};
    SX_CHECK_GOTO(sx__fixpoint_min(&fp, dh, 1, hi, nhi), err, done);
    SX_CHECK_GOTO(sx__fixpoint_min(&fp, dl, 1, lo, nlo), err, done);

    /* directions (dh and dl are final on the halo too): next to low edges
     * the first cardinal one, else the first; elsewhere the least key. The
     * keys of the flat cells, own and halo, replace d_high in place (a
     * cell's key needs only its own distances); d_low stays for the test. */
    int32_t *key = (int32_t *)dh;
    uint32_t far = 0; /* every distance OR-ed: the keys hold only if it is below 2^30 */
    for (int64_t s = 0; s < nnone; s++) {
        uint32_t c = none[s];
        far |= dh[c] | dl[c];
        key[c] = key_of(dh[c], dl[c]);
    }
    for (int64_t r = 0; r < nring; r++) {
        uint32_t c = ring[r];
        if (dir[c] != HALO_FLAT) continue;
        far |= dh[c] | dl[c];
        key[c] = key_of(dh[c], dl[c]);
    }
    if (far >> 30)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                         "a flat of this rank's block is over 2^30 cells across; use more ranks");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    flat_dirs(p, dir, eq, links, key, dl, none, nnone);
done:
    if (ring) halo_flats(p, dir, eq, links, ring, nring, 0);
    sx_halo_destroy(&h);
    free(dh);
    free(dl);
    free(links);
    free(hi);
    free(lo);
    free(ring);
    return err;
}
