/*
 * mpi.c — MPI start-up, error translation and phase agreement.
 *
 * sx_err_agree() is the heart of the error model: ranks exchange only a
 * flag at a phase boundary (MPI_Allreduce MINLOC on the failing rank), and
 * only when something failed does the failing rank's one-line message travel
 * to the others. Every rank then returns the same code and rank 0 alone
 * prints the message.
 */
#include "sanxiang/sx_mpi.h"

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int cached_rank = 0, cached_size = 1, local_size = 1, we_initialised = 0;

void sx__err_adopt(sx_err code, int origin_rank, const char *formatted);
void sx__err_set_rank(int rank, int size);

sx_err sx_mpi_init(int *argc, char ***argv)
{
    int inited = 0, provided = 0;
    MPI_Initialized(&inited);
    if (!inited) {
        if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            SX_FAIL(SX_ERR_MPI, "MPI_Init_thread failed; check the MPI installation (mpirun --version)");
        we_initialised = 1;
        sx_loopback_nodelay();
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &cached_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &cached_size);
    sx__err_set_rank(cached_rank, cached_size);
    MPI_Comm node;
    SX_CHECK_MPI(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node));
    MPI_Comm_size(node, &local_size);
    MPI_Comm_free(&node);
    return SX_OK;
}

void sx_mpi_finalize(void)
{
    int fin = 0;
    MPI_Finalized(&fin);
    if (we_initialised && !fin) MPI_Finalize();
}

/* The first of these the launcher set: rank, then size (Open MPI, PMIx, PMI/Hydra, Slurm). */
static int env_int(const char *const names[], int fallback)
{
    for (int i = 0; names[i]; i++) {
        const char *v = getenv(names[i]);
        char *end;
        long n = v && *v ? strtol(v, &end, 10) : -1;
        if (v && *v && !*end && n >= 0 && n < INT_MAX) return (int)n;
    }
    return fallback;
}

void sx_mpi_launcher_rank(void)
{
    static const char *const rank[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID", NULL};
    static const char *const size[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS", NULL};
    cached_size = env_int(size, 1);
    cached_rank = env_int(rank, 0);
    if (cached_size < 1) cached_size = 1;
    if (cached_rank >= cached_size) cached_size = cached_rank + 1;
    local_size = 1;
    sx__err_set_rank(cached_rank, cached_size);
}

int sx_mpi_rank(void) { return cached_rank; }
int sx_mpi_size(void) { return cached_size; }
int sx_mpi_local_size(void) { return local_size; }

sx_err sx_mpi_idle_barrier(MPI_Comm comm)
{
    MPI_Request req;
    SX_CHECK_MPI(MPI_Ibarrier(comm, &req));
    const struct timespec ms = {0, 1000000};
    for (int done = 0;;) {
        SX_CHECK_MPI(MPI_Test(&req, &done, MPI_STATUS_IGNORE));
        if (done) return SX_OK;
        nanosleep(&ms, NULL);
    }
}

sx_err sx__mpi_fail(int mpi_rc, const char *call, const char *file, int line)
{
    char text[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(mpi_rc, text, &len);
    return sx_err_set(SX_ERR_MPI, file, line, "%s failed: %s", call, text);
}

sx_err sx_err_agree(MPI_Comm comm, sx_err local)
{
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (size == 1) return local;

    struct { int failed; int rank; } in = {local != SX_OK ? 0 : 1, rank}, out;
    /* MINLOC on (ok?1:0, rank): the result is the lowest failing rank if any. */
    SX_CHECK_MPI(MPI_Allreduce(&in, &out, 1, MPI_2INT, MPI_MINLOC, comm));
    if (out.failed == 1) return SX_OK;

    int root = out.rank;
    char msg[1200] = "";
    int code = (int)local;
    if (rank == root) sx_err_format(msg, sizeof msg);
    SX_CHECK_MPI(MPI_Bcast(&code, 1, MPI_INT, root, comm));
    SX_CHECK_MPI(MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, root, comm));
    if (rank != root || sx_err_origin_rank() < 0) {
        /* Every rank, the origin included, now holds the origin's formatted
         * message; non-origin ranks that also failed keep the agreed one so
         * the job reports a single cause. */
        sx__err_adopt((sx_err)code, root, msg);
    }
    return (sx_err)code;
}

sx_err sx_mpi_count(int64_t n, int *out)
{
    SX_FAIL_IF(n < 0 || n > INT_MAX, SX_ERR_INTERNAL,
               "count %lld does not fit an MPI int; split the transfer", (long long)n);
    *out = (int)n;
    return SX_OK;
}

sx_err sx_mpi_bcast_string(MPI_Comm comm, int root, char **s)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    int len = rank == root ? (int)strlen(*s ? *s : "") + 1 : 0;
    SX_CHECK_MPI(MPI_Bcast(&len, 1, MPI_INT, root, comm));
    char *buf = rank == root ? (*s ? *s : "") : malloc((size_t)len);
    SX_CHECK(sx_err_agree(comm, buf ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory (%d bytes)", len)));
    int rc = MPI_Bcast(buf, len, MPI_CHAR, root, comm);
    if (rc != MPI_SUCCESS) {
        if (rank != root) free(buf);
        return sx__mpi_fail(rc, "MPI_Bcast", SX__FILE, __LINE__);
    }
    if (rank != root) *s = buf;
    return SX_OK;
}
