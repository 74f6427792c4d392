/*
 * cmd_rs.c — `sanxiang rs <verb>`: the remote-sensing tile pipeline for
 * ad-hoc use. Parses arguments into the library's option structs and calls
 * src/rs; all the work is there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_parse.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"

#define MAX_BANDS 64

void sx_cli_rs_help(void)
{
    printf("usage: sanxiang rs <verb> ...\n\n"
           "  index NAME -b ROLE=PATH [-b ROLE=PATH ...] -o OUT.tif [band options]\n"
           "      NAME: ndvi (nir, red), evi (nir, red, blue), savi (nir, red), ndwi (McFeeters: green, nir),\n"
           "      mndwi (Xu: green, swir1), ndbi (swir1, nir), nbr (nir, swir2). Float32, NaN = nodata.\n"
           "  calc --expr 'EXPR' -b NAME=PATH [-b NAME=PATH ...] -o OUT.tif [band options]\n"
           "      Band math: + - * / ^, < <= > >= == !=, and or not, min max abs sqrt log exp where(c,a,b).\n"
           "      Nodata in any band the expression names gives nodata (NaN); so does x/0.\n\n"
           "  warp IN [IN ...] -o OUT.tif [--t-srs CRS] [--tr XRES [YRES]] [--te XMIN YMIN XMAX YMAX]\n"
           "       [-r near|bilinear|cubic|average|mode] [--band N] [--src-nodata V]\n"
           "      Mosaic tiles (later ones win where they overlap) and reproject, e.g. to CGCS2000 EPSG:4490 or a\n"
           "      Gauss-Krueger zone EPSG:4491-4554. Same result as gdalwarp -et 0 -ovr NONE; Float32, NaN nodata.\n\n"
           "  mask --qa QA.tif [--qa-kind landsat-c2|landsat-c1|s2-scl] [--mask CLASSES] [--dilate N] -o OUT.tif\n"
           "      Cloud/shadow/fill mask (UInt8: 1 masked, 0 clear; QA nodata is masked), dilated by N cells.\n"
           "      Classes: landsat-c2 fill dilated cirrus cloud shadow snow water; landsat-c1 fill cloud\n"
           "      cloud-medium cloud-high shadow snow cirrus; s2-scl nodata saturated dark shadow vegetation bare\n"
           "      water unclassified cloud-medium cloud-high cirrus snow.\n"
           "  composite --method median|mean|pNN|max-ndvi|count --scene 'red=A_B4.tif,nir=A_B5.tif,qa=A_QA.tif'\n"
           "       [--scene ...] [--scenes LIST.txt] [--qa-kind landsat-c2|landsat-c1|s2-scl] [--mask CLASSES]\n"
           "       [--dilate N] [--nodata V] [--reflectance MODE] [--cal-coefs CSV] [--strip-rows N] -o OUT.tif\n"
           "      Scenes must share one grid (rs warp first). A band named qa is the quality band; masked\n"
           "      observations and nodata are left out. Writes OUT_<band>.tif per band, OUT_count.tif and, for\n"
           "      max-ndvi, OUT_scene.tif (chosen scene, 1-based). LIST.txt: one scene spec per line.\n"
           "      Each rank holds N rows of every scene at a time (default: about 64 MB worth).\n\n"
           "  water --index mndwi|ndwi -b green=PATH -b swir1=PATH|nir=PATH (--otsu [--bins N] | --threshold T)\n"
           "       -o OUT.tif [--polygons OUT.gpkg] [band options]\n"
           "      Water = index > threshold (UInt8 1 water, 0 land, 255 nodata). Otsu (1979) on a histogram of the\n"
           "      whole raster reduced exactly across ranks: the same threshold at any rank count.\n"
           "  flood --before W0.tif --after W1.tif [--permanent P.tif] -o OUT.tif [--polygons OUT.gpkg]\n"
           "      Flood extent = water after and not before, minus permanent water; polygons carry area_km2.\n"
           "  change --before A.tif --after B.tif --gain G --loss L -o OUT.tif\n"
           "      Classes of B - A: 3 gain (> G), 1 loss (< -L), 2 no change, 255 nodata.\n\n"
           "  zonal --raster R --zones Z --id FIELD -o OUT.csv [--band N] [--layer NAME] [--tile N]\n"
           "      Per zone: count, sum, mean, min, max, std (population), median of the valid cells whose centre is\n"
           "      inside the polygon. Zones (GeoJSON, GeoPackage, Shapefile) in another CRS are reprojected.\n\n"
           "band options:\n"
           "  --bidx NAME=N          band number N of NAME's file (default 1)\n"
           "  --scale NAME=S,O       value = DN * S + O for band NAME (overrides --reflectance)\n"
           "  --nodata NAME=V        treat V as nodata in band NAME (e.g. Landsat fill 0 not declared in the file)\n"
           "  --reflectance MODE     auto (product metadata: Landsat *_MTL.txt next to the band, Sentinel-2\n"
           "                         MTD_MSIL2A.xml of the SAFE product, FengYun L1 HDF5 Slope/Intercept,\n"
           "                         VIS_Cal_Coeff or CALChannelNN of an HDF5:\"F.HDF\"://Data/EV_1KM_RefSB band or of\n"
           "                         a VRT over one adding the geotransform (gdal_translate -of VRT -a_ullr),\n"
           "                         GF-1/2/6 <stem>.xml + --cal-coefs, or scale/offset in the file's GDAL\n"
           "                         metadata; else none), none,\n"
           "                         landsat-c2-l2 (DN * 2.75e-5 - 0.2), s2-l2a (baseline >= 04.00: (DN - 1000) / 10000)\n"
           "  --cal-coefs FILE.csv   CRESDA absolute calibration coefficients for GF-1/2/6 products, columns\n"
           "                         satellite,sensor,year,band,gain,offset,esun (TOA reflectance, docs/remote-sensing.md)\n"
           "  --nc OUT.nc            netCDF written alongside the COG (default OUT.nc)\n"
           "The scale, offset and their source are recorded in the outputs' provenance.\n");
}

typedef struct {
    sx_rs_band_t bands[MAX_BANDS];
    int nbands;
    sx_rs_reflectance refl;
    const char *out, *nc, *cal_coefs;
    char ncbuf[SX_PATH_MAX];
} band_args_t;

static sx_err split_eq(const char *opt, const char *v, char *name, size_t len, const char **rest)
{
    const char *eq = strchr(v, '=');
    SX_FAIL_IF(!eq || eq == v || !eq[1], SX_ERR_USAGE, "%s expects NAME=VALUE, got '%s'", opt, v);
    SX_FAIL_IF((size_t)(eq - v) >= len, SX_ERR_USAGE, "%s: name too long in '%s'", opt, v);
    memcpy(name, v, (size_t)(eq - v));
    name[eq - v] = 0;
    *rest = eq + 1;
    return SX_OK;
}

static sx_err find_band(band_args_t *a, const char *opt, const char *name, sx_rs_band_t **out)
{
    for (int b = 0; b < a->nbands; b++)
        if (!strcmp(a->bands[b].name, name)) {
            *out = &a->bands[b];
            return SX_OK;
        }
    SX_FAIL(SX_ERR_USAGE, "%s names band '%s', which no -b NAME=PATH gives (give -b before %s)", opt, name, opt);
}

/* Consume a band option at argv[*i]; *taken = 0 if argv[*i] is not one. */
static sx_err band_option(band_args_t *a, int argc, char **argv, int *i, int *taken)
{
    const char *opt = argv[*i], *v, *rest;
    char name[64];
    sx_rs_band_t *b = NULL;
    *taken = 1;
    if (!strcmp(opt, "-b")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &v));
        SX_FAIL_IF(a->nbands == MAX_BANDS, SX_ERR_USAGE, "at most %d bands", MAX_BANDS);
        b = &a->bands[a->nbands];
        memset(b, 0, sizeof *b);
        SX_CHECK(split_eq("-b", v, name, sizeof name, &rest));
        for (int k = 0; k < a->nbands; k++)
            SX_FAIL_IF(!strcmp(a->bands[k].name, name), SX_ERR_USAGE, "band '%s' is given twice", name);
        b->name = strdup(name);
        SX_FAIL_IF(!b->name, SX_ERR_NOMEM, "out of memory");
        b->path = rest;
        b->band = 1;
        b->scale = 1;
        a->nbands++;
    } else if (!strcmp(opt, "--bidx")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &v));
        SX_CHECK(split_eq(opt, v, name, sizeof name, &rest));
        SX_CHECK(find_band(a, opt, name, &b));
        long long n;
        SX_CHECK(sx_cli_parse_int(opt, rest, &n));
        SX_FAIL_IF(n < 1 || n > 100000, SX_ERR_USAGE, "--bidx %s: band number must be 1 or more, got %lld", name, n);
        b->band = (int)n;
    } else if (!strcmp(opt, "--scale")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &v));
        SX_CHECK(split_eq(opt, v, name, sizeof name, &rest));
        SX_CHECK(find_band(a, opt, name, &b));
        char so[128];
        snprintf(so, sizeof so, "%s", rest);
        char *comma = strchr(so, ',');
        if (comma) *comma = '\0';
        double s = 0, off = 0;
        SX_FAIL_IF(!sx_parse_double(so, &s) || (comma && !sx_parse_double(comma + 1, &off)) || s == 0, SX_ERR_USAGE,
                   "--scale %s expects S or S,O with S != 0, got '%s'", name, rest);
        b->scale = s;
        b->offset = off;
        b->scale_source = SX_RS_SCALE_EXPLICIT;
        snprintf(b->scale_note, sizeof b->scale_note, "--scale %s", v);
    } else if (!strcmp(opt, "--nodata")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &v));
        SX_CHECK(split_eq(opt, v, name, sizeof name, &rest));
        SX_CHECK(find_band(a, opt, name, &b));
        SX_CHECK(sx_cli_parse_double(opt, rest, &b->nodata));
        b->has_nodata = 1;
    } else if (!strcmp(opt, "--reflectance")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &v));
        SX_CHECK(sx_rs_reflectance_parse(v, &a->refl));
    } else if (!strcmp(opt, "--cal-coefs")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &a->cal_coefs));
    } else if (!strcmp(opt, "-o")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &a->out));
    } else if (!strcmp(opt, "--nc")) {
        SX_CHECK(sx_cli_option_value(argc, argv, i, &a->nc));
    } else {
        *taken = 0;
    }
    return SX_OK;
}

static sx_err finish_bands(band_args_t *a, const char *verb)
{
    SX_FAIL_IF(!a->out, SX_ERR_USAGE, "rs %s needs -o OUT.tif", verb);
    SX_FAIL_IF(!a->nbands, SX_ERR_USAGE, "rs %s needs at least one -b NAME=PATH", verb);
    if (!a->nc) {
        sx_layer_nc_beside(a->out, a->ncbuf, sizeof a->ncbuf);
        a->nc = a->ncbuf;
    }
    SX_CHECK(sx_gdal_init(0)); /* reflectance metadata may be read through GDAL */
    SX_CHECK(sx_rs_bands_resolve_scale(a->bands, a->nbands, a->refl, a->cal_coefs));
    return SX_OK;
}

static void free_bands(band_args_t *a)
{
    for (int b = 0; b < a->nbands; b++) free((char *)a->bands[b].name);
    a->nbands = 0;
}

static sx_err run_calc(band_args_t *a, const char *expr, const char *var, const char *long_name)
{
    char *prov = NULL;
    SX_CHECK(sx_gdal_init(0));
    SX_CHECK(sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, &prov));
    sx_rs_calc_opts_t o = {a->bands, a->nbands, expr, a->nc, a->out, var, long_name, "1", prov, 0};
    sx_err err = sx_rs_calc_run(MPI_COMM_WORLD, &o);
    free(prov);
    SX_CHECK(err);
    return sx_perf_report(MPI_COMM_WORLD, NULL);
}

static sx_err cmd_index(int argc, char **argv)
{
    band_args_t a = {0};
    const char *name = NULL;
    sx_err err = SX_OK;
    for (int i = 1; i < argc && err == SX_OK; i++) {
        int taken;
        err = band_option(&a, argc, argv, &i, &taken);
        if (err || taken) continue;
        if (argv[i][0] == '-') err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "unknown option '%s' for rs index", argv[i]);
        else if (!name) name = argv[i];
        else err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "rs index takes one index name; got '%s' and '%s'", name, argv[i]);
    }
    const sx_rs_index_t *ix = NULL;
    if (!err && !name) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "usage: sanxiang rs index NAME -b ROLE=PATH ... -o OUT.tif");
    if (!err) err = sx_rs_index_find(name, &ix);
    if (!err) err = sx_rs_index_check_roles(ix, a.bands, a.nbands);
    if (!err) err = finish_bands(&a, "index");
    if (!err) {
        sx_log_info("rs index %s = %s  [%s]", ix->name, ix->expr, ix->citation);
        err = run_calc(&a, ix->expr, ix->name, ix->long_name);
    }
    free_bands(&a);
    return err;
}

static sx_err cmd_calc(int argc, char **argv)
{
    band_args_t a = {0};
    const char *expr = NULL, *name = "calc";
    sx_err err = SX_OK;
    for (int i = 1; i < argc && err == SX_OK; i++) {
        int taken;
        err = band_option(&a, argc, argv, &i, &taken);
        if (err || taken) continue;
        if (!strcmp(argv[i], "--expr")) err = sx_cli_option_value(argc, argv, &i, &expr);
        else if (!strcmp(argv[i], "--name")) err = sx_cli_option_value(argc, argv, &i, &name);
        else err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "unknown argument '%s' for rs calc", argv[i]);
    }
    if (!err && !expr) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "rs calc needs --expr 'EXPR'");
    if (!err) err = finish_bands(&a, "calc");
    if (!err) err = run_calc(&a, expr, name, NULL);
    free_bands(&a);
    return err;
}

static sx_err parse_doubles(int argc, char **argv, int *i, int n, int optional, double *v)
{
    const char *opt = argv[*i];
    for (int k = 0; k < n; k++) {
        if (optional && k > 0 && (*i + 1 >= argc || argv[*i + 1][0] == '-')) break;
        const char *t;
        SX_CHECK(sx_cli_option_value(argc, argv, i, &t));
        SX_CHECK(sx_cli_parse_double(opt, t, &v[k]));
    }
    return SX_OK;
}

/* Default netCDF beside OUT.tif, GDAL ready, provenance of this command. */
static sx_err out_prepare(const char *out, const char **nc, char *ncbuf, size_t len, char **prov)
{
    if (!*nc) {
        sx_layer_nc_beside(out, ncbuf, len);
        *nc = ncbuf;
    }
    SX_CHECK(sx_gdal_init(0));
    return sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, prov);
}

/* After a run: free the provenance, pass err on, else print the timings. */
static sx_err out_finish(sx_err err, char *prov)
{
    free(prov);
    SX_CHECK(err);
    return sx_perf_report(MPI_COMM_WORLD, NULL);
}

static sx_err cmd_warp(int argc, char **argv)
{
    const char *inputs[1024];
    sx_rs_warp_opts_t o = {.inputs = inputs, .band = 1};
    const char *out = NULL, *nc = NULL, *v;
    char ncbuf[SX_PATH_MAX];
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
        else if (!strcmp(argv[i], "--nc")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &nc));
        else if (!strcmp(argv[i], "--t-srs")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.t_srs));
        else if (!strcmp(argv[i], "-r")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.resampling));
        else if (!strcmp(argv[i], "--tr")) {
            double r[2] = {0, 0};
            SX_CHECK(parse_doubles(argc, argv, &i, 2, 1, r));
            SX_FAIL_IF(r[0] <= 0 || r[1] < 0, SX_ERR_USAGE, "--tr needs positive cell sizes");
            o.xres = r[0];
            o.yres = r[1] > 0 ? r[1] : r[0];
        } else if (!strcmp(argv[i], "--te")) {
            SX_CHECK(parse_doubles(argc, argv, &i, 4, 0, o.te));
            o.has_te = 1;
        } else if (!strcmp(argv[i], "--band")) {
            long long b;
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--band", v, &b));
            SX_FAIL_IF(b < 1 || b > 100000, SX_ERR_USAGE, "--band must be 1 or more");
            o.band = (int)b;
        } else if (!strcmp(argv[i], "--src-nodata")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--src-nodata", v, &o.src_nodata));
            o.has_src_nodata = 1;
        } else if (argv[i][0] == '-') SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for rs warp", argv[i]);
        else {
            SX_FAIL_IF(o.ninputs == 1024, SX_ERR_USAGE, "at most 1024 inputs; build a VRT (gdalbuildvrt) for more");
            inputs[o.ninputs++] = argv[i];
        }
    }
    SX_FAIL_IF(!out || !o.ninputs, SX_ERR_USAGE, "usage: sanxiang rs warp IN [IN ...] -o OUT.tif [--t-srs CRS] ...");
    char *prov = NULL;
    SX_CHECK(out_prepare(out, &nc, ncbuf, sizeof ncbuf, &prov));
    o.out_nc = nc;
    o.out_cog = out;
    o.var_name = "warp";
    o.provenance = prov;
    return out_finish(sx_rs_warp_run(MPI_COMM_WORLD, &o), prov);
}

static sx_err cmd_water(int argc, char **argv)
{
    band_args_t a = {0};
    const char *index = "mndwi", *gpkg = NULL, *v;
    double thr = 0;
    long long bins = 256;
    int otsu = 0, have_thr = 0;
    sx_err err = SX_OK;
    for (int i = 1; i < argc && err == SX_OK; i++) {
        int taken;
        err = band_option(&a, argc, argv, &i, &taken);
        if (err || taken) continue;
        if (!strcmp(argv[i], "--index")) err = sx_cli_option_value(argc, argv, &i, &index);
        else if (!strcmp(argv[i], "--polygons")) err = sx_cli_option_value(argc, argv, &i, &gpkg);
        else if (!strcmp(argv[i], "--otsu")) otsu = 1;
        else if (!strcmp(argv[i], "--threshold")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = sx_cli_parse_double("--threshold", v, &thr);
            have_thr = 1;
        } else if (!strcmp(argv[i], "--bins")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = sx_cli_parse_int("--bins", v, &bins);
        } else err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "unknown argument '%s' for rs water", argv[i]);
    }
    if (!err && otsu == have_thr)
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "rs water needs exactly one of --otsu and --threshold T");
    if (!err && (bins < 2 || bins > 1000000)) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "--bins must be 2 .. 1000000");
    if (!err) err = finish_bands(&a, "water");
    if (!err) {
        char *prov = NULL;
        err = sx_gdal_init(0);
        if (!err) err = sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, &prov);
        double used = thr;
        sx_rs_water_opts_t o = {a.bands, a.nbands, index, otsu, thr, (int)bins, a.nc, a.out, gpkg, prov, &used};
        if (!err) err = sx_rs_water_run(MPI_COMM_WORLD, &o);
        if (!err && sx_mpi_rank() == 0) printf("threshold %.9g\n", used);
        free(prov);
        if (!err) err = sx_perf_report(MPI_COMM_WORLD, NULL);
    }
    free_bands(&a);
    return err;
}

/* --before/--after/--permanent/-o/--nc/--polygons/--gain/--loss for flood and change */
static sx_err cmd_two_dates(int argc, char **argv, int flood)
{
    const char *before = NULL, *after = NULL, *perm = NULL, *out = NULL, *nc = NULL, *gpkg = NULL, *v;
    double gain = -1, loss = -1;
    const char *verb = flood ? "flood" : "change";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--before")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &before));
        else if (!strcmp(argv[i], "--after")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &after));
        else if (flood && !strcmp(argv[i], "--permanent")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &perm));
        else if (flood && !strcmp(argv[i], "--polygons")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &gpkg));
        else if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
        else if (!strcmp(argv[i], "--nc")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &nc));
        else if (!flood && !strcmp(argv[i], "--gain")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--gain", v, &gain));
        } else if (!flood && !strcmp(argv[i], "--loss")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--loss", v, &loss));
        } else SX_FAIL(SX_ERR_USAGE, "unknown argument '%s' for rs %s", argv[i], verb);
    }
    SX_FAIL_IF(!before || !after || !out, SX_ERR_USAGE, "rs %s needs --before, --after and -o", verb);
    SX_FAIL_IF(!flood && (gain < 0 || loss < 0), SX_ERR_USAGE, "rs change needs --gain G and --loss L (non-negative)");
    char ncbuf[SX_PATH_MAX], *prov = NULL;
    SX_CHECK(out_prepare(out, &nc, ncbuf, sizeof ncbuf, &prov));
    return out_finish(flood ? sx_rs_flood_run(MPI_COMM_WORLD, before, after, perm, nc, out, gpkg, prov)
                            : sx_rs_change_run(MPI_COMM_WORLD, before, after, gain, loss, nc, out, prov),
                      prov);
}

static sx_err cmd_zonal(int argc, char **argv)
{
    sx_rs_zonal_opts_t o = {.band = 1};
    const char *v;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--raster")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.raster));
        else if (!strcmp(argv[i], "--zones")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.zones));
        else if (!strcmp(argv[i], "--id")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.id_field));
        else if (!strcmp(argv[i], "--layer")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.layer));
        else if (!strcmp(argv[i], "--tile")) {
            long long t;
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--tile", v, &t));
            SX_FAIL_IF(t < 16 || t > 8192, SX_ERR_USAGE, "--tile must be 16 .. 8192");
            o.tile = (int)t;
        }
        else if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.out_csv));
        else if (!strcmp(argv[i], "--band")) {
            long long b;
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--band", v, &b));
            SX_FAIL_IF(b < 1 || b > 100000, SX_ERR_USAGE, "--band must be 1 or more");
            o.band = (int)b;
        } else SX_FAIL(SX_ERR_USAGE, "unknown argument '%s' for rs zonal", argv[i]);
    }
    SX_FAIL_IF(!o.raster || !o.zones || !o.id_field || !o.out_csv, SX_ERR_USAGE,
               "usage: sanxiang rs zonal --raster R --zones Z --id FIELD -o OUT.csv");
    SX_CHECK(sx_gdal_init(0));
    SX_CHECK(sx_rs_zonal_run(MPI_COMM_WORLD, &o));
    return sx_perf_report(MPI_COMM_WORLD, NULL);
}

#define MAX_SCENES 1024

typedef struct {
    sx_rs_band_t *bands;
    int nscenes, nper;
    char **names; /* band names of the first scene */
    char *texts[MAX_SCENES];
} scenes_t;

static void scenes_free(scenes_t *sc)
{
    for (int i = 0; i < sc->nscenes; i++) free(sc->texts[i]);
    free(sc->bands);
    memset(sc, 0, sizeof *sc);
}

/* "name=path,name=path" -> bands of one scene, same names in the same order as scene 0. */
static sx_err scene_add(scenes_t *sc, const char *spec)
{
    SX_FAIL_IF(sc->nscenes == MAX_SCENES, SX_ERR_USAGE, "at most %d scenes", MAX_SCENES);
    char *t = strdup(spec);
    SX_FAIL_IF(!t, SX_ERR_NOMEM, "out of memory");
    sc->texts[sc->nscenes] = t;
    int n = 1;
    for (const char *c = t; *c; c++) n += *c == ',';
    SX_FAIL_IF(sc->nscenes && n != sc->nper, SX_ERR_USAGE, "scene %d has %d bands but scene 1 has %d: '%s'",
               sc->nscenes + 1, n, sc->nper, spec);
    if (!sc->nscenes) sc->nper = n;
    sx_rs_band_t *nb = realloc(sc->bands, (size_t)(sc->nscenes + 1) * (size_t)n * sizeof *nb);
    SX_FAIL_IF(!nb, SX_ERR_NOMEM, "out of memory");
    sc->bands = nb;
    sx_rs_band_t *b = sc->bands + (size_t)sc->nscenes * (size_t)n;
    char *save = NULL;
    int k = 0;
    for (char *tok = strtok_r(t, ",", &save); tok; tok = strtok_r(NULL, ",", &save), k++) {
        char *eq = strchr(tok, '=');
        SX_FAIL_IF(!eq || eq == tok || !eq[1], SX_ERR_USAGE, "scene %d: '%s' is not NAME=PATH", sc->nscenes + 1, tok);
        *eq = 0;
        memset(&b[k], 0, sizeof b[k]);
        b[k].name = tok;
        b[k].path = eq + 1;
        b[k].band = 1;
        b[k].scale = 1;
        if (sc->nscenes)
            SX_FAIL_IF(strcmp(tok, sc->bands[k].name), SX_ERR_USAGE,
                       "scene %d names band %d '%s' but scene 1 names it '%s'; give the bands in the same order",
                       sc->nscenes + 1, k + 1, tok, sc->bands[k].name);
    }
    SX_FAIL_IF(k != n, SX_ERR_USAGE, "scene %d: empty band in '%s'", sc->nscenes + 1, spec);
    sc->nscenes++;
    return SX_OK;
}

static sx_err scenes_file(scenes_t *sc, const char *path)
{
    FILE *f = fopen(path, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot open scene list '%s'", path);
    char line[8192];
    int ln = 0;
    sx_err err = SX_OK;
    while (!err && fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        err = scene_add(sc, line);
        if (err) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s:%d: %s", path, ln, sx_err_message());
    }
    fclose(f);
    return err;
}

static sx_err cmd_mask(int argc, char **argv)
{
    sx_rs_mask_opts_t o = {.band = 1};
    const char *kind = "landsat-c2", *classes = NULL, *out = NULL, *nc = NULL, *v;
    long long n;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--qa")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &o.qa_path));
        else if (!strcmp(argv[i], "--qa-kind")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &kind));
        else if (!strcmp(argv[i], "--mask")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &classes));
        else if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
        else if (!strcmp(argv[i], "--nc")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &nc));
        else if (!strcmp(argv[i], "--dilate") || !strcmp(argv[i], "--band")) {
            const char *opt = argv[i];
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int(opt, v, &n));
            SX_FAIL_IF(n < 0 || n > 100000, SX_ERR_USAGE, "%s must be 0 .. 100000", opt);
            if (opt[2] == 'd') o.dilate = (int)n;
            else o.band = (int)n;
        } else if (!strcmp(argv[i], "--nodata")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--nodata", v, &o.nodata));
            o.has_nodata = 1;
        } else SX_FAIL(SX_ERR_USAGE, "unknown argument '%s' for rs mask", argv[i]);
    }
    SX_FAIL_IF(!o.qa_path || !out, SX_ERR_USAGE, "usage: sanxiang rs mask --qa QA.tif [--qa-kind K] [--mask C,..] -o OUT.tif");
    SX_CHECK(sx_rs_qa_rule_parse(kind, classes, &o.rule));
    char ncbuf[SX_PATH_MAX], *prov = NULL;
    SX_CHECK(out_prepare(out, &nc, ncbuf, sizeof ncbuf, &prov));
    o.out_nc = nc;
    o.out_cog = out;
    o.provenance = prov;
    return out_finish(sx_rs_mask_run(MPI_COMM_WORLD, &o), prov);
}

static sx_err cmd_composite(int argc, char **argv)
{
    scenes_t sc = {0};
    const char *method = NULL, *out = NULL, *kind = "landsat-c2", *classes = NULL, *cal_coefs = NULL, *v;
    long long dil = 0, strip = 0;
    double nodata = 0;
    int has_nodata = 0;
    sx_rs_reflectance refl = SX_RS_REFL_AUTO;
    sx_err err = SX_OK;
    for (int i = 1; i < argc && !err; i++) {
        if (!strcmp(argv[i], "--method")) err = sx_cli_option_value(argc, argv, &i, &method);
        else if (!strcmp(argv[i], "-o")) err = sx_cli_option_value(argc, argv, &i, &out);
        else if (!strcmp(argv[i], "--qa-kind")) err = sx_cli_option_value(argc, argv, &i, &kind);
        else if (!strcmp(argv[i], "--mask")) err = sx_cli_option_value(argc, argv, &i, &classes);
        else if (!strcmp(argv[i], "--cal-coefs")) err = sx_cli_option_value(argc, argv, &i, &cal_coefs);
        else if (!strcmp(argv[i], "--scene")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = scene_add(&sc, v);
        } else if (!strcmp(argv[i], "--scenes")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = scenes_file(&sc, v);
        } else if (!strcmp(argv[i], "--dilate")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = sx_cli_parse_int("--dilate", v, &dil);
        } else if (!strcmp(argv[i], "--strip-rows")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = sx_cli_parse_int("--strip-rows", v, &strip);
            if (!err && (strip < 1 || strip > 1000000))
                err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "--strip-rows must be 1 .. 1000000");
        } else if (!strcmp(argv[i], "--nodata")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = sx_cli_parse_double("--nodata", v, &nodata);
            has_nodata = 1;
        } else if (!strcmp(argv[i], "--reflectance")) {
            if (!(err = sx_cli_option_value(argc, argv, &i, &v))) err = sx_rs_reflectance_parse(v, &refl);
        } else err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "unknown argument '%s' for rs composite", argv[i]);
    }
    sx_rs_composite_opts_t o = {0};
    if (!err && (!method || !out || !sc.nscenes))
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "usage: sanxiang rs composite --method M --scene SPEC ... -o OUT.tif");
    if (!err) err = sx_rs_comp_method_parse(method, &o.method, &o.percentile);
    o.qa = o.nir = o.red = -1;
    for (int k = 0; k < sc.nper && !err; k++) {
        if (!strcmp(sc.bands[k].name, "qa")) o.qa = k;
        if (!strcmp(sc.bands[k].name, "nir")) o.nir = k;
        if (!strcmp(sc.bands[k].name, "red")) o.red = k;
    }
    if (!err && o.qa >= 0) err = sx_rs_qa_rule_parse(kind, classes, &o.rule);
    if (!err && o.qa < 0 && (classes || dil))
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "--mask/--dilate need a band named qa in every scene");
    for (int s = 0; s < sc.nscenes && !err; s++)
        for (int k = 0; k < sc.nper; k++) {
            sx_rs_band_t *b = &sc.bands[(size_t)s * sc.nper + k];
            if (k == o.qa) { /* QA values are bit fields: never scaled */
                b->scale_source = SX_RS_SCALE_EXPLICIT;
                snprintf(b->scale_note, sizeof b->scale_note, "quality band, not scaled");
            } else if (has_nodata) {
                b->has_nodata = 1;
                b->nodata = nodata;
            }
        }
    if (!err) err = sx_gdal_init(0);
    if (!err) err = sx_rs_bands_resolve_scale(sc.bands, sc.nscenes * sc.nper, refl, cal_coefs);
    char stem[SX_PATH_MAX];
    if (!err) {
        snprintf(stem, sizeof stem, "%s", out);
        char *dot = strrchr(stem, '.');
        if (dot && !strchr(dot, '/')) *dot = 0;
        char *prov = NULL;
        err = sx_gdal_init(0);
        if (!err) err = sx_provenance_json(MPI_COMM_WORLD, NULL, sx_cli_argc, sx_cli_argv, &prov);
        o.bands = sc.bands;
        o.nscenes = sc.nscenes;
        o.nper = sc.nper;
        o.dilate = (int)dil;
        o.strip_rows = (int)strip;
        o.out_stem = stem;
        o.cog = 1;
        o.provenance = prov;
        if (!err) err = sx_rs_composite_run(MPI_COMM_WORLD, &o);
        free(prov);
        if (!err) err = sx_perf_report(MPI_COMM_WORLD, NULL);
    }
    scenes_free(&sc);
    return err;
}

sx_err sx_cli_rs(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "rs needs a verb; see sanxiang rs --help");
    if (!strcmp(argv[1], "index")) return cmd_index(argc - 1, argv + 1);
    if (!strcmp(argv[1], "calc")) return cmd_calc(argc - 1, argv + 1);
    if (!strcmp(argv[1], "warp")) return cmd_warp(argc - 1, argv + 1);
    if (!strcmp(argv[1], "composite")) return cmd_composite(argc - 1, argv + 1);
    if (!strcmp(argv[1], "mask")) return cmd_mask(argc - 1, argv + 1);
    if (!strcmp(argv[1], "water")) return cmd_water(argc - 1, argv + 1);
    if (!strcmp(argv[1], "zonal")) return cmd_zonal(argc - 1, argv + 1);
    if (!strcmp(argv[1], "flood")) return cmd_two_dates(argc - 1, argv + 1, 1);
    if (!strcmp(argv[1], "change")) return cmd_two_dates(argc - 1, argv + 1, 0);
    SX_FAIL(SX_ERR_USAGE, "unknown verb 'rs %s'; see sanxiang rs --help", argv[1]);
}
