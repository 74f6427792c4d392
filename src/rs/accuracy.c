/*
 * accuracy.c — accuracy assessment and area estimation of a class map from
 * an independent reference sample, following Olofsson, P., Foody, G. M.,
 * Herold, M., Stehman, S. V., Woodcock, C. E. & Wulder, M. A. (2014) Good
 * practices for estimating area and assessing accuracy of land change.
 * Remote Sens. Environ. 148:42-57, doi:10.1016/j.rse.2014.02.015.
 *
 * The sample is stratified by map class (any design whose strata are the map
 * classes: eqs. 2-10 of the paper). With A_i the mapped pixels of class i,
 * W_i = A_i / A, n_ij the sample count of map class i and reference class j
 * and n_i the samples of map class i:
 *   p_ij = W_i n_ij / n_i                                  (eq. 4)
 *   user's U_i = p_ii / p_i., producer's P_j = p_jj / p_.j, overall O = sum p_jj
 *   V(U_i) = U_i (1 - U_i) / (n_i - 1)                      (eq. 6)
 *   V(P_j) = [N_j^2 (1 - P_j)^2 U_j (1 - U_j) / (n_j - 1)
 *            + P_j^2 sum_{i != j} N_i^2 (n_ij / n_i)(1 - n_ij / n_i) / (n_i - 1)] / N_.j^2   (eq. 7)
 *            with N_.j = sum_i N_i n_ij / n_i, N_i = A_i
 *   V(O) = sum_i W_i^2 U_i (1 - U_i) / (n_i - 1)            (eq. 5)
 *   area of class j: A p_.j, S(p_.j) = sqrt(sum_i (W_i p_ij - p_ij^2) / (n_i - 1)) (eqs. 9-10),
 *   95 % confidence interval +- 1.96 A S(p_.j).
 * Mapped pixel counts are integer histograms reduced over ranks (exact); the
 * sample is read and the map sampled at each point's cell on rank 0, so the
 * tables do not depend on the rank count. The regression test reproduces the
 * paper's worked example (section 5, tables 8-9). With an XLSX path the
 * same numbers also go to a workbook (sheets "confusion matrix", "accuracy"
 * with 95 % intervals, "area") through io's writer.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_rs_series.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_table.h"

#define NC 256 /* class values 0 .. 254; 255 is nodata */

/* Mapped pixels per class over the whole raster (exact). */
static sx_err map_counts(MPI_Comm comm, const sx_rs_accuracy_opts_t *o, sx_raster_t *r, const sx_grid_t *g,
                         int64_t *counts)
{
    sx_decomp_t d = {0};
    int64_t local[NC] = {0};
    double *v = NULL;
    SX_CHECK(sx_decomp_init(&d, comm, g->nx, g->ny, g->block_x, g->block_y));
    const int64_t n = sx_window_cells(d.own);
    sx_err err = (v = malloc((size_t)(n + 1) * sizeof *v)) ? SX_OK
                     : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the %lld-cell block", (long long)n);
    if (!err && n) err = sx_layer_read_f64(r, o->band > 0 ? o->band : 1, g, d.own, d.own, v);
    for (int64_t i = 0; i < n && !err; i++) {
        int c = 0;
        const int k = sx__rs_class_of(v[i], &c);
        if (k < 0)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "map '%s' has value %g at cell (%lld, %lld); classes must be whole numbers 0 .. 254 (255 = "
                             "nodata)", o->map, v[i], (long long)(d.own.x0 + i % d.own.nx),
                             (long long)(d.own.y0 + i / d.own.nx));
        else if (k > 0) local[c]++;
    }
    free(v);
    sx_decomp_fini(&d);
    SX_CHECK(sx_err_agree(comm, err));
    SX_CHECK_MPI(MPI_Allreduce(local, counts, NC, MPI_INT64_T, MPI_SUM, comm));
    return SX_OK;
}

/* The sample on rank 0: n[map * NC + ref] counts. */
static sx_err sample(const sx_rs_accuracy_opts_t *o, sx_raster_t *r, const sx_grid_t *g, int64_t *n)
{
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRCoordinateTransformationH ct;
    SX_CHECK(sx__rs_vector_open(o->samples, o->layer, "the sample", g, o->map, &ds, &lyr, &ct));
    int fi;
    sx_err err = sx__rs_vector_field(lyr, "the sample", o->samples, o->field, "the reference class; give --reference", &fi);
    OGRFeatureH f;
    while (!err && (f = OGR_L_GetNextFeature(lyr))) {
        const long long fid = (long long)OGR_F_GetFID(f);
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        double x = 0, y = 0, z = 0, mv = NAN;
        const char *txt;
        int ref = 0;
        const int ok = sx__rs_feature_class(f, fi, &ref, &txt);
        if (!geom || wkbFlatten(OGR_G_GetGeometryType(geom)) != wkbPoint)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "sample feature %lld of '%s' is not a point", fid, o->samples);
        else if (!ok)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "sample feature %lld of '%s': reference class '%s' in field '%s' is not a class 0 .. 254",
                             fid, o->samples, txt, o->field);
        if (!err) {
            x = OGR_G_GetX(geom, 0);
            y = OGR_G_GetY(geom, 0);
            if (ct && !OCTTransform(ct, 1, &x, &y, &z))
                err = sx_err_set(SX_ERR_CRS, SX__FILE, __LINE__, "sample feature %lld of '%s' cannot be transformed to "
                                 "the map's CRS", fid, o->samples);
        }
        const double col = floor((x - g->gt[0]) / g->gt[1]), row = floor((y - g->gt[3]) / g->gt[5]);
        if (!err && !(col >= 0 && col < (double)g->nx && row >= 0 && row < (double)g->ny))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "sample feature %lld of '%s' at (%.10g, %.10g) lies outside the map '%s'; remove it or use "
                             "the map the sample was drawn from", fid, o->samples, x, y, o->map);
        if (!err) err = sx_raster_read(r, o->band > 0 ? o->band : 1, (int64_t)col, (int64_t)row, 1, 1, SX_DT_FLOAT64, &mv, 1);
        int mc = 0;
        if (!err && (sx_grid_is_nodata(g, mv) || sx__rs_class_of(mv, &mc) != 1))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "sample feature %lld of '%s' lies on a nodata cell "
                             "(%lld, %lld) of the map '%s'", fid, o->samples, (long long)col, (long long)row, o->map);
        if (!err) n[mc * NC + ref]++;
        OGR_F_Destroy(f);
    }
    if (ct) OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    return err;
}

sx_err sx_rs_olofsson(int k, const int64_t *n, const double *area, sx_rs_accuracy_t *r)
{
    double atot = 0, ni[NC];
    for (int i = 0; i < k; i++) {
        atot += area[i];
        ni[i] = 0;
        for (int j = 0; j < k; j++) ni[i] += (double)n[i * k + j];
        SX_FAIL_IF(area[i] > 0 && ni[i] < 2, SX_ERR_INPUT,
                   "map class %d has %g sample unit(s); the variances need at least 2 per map class (Olofsson et al. "
                   "2014, eqs. 5-10): add samples of it", r->cls[i], ni[i]);
    }
    SX_FAIL_IF(!(atot > 0), SX_ERR_INPUT, "the map has no mapped cell");
    r->overall = r->overall_var = 0;
    for (int j = 0; j < k; j++) {
        double pj = 0, vpj = 0, ncol = 0, vsum = 0;
        for (int i = 0; i < k; i++) {
            if (!(ni[i] > 0)) continue;
            const double w = area[i] / atot, f = (double)n[i * k + j] / ni[i], p = w * f;
            pj += p;
            vpj += (w * p - p * p) / (ni[i] - 1);
            ncol += area[i] * f;
            if (i != j) vsum += area[i] * area[i] * f * (1 - f) / (ni[i] - 1);
        }
        const double w = area[j] / atot, u = ni[j] > 0 ? (double)n[j * k + j] / ni[j] : NAN;
        r->users[j] = u;
        r->users_sd[j] = ni[j] > 1 ? sqrt(u * (1 - u) / (ni[j] - 1)) : NAN;
        r->prop[j] = pj;
        r->prop_se[j] = sqrt(vpj);
        r->area[j] = atot * pj;
        r->area_ci[j] = 1.96 * atot * sqrt(vpj);
        const double pa = pj > 0 ? w * u / pj : NAN;
        r->producers[j] = pa;
        r->producers_sd[j] = ncol > 0 && ni[j] > 1
                                 ? sqrt((area[j] * area[j] * (1 - pa) * (1 - pa) * u * (1 - u) / (ni[j] - 1) + pa * pa * vsum) /
                                        (ncol * ncol))
                                 : NAN;
        if (ni[j] > 0) {
            r->overall += w * u;
            if (ni[j] > 1) r->overall_var += w * w * u * (1 - u) / (ni[j] - 1);
        }
    }
    return SX_OK;
}

static void csv_num(sx_strbuf_t *b, double v)
{
    if (isfinite(v)) sx_strbuf_printf(b, ",%.17g", v);
    else sx_strbuf_printf(b, ",");
}

/* The "accuracy" sheet: user's and producer's accuracy by class with standard
 * errors and 95 % intervals (estimate +- 1.96 SE, Olofsson et al. 2014
 * section 4.3), and the overall accuracy. */
static void accuracy_sheet(sx_strbuf_t *s, const sx_rs_accuracy_t *r, const int64_t *ni)
{
    sx_strbuf_printf(s, "class,samples,users_accuracy,users_se,users_ci95_low,users_ci95_high,producers_accuracy,"
                        "producers_se,producers_ci95_low,producers_ci95_high\n");
    int64_t ntot = 0;
    for (int i = 0; i < r->k; i++) {
        ntot += ni[i];
        sx_strbuf_printf(s, "%d,%lld", r->cls[i], (long long)ni[i]);
        const double v[] = {r->users[i], r->users_sd[i], r->users[i] - 1.96 * r->users_sd[i],
                            r->users[i] + 1.96 * r->users_sd[i], r->producers[i], r->producers_sd[i],
                            r->producers[i] - 1.96 * r->producers_sd[i], r->producers[i] + 1.96 * r->producers_sd[i]};
        for (size_t c = 0; c < sizeof v / sizeof *v; c++) csv_num(s, v[c]);
        sx_strbuf_printf(s, "\n");
    }
    const double se = sqrt(r->overall_var);
    sx_strbuf_printf(s, "overall,%lld", (long long)ntot);
    const double v[] = {r->overall, se, r->overall - 1.96 * se, r->overall + 1.96 * se};
    for (size_t c = 0; c < sizeof v / sizeof *v; c++) csv_num(s, v[c]);
    sx_strbuf_printf(s, ",,,,\n");
}

/* The "area" sheet: mapped and estimated area by class with the 95 % interval. */
static void area_sheet(sx_strbuf_t *s, const sx_rs_accuracy_t *r, const double *area, double atot, double ha)
{
    sx_strbuf_printf(s, "class,mapped_pixels,weight,area_proportion,area_proportion_se,area_pixels,area_ci95_pixels,"
                        "area_ha,area_ci95_ha,area_ci95_low_ha,area_ci95_high_ha\n");
    for (int i = 0; i < r->k; i++) {
        sx_strbuf_printf(s, "%d,%.0f", r->cls[i], area[i]);
        const double v[] = {area[i] / atot, r->prop[i], r->prop_se[i], r->area[i], r->area_ci[i], r->area[i] * ha,
                            r->area_ci[i] * ha, (r->area[i] - r->area_ci[i]) * ha, (r->area[i] + r->area_ci[i]) * ha};
        for (size_t c = 0; c < sizeof v / sizeof *v; c++) csv_num(s, v[c]);
        sx_strbuf_printf(s, "\n");
    }
}

/* OUT.csv and OUT_matrix.csv; with o->out_xlsx also the three sheets of the
 * workbook as tables in xt[0..2] (the caller writes them collectively). */
static sx_err write_tables(const sx_rs_accuracy_opts_t *o, const sx_grid_t *g, const sx_rs_accuracy_t *r,
                           const int64_t *n, const double *area, sx_table_t **xt)
{
    const int k = r->k;
    const double ha = sx_grid_is_geographic(g) ? NAN : fabs(g->gt[1] * g->gt[5]) / 1e4;
    sx_strbuf_t b, m, sa, sr;
    sx_strbuf_init(&b);
    sx_strbuf_init(&m);
    sx_strbuf_init(&sa);
    sx_strbuf_init(&sr);
    sx_strbuf_printf(&b, "class,mapped_pixels,weight,samples,users_accuracy,users_se,producers_accuracy,producers_se,"
                          "area_proportion,area_proportion_se,area_pixels,area_ci95_pixels,area_ha,area_ci95_ha\n");
    double atot = 0;
    int64_t ntot = 0, ni[NC];
    for (int i = 0; i < k; i++) atot += area[i];
    sx_strbuf_printf(&m, "map\\reference");
    for (int j = 0; j < k; j++) sx_strbuf_printf(&m, ",%d", r->cls[j]);
    sx_strbuf_printf(&m, ",total\n");
    for (int i = 0; i < k; i++) {
        ni[i] = 0;
        sx_strbuf_printf(&m, "%d", r->cls[i]);
        for (int j = 0; j < k; j++) {
            ni[i] += n[i * k + j];
            sx_strbuf_printf(&m, ",%lld", (long long)n[i * k + j]);
        }
        sx_strbuf_printf(&m, ",%lld\n", (long long)ni[i]);
        ntot += ni[i];
        sx_strbuf_printf(&b, "%d,%.0f", r->cls[i], area[i]);
        csv_num(&b, area[i] / atot);
        sx_strbuf_printf(&b, ",%lld", (long long)ni[i]);
        const double v[] = {r->users[i], r->users_sd[i], r->producers[i], r->producers_sd[i], r->prop[i], r->prop_se[i],
                            r->area[i], r->area_ci[i], r->area[i] * ha, r->area_ci[i] * ha};
        for (size_t c = 0; c < sizeof v / sizeof *v; c++) csv_num(&b, v[c]);
        sx_strbuf_printf(&b, "\n");
    }
    sx_strbuf_printf(&b, "overall,%.0f,1,%lld", atot, (long long)ntot);
    csv_num(&b, r->overall);
    csv_num(&b, sqrt(r->overall_var));
    sx_strbuf_printf(&b, ",,,,,,,,\n");
    if (o->out_xlsx) {
        accuracy_sheet(&sa, r, ni);
        area_sheet(&sr, r, area, atot, ha);
    }
    sx_err err = !b.failed && !m.failed && !sa.failed && !sr.failed
                     ? SX_OK
                     : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!err) err = sx_write_text_file(o->out_csv, b.data);
    if (!err && o->out_matrix_csv) err = sx_write_text_file(o->out_matrix_csv, m.data);
    if (!err && o->out_xlsx) err = sx_table_parse(m.data, m.len, "the confusion matrix", &xt[0]);
    if (!err && o->out_xlsx) err = sx_table_parse(sa.data, sa.len, "the accuracy sheet", &xt[1]);
    if (!err && o->out_xlsx) err = sx_table_parse(sr.data, sr.len, "the area sheet", &xt[2]);
    sx_strbuf_fini(&b);
    sx_strbuf_fini(&m);
    sx_strbuf_fini(&sa);
    sx_strbuf_fini(&sr);
    return err;
}

sx_err sx_rs_accuracy_run(MPI_Comm comm, const sx_rs_accuracy_opts_t *o)
{
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    int64_t counts[NC] = {0}, *n = NULL, *nk = NULL;
    sx_rs_accuracy_t *res = NULL;
    sx_table_t *xt[3] = {NULL, NULL, NULL};
    int rank;
    MPI_Comm_rank(comm, &rank);
    SX_CHECK(sx_layer_open(comm, o->map, o->band > 0 ? o->band : 1, &r, &g));
    sx_err err = map_counts(comm, o, r, &g, counts);
    if (!err) {
        sx_err local = SX_OK;
        if (rank == 0) {
            n = calloc((size_t)NC * NC, sizeof *n);
            nk = calloc((size_t)NC * NC, sizeof *nk);
            res = calloc(1, sizeof *res);
            local = n && nk && res ? sample(o, r, &g, n) : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
            if (!local) {
                int k = 0;
                for (int c = 0; c < NC; c++) {
                    int used = counts[c] > 0;
                    for (int j = 0; j < NC && !used; j++) used = n[c * NC + j] || n[j * NC + c];
                    if (used) res->cls[k++] = c;
                }
                res->k = k;
                double area[NC];
                for (int a = 0; a < k; a++) {
                    area[a] = (double)counts[res->cls[a]];
                    for (int b = 0; b < k; b++) nk[a * k + b] = n[res->cls[a] * NC + res->cls[b]];
                }
                local = sx_rs_olofsson(k, nk, area, res);
                if (!local) {
                    sx_log_info("rs accuracy: %d classes, overall accuracy %.4f +- %.4f (95 %%)", k, res->overall,
                                1.96 * sqrt(res->overall_var));
                    local = write_tables(o, &g, res, nk, area, xt);
                }
            }
        }
        err = sx_err_agree(comm, local);
    }
    if (!err && o->out_xlsx) {
        const char *sheets[] = {"confusion matrix", "accuracy", "area"};
        err = sx_table_xlsx_write(comm, o->out_xlsx, 3, sheets, (const sx_table_t *const *)xt);
    }
    for (int t = 0; t < 3; t++) sx_table_destroy(&xt[t]);
    free(res);
    free(nk);
    free(n);
    sx_raster_close(&r);
    sx_grid_fini(&g);
    return err;
}
