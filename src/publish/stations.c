/*
 * stations.c — a station layer for a flood forecast run: the hydro forecast
 * step writes one hydrograph image per forecast station
 * (hydrograph_<id>.svg) but knows no coordinates, so publish places the
 * stations from a location table the user gives (--stations, job key
 * `stations:`): a CSV with an id column (id, code or station), lon and lat
 * in degrees (WGS 84 / CGCS2000; columns lon|longitude|x, lat|latitude|y)
 * and an optional name. The result is the point layer `forecast_stations`
 * whose `hydrograph` attribute names the image, which the viewer shows on
 * click, like any station layer of a run.
 *
 * Stations with an image but no location are reported (warning) and left
 * off the map; a run with hydrographs and no location table gets a warning
 * saying how to place them; a location table for a run without hydrographs
 * is refused (it would do nothing). The images are in the run directory, so the
 * layer is built from an in-memory GeoJSON (/vsimem) through the ordinary
 * vector path (GeoPackage, styles, STAC item, web copy, attachments).
 */
#include <cpl_vsi.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_parse.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_strbuf.h"

#define PREFIX "hydrograph_"
#define SUFFIX ".svg"
#define MAX_STATIONS 256

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Station ids of the run's hydrograph images, sorted; returns the count. */
static size_t hydrograph_ids(const char *run, char **ids)
{
    DIR *d = opendir(run);
    if (!d) return 0;
    size_t n = 0, lp = strlen(PREFIX), ls = strlen(SUFFIX);
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < MAX_STATIONS) {
        size_t len = strlen(e->d_name);
        if (len > lp + ls && !strncmp(e->d_name, PREFIX, lp) && !strcmp(e->d_name + len - ls, SUFFIX))
            ids[n++] = strndup(e->d_name + lp, len - lp - ls);
    }
    closedir(d);
    qsort(ids, n, sizeof *ids, cmp_str);
    return n;
}

static int field_of(OGRFeatureDefnH def, const char *const *names)
{
    for (; *names; names++) {
        int k = OGR_FD_GetFieldIndex(def, *names);
        if (k >= 0) return k;
    }
    return -1;
}

/* GeoJSON of the stations that have both an image and a location. */
static sx_err station_geojson(const sx__pub_t *p, char **ids, size_t n, sx_strbuf_t *sb, size_t *placed)
{
    const char *csv = p->o->stations;
    GDALDatasetH ds = GDALOpenEx(csv, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) SX_FAIL_GDAL("cannot open the station table '%s'", csv);
    OGRLayerH lay = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH def = lay ? OGR_L_GetLayerDefn(lay) : NULL;
    static const char *const id_names[] = {"id", "code", "station", NULL}, *const lon_names[] = {"lon", "longitude", "x", NULL},
                             *const lat_names[] = {"lat", "latitude", "y", NULL}, *const name_names[] = {"name", NULL};
    int kid = def ? field_of(def, id_names) : -1, klon = def ? field_of(def, lon_names) : -1;
    int klat = def ? field_of(def, lat_names) : -1, kname = def ? field_of(def, name_names) : -1;
    if (kid < 0 || klon < 0 || klat < 0) {
        GDALClose(ds);
        SX_FAIL(SX_ERR_INPUT, "station table '%s' needs columns id (or code/station), lon and lat (degrees); it has %s%s%s",
                csv, kid < 0 ? "no id " : "", klon < 0 ? "no lon " : "", klat < 0 ? "no lat" : "");
    }
    sx_strbuf_puts(sb, "{\"type\": \"FeatureCollection\", \"features\": [");
    *placed = 0;
    sx_err err = SX_OK;
    for (size_t i = 0; i < n && err == SX_OK; i++) {
        int found = 0;
        OGRFeatureH f;
        OGR_L_ResetReading(lay);
        while (!found && (f = OGR_L_GetNextFeature(lay)) != NULL) {
            if (!strcmp(OGR_F_GetFieldAsString(f, kid), ids[i])) {
                found = 1;
                const char *slon = OGR_F_GetFieldAsString(f, klon), *slat = OGR_F_GetFieldAsString(f, klat);
                double lon = 0, lat = 0;
                if (!sx_parse_double(slon, &lon) || !sx_parse_double(slat, &lat) || lon < -180 || lon > 180 || lat < -90 ||
                    lat > 90) {
                    err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "station table '%s', station '%s': lon '%s', lat '%s' "
                                     "are not degrees (lon -180..180, lat -90..90)", csv, ids[i], slon, slat);
                } else {
                    sx_strbuf_printf(sb, "%s\n {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", \"coordinates\": "
                                         "[%.10g, %.10g]}, \"properties\": {\"code\": ", *placed ? "," : "", lon, lat);
                    sx_strbuf_json_string(sb, ids[i]);
                    sx_strbuf_puts(sb, ", \"name\": ");
                    sx_strbuf_json_string(sb, kname >= 0 ? OGR_F_GetFieldAsString(f, kname) : ids[i]);
                    sx_strbuf_printf(sb, ", \"hydrograph\": \"" PREFIX "%s" SUFFIX "\"}}", ids[i]);
                    (*placed)++;
                }
            }
            OGR_F_Destroy(f);
        }
        if (!found) sx_log_warn("publish: forecast station '%s' (" PREFIX "%s" SUFFIX ") has no location in '%s'; "
                                "it is left off the map", ids[i], ids[i], csv);
    }
    sx_strbuf_puts(sb, "\n]}\n");
    GDALClose(ds);
    return err;
}

sx_err sx__pub_stations(sx__pub_t *p)
{
    char *ids[MAX_STATIONS];
    size_t n = hydrograph_ids(p->o->run_dir, ids);
    SX_FAIL_IF(n == 0 && p->o->stations, SX_ERR_USAGE, "--stations '%s' places forecast stations, but the run directory "
               "'%s' holds no forecast hydrograph (" PREFIX "<station>" SUFFIX "): publish a flood forecast run, or "
               "drop --stations (job: stations)", p->o->stations, p->o->run_dir);
    if (n == 0) return SX_OK;
    sx_err err = SX_OK;
    if (!p->o->stations) {
        sx_log_warn("publish: the run holds %zu forecast hydrograph(s) (" PREFIX "<station>" SUFFIX ") but no station "
                    "locations; give --stations CSV (id, lon, lat) to show them on the map", n);
        goto done;
    }
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    size_t placed = 0;
    err = station_geojson(p, ids, n, &sb, &placed);
    if (err == SX_OK && sb.failed) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for the station layer");
    const char *mem = "/vsimem/sanxiang_forecast_stations.geojson";
    if (err == SX_OK && placed > 0) {
        VSILFILE *f = VSIFileFromMemBuffer(mem, (GByte *)sb.data, (vsi_l_offset)sb.len, FALSE);
        if (!f) err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot stage the station layer in memory");
        else VSIFCloseL(f);
        sx__pub_layer_t *l = NULL;
        if (err == SX_OK) err = sx__pub_add_layer(p, "forecast_stations", &l);
        if (err == SX_OK) err = sx__pub_vector(p, mem, l->id, 0, l);
        if (err == SX_OK) snprintf(l->title, sizeof l->title, "预报站 forecast stations");
        if (err == SX_OK) err = sx__pub_styles(p, l);
        if (err == SX_OK) err = sx__pub_stac_item(p, l);
        VSIUnlink(mem);
        if (err == SX_OK) sx_log_info("publish: %zu forecast station(s) with hydrographs -> %s", placed, l->rel_dir);
    } else if (err == SX_OK) {
        sx_log_warn("publish: no forecast station of the run has a location in '%s'", p->o->stations);
    }
    sx_strbuf_fini(&sb);
done:
    for (size_t i = 0; i < n; i++) free(ids[i]);
    return err;
}
