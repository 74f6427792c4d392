/*
 * levels_out.c — the forecaster's products of levels.c: levels.csv (the
 * level hydrograph per station with its ensemble band and signal),
 * signals.csv (one row per station: the issued signal, its onset and
 * probability, the peak level, the first time each threshold is exceeded),
 * signals.gpkg (the same as a point layer for the map, EPSG:4326) and a
 * section appended to bulletin.md. One rank writes, through temporary names.
 */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_stations.h"
#include "sanxiang/sx_output.h"

static const char *lead_time(const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l, int64_t lead)
{
    return lead < 0 ? "" : c->times->time[c->start + l->nsteps - l->nlead + lead];
}

static void num(sx_strbuf_t *sb, double v, const char *fmt)
{
    sx_strbuf_puts(sb, ",");
    if (!isnan(v)) sx_strbuf_printf(sb, fmt, v);
}

sx_err sx_hydro_levels_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                 const sx_hydro_station_t *st)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "station,time,phase,lead,H_det,h05,h25,h50,h75,h95,signal\n");
    const int64_t nh = l->nsteps - l->nlead;
    for (int k = 0; k < l->nst; k++)
        for (int64_t t = 0; t < l->nsteps; t++) {
            const int64_t ld = t - nh;
            const double h = l->h_det[(int64_t)k * l->nsteps + t];
            sx_strbuf_printf(&sb, "%s,%s,%s,%lld,%.4f", st[k].id, c->times->time[c->start + t],
                             ld < 0 ? "observed" : "forecast", (long long)(ld < 0 ? 0 : ld + 1), h);
            for (int p = 0; p < SX_HYDRO_NPCT; p++)
                num(&sb, ld < 0 ? NAN : l->h_pct[((int64_t)k * l->nlead + ld) * SX_HYDRO_NPCT + p], "%.4f");
            sx_strbuf_printf(&sb, ",%s\n", sx_signal_name(l->grade[(int64_t)k * l->nsteps + t]));
        }
    return sx__hydro_write_text(&sb, path);
}


sx_err sx_hydro_signals_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                  const sx_hydro_station_t *st)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "station,name,signal,onset,probability,peak_level,peak_time,warning_level,guaranteed_level,"
                        "historical_max_level,p_blue,p_yellow,p_orange,p_red,first_over_warning,first_over_guaranteed,"
                        "first_over_historical_max,p_over_warning,p_over_guaranteed,p_over_historical_max\n");
    for (int k = 0; k < l->nst; k++) {
        const sx_hydro_station_t *s = &st[k];
        sx_strbuf_printf(&sb, "%s,%s,%s,%s", s->id, s->name, sx_signal_name(l->sig[k]), lead_time(c, l, l->onset[k]));
        num(&sb, l->sig[k] ? l->p_sig[k * 5 + l->sig[k]] : NAN, "%.4f");
        sx_strbuf_printf(&sb, ",%.4f,%s", l->peak_h[k], lead_time(c, l, l->peak_at[k]));
        num(&sb, s->z_warn, "%.2f");
        num(&sb, s->z_guar, "%.2f");
        num(&sb, s->z_hist, "%.2f");
        for (int g = 1; g < 5; g++) num(&sb, l->p_sig[k * 5 + g], "%.4f");
        for (int j = 0; j < 3; j++) sx_strbuf_printf(&sb, ",%s", lead_time(c, l, l->first[k * 3 + j]));
        for (int j = 0; j < 3; j++) num(&sb, l->p_any[k * 3 + j], "%.4f");
        sx_strbuf_puts(&sb, "\n");
    }
    return sx__hydro_write_text(&sb, path);
}

static void set_num(OGRFeatureH f, const char *name, double v)
{
    const int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0) return;
    if (isnan(v))
        OGR_F_SetFieldNull(f, i);
    else
        OGR_F_SetFieldDouble(f, i, v);
}

static sx_err gpkg_layer(GDALDatasetH ds, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                         const sx_hydro_station_t *st)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "warning_signals", srs, wkbPoint, NULL);
    OSRDestroySpatialReference(srs);
    SX_FAIL_IF(!lyr, SX_ERR_IO, "cannot create the layer warning_signals");
    static const char *const text[] = {"station", "name", "signal", "onset", "peak_time", "hydrograph"};
    static const char *const real[] = {"probability", "peak_level", "warning_level", "guaranteed_level",
                                       "historical_max_level", "p_yellow", "p_red"};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(text[i], OFTString);
        OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    for (size_t i = 0; i < sizeof real / sizeof *real; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(real[i], OFTReal);
        OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    for (int k = 0; k < l->nst; k++) {
        const sx_hydro_station_t *s = &st[k];
        if (isnan(s->lon) || isnan(s->lat)) continue;
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        char img[96];
        snprintf(img, sizeof img, "hydrograph_%s.svg", s->id);
        const char *tv[] = {s->id, s->name, sx_signal_name(l->sig[k]), lead_time(c, l, l->onset[k]),
                            lead_time(c, l, l->peak_at[k]), img};
        for (size_t i = 0; i < sizeof text / sizeof *text; i++) OGR_F_SetFieldString(f, (int)i, tv[i]);
        set_num(f, "probability", l->sig[k] ? l->p_sig[k * 5 + l->sig[k]] : NAN);
        set_num(f, "peak_level", l->peak_h[k]);
        set_num(f, "warning_level", s->z_warn);
        set_num(f, "guaranteed_level", s->z_guar);
        set_num(f, "historical_max_level", s->z_hist);
        set_num(f, "p_yellow", l->p_sig[k * 5 + SX_SIGNAL_YELLOW]);
        set_num(f, "p_red", l->p_sig[k * 5 + SX_SIGNAL_RED]);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, s->lon, s->lat);
        OGR_F_SetGeometryDirectly(f, g);
        const OGRErr err = OGR_L_CreateFeature(lyr, f);
        OGR_F_Destroy(f);
        SX_FAIL_IF(err != OGRERR_NONE, SX_ERR_IO, "cannot write station '%s' to the signal layer", s->id);
    }
    return SX_OK;
}

sx_err sx_hydro_signals_write_gpkg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                   const sx_hydro_station_t *st)
{
    int any = 0;
    for (int k = 0; k < l->nst; k++) any |= !isnan(st[k].lon) && !isnan(st[k].lat);
    if (!any) return SX_OK;
    GDALAllRegister();
    sx_output_t out;
    SX_CHECK(sx_output_begin_local(path, &out));
    /* GDAL's GPKG driver warns unless the name ends in .gpkg: the temporary name with the extension last */
    const size_t n = strlen(out.tmp_path);
    sx_err e = n + 6 < sizeof out.tmp_path ? SX_OK : sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "path too long: %s", path);
    if (!e) {
        memcpy(out.tmp_path + n, ".gpkg", 6);
        unlink(out.tmp_path); /* a killed run's leftover */
        GDALDriverH drv = GDALGetDriverByName("GPKG");
        GDALDatasetH ds = drv ? GDALCreate(drv, out.tmp_path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
        e = ds ? gpkg_layer(ds, c, l, st) : sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot create '%s'", out.tmp_path);
        if (ds) GDALClose(ds);
    }
    return sx_output_commit_local(&out, e);
}

sx_err sx_hydro_signals_append_bulletin(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                        const sx_hydro_station_t *st)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    FILE *fp = fopen(sx_output_staged(path), "r"); /* written earlier in this step: staged until it ends */
    SX_FAIL_IF(!fp, SX_ERR_IO, "cannot read the bulletin '%s' to add the warning signals", path);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, fp)) > 0) {
        buf[n] = 0;
        sx_strbuf_puts(&sb, buf);
    }
    fclose(fp);
    sx_strbuf_puts(&sb, "\n## Water levels and warning signals (水情预警)\n\n"
                        "| station | signal | onset | probability | peak level (m) | at | 警戒 | 保证 | historical max |"
                        " first over 警戒 | P(over 警戒) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < l->nst; k++) {
        const sx_hydro_station_t *s = &st[k];
        sx_strbuf_printf(&sb, "| %s %s | **%s** | %s | ", s->id, s->name, sx_signal_name(l->sig[k]),
                         l->onset[k] >= 0 ? lead_time(c, l, l->onset[k]) : "-");
        if (l->sig[k] && !isnan(l->p_sig[k * 5 + l->sig[k]]))
            sx_strbuf_printf(&sb, "%.0f %%", 100 * l->p_sig[k * 5 + l->sig[k]]);
        else
            sx_strbuf_puts(&sb, "-");
        sx_strbuf_printf(&sb, " | %.2f | %s |", l->peak_h[k], lead_time(c, l, l->peak_at[k]));
        const double z[3] = {s->z_warn, s->z_guar, s->z_hist};
        for (int j = 0; j < 3; j++)
            if (isnan(z[j])) sx_strbuf_puts(&sb, " - |");
            else sx_strbuf_printf(&sb, " %.2f |", z[j]);
        sx_strbuf_printf(&sb, " %s |", l->first[k * 3] >= 0 ? lead_time(c, l, l->first[k * 3]) : "-");
        if (isnan(l->p_any[k * 3])) sx_strbuf_puts(&sb, " - |\n");
        else sx_strbuf_printf(&sb, " %.0f %% |\n", 100 * l->p_any[k * 3]);
    }
    sx_strbuf_puts(&sb, "\nSignals by the national water-regime grading (水利部《水情预警发布管理办法(试行)》): blue = "
                        "approaching 警戒水位, yellow > 警戒水位 or a 5-year flood, orange > 保证水位 or a 20-year flood, "
                        "red > the historical maximum or a 50-year flood. The signal is the highest grade of the "
                        "deterministic forecast within the lead; the probability is the share of ensemble members "
                        "reaching that grade or higher.\n");
    return sx__hydro_write_text(&sb, path);
}
