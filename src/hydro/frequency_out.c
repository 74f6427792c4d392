/*
 * frequency_out.c — what a flood frequency analysis hands over: the CSV of
 * empirical frequencies, parameters and design values, and the frequency
 * curve as SVG on normal probability paper (the x axis is the standard
 * normal deviate of the exceedance frequency, as on 海森机率格纸), drawn the
 * way forecast_out.c draws hydrographs. Every file goes through
 * sx_write_text_file (temporary name, rename; staged in a transaction).
 * Nothing here computes statistics beyond evaluating the fitted curve.
 */
#include <math.h>
#include <stdio.h>

#include "hydro_internal.h"
#include "sanxiang/sx_hydro_freq.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

static sx_err params_rows(sx_strbuf_t *sb, const sx_p3_params_t *p, const char *method)
{
    sx_strbuf_printf(sb, "mean,,%.10g,,,,%s\nCv,,%.10g,,,,%s\nCs,,%.10g,,,,%s\n", p->mean, method, p->cv, method,
                     p->cs, method);
    for (int k = 0; k < SX_FREQ_NSTD; k++) {
        double x;
        SX_CHECK(sx_p3_quantile(p->mean, p->cv, p->cs, sx_freq_std_pct[k] / 100, &x));
        sx_strbuf_printf(sb, "design,,%.10g,,%g,%g,%s\n", x, sx_freq_std_pct[k], 100 / sx_freq_std_pct[k], method);
    }
    return SX_OK;
}

sx_err sx_freq_write_csv(const char *path, const sx_freq_sample_t *s, const sx_p3_params_t *mom,
                         const sx_p3_params_t *fit)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "item,year,value,rank,frequency_pct,return_period_years,method\n");
    for (int i = 0; i < s->count; i++) {
        const sx_flood_t *f = &s->floods[i];
        sx_strbuf_printf(&sb, "%s,%d,%.10g,%d,%.10g,%.10g,empirical\n", f->extraordinary ? "extraordinary" : "measured",
                         f->year, f->value, f->rank, 100 * f->freq, 1 / f->freq);
    }
    sx_err e = params_rows(&sb, mom, "moments");
    if (!e && fit) e = params_rows(&sb, fit, "curve");
    if (e) {
        sx_strbuf_fini(&sb);
        return e;
    }
    return sx__hydro_write_text(&sb, path);
}

/* Probabilities (percent) labelled on the x axis. */
static const double ticks[] = {0.01, 0.1, 1, 5, 10, 20, 50, 80, 95, 99, 99.9};
#define NTICK (sizeof ticks / sizeof *ticks)

static sx_err curve(sx_strbuf_t *sb, const sx_p3_params_t *p, double zmin, double zmax, double W, double L, double R,
                    double H, double T, double B, double ymax, const char *style)
{
    sx_strbuf_printf(sb, "<polyline fill=\"none\" %s points=\"", style);
    for (int k = 0; k <= 200; k++) {
        double z = zmax - (zmax - zmin) * k / 200, x, pr;
        pr = 0.5 * erfc(z / M_SQRT2);
        SX_CHECK(sx_p3_quantile(p->mean, p->cv, p->cs, pr, &x));
        if (x < 0 || x > ymax) continue;
        sx_strbuf_printf(sb, "%.1f,%.1f ", L + (W - L - R) * (zmax - z) / (zmax - zmin), H - B - (H - T - B) * x / ymax);
    }
    sx_strbuf_puts(sb, "\"/>\n");
    return SX_OK;
}

sx_err sx_freq_write_svg(const char *path, const sx_freq_sample_t *s, const sx_p3_params_t *mom,
                         const sx_p3_params_t *fit, const char *title)
{
    const double W = 900, H = 520, L = 70, R = 20, T = 40, B = 60;
    double zmax, zmin; /* deviates of the exceedance probabilities 0.01 % and 99.9 % */
    SX_CHECK(sx_normal_q_inv(1e-4, &zmax));
    SX_CHECK(sx_normal_q_inv(0.999, &zmin));
    const sx_p3_params_t *use = fit ? fit : mom;
    double top;
    SX_CHECK(sx_p3_quantile(use->mean, use->cv, use->cs, 1e-4, &top));
    double ymax = fmax(top, s->floods[0].value);
    double mag = pow(10, floor(log10(ymax))), step = ymax / mag > 5 ? mag : ymax / mag > 2 ? mag / 2 : mag / 5;
    ymax = ceil(ymax * 1.02 / step) * step;
#define PX(z) (L + (W - L - R) * (zmax - (z)) / (zmax - zmin))
#define PY(v) (H - B - (H - T - B) * (v) / ymax)
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\" "
                          "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H);
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"22\" font-size=\"15\">%s — P-III, N = %d, n = %d, a = %d, l = %d</text>\n", L,
                     title ? title : "flood frequency curve", s->N, s->n, s->a, s->l);
    for (double v = 0; v <= ymax + step / 2; v += step)
        sx_strbuf_printf(&sb, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                              "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
                         L, W - R, PY(v), PY(v), L - 6, PY(v) + 4, v);
    for (size_t k = 0; k < NTICK; k++) {
        double z;
        SX_CHECK(sx_normal_q_inv(ticks[k] / 100, &z));
        sx_strbuf_printf(&sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" stroke=\"#ddd\"/>"
                              "<text x=\"%.1f\" y=\"%g\" text-anchor=\"middle\">%g</text>\n",
                         PX(z), PX(z), T, H - B, PX(z), H - B + 16, ticks[k]);
    }
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">exceedance frequency P (%%) 频率</text>\n",
                     (W + L - R) / 2, H - B + 34);
    sx_strbuf_printf(&sb, "<text x=\"16\" y=\"%g\" transform=\"rotate(-90 16 %g)\">flood peak</text>\n", H / 2, H / 2);
    sx_err e = curve(&sb, mom, zmin, zmax, W, L, R, H, T, B, ymax,
                     fit ? "stroke=\"#3182bd\" stroke-dasharray=\"6 4\"" : "stroke=\"#08519c\" stroke-width=\"2\"");
    if (!e && fit) e = curve(&sb, fit, zmin, zmax, W, L, R, H, T, B, ymax, "stroke=\"#08519c\" stroke-width=\"2\"");
    for (int i = 0; !e && i < s->count; i++) {
        double z;
        e = sx_normal_q_inv(s->floods[i].freq, &z);
        if (e) break;
        double x = PX(z), y = PY(s->floods[i].value);
        if (s->floods[i].extraordinary)
            sx_strbuf_printf(&sb, "<path d=\"M%.1f %.1fl4 7h-8z\" fill=\"#a50f15\"/>", x, y - 4.5);
        else
            sx_strbuf_printf(&sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"black\"/>", x, y);
    }
    sx_strbuf_puts(&sb, "\n");
    sx_strbuf_printf(&sb, "<text x=\"%g\" y=\"%g\">● measured   ▲ extraordinary   — %s (mean %.4g, Cv %.3g, Cs %.3g)%s</text>\n",
                     L, H - 8, fit ? "curve fit" : "moments", use->mean, use->cv, use->cs, fit ? "   - - moments" : "");
    sx_strbuf_puts(&sb, "</svg>\n");
#undef PX
#undef PY
    if (e) {
        sx_strbuf_fini(&sb);
        return e;
    }
    return sx__hydro_write_text(&sb, path);
}
