/*
 * sx_output.h — outputs that never look complete unless they are.
 *
 * An output is written under a temporary name in its final directory
 * ("<dir>/.<name>.part") and renamed to its final name only after every rank
 * has agreed that the step succeeded. A failed run removes the temporary
 * file; a killed run leaves only a hidden ".part" file, which the next run
 * of the same output removes before it starts.
 */
#ifndef SX_OUTPUT_H
#define SX_OUTPUT_H

#include <mpi.h>
#include "sx_err.h"

#define SX_PATH_MAX 4096

typedef struct {
    char final_path[SX_PATH_MAX];
    char tmp_path[SX_PATH_MAX];
    int active;
} sx_output_t;

/** Derive the temporary name, create the parent directory and remove a stale
 *  temporary file (rank 0). Collective over comm. */
sx_err sx_output_begin(MPI_Comm comm, const char *final_path, sx_output_t *out);
/** Agree on `local` over comm; if all succeeded rank 0 renames the temporary
 *  file onto the final name, otherwise rank 0 removes it. Returns the agreed
 *  result. Collective over comm. */
sx_err sx_output_commit(MPI_Comm comm, sx_output_t *out, sx_err local);

/** mkdir -p. Not collective. */
sx_err sx_mkdir_p(const char *dir);
/** Write a whole text file through a temporary name and rename (one rank). */
sx_err sx_write_text_file(const char *path, const char *text);

#endif
