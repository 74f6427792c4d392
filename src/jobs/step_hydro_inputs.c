/*
 * step_hydro_inputs.c — input readers of the hydro_forecast step: gauge
 * weights from sub-basin polygons (Thiessen or IDW), areal rain from gridded
 * rainfall. Each reads its part of the job file, calls the domain and fills
 * the step's working set; rank 0 reads files where one reader suffices and
 * broadcasts, so every rank holds identical inputs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobs/step_hydro_forecast.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

static const sx_cfg_field_t gw_fields[] = {
    {"polygons", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "sub-basin polygons (GeoPackage, GeoJSON ...) in the gauges' CRS"},
    {"id_field", SX_CFG_T_STRING, 0, "id", 1, 0, NULL, "polygon field holding the sub-basin id"},
    {"locations", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "gauge locations CSV id,x,y (ids = the gauge column names)"},
    {"method", SX_CFG_T_ENUM, 0, "thiessen", 1, 0, "thiessen|idw", "Thiessen polygons or inverse-distance weighting"},
    {"power", SX_CFG_T_FLOAT, 0, "2", 1e-6, 10, NULL, "IDW exponent p (weight d^-p)"},
    {"grid", SX_CFG_T_INT, 0, "200", 2, 20000, NULL, "cell centres per side of a polygon's envelope"},
};

/* Gauge weights of every sub-basin from its polygon (rank 0 computes, all get them). */
sx_err sx__hydro_polygon_weights(sx_job_t *job, const sx_cfg_node_t *gw, MPI_Comm comm, const char *const *gauges, fc_t *f)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_hydro_forecast_cfg_t *c = &f->c;
    const char *poly, *loc, *idf, *method;
    int64_t grid;
    sx_hydro_weights_opts_t o;
    SX_CHECK(sx_cfg_check(cfg, gw, gw_fields, sizeof gw_fields / sizeof *gw_fields));
    SX_CHECK(sx_cfg_get_string(cfg, gw, "polygons", NULL, &poly));
    SX_CHECK(sx_cfg_get_string(cfg, gw, "locations", NULL, &loc));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(gw, "locations"), loc, &loc));
    SX_CHECK(sx_cfg_get_string(cfg, gw, "id_field", "id", &idf));
    SX_CHECK(sx_cfg_get_string(cfg, gw, "method", "thiessen", &method));
    SX_CHECK(sx_cfg_get_double(cfg, gw, "power", 2, &o.power));
    SX_CHECK(sx_cfg_get_int(cfg, gw, "grid", 200, &grid));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(gw, "polygons"), poly, &poly));
    o.method = strcmp(method, "idw") ? SX_HYDRO_WEIGHTS_THIESSEN : SX_HYDRO_WEIGHTS_IDW;
    o.grid = (int)grid;
    const int ng = c->ngauges;
    double *w = calloc((size_t)c->nnodes * ng + 1, sizeof *w);
    SX_FAIL_IF(!w, SX_ERR_NOMEM, "out of memory");
    sx_err e = SX_OK;
    if (sx_mpi_rank() == 0) {
        char names[64][32], **ids = NULL;
        double lx[64], ly[64], x[SX_HYDRO_MAX_GAUGES], y[SX_HYDRO_MAX_GAUGES], *pw = NULL;
        int nl = 0, np = 0;
        e = sx_hydro_gauges_read(loc, 64, &nl, names, lx, ly);
        for (int g = 0; g < ng && !e; g++) {
            int k = 0;
            while (k < nl && strcmp(names[k], gauges[g])) k++;
            if (k == nl) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "gauge '%s' has no location in '%s'", gauges[g], loc);
            else x[g] = lx[k], y[g] = ly[k];
        }
        if (!e) e = sx_hydro_weights_layer(poly, idf, &o, ng, x, y, &np, &ids, &pw);
        for (int i = 0; i < c->nnodes && !e; i++) {
            if (f->nodes[i].area_km2 <= 0) continue;
            int k = 0;
            while (k < np && strcmp(ids[k], f->nodes[i].id)) k++;
            if (k == np) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "sub-basin '%s' has no polygon in '%s' (field '%s')",
                                        f->nodes[i].id, poly, idf);
            else memcpy(w + (int64_t)i * ng, pw + (int64_t)k * ng, (size_t)ng * sizeof *w);
        }
        for (int k = 0; k < np; k++) free(ids[k]);
        free(ids);
        free(pw);
    }
    e = sx_err_agree(comm, e);
    if (!e && MPI_Bcast(w, c->nnodes * ng, MPI_DOUBLE, 0, comm) != MPI_SUCCESS)
        e = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "broadcasting gauge weights failed");
    for (int i = 0; i < c->nnodes && !e; i++) {
        memcpy(f->nodes[i].w, w + (int64_t)i * ng, (size_t)ng * sizeof *w);
        if (f->nodes[i].area_km2 > 0)
            sx_log_debug("hydro_forecast: %s weights of '%s' from '%s'", method, f->nodes[i].id, poly);
    }
    free(w);
    return e;
}


static const sx_cfg_field_t rg_fields[] = {
    {"pattern", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "file per step: strftime codes of the row time (UTC), or {step} for integer-step forcing"},
    {"files", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "file per forcing row, in row order"},
    {"netcdf", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "netCDF-4/HDF5 file with a (time, y, x) rain variable"},
    {"variable", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "the rain variable of `netcdf`; of `hdf5` (default /Grid/precipitation, IMERG V06: /Grid/precipitationCal)"},
    {"hdf5", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL,
     "HDF5 file in the GPM IMERG layout (time, lon, lat), rate mm/hr or amount mm per record"},
    {"hdf5_files", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "or a list of such files in time order (IMERG: one per half hour)"},
    {"dims", SX_CFG_T_ENUM, 0, NULL, 1, 0, "time,lon,lat|time,lat,lon",
     "`hdf5` dimension order when the files carry neither dimension scales nor DimensionNames"},
    {"record_minutes", SX_CFG_T_FLOAT, 0, "30", 1e-3, 1e6, NULL, "`hdf5` record length (IMERG: 30 min)"},
    {"polygons", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "sub-basin polygons (any CRS; reprojected to the grid's)"},
    {"id_field", SX_CFG_T_STRING, 0, "id", 1, 0, NULL, "polygon field holding the sub-basin id"},
    {"scale", SX_CFG_T_FLOAT, 0, "1", 1e-9, 1e9, NULL, "grid value x scale = mm per model step (mm/h grids: dt_hours)"},
};

/* File name of row t from pattern: {step} -> the time label, else strftime of the row time. */
static sx_err expand(const char *pat, const sx_hydro_series_t *s, int64_t t, char *buf, size_t len)
{
    const char *k = strstr(pat, "{step}");
    if (k) {
        int n = snprintf(buf, len, "%.*s%s%s", (int)(k - pat), pat, s->time[t], k + 6);
        SX_FAIL_IF(n < 0 || (size_t)n >= len, SX_ERR_CONFIG, "rain_grid pattern gives a path too long");
        return SX_OK;
    }
    SX_FAIL_IF(!s->time_is_date, SX_ERR_CONFIG, "rain_grid pattern '%s' has no {step} but the forcing times are step "
               "numbers, not dates", pat);
    time_t tt = (time_t)s->t[t];
    struct tm tm;
    gmtime_r(&tt, &tm);
    SX_FAIL_IF(strftime(buf, len, pat, &tm) == 0, SX_ERR_CONFIG, "rain_grid pattern '%s' gives an empty or too long path", pat);
    return SX_OK;
}

/* Sub-basins with an area (ids, node index) and the row range of the gridded rain. */
static int grid_targets(const fc_t *f, const char **ids, int *at)
{
    int nid = 0;
    for (int i = 0; i < f->c.nnodes; i++)
        if (f->nodes[i].area_km2 > 0) at[nid] = i, ids[nid++] = f->nodes[i].id;
    return nid;
}

static sx_err grid_areal(MPI_Comm comm, fc_t *f, sx_hydro_grid_src_t *src, const char *poly, const char *idf,
                         const char *what, int evap)
{
    double **dst = evap ? &f->grid_e : &f->grid_p;
    const double **node = evap ? f->node_e : f->node_p;
    src->what = evap ? "evaporation" : "rain";
    sx_hydro_forecast_cfg_t *c = &f->c;
    const int64_t n = f->s.n, r1 = c->issue + c->nlead < n ? c->issue + c->nlead : n - 1;
    const char *ids[256];
    int at[256], nid = grid_targets(f, ids, at);
    *dst = calloc((size_t)(nid * n + 1), sizeof **dst);
    SX_FAIL_IF(!*dst, SX_ERR_NOMEM, "out of memory for gridded %s", src->what);
    SX_CHECK(sx_hydro_grid_areal(comm, src, poly, idf, nid, ids, &f->s, c->start, r1, *dst));
    for (int k = 0; k < nid; k++) node[at[k]] = *dst + (int64_t)k * n;
    if (evap) c->node_e = f->node_e;
    else c->node_p = f->node_p;
    sx_log_info("hydro_forecast: areal %s of %d sub-basins from a grid (%s), rows %s..%s", src->what, nid, what,
                f->s.time[c->start], f->s.time[r1]);
    return SX_OK;
}

static sx_err h5_rain(sx_job_t *job, const sx_cfg_node_t *rg, MPI_Comm comm, fc_t *f, const char *h5,
                      const sx_cfg_node_t *h5l, const char *var, const char *dims, double rec_s, const char *poly,
                      const char *idf, double scale, int evap)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    int nf = h5 ? 1 : (int)sx_cfg_node_len(h5l);
    if (nf < 1) return sx_cfg_fail_at(cfg, h5l, "`hdf5_files` is empty");
    const char **paths = calloc((size_t)nf, sizeof *paths);
    SX_FAIL_IF(!paths, SX_ERR_NOMEM, "out of memory");
    sx_err e = SX_OK;
    if (h5) e = sx_job_resolve(job, sx_cfg_map_get(rg, "hdf5"), h5, &paths[0]);
    for (int i = 0; !h5 && i < nf && !e; i++) {
        const sx_cfg_node_t *it = sx_cfg_node_at(h5l, (size_t)i);
        const char *v = sx_cfg_node_text(it);
        e = v ? sx_job_resolve(job, it, v, &paths[i]) : sx_cfg_fail_at(cfg, h5l, "file %d must be text", i + 1);
    }
    sx_hydro_grid_src_t src = {NULL, NULL, paths, nf, var ? var : "/Grid/precipitation", dims, rec_s, scale, NULL};
    if (!e) e = grid_areal(comm, f, &src, poly, idf, paths[0], evap);
    free(paths);
    return e;
}

sx_err sx__hydro_grid_rain(sx_job_t *job, const sx_cfg_node_t *rg, MPI_Comm comm, fc_t *f, int evap)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_hydro_forecast_cfg_t *c = &f->c;
    const char *pat = NULL, *nc = NULL, *var = NULL, *poly, *idf, *h5 = NULL, *dims = NULL;
    double scale, rec_min;
    SX_CHECK(sx_cfg_check(cfg, rg, rg_fields, sizeof rg_fields / sizeof *rg_fields));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "pattern", NULL, &pat));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "netcdf", NULL, &nc));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "variable", NULL, &var));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "polygons", NULL, &poly));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(rg, "polygons"), poly, &poly));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "id_field", "id", &idf));
    SX_CHECK(sx_cfg_get_double(cfg, rg, "scale", 1, &scale));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "hdf5", NULL, &h5));
    SX_CHECK(sx_cfg_get_string(cfg, rg, "dims", NULL, &dims));
    SX_CHECK(sx_cfg_get_double(cfg, rg, "record_minutes", 30, &rec_min));
    const sx_cfg_node_t *files = sx_cfg_map_get(rg, "files"), *h5l = sx_cfg_map_get(rg, "hdf5_files");
    if ((pat != NULL) + (files != NULL) + (nc != NULL) + (h5 != NULL) + (h5l != NULL) != 1)
        return sx_cfg_fail_at(cfg, rg, "give exactly one of `pattern`, `files`, `netcdf`, `hdf5` or `hdf5_files`");
    if (h5 || h5l) return h5_rain(job, rg, comm, f, h5, h5l, var, dims, rec_min * 60, poly, idf, scale, evap);
    if (nc && !var) return sx_cfg_fail_at(cfg, rg, "`netcdf` needs the rain `variable`");
    if (files && (int64_t)sx_cfg_node_len(files) != f->s.n)
        return sx_cfg_fail_at(cfg, files, "`files` lists %zu grids but the forcing has %lld rows; give one per row",
                              sx_cfg_node_len(files), (long long)f->s.n);
    const int64_t n = f->s.n, r1 = c->issue + c->nlead < n ? c->issue + c->nlead : n - 1;
    char **names = NULL, cube[SX_PATH_MAX + 64] = "";
    sx_err e = SX_OK;
    if (!nc) {
        names = calloc((size_t)n, sizeof *names);
        e = names ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        for (int64_t t = c->start; t <= r1 && !e; t++) {
            char buf[SX_PATH_MAX];
            if (pat) e = expand(pat, &f->s, t, buf, sizeof buf);
            else {
                const char *v = sx_cfg_node_text(sx_cfg_node_at(files, (size_t)t));
                if (!v) e = sx_cfg_fail_at(cfg, files, "file %lld must be text", (long long)t + 1);
                else snprintf(buf, sizeof buf, "%s", v);
            }
            if (!e && !(names[t] = strdup(buf))) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        }
    } else
        snprintf(cube, sizeof cube, "NETCDF:\"%s\":%s", nc, var);
    sx_hydro_grid_src_t src = {(const char *const *)names, nc ? cube : NULL, NULL, 0, NULL, NULL, 0, scale, NULL};
    if (!e) e = grid_areal(comm, f, &src, poly, idf, nc ? cube : pat ? pat : "file list", evap);
    for (int64_t t = 0; names && t < n; t++) free(names[t]);
    free(names);
    return e;
}
