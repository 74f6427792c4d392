/*
 * cmd_dem.c — `sanxiang dem <verb>`: DEM kernels for ad-hoc use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_hydrology.h"
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
           "      (OUT.nc unless --nc names it).\n"
           "  terrain IN [--slope S.tif] [--aspect A.tif] [--hillshade H.tif] [--curvature C.tif]\n"
           "        [--profile-curvature P.tif] [--plan-curvature Q.tif] [--tpi T.tif] [--tri R.tif]\n"
           "        [--roughness G.tif] [--twi W.tif --accum ACC.tif] [--units degree|percent] [--z-factor Z]\n"
           "        [--azimuth 315] [--altitude 45] [--band B]\n"
           "      Any number of terrain products in one pass over the DEM: slope, aspect, hillshade, TPI,\n"
           "      TRI (Riley) and roughness as gdaldem computes them; curvatures of Zevenbergen & Thorne\n"
           "      (1987) with ArcGIS's signs, x 100; TWI = ln(a / tan slope) from a cell-count\n"
           "      accumulation. Each OUT.tif is a COG beside its CF netCDF OUT.nc.\n"
           "  fill IN -o OUT.tif [--nc OUT.nc] [--band B] [--epsilon] [--nodata-walls]\n"
           "      Priority-Flood depression filling (Barnes et al. 2014; parallel: Barnes 2016). The grid\n"
           "      edge and nodata cells are outlets (--nodata-walls: only the edge). --epsilon gives the\n"
           "      least surface on which every cell has a strictly lower neighbour (one-ulp steps).\n"
           "      Same result at any rank count and block size.\n"
           "  flowdir IN -o OUT.tif [--nc OUT.nc] [--band B] [--encoding esri|taudem] [--method d8|dinf]\n"
           "      D8 steepest-descent directions of a filled DEM, flats drained away from higher and\n"
           "      towards lower terrain (Barnes et al. 2014). ESRI: 1 E 2 SE 4 S 8 SW 16 W 32 NW 64 N\n"
           "      128 NE; TauDEM: 1 E 2 NE 3 N 4 NW 5 W 6 SW 7 S 8 SE; 0 none, 255 nodata.\n"
           "      --method dinf: D-infinity angles (Tarboton 1997), float32 radians counter-clockwise\n"
           "      from east, -1 none, -9999 nodata; flats, edges and cells next to nodata as in D8.\n"
           "  accum IN -o OUT.tif [--nc OUT.nc] [--encoding esri|taudem] [--weight W.tif] [--edge EDGE.nc]\n"
           "        [--method d8|dinf|mfd] [--mfd freeman|quinn] [--band B]\n"
           "      Flow accumulation in O(n), the cell itself included. d8 (IN: direction codes): int64\n"
           "      counts, or float64 sums of W. dinf (IN: angles from flowdir --method dinf) and mfd (IN:\n"
           "      the filled DEM; Freeman 1991 or Quinn et al. 1991 partition): float64 contributing\n"
           "      area in cells. --edge writes 1 where the upstream area touches the grid edge or nodata.\n"
           "  streams ACC --flowdir P -o ORDER.tif --threshold N [--links LINKS.gpkg] [--encoding E]\n"
           "      Stream cells (accumulation >= N) with their Strahler order (0 elsewhere), and the\n"
           "      stream links between heads (sources, junctions) as GeoPackage lines with link_id,\n"
           "      strahler, length_m (metres, also on geographic grids), cells, upstream_cells.\n"
           "  watershed P --accum ACC --outlets PTS.csv|.geojson -o BASINS.tif [--snap N]\n"
           "        [--polygons BASINS.gpkg] [--encoding E]\n"
           "      Nested sub-basins upstream of outlet points (CSV x,y or lon,lat columns, or GeoJSON points,\n"
           "      in the DEM's CRS), each snapped to the highest-accumulation cell within N cells (default 3).\n"
           "      Raster of outlet ids (1 = first outlet; 0 none) and polygons with area_km2 (exact on\n"
           "      geographic grids: spherical cell areas).\n");
}

typedef struct {
    const char *in, *out, *nc, *weight, *edge, *encoding, *flowdir, *links, *accum, *outlets, *polygons, *method, *mfd;
    double threshold;
    long long band, snap;
    int epsilon, walls;
} hydro_args_t;

/* Parse the options of fill / flowdir / accum; `allowed` lists the long options the verb takes. */
static sx_err hydro_parse(const char *verb, const char *allowed, int argc, char **argv, hydro_args_t *a)
{
    const char *v;
    memset(a, 0, sizeof *a);
    a->band = 1;
    a->snap = 3;
    a->encoding = "esri";
    a->method = "d8";
    a->mfd = "freeman";
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (o[0] == '-' && strcmp(o, "-o") && !strstr(allowed, o))
            SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for dem %s; see sanxiang dem --help", o, verb);
        if (!strcmp(o, "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->out));
        else if (!strcmp(o, "--nc")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->nc));
        else if (!strcmp(o, "--weight")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->weight));
        else if (!strcmp(o, "--edge")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->edge));
        else if (!strcmp(o, "--encoding")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->encoding));
        else if (!strcmp(o, "--flowdir")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->flowdir));
        else if (!strcmp(o, "--links")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->links));
        else if (!strcmp(o, "--accum")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->accum));
        else if (!strcmp(o, "--outlets")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->outlets));
        else if (!strcmp(o, "--polygons")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->polygons));
        else if (!strcmp(o, "--method")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->method));
        else if (!strcmp(o, "--mfd")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->mfd));
        else if (!strcmp(o, "--snap")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--snap", v, &a->snap));
        }
        else if (!strcmp(o, "--threshold")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--threshold", v, &a->threshold));
        } else if (!strcmp(o, "--epsilon")) a->epsilon = 1;
        else if (!strcmp(o, "--nodata-walls")) a->walls = 1;
        else if (!strcmp(o, "--band")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--band", v, &a->band));
        } else if (!a->in) a->in = o;
        else SX_FAIL(SX_ERR_USAGE, "dem %s takes one input; got '%s' and '%s'", verb, a->in, o);
    }
    SX_FAIL_IF(!a->in || !a->out, SX_ERR_USAGE, "usage: sanxiang dem %s IN -o OUT.tif (see sanxiang dem --help)", verb);
    return SX_OK;
}

static sx_err hydro(const char *verb, int argc, char **argv)
{
    hydro_args_t a;
    sx_d8_encoding enc;
    const char *allowed = !strcmp(verb, "fill")      ? "--nc --band --epsilon --nodata-walls"
                          : !strcmp(verb, "flowdir") ? "--nc --band --encoding --method"
                          : !strcmp(verb, "accum")   ? "--nc --band --encoding --weight --edge --method --mfd"
                          : !strcmp(verb, "streams") ? "--nc --encoding --flowdir --threshold --links"
                                                     : "--nc --encoding --accum --outlets --snap --polygons";
    SX_CHECK(hydro_parse(verb, allowed, argc, argv, &a));
    SX_CHECK(sx_d8_encoding_parse(a.encoding, &enc));
    sx_flow_method method;
    sx_mfd_rule mfd;
    SX_CHECK(sx_flow_method_parse(a.method, &method));
    SX_CHECK(sx_mfd_rule_parse(a.mfd, &mfd));
    char ncbuf[4096];
    if (!a.nc) {
        sx_layer_nc_beside(a.out, ncbuf, sizeof ncbuf);
        a.nc = ncbuf;
    }
    char *prov = NULL;
    SX_CHECK(sx_gdal_init(0));
    SX_CHECK(sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, &prov));
    sx_err err;
    if (!strcmp(verb, "fill")) {
        sx_fill_opts_t o = {a.in, (int)a.band, a.nc, a.out, a.epsilon, a.walls, prov};
        err = sx_dem_fill_run(MPI_COMM_WORLD, &o);
    } else if (!strcmp(verb, "flowdir")) {
        sx_flowdir_opts_t o = {a.in, (int)a.band, a.nc, a.out, enc, prov, method};
        err = sx_dem_flowdir_run(MPI_COMM_WORLD, &o);
    } else if (!strcmp(verb, "accum")) {
        sx_accum_opts_t o = {a.in, a.weight, a.nc, a.out, a.edge, enc, prov, method, mfd, (int)a.band};
        err = sx_dem_accum_run(MPI_COMM_WORLD, &o);
    } else if (!strcmp(verb, "watershed")) {
        err = !a.accum || !a.outlets || a.snap < 0 || a.snap > 10000
                  ? sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__,
                               "dem watershed needs --accum ACC.tif and --outlets PTS.csv; --snap 0..10000 cells")
                  : SX_OK;
        sx_watershed_opts_t o = {a.in, a.accum, a.outlets, (int)a.snap, a.nc, a.out, a.polygons, enc, prov};
        if (err == SX_OK) err = sx_dem_watershed_run(MPI_COMM_WORLD, &o);
    } else {
        err = !a.flowdir || !(a.threshold > 0)
                  ? sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__,
                               "dem streams needs --flowdir P.tif and --threshold N > 0 (cells)")
                  : SX_OK;
        sx_streams_opts_t o = {a.in, a.flowdir, a.threshold, a.nc, a.out, a.links, enc, prov};
        if (err == SX_OK) err = sx_dem_streams_run(MPI_COMM_WORLD, &o);
    }
    free(prov);
    SX_CHECK(err);
    return sx_perf_report(MPI_COMM_WORLD, NULL);
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

/* `dem terrain`: one --<product> OUT.tif per product (underscores as dashes). */
static sx_err terrain(int argc, char **argv)
{
    const char *in = NULL, *units = "degree", *accum = NULL, *v;
    double z = 1.0, az = 315, alt = 45;
    long long band = 1;
    sx_terrain_output_t outs[SX_TERRAIN_NPRODUCTS];
    char paths[SX_TERRAIN_NPRODUCTS][2][4096];
    int n = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        sx_terrain_product p;
        char name[64] = "";
        if (!strncmp(o, "--", 2) && strlen(o) < sizeof name + 2) {
            snprintf(name, sizeof name, "%s", o + 2);
            for (char *c = name; *c; c++)
                if (*c == '-') *c = '_';
        }
        if (name[0] && sx_terrain_parse(name, &p) == SX_OK) {
            SX_FAIL_IF(n == SX_TERRAIN_NPRODUCTS, SX_ERR_USAGE, "too many terrain products");
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            snprintf(paths[n][0], sizeof paths[n][0], "%s", v);
            sx_layer_nc_beside(v, paths[n][1], sizeof paths[n][1]);
            outs[n] = (sx_terrain_output_t){p, paths[n][1], paths[n][0]};
            n++;
        } else if (!strcmp(o, "--accum")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &accum));
        else if (!strcmp(o, "--units")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &units));
        else if (!strcmp(o, "--z-factor") || !strcmp(o, "--azimuth") || !strcmp(o, "--altitude")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double(o, v, !strcmp(o, "--z-factor") ? &z : !strcmp(o, "--azimuth") ? &az : &alt));
        } else if (!strcmp(o, "--band")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--band", v, &band));
        } else if (o[0] == '-') SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for dem terrain; see sanxiang dem --help", o);
        else if (!in) in = o;
        else SX_FAIL(SX_ERR_USAGE, "dem terrain takes one input; got '%s' and '%s'", in, o);
    }
    SX_FAIL_IF(!in || n == 0, SX_ERR_USAGE, "usage: sanxiang dem terrain IN --slope S.tif [--aspect A.tif ...]");
    SX_FAIL_IF(strcmp(units, "degree") && strcmp(units, "percent"), SX_ERR_USAGE,
               "--units must be degree or percent, got '%s'", units);
    char *prov = NULL;
    SX_CHECK(sx_gdal_init(0));
    SX_CHECK(sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, &prov));
    sx_terrain_opts_t o = {in, (int)band, outs, n, strcmp(units, "percent") ? SX_SLOPE_DEGREE : SX_SLOPE_PERCENT, z,
                           az, alt, accum, prov};
    sx_err err = sx_dem_terrain_run(MPI_COMM_WORLD, &o);
    free(prov);
    SX_CHECK(err);
    return sx_perf_report(MPI_COMM_WORLD, NULL);
}

sx_err sx_cli_dem(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "dem needs a verb; see sanxiang dem --help");
    if (!strcmp(argv[1], "slope")) return slope(argc - 1, argv + 1);
    if (!strcmp(argv[1], "terrain")) return terrain(argc - 1, argv + 1);
    if (!strcmp(argv[1], "fill") || !strcmp(argv[1], "flowdir") || !strcmp(argv[1], "accum") ||
        !strcmp(argv[1], "streams") || !strcmp(argv[1], "watershed"))
        return hydro(argv[1], argc - 1, argv + 1);
    SX_FAIL(SX_ERR_USAGE, "unknown verb 'dem %s'; see sanxiang dem --help", argv[1]);
}
