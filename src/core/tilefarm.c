/*
 * tilefarm.c — dynamic distribution of independent tiles.
 *
 * A single int64 counter lives in an MPI window on rank 0; each rank takes
 * the next tile with MPI_Fetch_and_op (atomic) inside a passive-target
 * epoch opened for the farm's lifetime. No rank is reserved as a master.
 */
#include <stdlib.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_mpi.h"

struct sx_tilefarm {
    MPI_Comm comm;
    MPI_Win win;
    int64_t *counter;
    int64_t ntiles;
    int locked;
};

sx_err sx_tilefarm_create(MPI_Comm comm, int64_t ntiles, sx_tilefarm_t **out)
{
    sx_tilefarm_t *f;
    SX_ALLOC(f, 1, "tile farm");
    f->comm = comm;
    f->ntiles = ntiles;
    f->win = MPI_WIN_NULL;
    int rank;
    MPI_Comm_rank(comm, &rank);
    MPI_Aint bytes = rank == 0 ? (MPI_Aint)sizeof(int64_t) : 0;
    int rc = MPI_Win_allocate(bytes, sizeof(int64_t), MPI_INFO_NULL, comm, &f->counter, &f->win);
    if (rc != MPI_SUCCESS) {
        free(f);
        /* Seen with Open MPI 4.1 over TCP between nodes: osc/rdma cannot use
         * TCP and Debian's default configuration disables osc/pt2pt. */
        char text[MPI_MAX_ERROR_STRING] = "";
        int len = 0;
        MPI_Error_string(rc, text, &len);
        SX_FAIL(SX_ERR_MPI,
                "MPI_Win_allocate failed: %s; this MPI offers no one-sided windows between these ranks — with "
                "Open MPI over TCP set OMPI_MCA_osc=sm,rdma,pt2pt (scripts/env.sh and slurm/sx-env.sh do)",
                text);
    }
    if (rank == 0) *f->counter = 0;
    *out = f;
    SX_CHECK_MPI(MPI_Win_fence(0, f->win)); /* counter initialised before anyone reads it */
    SX_CHECK_MPI(MPI_Win_lock_all(0, f->win));
    f->locked = 1;
    return SX_OK;
}

sx_err sx_tilefarm_next(sx_tilefarm_t *f, int64_t *tile)
{
    int64_t one = 1, got = 0;
    SX_CHECK_MPI(MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, 0, MPI_SUM, f->win));
    SX_CHECK_MPI(MPI_Win_flush(0, f->win));
    *tile = got < f->ntiles ? got : -1;
    return SX_OK;
}

sx_err sx_tilefarm_destroy(sx_tilefarm_t **fp)
{
    if (!fp || !*fp) return SX_OK;
    sx_tilefarm_t *f = *fp;
    *fp = NULL;
    int rc = MPI_SUCCESS;
    if (f->locked) rc = MPI_Win_unlock_all(f->win);
    int rc2 = MPI_Win_free(&f->win);
    free(f);
    if (rc != MPI_SUCCESS) return sx__mpi_fail(rc, "MPI_Win_unlock_all", SX__FILE, __LINE__);
    if (rc2 != MPI_SUCCESS) return sx__mpi_fail(rc2, "MPI_Win_free", SX__FILE, __LINE__);
    return SX_OK;
}
