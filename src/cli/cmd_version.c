/*
 * cmd_version.c — `sanxiang version`: sanxiang's version and commit and the
 * versions of the libraries it runs on, so a log says exactly what ran.
 */
#include <cblas.h>
#include <gdal.h>
#include <mpi.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_version_gen.h"

void sx_cli_version_help(void)
{
    printf("usage: sanxiang version\n\n"
           "Prints the sanxiang version and git commit, and the versions of Open MPI, HDF5 (and whether it is\n"
           "the parallel build), GDAL and OpenBLAS.\n");
}

sx_err sx_cli_version(int argc, char **argv)
{
    if (sx_mpi_rank() != 0) return SX_OK;
    char mpi[MPI_MAX_LIBRARY_VERSION_STRING] = "";
    int len = 0;
    MPI_Get_library_version(mpi, &len);
    char *cut = strchr(mpi, ',');
    if (cut) *cut = '\0';
    int major = 0, minor = 0;
    MPI_Get_version(&major, &minor);
    printf("sanxiang %s (commit %s)\n", SX_VERSION_STRING, SX_GIT_COMMIT);
    printf("  MPI      %s (MPI standard %d.%d)\n", mpi, major, minor);
    printf("  HDF5     %s\n", sx_h5cf_library_version());
    printf("  GDAL     %s\n", GDALVersionInfo("RELEASE_NAME"));
    printf("  OpenBLAS %s\n", openblas_get_config());
    return SX_OK;
}
