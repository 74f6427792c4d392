/*
 * xlsx.c — the CSV tables of an indicator run collected into one XLSX
 * workbook for reading: one sheet per table, through the foundation's
 * workbook writer (sx_table_xlsx_write, io). The CSV files stay the
 * reference; the workbook is built from them after they are written (and
 * staged), on rank 0. Tables that were not written are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_table.h"

sx_err sx_econ_xlsx_write(MPI_Comm comm, const char *dir, const char *file, int n, const char *const *sheets,
                          const char *const *csvs)
{
    if (!sx_table_xlsx_available())
        SX_CHECK(sx_err_agree(comm, sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__,
                                               "this sanxiang was built without libxlsxwriter; install libxlsxwriter-dev "
                                               "and rebuild, or set xlsx: false")));
    char fin[SX_PATH_MAX];
    SX_FAIL_IF((size_t)snprintf(fin, sizeof fin, "%s/%s", dir, file) >= sizeof fin, SX_ERR_IO, "output path too long: %s/%s", dir, file);
    sx_table_t **t = calloc((size_t)(n > 0 ? n : 1), sizeof *t);
    sx_err local = t ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    for (int k = 0; k < n && !local && sx_mpi_rank() == 0; k++) {
        char path[SX_PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, csvs[k]);
        const char *now = sx_output_staged(path); /* the tables of this step are staged until it commits */
        if (access(now, R_OK) == 0) local = sx_table_read(now, &t[k]);
    }
    sx_err err = sx_err_agree(comm, local);
    if (!err) err = sx_table_xlsx_write(comm, fin, n, sheets, (const sx_table_t *const *)t);
    for (int k = 0; t && k < n; k++) sx_table_destroy(&t[k]);
    free(t);
    return err;
}
