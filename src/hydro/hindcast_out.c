/*
 * hindcast_out.c — what a hindcast hands to the forecaster and to the
 * scheme's acceptance (方案评定): per-lead GB/T 22482 scores and per-event
 * details as CSV, every issue's forecasts as CSV, an SVG of the pass rate
 * against the lead (uncorrected and updated, with the 甲/乙/丙 lines) and a
 * Markdown summary. One rank writes; nothing here computes hydrology.
 */
#include <math.h>
#include <stdio.h>

#include "hydro/hydro_internal.h"
#include "sanxiang/sx_hydro_hindcast.h"

static const char *series_name(int s, const char *method) { return s ? method : "uncorrected"; }

static const char *grade(const sx_gbt_summary_t *g, int nev) { return nev > 0 && g->grade ? g->grade : "-"; }

sx_err sx_hydro_hindcast_write_scores(const char *path, const sx_hydro_hindcast_score_t *sc, int n, const char *method)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "lead,series,events,qualified,pass_rate,grade,dc,dc_grade,rmse\n");
    for (int i = 0; i < n; i++)
        for (int s = 0; s < (method ? 2 : 1); s++) {
            const sx_gbt_summary_t *g = &sc[i].sum[s];
            sx_strbuf_printf(&sb, "%lld,%s,%d,%d,", (long long)sc[i].lead, series_name(s, method), sc[i].nev,
                             sc[i].nev > 0 ? g->nqualified : 0);
            if (sc[i].nev > 0) sx_strbuf_printf(&sb, "%.1f", g->pass_rate);
            sx_strbuf_printf(&sb, ",%s,%.4f,%s,%.4f\n", grade(g, sc[i].nev), g->dc, sx_gbt22482_dc_grade(g->dc),
                             sc[i].rmse[s]);
        }
    return sx__hydro_write_text(&sb, path);
}

sx_err sx_hydro_hindcast_write_events(const char *path, const sx_hydro_forecast_cfg_t *c,
                                      const sx_hydro_hindcast_score_t *sc, int n, const char *method)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "lead,series,start,end,obs_peak,fc_peak,peak_err_pct,peak_time_err,obs_depth_mm,fc_depth_mm,"
                        "depth_err_mm,depth_allow_mm,qualified\n");
    for (int i = 0; i < n; i++)
        for (int s = 0; s < (method ? 2 : 1); s++)
            for (int k = 0; k < sc[i].nev; k++) {
                const sx_gbt_event_t *e = &sc[i].ev[s][k];
                sx_strbuf_printf(&sb, "%lld,%s,%s,%s,%.3f,%.3f,%.2f,%lld,%.3f,%.3f,%.3f,%.3f,%d\n", (long long)sc[i].lead,
                                 series_name(s, method), c->times->time[c->start + sc[i].from + e->start],
                                 c->times->time[c->start + sc[i].from + e->end], e->obs_peak, e->sim_peak,
                                 100 * e->peak_rel_err, (long long)e->peak_time_err, e->obs_depth, e->sim_depth,
                                 e->depth_err, e->depth_allow, e->qualified);
            }
    return sx__hydro_write_text(&sb, path);
}

sx_err sx_hydro_hindcast_write_forecasts(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_hindcast_t *h,
                                         const double *obs)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, h->corr ? "issue,lead,time,Q_obs,Q_sim,Q_corr\n" : "issue,lead,time,Q_obs,Q_sim\n");
    for (int64_t k = 0; k < h->nissue; k++)
        for (int64_t l = 1; l <= h->nlead; l++) {
            int64_t t = h->issue[k] + l;
            sx_strbuf_printf(&sb, "%s,%lld,%s,", c->times->time[c->start + h->issue[k]], (long long)l,
                             c->times->time[c->start + t]);
            if (isfinite(obs[t])) sx_strbuf_printf(&sb, "%.6f", obs[t]);
            sx_strbuf_printf(&sb, ",%.6f", h->sim[t]);
            if (h->corr) sx_strbuf_printf(&sb, ",%.6f", h->corr[k * h->nlead + l - 1]);
            sx_strbuf_puts(&sb, "\n");
        }
    return sx__hydro_write_text(&sb, path);
}

sx_err sx_hydro_hindcast_write_svg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_hindcast_score_t *sc,
                                   int n, const char *method)
{
    const double W = 640, H = 400, L = 60, R = 150, T = 40, B = 50;
#define PX(l) (L + (W - L - R) * ((double)(l) - 1) / (double)(n > 1 ? n - 1 : 1))
#define PY(v) (H - B - (H - T - B) * (v) / 100.0)
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\" "
                          "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H);
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"22\" font-size=\"15\">%s hindcast — GB/T 22482 pass rate by lead (%d "
                          "flood events)</text>\n", L, c->basin, n > 0 ? sc[0].nev : 0);
    for (int v = 0; v <= 100; v += 20)
        sx_strbuf_printf(&sb, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%g\" y=\"%.1f\" "
                              "text-anchor=\"end\">%d</text>\n", L, W - R, PY(v), PY(v), L - 6, PY(v) + 4, v);
    static const double lines[3] = {85, 70, 60};
    static const char *const names[3] = {"甲 85 %", "乙 70 %", "丙 60 %"};
    for (int k = 0; k < 3; k++)
        sx_strbuf_printf(&sb, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>"
                              "<text x=\"%g\" y=\"%.1f\" fill=\"#888\">%s</text>\n", L, W - R, PY(lines[k]), PY(lines[k]),
                         W - R + 4, PY(lines[k]) + 4, names[k]);
    for (int i = 0; i < n; i++)
        sx_strbuf_printf(&sb, "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%lld</text>\n", PX(i + 1), H - B + 16,
                         (long long)sc[i].lead);
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">lead (steps of %g h)</text>\n", (L + W - R) / 2,
                     H - 14, c->dt_hours);
    sx_strbuf_printf(&sb, "<text x=\"16\" y=\"%g\" transform=\"rotate(-90 16 %g)\">pass rate (%%)</text>\n", H / 2, H / 2);
    static const char *const col[2] = {"#636363", "#31a354"};
    for (int s = 0; s < (method ? 2 : 1); s++) {
        sx_strbuf_printf(&sb, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", col[s]);
        for (int i = 0; i < n; i++) sx_strbuf_printf(&sb, "%.1f,%.1f ", PX(i + 1), PY(sc[i].sum[s].pass_rate));
        sx_strbuf_puts(&sb, "\"/>\n");
        for (int i = 0; i < n; i++)
            sx_strbuf_printf(&sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", PX(i + 1),
                             PY(sc[i].sum[s].pass_rate), col[s]);
        sx_strbuf_printf(&sb, "\n<text x=\"%g\" y=\"%g\" fill=\"%s\">— %s</text>\n", W - R + 4, T + 14 + 16 * s, col[s],
                         series_name(s, method));
    }
    sx_strbuf_puts(&sb, "</svg>\n");
#undef PX
#undef PY
    return sx__hydro_write_text(&sb, path);
}

sx_err sx_hydro_hindcast_write_md(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_hindcast_t *h,
                                  const sx_hydro_hindcast_score_t *sc, int n, const char *method, double threshold)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "# Hindcast — %s\n\n%lld issue times from %s to %s, every %lld step(s) of %g h, lead %lld; "
                          "model %s; updating: %s.\n",
                     c->basin, (long long)h->nissue, c->times->time[c->start + h->issue[0]],
                     c->times->time[c->start + h->issue[h->nissue - 1]], (long long)h->every, c->dt_hours,
                     (long long)h->nlead, c->model, method ? method : "none");
    if (h->note[0]) sx_strbuf_printf(&sb, "%s.\n", h->note);
    if (n > 0)
        sx_strbuf_printf(&sb, "Scored from %s to %s: %d flood event(s) with observed discharge >= %g m³/s (GB/T "
                              "22482-2008: peak within 20 %%, peak time within 1 step, runoff depth within 20 %%).\n\n",
                         c->times->time[c->start + sc[0].from], c->times->time[c->start + sc[0].to - 1], sc[0].nev,
                         threshold);
    sx_strbuf_puts(&sb, method ? "| lead | pass rate uncorrected | grade | pass rate updated | grade | DC uncorrected | "
                                 "DC updated | RMSE uncorrected | RMSE updated |\n|---|---|---|---|---|---|---|---|---|\n"
                               : "| lead | pass rate | grade | DC | RMSE |\n|---|---|---|---|---|\n");
    for (int i = 0; i < n; i++) {
        const sx_gbt_summary_t *u = &sc[i].sum[0], *v = &sc[i].sum[1];
        if (method)
            sx_strbuf_printf(&sb, "| %lld | %.0f %% (%d/%d) | %s | %.0f %% (%d/%d) | %s | %.3f | %.3f | %.2f | %.2f |\n",
                             (long long)sc[i].lead, u->pass_rate, u->nqualified, sc[i].nev, grade(u, sc[i].nev),
                             v->pass_rate, v->nqualified, sc[i].nev, grade(v, sc[i].nev), u->dc, v->dc, sc[i].rmse[0],
                             sc[i].rmse[1]);
        else
            sx_strbuf_printf(&sb, "| %lld | %.0f %% (%d/%d) | %s | %.3f | %.2f |\n", (long long)sc[i].lead, u->pass_rate,
                             u->nqualified, sc[i].nev, grade(u, sc[i].nev), u->dc, sc[i].rmse[0]);
    }
    sx_strbuf_puts(&sb, "\nFiles: hindcast_scores.csv, hindcast_events.csv (every event per lead), "
                        "hindcast_forecasts.csv (every issue's forecast), hindcast_passrate.svg.\n");
    return sx__hydro_write_text(&sb, path);
}
