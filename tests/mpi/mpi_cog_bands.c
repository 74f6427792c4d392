/*
 * mpi_cog_bands.c — the COG writer's full-resolution offsets, summed tile
 * row by tile row while the ranks compress (src/io/cog_bands.c).
 *
 * For tile grids of several shapes and owners side by side, stacked, in a
 * scattered pattern and with ranks that own nothing: every rank sizes its
 * tiles a few at a time in file order, posting and polling as the writer
 * does, and each of its tiles must land exactly where the prefix sum of all
 * sizes before it says (computed here independently from a gather). A rank
 * that stops sizing half way (as after a compression error) must not leave
 * the others waiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cog_internal.h"
#include "mpi/mpi_expect.h"
#include "sanxiang/sx_mpi.h"

typedef enum { SIDE_BY_SIDE, STACKED, SCATTERED, FIRST_RANK_ONLY } pattern;

static int owner_of(pattern pt, int64_t ti, int64_t tj, int64_t ntx, int64_t nty, int size)
{
    switch (pt) {
    case SIDE_BY_SIDE: return (int)(ti * size / ntx);
    case STACKED: return (int)(tj * size / nty);
    case SCATTERED: return (int)(((uint64_t)(tj * ntx + ti) * 2654435761u >> 7) % (uint64_t)size);
    default: return 0;
    }
}

static uint64_t size_of(int64_t t) { return 8 + 16 + (uint64_t)((t * 7919 + 13) % 1021); }

static void check(int64_t ntx, int64_t nty, pattern pt, int stop_early)
{
    const int rank = sx_mpi_rank(), size = sx_mpi_size();
    sx__cog_plan_t p;
    memset(&p, 0, sizeof p);
    p.comm = MPI_COMM_WORLD;
    p.pyr.lv[0].ntx = ntx, p.pyr.lv[0].nty = nty;
    sx__cog_tile_t *mine = calloc((size_t)(ntx * nty), sizeof *mine);
    int64_t n = 0;
    for (int64_t t = 0; t < ntx * nty; t++)
        if (owner_of(pt, t % ntx, t / ntx, ntx, nty, size) == rank) mine[n++].index = t;
    const uint64_t at0 = 4096;
    sx__cog_bands_t *b = NULL;
    EXPECT(sx__cog_bands_create(&p, mine, n, at0, &b) == SX_OK, "create: %s", sx_err_message());
    if (!b) {
        free(mine);
        return;
    }
    const int64_t stop = stop_early && rank == 0 ? n / 2 : n;
    int64_t placed = 0, last = 0;
    for (int64_t i0 = 0; i0 < stop;) {
        int64_t i1 = i0 + 1 + (i0 * 31 + rank) % 3;
        if (i1 > stop) i1 = stop;
        for (int64_t i = i0; i < i1; i++) sx__cog_bands_size(b, i, size_of(mine[i].index));
        EXPECT(sx__cog_bands_post(b, i1) == SX_OK, "post: %s", sx_err_message());
        EXPECT(sx__cog_bands_progress(b, &placed) == SX_OK, "progress: %s", sx_err_message());
        EXPECT(placed >= last && placed <= i1, "placed %lld after %lld, with %lld sized", (long long)placed,
               (long long)last, (long long)i1);
        last = placed;
        i0 = i1;
    }
    EXPECT(sx__cog_bands_finish(b, &placed) == SX_OK, "finish: %s", sx_err_message());
    EXPECT(placed == n, "%lld of %lld tiles placed", (long long)placed, (long long)n);
    if (!stop_early) {
        int64_t wrong = 0, j = 0;
        uint64_t pos = at0;
        for (int64_t t = 0; t < ntx * nty; t++) {
            if (j < n && mine[j].index == t) wrong += sx__cog_bands_at(b, j++) != pos;
            pos += size_of(t);
        }
        EXPECT(wrong == 0, "%lldx%lld tiles, pattern %d: %lld of this rank's %lld offsets wrong", (long long)ntx,
               (long long)nty, (int)pt, (long long)wrong, (long long)n);
    }
    sx__cog_bands_destroy(&b);
    free(mine);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int64_t shapes[][2] = {{1, 1}, {5, 3}, {16, 16}, {3, 7}, {1, 9}, {9, 1}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (int pt = SIDE_BY_SIDE; pt <= FIRST_RANK_ONLY; pt++) {
            check(shapes[s][0], shapes[s][1], (pattern)pt, 0);
            check(shapes[s][0], shapes[s][1], (pattern)pt, 1);
        }
    int all = 0;
    MPI_Allreduce(&mpi_failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (sx_mpi_rank() == 0) printf("mpi_cog_bands: %d ranks, %s\n", sx_mpi_size(), all ? "FAILED" : "all cases passed");
    sx_mpi_finalize();
    return all ? 1 : 0;
}
