/*
 * mpi_gather.c — gather every rank's variable-length bytes on one rank, in
 * rank order: the receive counts are gathered, their displacements are the
 * exclusive prefix sum, both checked against the int range of MPI counts,
 * and the receive buffer is allocated on the root only (so memory beyond the
 * caller's own bytes grows only on the root). Ranks agree on every failure,
 * so all of them return the same code and none is left in a collective.
 * Transfers of more than INT_MAX bytes in all are refused with the caller's
 * hint (derived datatypes or a chunked gather would be the way past it, and
 * no caller needs that yet).
 */
#include "sanxiang/sx_mpi.h"

#include <limits.h>
#include <stdlib.h>

static sx_err too_big(int64_t n, const char *what, const char *hint)
{
    return sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%lld bytes of %s exceed one MPI message (2 GiB); %s",
                      (long long)n, what, hint);
}

sx_err sx_mpi_gatherv_bytes(MPI_Comm comm, int root, const void *mine, int64_t nbytes, const char *what,
                            const char *hint, void **all, int64_t *total)
{
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    *all = NULL;
    *total = 0;
    int nb = 0, *counts = NULL, *displs = NULL;
    sx_err err = nbytes < 0 || nbytes > INT_MAX ? too_big(nbytes, what, hint) : SX_OK;
    if (!err) nb = (int)nbytes;
    if (!err && rank == root) {
        counts = calloc((size_t)size, sizeof *counts);
        displs = calloc((size_t)size, sizeof *displs);
        if (!counts || !displs) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "the counts of %s", what);
    }
    err = sx_err_agree(comm, err);
    int rc = MPI_SUCCESS;
    if (!err && (rc = MPI_Gather(&nb, 1, MPI_INT, counts, 1, MPI_INT, root, comm)) != MPI_SUCCESS)
        err = sx__mpi_fail(rc, "MPI_Gather of the byte counts", SX__FILE, __LINE__);
    int64_t sum = 0;
    char *buf = NULL;
    if (!err && rank == root) {
        for (int r = 0; r < size && sum <= INT_MAX; r++) {
            displs[r] = (int)sum;
            sum += counts[r];
        }
        if (sum > INT_MAX)
            err = too_big(sum, what, hint);
        else if (!(buf = malloc((size_t)(sum ? sum : 1))))
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "%lld bytes of %s on rank %d", (long long)sum, what, root);
    }
    err = sx_err_agree(comm, err);
    if (!err && (rc = MPI_Gatherv(mine, nb, MPI_BYTE, buf, counts, displs, MPI_BYTE, root, comm)) != MPI_SUCCESS)
        err = sx__mpi_fail(rc, "MPI_Gatherv", SX__FILE, __LINE__);
    err = sx_err_agree(comm, err);
    free(counts);
    free(displs);
    if (err) {
        free(buf);
        return err;
    }
    *all = buf;
    *total = sum;
    return SX_OK;
}
