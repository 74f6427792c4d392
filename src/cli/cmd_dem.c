/*
 * cmd_dem.c — `sanxiang dem <verb>`: DEM kernels for ad-hoc use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"

void sx_cli_dem_help(void)
{
    printf("usage: sanxiang dem <verb> ...\n\n"
           "  slope IN -o OUT.tif [--nc OUT.nc] [--units degree|percent] [--z-factor Z] [--band B]\n"
           "      Horn (1981) slope as gdaldem computes it; edge cells and cells next to nodata are\n"
           "      nodata (-9999). Geographic grids use metric cell sizes per row (sphere R = 6371008.8 m).\n"
           "      OUT.tif is a Cloud-Optimized GeoTIFF made from the CF netCDF written alongside\n"
           "      (OUT.nc unless --nc names it).\n");
}

static sx_err slope(int argc, char **argv)
{
    const char *in = NULL, *out = NULL, *nc = NULL, *units = "degree", *v;
    double z = 1.0;
    long long band = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
        else if (!strcmp(argv[i], "--nc")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &nc));
        else if (!strcmp(argv[i], "--units")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &units));
        else if (!strcmp(argv[i], "--z-factor")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--z-factor", v, &z));
        } else if (!strcmp(argv[i], "--band")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--band", v, &band));
        } else if (argv[i][0] == '-') SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for dem slope", argv[i]);
        else if (!in) in = argv[i];
        else SX_FAIL(SX_ERR_USAGE, "dem slope takes one input; got '%s' and '%s'", in, argv[i]);
    }
    SX_FAIL_IF(!in || !out, SX_ERR_USAGE, "usage: sanxiang dem slope IN -o OUT.tif");
    SX_FAIL_IF(strcmp(units, "degree") && strcmp(units, "percent"), SX_ERR_USAGE,
               "--units must be degree or percent, got '%s'", units);
    char ncbuf[4096];
    if (!nc) {
        sx_layer_nc_beside(out, ncbuf, sizeof ncbuf);
        nc = ncbuf;
    }
    char *prov = NULL;
    SX_CHECK(sx_gdal_init(0));
    SX_CHECK(sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, &prov));
    sx_slope_opts_t o = {in, (int)band, nc, out, strcmp(units, "percent") ? SX_SLOPE_DEGREE : SX_SLOPE_PERCENT, z, prov};
    sx_err err = sx_dem_slope_run(MPI_COMM_WORLD, &o);
    free(prov);
    SX_CHECK(err);
    return sx_perf_report(MPI_COMM_WORLD, NULL);
}

sx_err sx_cli_dem(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "dem needs a verb; see sanxiang dem --help");
    if (!strcmp(argv[1], "slope")) return slope(argc - 1, argv + 1);
    SX_FAIL(SX_ERR_USAGE, "unknown verb 'dem %s'; see sanxiang dem --help", argv[1]);
}
