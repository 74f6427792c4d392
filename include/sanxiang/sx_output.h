/*
 * sx_output.h — outputs that never look complete unless they are, never
 * replace what sanxiang did not write, and never land outside their run.
 *
 * An output is written under a temporary name in its final directory
 * ("<dir>/.<name>.part") and renamed to its final name only after every rank
 * has agreed that the step succeeded. A failed run removes the temporary
 * file; a killed run leaves only a hidden ".part" file, which the next run
 * of the same output removes before it starts.
 *
 * Nothing is replaced that sanxiang did not write: each directory sanxiang
 * writes into holds a list of the names it committed there
 * (SX_OUTPUT_MANIFEST, one name per line). An existing file of the same name
 * is replaced only if that list names it; a directory or a symbolic link in
 * the way is never replaced.
 *
 * Transactions: between sx_output_txn_begin() and sx_output_txn_end() (a
 * step of a job, or a command) committed outputs are only staged: they stay
 * under their temporary names until the end, when every rank agrees and all
 * of them are renamed, or all removed. So the products of one step appear
 * together or not at all, and a failed step leaves the previous run's files
 * as they were. Code that reads back a product of the same step opens
 * sx_output_staged(final).
 */
#ifndef SX_OUTPUT_H
#define SX_OUTPUT_H

#include <mpi.h>
#include "sx_err.h"

#define SX_PATH_MAX 4096
/** Hidden file listing what sanxiang wrote in a directory. */
#define SX_OUTPUT_MANIFEST ".sanxiang-outputs"

typedef struct {
    char final_path[SX_PATH_MAX];
    char tmp_path[SX_PATH_MAX];
    int active;
} sx_output_t;

/** Derive the temporary name, create the parent directory, check that
 *  final_path may be written (absent, or a file sanxiang wrote) and remove a
 *  stale temporary file (rank 0). Collective over comm. */
sx_err sx_output_begin(MPI_Comm comm, const char *final_path, sx_output_t *out);
/** Agree on `local` over comm; if all succeeded rank 0 renames the temporary
 *  file onto the final name (inside a transaction: stages it), otherwise
 *  rank 0 removes it. Returns the agreed result. Collective over comm. */
sx_err sx_output_commit(MPI_Comm comm, sx_output_t *out, sx_err local);

/** sx_output_begin and sx_output_commit for a file one rank writes alone
 *  (a CSV, a state file): the same checks, names and staging, no agreement.
 *  Not collective. */
sx_err sx_output_begin_local(const char *final_path, sx_output_t *out);
sx_err sx_output_commit_local(sx_output_t *out, sx_err local);

/** Open a transaction: commits are staged until sx_output_txn_end. Not
 *  collective, but every rank calls it. Transactions do not nest. */
void sx_output_txn_begin(void);
/** Close the transaction: agree on local over comm; on success rank 0
 *  renames every staged output to its final name and lists it in its
 *  directory's manifest, otherwise removes them all. Returns the agreed
 *  result. Collective over comm. */
sx_err sx_output_txn_end(MPI_Comm comm, sx_err local);
/** Between these, outputs go into a private working directory that the
 *  caller moves into place itself (a publish package): commits rename at
 *  once, even inside a transaction, and nothing is listed in manifests. Not
 *  collective; call on the ranks that write there. Does not nest. */
void sx_output_private_begin(void);
void sx_output_private_end(void);
/** Where the output final_path is now: its temporary name while it is staged
 *  in the open transaction (on the rank that staged it, rank 0), else
 *  final_path itself. Not collective. */
const char *sx_output_staged(const char *final_path);

/**
 * The path rule for outputs a job names: join dir, name and ext into buf,
 * refusing a name that is empty, absolute, has a "." or ".." component, a
 * component starting with '.', or leads out of dir through a symbolic link.
 * what names the offending key in messages (e.g. "steps[2].output").
 * Not collective.
 */
sx_err sx_output_path_under(const char *dir, const char *name, const char *ext, const char *what, char *buf,
                            size_t len);

/** mkdir -p. Not collective. */
sx_err sx_mkdir_p(const char *dir);
/** Write a whole text file through a temporary name and rename (inside a
 *  transaction: stage), refusing to replace a file sanxiang did not write.
 *  One rank. */
sx_err sx_write_text_file(const char *path, const char *text);

#endif
