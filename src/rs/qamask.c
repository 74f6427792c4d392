/*
 * qamask.c — cloud, shadow and fill masks from quality bands, and their
 * dilation.
 *
 * Bit and class tables as their producers document them:
 *   Landsat Collection 2 QA_PIXEL (USGS LSDS-1619, Landsat 8-9 C2 L2 Science
 *   Product Guide, table 6-3): bit 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud,
 *   4 cloud shadow, 5 snow, 6 clear, 7 water.
 *   Landsat Collection 1 BQA (USGS, Landsat 8 C1 Level-1 Quality Assessment
 *   band): bit 0 designated fill, 4 cloud, 5-6 cloud confidence, 7-8 cloud
 *   shadow confidence, 9-10 snow/ice confidence, 11-12 cirrus confidence
 *   (00 none, 01 low, 10 medium, 11 high).
 *   Sentinel-2 L2A SCL (ESA, Sentinel-2 L2A Algorithm Theoretical Basis
 *   Document, scene classification): 0 no data, 1 saturated/defective,
 *   2 dark area, 3 cloud shadow, 4 vegetation, 5 not vegetated, 6 water,
 *   7 unclassified, 8 cloud medium probability, 9 cloud high probability,
 *   10 thin cirrus, 11 snow.
 * Dilation is a square (Chebyshev) maximum filter done separably, rows then
 * columns, over a buffer whose halo the caller has exchanged, so the result
 * at a block edge is the same as in a one-block run.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_rs.h"

typedef struct {
    const char *name;
    int shift, width, min; /* bit rule; for SCL shift is the class */
} qa_class_t;

static const qa_class_t c2[] = {{"fill", 0, 1, 1},   {"dilated", 1, 1, 1}, {"cirrus", 2, 1, 1}, {"cloud", 3, 1, 1},
                                {"shadow", 4, 1, 1}, {"snow", 5, 1, 1},    {"water", 7, 1, 1},  {0}};
static const qa_class_t c1[] = {{"fill", 0, 1, 1},       {"cloud", 4, 1, 1},  {"cloud-medium", 5, 2, 2},
                                {"cloud-high", 5, 2, 3}, {"shadow", 7, 2, 3}, {"snow", 9, 2, 3},
                                {"cirrus", 11, 2, 3},    {0}};
static const qa_class_t scl[] = {{"nodata", 0, 0, 0},      {"saturated", 1, 0, 0},  {"dark", 2, 0, 0},
                                 {"shadow", 3, 0, 0},      {"vegetation", 4, 0, 0}, {"bare", 5, 0, 0},
                                 {"water", 6, 0, 0},       {"unclassified", 7, 0, 0}, {"cloud-medium", 8, 0, 0},
                                 {"cloud-high", 9, 0, 0},  {"cirrus", 10, 0, 0},    {"snow", 11, 0, 0},
                                 {0}};

sx_err sx_rs_qa_rule_parse(const char *kind, const char *classes, sx_rs_qa_rule_t *out)
{
    memset(out, 0, sizeof *out);
    const qa_class_t *tab;
    if (!strcmp(kind, "landsat-c2")) {
        out->kind = SX_RS_QA_LANDSAT_C2;
        tab = c2;
        if (!classes) classes = "fill,dilated,cirrus,cloud,shadow";
    } else if (!strcmp(kind, "landsat-c1")) {
        out->kind = SX_RS_QA_LANDSAT_C1;
        tab = c1;
        if (!classes) classes = "fill,cloud,shadow,cirrus";
    } else if (!strcmp(kind, "s2-scl")) {
        out->kind = SX_RS_QA_S2_SCL;
        tab = scl;
        if (!classes) classes = "nodata,saturated,shadow,cloud-medium,cloud-high,cirrus";
    } else {
        SX_FAIL(SX_ERR_USAGE, "--qa-kind must be landsat-c2, landsat-c1 or s2-scl, got '%s'", kind);
    }
    const char *p = classes;
    while (*p) {
        size_t n = strcspn(p, ",");
        const qa_class_t *c = tab;
        while (c->name && !(strlen(c->name) == n && !strncmp(c->name, p, n))) c++;
        if (!c->name) {
            char known[256] = "";
            for (const qa_class_t *k = tab; k->name; k++) {
                strncat(known, " ", sizeof known - strlen(known) - 1);
                strncat(known, k->name, sizeof known - strlen(known) - 1);
            }
            SX_FAIL(SX_ERR_USAGE, "unknown %s mask class '%.*s'; known:%s", kind, (int)n, p, known);
        }
        if (out->kind == SX_RS_QA_S2_SCL) {
            out->scl_classes |= 1u << c->shift;
        } else {
            SX_FAIL_IF(out->nrules == 16, SX_ERR_USAGE, "too many mask classes");
            out->rules[out->nrules].shift = c->shift;
            out->rules[out->nrules].width = c->width;
            out->rules[out->nrules].min = c->min;
            out->nrules++;
        }
        p += n;
        if (*p == ',') p++;
    }
    return SX_OK;
}

void sx_rs_qa_mask(const sx_rs_qa_rule_t *rule, const double *qa, int64_t n, uint8_t *mask)
{
    for (int64_t i = 0; i < n; i++) {
        double v = qa[i];
        if (isnan(v) || v < 0 || v > 65535) {
            mask[i] = 1;
            continue;
        }
        uint32_t q = (uint32_t)v;
        int m = 0;
        if (rule->kind == SX_RS_QA_S2_SCL) {
            m = q < 32 && ((rule->scl_classes >> q) & 1u);
        } else {
            for (int k = 0; k < rule->nrules && !m; k++)
                m = (int)((q >> rule->rules[k].shift) & ((1u << rule->rules[k].width) - 1)) >= rule->rules[k].min;
        }
        mask[i] = (uint8_t)m;
    }
}

void sx_rs_mask_dilate(const uint8_t *buf, sx_window_t ext, sx_window_t own, int r, uint8_t *tmp, uint8_t *out)
{
    /* rows: tmp = max over [i-r, i+r] within ext */
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < ext.ny; j++) {
        const uint8_t *row = buf + j * ext.nx;
        uint8_t *t = tmp + j * ext.nx;
        for (int64_t i = 0; i < ext.nx; i++) {
            int64_t a = i - r < 0 ? 0 : i - r, b = i + r >= ext.nx ? ext.nx - 1 : i + r;
            uint8_t m = 0;
            for (int64_t k = a; k <= b && !m; k++) m = row[k];
            t[i] = m;
        }
    }
    /* columns, only for the cells of own */
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < own.ny; j++) {
        int64_t ej = own.y0 - ext.y0 + j;
        int64_t a = ej - r < 0 ? 0 : ej - r, b = ej + r >= ext.ny ? ext.ny - 1 : ej + r;
        for (int64_t i = 0; i < own.nx; i++) {
            int64_t ei = own.x0 - ext.x0 + i;
            uint8_t m = 0;
            for (int64_t k = a; k <= b && !m; k++) m = tmp[k * ext.nx + ei];
            out[j * own.nx + i] = m;
        }
    }
}
