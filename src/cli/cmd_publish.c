/*
 * cmd_publish.c — `sanxiang publish RUN_DIR -o PACKAGE_DIR`: a run's outputs
 * as a one-map package (COG, GeoPackage, STAC, QML/SLD, web viewer).
 */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_publish.h"
#include "sanxiang/sx_raster.h"

#define MAX_LIST 16

void sx_cli_publish_help(void)
{
    printf("usage: sanxiang publish RUN_DIR -o PACKAGE_DIR [options]\n\n"
           "  Builds a one-map package from a run directory: every *.tif becomes a validated COG in the\n"
           "  target CRS (overviews AVERAGE for continuous layers, MODE for classes; statistics), every\n"
           "  *.gpkg/*.geojson a GeoPackage, each with QGIS (.qml) and SLD styles from the layer's kind, a\n"
           "  STAC 1.1 catalog (catalog.json -> <job>/collection.json -> <job>/<layer>/<layer>.json) and the\n"
           "  web viewer (index.html; open it with `sanxiang serve PACKAGE_DIR`). See docs/one-map.md.\n\n"
           "  --crs EPSG:N            target CRS (default EPSG:4490, CGCS2000; Gauss-Kruger zones EPSG:4491-4554)\n"
           "  --boundaries FILE       administrative boundaries for the base layer (any OGR source)\n"
           "  --code-field NAME       field of FILE with the 6-digit division code (default: auto)\n"
           "  --table CSV             indicator table joined to the boundaries by code (repeatable)\n"
           "  --rank-field NAME       rank units on this numeric field into NAME_rank (1 = largest)\n"
           "  --datum FILE=EPSG:N     state the datum of an input (required for files that look GCJ-02)\n"
           "  --stations CSV          forecast station locations (id, lon, lat[, name]) for the run's hydrographs\n"
           "  --collection ID         STAC collection id (default: the job name)\n"
           "  --title TEXT            collection title\n"
           "  --viewer DIR            built viewer (default: viewer/dist of the build tree)\n");
    printf("\n  layer kinds (by SANXIANG_KIND metadata, else by name):");
    size_t n;
    const sx_publish_style_t *s = sx_publish_styles(&n);
    for (size_t i = 0; i < n; i++) printf("%s %s", i ? "," : "", s[i].kind);
    printf("\n");
}

sx_err sx_cli_publish(int argc, char **argv)
{
    sx_publish_opts_t o = {0};
    const char *tables[MAX_LIST];
    sx_publish_datum_t datums[MAX_LIST];
    char datum_text[MAX_LIST][512];
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.package_dir));
        else if (!strcmp(argv[i], "--crs")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.crs));
        else if (!strcmp(argv[i], "--boundaries")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.boundaries));
        else if (!strcmp(argv[i], "--code-field")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.code_field));
        else if (!strcmp(argv[i], "--rank-field")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.rank_field));
        else if (!strcmp(argv[i], "--collection")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.collection));
        else if (!strcmp(argv[i], "--title")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.title));
        else if (!strcmp(argv[i], "--viewer")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.viewer_dir));
        else if (!strcmp(argv[i], "--stations")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.stations));
        else if (!strcmp(argv[i], "--table")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_FAIL_IF(o.ntables == MAX_LIST, SX_ERR_USAGE, "at most %d --table options", MAX_LIST);
            tables[o.ntables++] = v;
        } else if (!strcmp(argv[i], "--datum")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_FAIL_IF(o.ndatums == MAX_LIST, SX_ERR_USAGE, "at most %d --datum options", MAX_LIST);
            const char *eq = strchr(v, '=');
            SX_FAIL_IF(!eq || eq == v || !eq[1] || strlen(v) >= sizeof datum_text[0], SX_ERR_USAGE,
                       "--datum expects FILE=CRS (e.g. --datum hunan.geojson=EPSG:4326), got '%s'", v);
            snprintf(datum_text[o.ndatums], sizeof datum_text[0], "%s", v);
            datum_text[o.ndatums][eq - v] = '\0';
            datums[o.ndatums] = (sx_publish_datum_t){datum_text[o.ndatums], datum_text[o.ndatums] + (eq - v) + 1};
            o.ndatums++;
        } else if (argv[i][0] == '-') SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for publish; see sanxiang publish --help", argv[i]);
        else if (!o.run_dir) o.run_dir = argv[i];
        else SX_FAIL(SX_ERR_USAGE, "publish takes one run directory; got '%s' and '%s'", o.run_dir, argv[i]);
    }
    SX_FAIL_IF(!o.run_dir || !o.package_dir, SX_ERR_USAGE, "usage: sanxiang publish RUN_DIR -o PACKAGE_DIR [--crs EPSG:4490]");
    o.tables = tables;
    o.datums = datums;
    SX_CHECK(sx_gdal_init(0));
    return sx_publish_package(MPI_COMM_WORLD, &o);
}
