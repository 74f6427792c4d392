/*
 * mpi_gatherv_bytes.c — sx_mpi_gatherv_bytes puts every rank's bytes on the
 * root in rank order, whatever their lengths (rank r sends 3r bytes of value
 * r + 1, so rank 0 sends none), on root 0 and on the last rank; the other
 * ranks get NULL. Too many bytes — the last rank's share above INT_MAX, or
 * (at 2+ ranks) a total above it — fail on every rank with SX_ERR_INPUT and
 * the caller's words, before any byte moves.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_expect.h"

static void gather_on(int root)
{
    int rank = sx_mpi_rank(), size = sx_mpi_size();
    unsigned char mine[3 * 4 * 64];
    const int64_t n = 3 * (int64_t)rank;
    memset(mine, rank + 1, sizeof mine);
    void *all = (void *)1;
    int64_t total = -1;
    sx_err e = sx_mpi_gatherv_bytes(MPI_COMM_WORLD, root, rank ? mine : NULL, n, "test bytes", "send fewer", &all,
                                    &total);
    EXPECT(e == SX_OK, "root %d: %s", root, sx_err_message());
    if (rank != root) {
        EXPECT(all == NULL && total == 0, "root %d: rank %d got %p, %lld bytes", root, rank, all, (long long)total);
        return;
    }
    EXPECT(all != NULL && total == 3 * (int64_t)size * (size - 1) / 2, "root %d: %lld bytes", root, (long long)total);
    const unsigned char *b = all;
    int64_t at = 0;
    for (int r = 0; r < size && all; r++)
        for (int64_t i = 0; i < 3 * (int64_t)r; i++, at++)
            EXPECT(b[at] == r + 1, "byte %lld is %d, want %d", (long long)at, b[at], r + 1);
    free(all);
}

static void too_big(int64_t n, int root)
{
    unsigned char never_read[1] = {0};
    void *all = (void *)1;
    int64_t total = -1;
    sx_err e = sx_mpi_gatherv_bytes(MPI_COMM_WORLD, root, never_read, n, "test bytes", "send fewer", &all, &total);
    EXPECT(e == SX_ERR_INPUT, "%lld bytes a rank: got %s", (long long)n, sx_err_name(e));
    EXPECT(strstr(sx_err_message(), "bytes of test bytes exceed one MPI message") &&
               strstr(sx_err_message(), "send fewer"),
           "message: %s", sx_err_message());
    EXPECT(all == NULL && total == 0, "failed gather left %p, %lld", all, (long long)total);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int size = sx_mpi_size();
    gather_on(0);
    gather_on(size - 1);
    too_big(sx_mpi_rank() == size - 1 ? (int64_t)INT_MAX + 1 : 1, 0); /* the last rank's share alone */
    if (size > 1) too_big((int64_t)1 << 30, size - 1); /* each fits, the sum does not */
    int failed = 0;
    MPI_Allreduce(&mpi_failures, &failed, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    sx_mpi_finalize();
    return failed != 0;
}
