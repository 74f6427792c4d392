/*
 * svg.c — charts of an index run as plain SVG (no plotting library): the
 * ranked bar chart with each pillar's contribution stacked (for arithmetic
 * aggregation the contributions, effective weight x pillar score, add up to
 * the index; otherwise plain bars), and the rank-uncertainty chart (median
 * rank and 5-95 % interval per unit against the nominal rank). Text is
 * escaped; colours come from a fixed qualitative palette (Okabe & Ito 2008),
 * readable by colour-blind readers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"

static const char *palette[] = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"};

static void esc(sx_strbuf_t *sb, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') sx_strbuf_puts(sb, "&lt;");
        else if (*s == '>') sx_strbuf_puts(sb, "&gt;");
        else if (*s == '&') sx_strbuf_puts(sb, "&amp;");
        else if (*s == '"') sx_strbuf_puts(sb, "&quot;");
        else sx_strbuf_putn(sb, s, 1);
    }
}

static void label(sx_strbuf_t *sb, const sx_econ_data_t *d, int u)
{
    esc(sb, d->unit[u]);
    if (d->uname[u][0]) sx_strbuf_puts(sb, " "), esc(sb, d->uname[u]);
}

typedef struct {
    double v;
    int u;
} vu_t;

static int by_rank(const void *a, const void *b)
{
    const vu_t *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return x->u - y->u;
}

sx_err sx_econ_svg_bars(MPI_Comm comm, const sx_econ_index_opts_t *o, const sx_econ_index_t *r, const char *dir)
{
    const sx_econ_frame_t *f = r->frame;
    const sx_econ_data_t *d = r->data;
    const int nu = d->n_unit, nn = f->n_node, root = nn - 1;
    int arith = 1, np = 0;
    for (int l = 0; l < f->n_level - 1; l++) arith &= o->agg[l] == SX_AGG_ARITH;
    int *pil = malloc((size_t)nn * sizeof *pil);
    double *eff = malloc((size_t)nn * sizeof *eff);
    vu_t *ord = malloc((size_t)(nu ? nu : 1) * sizeof *ord);
    SX_FAIL_IF(!pil || !eff || !ord, SX_ERR_NOMEM, "out of memory");
    for (int j = 0; j < nn; j++) {
        eff[j] = 1;
        for (int k = j; f->parent[k] >= 0; k = f->parent[k]) eff[j] *= r->weight[k];
        if (f->level[j] == 2) pil[np++] = j;
    }
    for (int u = 0; u < nu; u++) ord[u].v = r->rank[(int64_t)u * nn + root], ord[u].u = u;
    qsort(ord, (size_t)nu, sizeof *ord, by_rank);
    const int bar = 16, left = 260, width = 600, top = 60, h = top + nu * bar + 40 + 20 * ((np + 2) / 3);
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
                     left + width + 80, h);
    sx_strbuf_printf(&sb, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">%s: scores and ranks%s</text>\n", f->code[root],
                     arith ? " (bars split into weighted pillar scores)" : "");
    for (int k = 0; k <= 4; k++) { /* axis 0..100 */
        double x = left + width * k / 4.0;
        sx_strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                         x, top - 5, x, top + nu * bar, x, top - 8, 25 * k);
    }
    for (int i = 0; i < nu; i++) {
        int u = ord[i].u;
        double y = top + i * bar;
        sx_strbuf_printf(&sb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d. ", left - 6, y + bar - 4, r->rank[(int64_t)u * nn + root]);
        label(&sb, d, u);
        sx_strbuf_puts(&sb, "</text>\n");
        double x = left, s = r->scores[(int64_t)u * nn + root];
        if (arith)
            for (int p = 0; p < np; p++) {
                double c = eff[pil[p]] * r->scores[(int64_t)u * nn + pil[p]];
                if (!(c > 0)) continue;
                sx_strbuf_printf(&sb, "<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\"><title>%s %.2f</title></rect>\n", x,
                                 y + 2, width * c / 100, bar - 4, palette[p % 8], f->code[pil[p]], c);
                x += width * c / 100;
            }
        else if (s > 0)
            sx_strbuf_printf(&sb, "<rect x=\"%d\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"#0072B2\"/>\n", left, y + 2, width * s / 100, bar - 4);
        sx_strbuf_printf(&sb, "<text x=\"%.1f\" y=\"%.1f\">%.2f</text>\n", left + width * (s > 0 ? s : 0) / 100 + 4, y + bar - 4, s);
    }
    if (arith)
        for (int p = 0; p < np; p++) {
            int lx = 10 + (p % 3) * 300, ly = top + nu * bar + 30 + 20 * (p / 3);
            sx_strbuf_printf(&sb, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">", lx, ly - 10,
                             palette[p % 8], lx + 16, ly);
            esc(&sb, f->name[pil[p]]);
            sx_strbuf_printf(&sb, " (weight %.3f)</text>\n", eff[pil[p]]);
        }
    sx_strbuf_puts(&sb, "</svg>\n");
    free(pil), free(eff), free(ord);
    sx_err err = sx__econ_write(comm, dir, "ranked_scores.svg", &sb);
    sx_strbuf_fini(&sb);
    SX_CHECK(err);
    return SX_OK;
}

sx_err sx_econ_svg_uncertainty(MPI_Comm comm, const sx_econ_mc_result_t *res, const sx_econ_data_t *d, const char *dir)
{
    const int nu = res->n_unit, row = 14, left = 260, width = 600, top = 50;
    vu_t *ord = malloc((size_t)(nu ? nu : 1) * sizeof *ord);
    SX_FAIL_IF(!ord, SX_ERR_NOMEM, "out of memory");
    for (int u = 0; u < nu; u++) ord[u].v = res->nominal_rank[u], ord[u].u = u;
    qsort(ord, (size_t)nu, sizeof *ord, by_rank);
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n",
                     left + width + 40, top + nu * row + 40);
    sx_strbuf_printf(&sb, "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Rank uncertainty: median (dot), 5-95 %% interval (bar), "
                          "nominal rank (cross); %lld model runs</text>\n", (long long)res->n_runs);
#define XR(rk) (left + width * ((rk) - 1.0) / (nu > 1 ? nu - 1 : 1))
    for (int k = 1; k <= nu; k += (nu > 20 ? 10 : 1))
        sx_strbuf_printf(&sb, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                         XR(k), top - 5, XR(k), top + nu * row, XR(k), top - 8, k);
    for (int i = 0; i < nu; i++) {
        int u = ord[i].u;
        double y = top + i * row + row / 2.0;
        sx_strbuf_printf(&sb, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">", left - 6, y + 4);
        label(&sb, d, u);
        sx_strbuf_printf(&sb, "</text>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#56B4E9\" stroke-width=\"6\"/>\n", XR(res->q05[u]), y,
                         XR(res->q95[u]) + 0.5, y);
        sx_strbuf_printf(&sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0072B2\"><title>median %d, 5-95 %% %d-%d</title></circle>\n",
                         XR(res->median_rank[u]), y, res->median_rank[u], res->q05[u], res->q95[u]);
        double xn = XR(res->nominal_rank[u]);
        sx_strbuf_printf(&sb, "<path d=\"M%.1f %.1fl6 6m0 -6l-6 6\" stroke=\"#D55E00\" stroke-width=\"1.5\"/>\n", xn - 3, y - 3);
    }
#undef XR
    sx_strbuf_puts(&sb, "</svg>\n");
    free(ord);
    sx_err err = sx__econ_write(comm, dir, "rank_uncertainty.svg", &sb);
    sx_strbuf_fini(&sb);
    SX_CHECK(err);
    return SX_OK;
}
