/*
 * forecast_out.c — what a forecast run hands to the bureau: a CSV table,
 * a netCDF-4/HDF5 file of hydrographs, an SVG hydrograph per station
 * (observed, forecast, ensemble 5–95 % band, warning and guaranteed
 * discharge) and a short Markdown bulletin. Every file is written by one
 * rank under a temporary name and renamed (sx_write_text_file, or .part +
 * rename for HDF5). Nothing here computes hydrology.
 */
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_eval.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

static const char *tlabel(const sx_hydro_forecast_cfg_t *c, int64_t step) { return c->times->time[c->start + step]; }

static double obs_at(const sx_hydro_forecast_extra_t *x, int node, int64_t step)
{
    return x && x->obs && x->obs_node == node ? x->obs[step] : NAN;
}

sx_err sx_hydro_forecast_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                   const sx_hydro_forecast_extra_t *x)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    const int corr = x && x->q_corr;
    sx_strbuf_puts(&sb, corr ? "node,time,phase,lead,Q_det,Q_obs,p05,p25,p50,p75,p95,p_warn,p_guar,Q_corr\n"
                             : "node,time,phase,lead,Q_det,Q_obs,p05,p25,p50,p75,p95,p_warn,p_guar\n");
    int64_t nh = f->nsteps - f->nlead;
    for (int i = 0; i < f->nnodes; i++)
        for (int64_t t = 0; t < f->nsteps; t++) {
            int64_t l = t - nh;
            double o = obs_at(x, i, t);
            sx_strbuf_printf(&sb, "%s,%s,%s,%lld,%.6f,", c->nodes[i].id, tlabel(c, t), l < 0 ? "observed" : "forecast",
                             (long long)(l < 0 ? 0 : l + 1), f->q_det[(int64_t)i * f->nsteps + t]);
            if (!isnan(o)) sx_strbuf_printf(&sb, "%.6f", o);
            for (int p = 0; p < SX_HYDRO_NPCT; p++) {
                if (l >= 0 && f->pct) sx_strbuf_printf(&sb, ",%.6f", f->pct[((int64_t)i * f->nlead + l) * SX_HYDRO_NPCT + p]);
                else sx_strbuf_puts(&sb, ",");
            }
            double pw = l >= 0 && f->p_warn ? f->p_warn[(int64_t)i * f->nlead + l] : NAN;
            double pg = l >= 0 && f->p_guar ? f->p_guar[(int64_t)i * f->nlead + l] : NAN;
            if (!isnan(pw)) sx_strbuf_printf(&sb, ",%.4f", pw);
            else sx_strbuf_puts(&sb, ",");
            if (!isnan(pg)) sx_strbuf_printf(&sb, ",%.4f", pg);
            else sx_strbuf_puts(&sb, ",");
            if (corr && i == x->obs_node && l >= 0) sx_strbuf_printf(&sb, ",%.6f", x->q_corr[l]);
            else if (corr) sx_strbuf_puts(&sb, ",");
            sx_strbuf_puts(&sb, "\n");
        }
    return sx__hydro_write_text(&sb, path);
}

sx_err sx_hydro_forecast_write_areal(const char *path, const sx_hydro_forecast_cfg_t *c)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "time");
    for (int i = 0; i < c->nnodes; i++)
        if (c->nodes[i].area_km2 > 0) sx_strbuf_printf(&sb, ",%s", c->nodes[i].id);
    for (int i = 0; c->node_e && i < c->nnodes; i++)
        if (c->nodes[i].area_km2 > 0) sx_strbuf_printf(&sb, ",E_%s", c->nodes[i].id);
    sx_strbuf_puts(&sb, "\n");
    for (int64_t t = c->start; t <= c->issue + c->nlead; t++) {
        sx_strbuf_puts(&sb, c->times->time[t]);
        for (int i = 0; i < c->nnodes; i++)
            if (c->nodes[i].area_km2 > 0) sx_strbuf_printf(&sb, ",%.17g", sx_hydro_forecast_areal_rain(c, i, t));
        for (int i = 0; c->node_e && i < c->nnodes; i++)
            if (c->nodes[i].area_km2 > 0) sx_strbuf_printf(&sb, ",%.17g", c->node_e[i][t]);
        sx_strbuf_puts(&sb, "\n");
    }
    return sx__hydro_write_text(&sb, path);
}

#define H5TRY(call, what)                                                                 \
    do {                                                                                  \
        if ((call) < 0) {                                                                 \
            err = sx_err_set(SX_ERR_HDF5, SX__FILE, __LINE__, "cannot write %s to %s", what, tmp); \
            goto done;                                                                    \
        }                                                                                 \
    } while (0)

static herr_t set_str(hid_t f, const char *obj, const char *name, const char *v)
{
    return H5LTset_attribute_string(f, obj, name, v);
}

sx_err sx_hydro_forecast_write_h5(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                  const sx_hydro_forecast_extra_t *x)
{
    sx_output_t out; /* hidden temporary name, committed with the step's other products */
    SX_CHECK(sx_output_begin_local(path, &out));
    const char *tmp = out.tmp_path;
    {
        char dir[SX_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            *slash = '\0';
            SX_CHECK(sx_mkdir_p(dir));
        }
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t h = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    SX_FAIL_IF(h < 0, SX_ERR_IO, "cannot create '%s'", tmp);
    sx_err err = SX_OK;
    double *tv = malloc((size_t)f->nsteps * sizeof *tv), *lv = malloc((size_t)f->nlead * sizeof *lv);
    double nodev[256], pv[SX_HYDRO_NPCT] = {5, 25, 50, 75, 95};
    if (!tv || !lv) {
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        goto done;
    }
    const sx_hydro_series_t *s = c->times;
    for (int64_t t = 0; t < f->nsteps; t++) tv[t] = s->time_is_date ? s->t[c->start + t] / 3600.0 : s->t[c->start + t];
    for (int64_t l = 0; l < f->nlead; l++) lv[l] = (double)(l + 1) * c->dt_hours;
    for (int i = 0; i < f->nnodes; i++) nodev[i] = i;
    hsize_t nt = (hsize_t)f->nsteps, nl = (hsize_t)f->nlead, nn = (hsize_t)f->nnodes, np = SX_HYDRO_NPCT;
    H5TRY(H5LTmake_dataset_double(h, "time", 1, &nt, tv), "time");
    H5TRY(set_str(h, "time", "units", s->time_is_date ? "hours since 1970-01-01 00:00:00" : "1"), "time units");
    H5TRY(set_str(h, "time", "long_name", s->time_is_date ? "valid time" : "step number of the forcing"), "time");
    H5TRY(H5LTmake_dataset_double(h, "lead", 1, &nl, lv), "lead");
    H5TRY(set_str(h, "lead", "units", "hours"), "lead units");
    H5TRY(set_str(h, "lead", "long_name", "forecast lead time after the issue time"), "lead");
    H5TRY(H5LTmake_dataset_double(h, "node", 1, &nn, nodev), "node");
    H5TRY(H5LTmake_dataset_double(h, "percentile", 1, &np, pv), "percentile");
    H5TRY(set_str(h, "percentile", "units", "percent"), "percentile units");
    {
        sx_strbuf_t ids;
        sx_strbuf_init(&ids);
        for (int i = 0; i < f->nnodes; i++) sx_strbuf_printf(&ids, "%s%s", i ? " " : "", c->nodes[i].id);
        herr_t r = ids.failed ? -1 : set_str(h, "node", "node_ids", ids.data);
        sx_strbuf_fini(&ids);
        H5TRY(r, "node ids");
    }
    const char *scales[] = {"time", "lead", "node", "percentile"};
    for (int i = 0; i < 4; i++) {
        hid_t d = H5Dopen2(h, scales[i], H5P_DEFAULT);
        H5TRY(d, scales[i]);
        herr_t r = H5DSset_scale(d, scales[i]);
        H5Dclose(d);
        H5TRY(r, "dimension scale");
    }
    hsize_t d2[2] = {nn, nt};
    H5TRY(H5LTmake_dataset_double(h, "Q_det", 2, d2, f->q_det), "Q_det");
    H5TRY(set_str(h, "Q_det", "units", "m3 s-1"), "Q_det units");
    H5TRY(set_str(h, "Q_det", "long_name", "deterministic discharge (observed rain, then forecast rain)"), "Q_det");
    const char *dims_det[] = {"node", "time"};
    const char *vars[4] = {"Q_det", NULL, NULL, NULL};
    int nvars = 1;
    if (f->pct) {
        hsize_t d3[3] = {nn, nl, np}, dl[2] = {nn, nl};
        H5TRY(H5LTmake_dataset_double(h, "Q_pct", 3, d3, f->pct), "Q_pct");
        H5TRY(set_str(h, "Q_pct", "units", "m3 s-1"), "Q_pct units");
        H5TRY(set_str(h, "Q_pct", "long_name", "ensemble discharge percentiles"), "Q_pct");
        H5TRY(H5LTmake_dataset_double(h, "p_warn", 2, dl, f->p_warn), "p_warn");
        H5TRY(set_str(h, "p_warn", "units", "1"), "p_warn");
        H5TRY(set_str(h, "p_warn", "long_name", "probability of exceeding the warning discharge"), "p_warn");
        H5TRY(H5LTmake_dataset_double(h, "p_guar", 2, dl, f->p_guar), "p_guar");
        H5TRY(set_str(h, "p_guar", "units", "1"), "p_guar");
        H5TRY(set_str(h, "p_guar", "long_name", "probability of exceeding the guaranteed discharge"), "p_guar");
        vars[1] = "Q_pct";
        vars[2] = "p_warn";
        vars[3] = "p_guar";
        nvars = 4;
    }
    for (int v = 0; v < nvars; v++) {
        hid_t d = H5Dopen2(h, vars[v], H5P_DEFAULT);
        H5TRY(d, vars[v]);
        const char *dimn[3] = {"node", v == 0 ? dims_det[1] : "lead", "percentile"};
        int nd = v == 1 ? 3 : 2;
        for (int k = 0; k < nd; k++) {
            hid_t sc = H5Dopen2(h, dimn[k], H5P_DEFAULT);
            herr_t r = sc < 0 ? -1 : H5DSattach_scale(d, sc, (unsigned)k);
            if (sc >= 0) H5Dclose(sc);
            if (r < 0) {
                H5Dclose(d);
                H5TRY(-1, "dimension attachment");
            }
        }
        H5Dclose(d);
    }
    H5TRY(set_str(h, "/", "Conventions", "CF-1.8"), "Conventions");
    H5TRY(set_str(h, "/", "title", "sanxiang hydrological forecast"), "title");
    H5TRY(set_str(h, "/", "basin", c->basin), "basin");
    H5TRY(set_str(h, "/", "issue_time", c->times->time[c->issue]), "issue time");
    if (x && x->provenance) H5TRY(set_str(h, "/", "sanxiang_provenance", x->provenance), "provenance");
done:
    free(tv);
    free(lv);
    if (H5Fclose(h) < 0 && !err) err = sx_err_set(SX_ERR_HDF5, SX__FILE, __LINE__, "cannot close %s", tmp);
    return sx_output_commit_local(&out, err);
}

sx_err sx_hydro_forecast_write_svg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                   const sx_hydro_forecast_extra_t *x, int node)
{
    const double W = 900, H = 420, L = 70, R = 20, T = 40, B = 50;
    const int64_t n = f->nsteps, nh = n - f->nlead;
    const double *q = f->q_det + (int64_t)node * n;
    const sx_hydro_node_t *d = &c->nodes[node];
    double ymax = 1;
    for (int64_t t = 0; t < n; t++) {
        ymax = fmax(ymax, q[t]);
        if (!isnan(obs_at(x, node, t))) ymax = fmax(ymax, obs_at(x, node, t));
        if (t >= nh && f->pct) ymax = fmax(ymax, f->pct[((int64_t)node * f->nlead + t - nh) * SX_HYDRO_NPCT + 4]);
        if (t >= nh && x && x->q_corr && x->obs_node == node) ymax = fmax(ymax, x->q_corr[t - nh]);
    }
    ymax = fmax(ymax, d->guar_q) * 1.08;
#define PX(t) (L + (W - L - R) * (double)(t) / (double)(n > 1 ? n - 1 : 1))
#define PY(v) (H - B - (H - T - B) * (v) / ymax)
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\" "
                          "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H);
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"22\" font-size=\"15\">%s — %s, issued %s (%d members)</text>\n", L,
                     c->basin, d->id, c->times->time[c->issue], f->members);
    for (int k = 0; k <= 5; k++) { /* y grid */
        double v = ymax * k / 5;
        sx_strbuf_printf(&sb, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                              "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n",
                         L, W - R, PY(v), PY(v), L - 6, PY(v) + 4, v);
    }
    sx_strbuf_printf(&sb, "<text x=\"16\" y=\"%g\" transform=\"rotate(-90 16 %g)\">Q (m³/s)</text>\n", H / 2, H / 2);
    for (int k = 0; k <= 4; k++) {
        int64_t t = (n - 1) * k / 4;
        sx_strbuf_printf(&sb, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%s</text>\n", PX(t), H - B + 18, tlabel(c, t));
    }
    sx_strbuf_printf(&sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>"
                          "<text x=\"%.1f\" y=\"%g\">issue</text>\n", PX(nh - 1), PX(nh - 1), T, H - B, PX(nh - 1) + 3, T + 12);
    if (f->pct && f->nlead > 0) { /* 5-95 % band and median */
        sx_strbuf_puts(&sb, "<polygon fill=\"#9ecae1\" fill-opacity=\"0.6\" points=\"");
        for (int64_t l = 0; l < f->nlead; l++)
            sx_strbuf_printf(&sb, "%.1f,%.1f ", PX(nh + l), PY(f->pct[((int64_t)node * f->nlead + l) * SX_HYDRO_NPCT + 4]));
        for (int64_t l = f->nlead - 1; l >= 0; l--)
            sx_strbuf_printf(&sb, "%.1f,%.1f ", PX(nh + l), PY(f->pct[((int64_t)node * f->nlead + l) * SX_HYDRO_NPCT + 0]));
        sx_strbuf_puts(&sb, "\"/>\n<polyline fill=\"none\" stroke=\"#3182bd\" stroke-dasharray=\"5 3\" points=\"");
        for (int64_t l = 0; l < f->nlead; l++)
            sx_strbuf_printf(&sb, "%.1f,%.1f ", PX(nh + l), PY(f->pct[((int64_t)node * f->nlead + l) * SX_HYDRO_NPCT + 2]));
        sx_strbuf_puts(&sb, "\"/>\n");
    }
    sx_strbuf_puts(&sb, "<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"");
    for (int64_t t = 0; t < n; t++) sx_strbuf_printf(&sb, "%.1f,%.1f ", PX(t), PY(q[t]));
    sx_strbuf_puts(&sb, "\"/>\n");
    if (x && x->q_corr && x->obs_node == node) { /* updated forecast, from the last simulated step */
        sx_strbuf_printf(&sb, "<polyline fill=\"none\" stroke=\"#31a354\" stroke-width=\"2\" points=\"%.1f,%.1f ",
                         PX(nh - 1), PY(q[nh - 1]));
        for (int64_t l = 0; l < f->nlead; l++) sx_strbuf_printf(&sb, "%.1f,%.1f ", PX(nh + l), PY(x->q_corr[l]));
        sx_strbuf_printf(&sb, "\"/>\n<text x=\"%g\" y=\"%g\" fill=\"#31a354\">— corrected (%s)</text>\n", W - R - 190,
                         T + 12, x->corr_method ? x->corr_method : "");
    }
    if (x && x->obs && x->obs_node == node) {
        for (int64_t t = 0; t < n; t++)
            if (!isnan(x->obs[t]))
                sx_strbuf_printf(&sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"black\"/>", PX(t), PY(x->obs[t]));
        sx_strbuf_puts(&sb, "\n");
    }
    const double lv[2] = {d->warn_q, d->guar_q};
    const char *ln[2] = {"warning 警戒", "guaranteed 保证"}, *lc[2] = {"#e6550d", "#a50f15"};
    for (int k = 0; k < 2; k++)
        if (lv[k] > 0)
            sx_strbuf_printf(&sb, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>"
                                  "<text x=\"%g\" y=\"%.1f\" fill=\"%s\" text-anchor=\"end\">%s %.0f</text>\n",
                             L, W - R, PY(lv[k]), PY(lv[k]), lc[k], W - R - 4, PY(lv[k]) - 4, lc[k], ln[k], lv[k]);
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"%g\">● observed   — forecast   ▬ ensemble 5–95%%   - - median</text>\n",
                     L, H - 12);
    sx_strbuf_puts(&sb, "</svg>\n");
#undef PX
#undef PY
    return sx__hydro_write_text(&sb, path);
}

sx_err sx_hydro_forecast_write_bulletin(const char *path, const sx_hydro_forecast_cfg_t *c,
                                        const sx_hydro_forecast_t *f, const sx_hydro_forecast_extra_t *x)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    const int64_t n = f->nsteps, nh = n - f->nlead;
    sx_strbuf_printf(&sb, "# Flood forecast bulletin — %s\n\nIssued for %s; lead %lld steps of %g h; model %s; %d ensemble "
                          "members (rain perturbation σ = %g).\n",
                     c->basin, c->times->time[c->issue], (long long)f->nlead, c->dt_hours, c->model, f->members,
                     c->rain_sigma);
    sx_strbuf_printf(&sb, "Started from %s.\n\n", f->state_time[0] ? f->state_time : "a cold state (no hot start)");
    sx_strbuf_puts(&sb, "| station | forecast peak (m³/s) | at | ensemble 95 % peak | warning | guaranteed | max P(>warning) "
                        "| max P(>guaranteed) | status |\n|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < f->nnodes; i++) {
        const sx_hydro_node_t *d = &c->nodes[i];
        if (d->warn_q <= 0 && d->guar_q <= 0 && d->down[0]) continue; /* stations: warning levels or outlets */
        const double *q = f->q_det + (int64_t)i * n;
        int64_t pk = nh;
        for (int64_t t = nh; t < n; t++)
            if (q[t] > q[pk]) pk = t;
        double p95 = NAN, pw = 0, pg = 0;
        if (f->pct)
            for (int64_t l = 0; l < f->nlead; l++) {
                p95 = fmax(isnan(p95) ? 0 : p95, f->pct[((int64_t)i * f->nlead + l) * SX_HYDRO_NPCT + 4]);
                if (!isnan(f->p_warn[(int64_t)i * f->nlead + l])) pw = fmax(pw, f->p_warn[(int64_t)i * f->nlead + l]);
                if (!isnan(f->p_guar[(int64_t)i * f->nlead + l])) pg = fmax(pg, f->p_guar[(int64_t)i * f->nlead + l]);
            }
        const char *status = "normal";
        if (d->guar_q > 0 && q[pk] > d->guar_q) status = "**above guaranteed discharge 超保证**";
        else if (d->warn_q > 0 && q[pk] > d->warn_q) status = "**above warning discharge 超警戒**";
        else if (pw >= 0.2) status = "watch: warning discharge possible";
        sx_strbuf_printf(&sb, "| %s | %.1f | %s | %.1f | %.0f | %.0f | %.0f %% | %.0f %% | %s |\n", d->id, q[pk], tlabel(c, pk),
                         p95, d->warn_q, d->guar_q, 100 * pw, 100 * pg, status);
    }
    if (x && x->obs && nh > 2) {
        double dc;
        if (sx_hydro_score(SX_OBJ_NSE, x->obs, f->q_det + (int64_t)x->obs_node * n, 0, nh, &dc) == SX_OK) {
            sx_strbuf_printf(&sb, "\nFit over the observed period at %s: DC (NSE) = %.3f, grade %s (GB/T 22482-2008).\n",
                             c->nodes[x->obs_node].id, dc, sx_gbt22482_dc_grade(dc));
            if (x->event_threshold > 0) {
                sx_gbt_event_t ev[64];
                int nev;
                sx_gbt_summary_t sum;
                sx_hydro_find_events(x->obs, nh, x->event_threshold, 2, ev, 64, &nev);
                if (nev > 64) nev = 64;
                double area = 0; /* basin upstream of the outlet: all sub-basins */
                for (int i = 0; i < f->nnodes; i++) area += c->nodes[i].area_km2;
                double depth = 3.6 * c->dt_hours / area;
                if (nev > 0 &&
                    sx_gbt22482_evaluate(x->obs, f->q_det + (int64_t)x->obs_node * n, nh, 0, depth, ev, nev, &sum) == SX_OK)
                    sx_strbuf_printf(&sb, "Flood events (obs >= %g m³/s): %d, qualified %d, pass rate %.0f %% — grade %s.\n",
                                     x->event_threshold, sum.nevents, sum.nqualified, sum.pass_rate, sum.grade);
            }
        }
        sx_err_clear();
    }
    if (f->nres > 0) sx__hydro_bulletin_reservoirs(&sb, c, f);
    if (x && x->q_corr) sx__hydro_bulletin_correction(&sb, c, f, x);
    sx_strbuf_puts(&sb, "\nFiles: forecast.csv (all series), hydrographs.nc (netCDF-4), one SVG hydrograph per station, "
                        "state for the next run's hot start.\n");
    return sx__hydro_write_text(&sb, path);
}
