/*
 * levels_out.c — the forecaster's products of levels.c: levels.csv (the
 * level hydrograph per station with its ensemble band and signal),
 * signals.csv (one row per station: the issued signal, its onset and
 * probability, the peak level, the first time each threshold is exceeded),
 * signals.gpkg (the same as a point layer for the map, EPSG:4326), an SVG
 * level hydrograph per station with its ensemble band and the 警戒 / 保证 /
 * historical levels, and a section appended to bulletin.md. One rank writes, through temporary names.
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

/* Polyline of n points (x(t), y(v[t])) on an SVG canvas. */
typedef struct {
    double x0, dx, y0, ylo, yhi, hgt;
} frame_t;

static double fy(const frame_t *f, double v) { return f->y0 - f->hgt * (v - f->ylo) / (f->yhi - f->ylo); }

static void poly(sx_strbuf_t *sb, const frame_t *f, int64_t t0, int64_t n, const double *v, int64_t stride,
                 const char *style)
{
    sx_strbuf_printf(sb, "<polyline fill=\"none\" %s points=\"", style);
    for (int64_t t = 0; t < n; t++) sx_strbuf_printf(sb, "%.1f,%.1f ", f->x0 + f->dx * (double)(t0 + t), fy(f, v[t * stride]));
    sx_strbuf_puts(sb, "\"/>\n");
}

sx_err sx_hydro_levels_write_svg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                 const sx_hydro_station_t *st, int k)
{
    const sx_hydro_station_t *s = &st[k];
    const int64_t n = l->nsteps, nl = l->nlead, nh = n - nl;
    const double *h = l->h_det + (int64_t)k * n, *pc = l->h_pct + (int64_t)k * nl * SX_HYDRO_NPCT;
    const double thr[3] = {s->z_warn, s->z_guar, s->z_hist};
    double lo = INFINITY, hi = -INFINITY;
    for (int64_t t = 0; t < n; t++) lo = fmin(lo, h[t]), hi = fmax(hi, h[t]);
    for (int64_t i = 0; i < nl * SX_HYDRO_NPCT; i++)
        if (!isnan(pc[i])) lo = fmin(lo, pc[i]), hi = fmax(hi, pc[i]);
    for (int j = 0; j < 3; j++)
        if (!isnan(thr[j])) lo = fmin(lo, thr[j]), hi = fmax(hi, thr[j]);
    const double pad = fmax(0.25, 0.08 * (hi - lo));
    const frame_t f = {70, 810.0 / (double)(n > 1 ? n - 1 : 1), 370, lo - pad, hi + pad, 330};
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"420\" "
                          "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
                          "fill=\"white\"/>\n<text x=\"70\" y=\"22\" font-size=\"15\">%s %s — water level, issued %s: "
                          "signal %s</text>\n", s->id, s->name, c->times->time[c->issue], sx_signal_name(l->sig[k]));
    for (int g = 0; g <= 5; g++) {
        const double v = f.ylo + (f.yhi - f.ylo) * g / 5;
        sx_strbuf_printf(&sb, "<line x1=\"70\" x2=\"880\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"64\" "
                              "y=\"%.1f\" text-anchor=\"end\">%.2f</text>\n", fy(&f, v), fy(&f, v), fy(&f, v) + 4, v);
    }
    for (int g = 0; g <= 4; g++) {
        const int64_t t = (n - 1) * g / 4;
        sx_strbuf_printf(&sb, "<text x=\"%.1f\" y=\"392\" text-anchor=\"middle\">%s</text>\n", f.x0 + f.dx * (double)t,
                         c->times->time[c->start + t]);
    }
    sx_strbuf_printf(&sb, "<text x=\"16\" y=\"210\" transform=\"rotate(-90 16 210)\">level (m)</text>\n"
                          "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"40\" y2=\"370\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n",
                     f.x0 + f.dx * (double)(nh - 1), f.x0 + f.dx * (double)(nh - 1));
    if (l->members > 0 && !isnan(pc[0])) {
        poly(&sb, &f, nh, nl, pc + 4, SX_HYDRO_NPCT, "stroke=\"#9ecae1\" stroke-width=\"1.5\"");
        poly(&sb, &f, nh, nl, pc + 0, SX_HYDRO_NPCT, "stroke=\"#9ecae1\" stroke-width=\"1.5\"");
        poly(&sb, &f, nh, nl, pc + 2, SX_HYDRO_NPCT, "stroke=\"#3182bd\" stroke-dasharray=\"5 3\"");
    }
    poly(&sb, &f, 0, n, h, 1, "stroke=\"#08519c\" stroke-width=\"2\"");
    static const char *const name[3] = {"警戒 warning", "保证 guaranteed", "historical max"};
    static const char *const col[3] = {"#f0a30a", "#e6550d", "#a50f15"};
    for (int j = 0; j < 3; j++)
        if (!isnan(thr[j]))
            sx_strbuf_printf(&sb, "<line x1=\"70\" x2=\"880\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/><text x=\"876\" "
                                  "y=\"%.1f\" fill=\"%s\" text-anchor=\"end\">%s %.2f m</text>\n",
                             fy(&f, thr[j]), fy(&f, thr[j]), col[j], fy(&f, thr[j]) - 4, col[j], name[j], thr[j]);
    sx_strbuf_puts(&sb, "<text x=\"70\" y=\"412\">— forecast level   ··· ensemble 5 % / 95 %   - - median   | issue</text>\n"
                        "</svg>\n");
    return sx__hydro_write_text(&sb, path);
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
