/*
 * cog_bands.c — where each compressed full-resolution COG tile goes, known
 * tile row by tile row while the ranks are still compressing.
 *
 * The file holds the full resolution in row-major tile order after the
 * overviews, so a tile's offset is the sum of the sizes of every tile
 * before it, whichever rank compressed them. Each rank compresses its own
 * tiles in file order; as soon as it has compressed all of its tiles of a
 * tile row (a band), it posts that band's sizes in a non-blocking sum over
 * the ranks (each tile has one owner, the others add 0). The bands complete
 * in order, and with each the offsets of its tiles are known: the rank hands
 * its own to the writer thread (cog_stream.c) while it compresses the next.
 * A rank whose block shares every band with the others (the ranks side by
 * side, as sx_decomp_init_per_cell arranges) thus writes all the way
 * through; one whose tiles all come after another rank's (blocks stacked)
 * still compresses at full speed and writes once those bands complete.
 *
 * Every rank posts every band, in order, even a band without tiles of its
 * own, and sx__cog_bands_finish posts whatever is left, so the collectives
 * always match (also when a rank stops compressing after an error).
 */
#include <stdlib.h>
#include <string.h>

#include "io/cog_internal.h"
#include "sanxiang/sx_mpi.h"

struct sx__cog_bands {
    MPI_Comm comm;
    int64_t ntx, nbands;
    const sx__cog_tile_t *mine; /* this rank's full-resolution tiles, in tile order */
    int64_t nmine;
    uint64_t *size;  /* per own tile: its bytes in the file (leader and trailer included) */
    uint64_t *at;    /* per own tile: where it starts (its size leader), once its band completes */
    uint64_t *sums;  /* nbands x ntx: this rank's sizes, then the sums over the ranks */
    uint64_t *mysum; /* nbands x ntx: what this rank posted */
    MPI_Request *req;
    int64_t posted, completed; /* bands */
    int64_t next_own;          /* first own tile not in a posted band */
    int64_t placed;            /* own tiles whose band completed */
    uint64_t band_at;          /* start of band `completed` in the file */
};

sx_err sx__cog_bands_create(const sx__cog_plan_t *p, const sx__cog_tile_t *mine, int64_t nmine, uint64_t at0,
                            sx__cog_bands_t **out)
{
    *out = NULL;
    sx__cog_bands_t *b = calloc(1, sizeof *b);
    const sx__cog_level_t *l0 = &p->pyr.lv[0];
    if (b) {
        b->comm = p->comm;
        b->ntx = l0->ntx, b->nbands = l0->nty;
        b->mine = mine, b->nmine = nmine;
        b->band_at = at0;
        b->size = calloc((size_t)(nmine ? nmine : 1), sizeof *b->size);
        b->at = calloc((size_t)(nmine ? nmine : 1), sizeof *b->at);
        b->sums = calloc((size_t)(b->ntx * b->nbands), sizeof *b->sums);
        b->mysum = calloc((size_t)(b->ntx * b->nbands), sizeof *b->mysum);
        b->req = malloc((size_t)b->nbands * sizeof *b->req);
    }
    if (!b || !b->size || !b->at || !b->sums || !b->mysum || !b->req) {
        sx__cog_bands_destroy(&b);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate the COG tile bands (%lld tiles)",
                (long long)(l0->ntx * l0->nty));
    }
    *out = b;
    return SX_OK;
}

void sx__cog_bands_size(sx__cog_bands_t *b, int64_t i, uint64_t bytes) { b->size[i] = bytes; }

static sx_err post_one(sx__cog_bands_t *b)
{
    const int64_t band = b->posted;
    uint64_t *mine = b->mysum + band * b->ntx;
    for (; b->next_own < b->nmine && b->mine[b->next_own].index < (band + 1) * b->ntx; b->next_own++)
        mine[b->mine[b->next_own].index - band * b->ntx] = b->size[b->next_own];
    SX_CHECK_MPI(MPI_Iallreduce(mine, b->sums + band * b->ntx, (int)b->ntx, MPI_UINT64_T, MPI_SUM, b->comm,
                                &b->req[band]));
    b->posted++;
    return SX_OK;
}

sx_err sx__cog_bands_post(sx__cog_bands_t *b, int64_t done)
{
    while (b->posted < b->nbands) {
        /* the band's own tiles must all be among the first `done` */
        int64_t j = b->next_own;
        while (j < b->nmine && b->mine[j].index < (b->posted + 1) * b->ntx) j++;
        if (j > done) break;
        SX_CHECK(post_one(b));
    }
    return SX_OK;
}

/* Band `completed` is summed: its tiles' offsets follow from band_at. */
static void place_band(sx__cog_bands_t *b)
{
    const int64_t band = b->completed;
    const uint64_t *sum = b->sums + band * b->ntx;
    uint64_t pos = b->band_at;
    int64_t j = b->placed;
    for (int64_t t = 0; t < b->ntx; t++) {
        if (j < b->nmine && b->mine[j].index == band * b->ntx + t) b->at[j++] = pos;
        pos += sum[t];
    }
    b->placed = j;
    b->band_at = pos;
    b->completed++;
}

sx_err sx__cog_bands_progress(sx__cog_bands_t *b, int64_t *placed)
{
    while (b->completed < b->posted) {
        int done = 0;
        SX_CHECK_MPI(MPI_Test(&b->req[b->completed], &done, MPI_STATUS_IGNORE));
        if (!done) break;
        place_band(b);
    }
    *placed = b->placed;
    return SX_OK;
}

sx_err sx__cog_bands_finish(sx__cog_bands_t *b, int64_t *placed)
{
    while (b->posted < b->nbands) SX_CHECK(post_one(b));
    while (b->completed < b->posted) {
        SX_CHECK_MPI(MPI_Wait(&b->req[b->completed], MPI_STATUS_IGNORE));
        place_band(b);
    }
    *placed = b->placed;
    return SX_OK;
}

uint64_t sx__cog_bands_at(const sx__cog_bands_t *b, int64_t i) { return b->at[i]; }

void sx__cog_bands_destroy(sx__cog_bands_t **bp)
{
    sx__cog_bands_t *b = *bp;
    if (!b) return;
    free(b->size);
    free(b->at);
    free(b->sums);
    free(b->mysum);
    free(b->req);
    free(b);
    *bp = NULL;
}
