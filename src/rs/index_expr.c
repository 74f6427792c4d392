/*
 * index_expr.c — an index's formula made concrete for the bands a user gave:
 * band codes and common names to the user's band names, kernels expanded,
 * constants to numbers; and the index's provenance record.
 *
 * A formula names bands by the catalogue's codes (N, R, S1, RE1, VV, ...) or,
 * for sanxiang's seven, by common names (nir, red, swir1, ...). Either kind
 * is matched to a band given as -b CODE=PATH or -b COMMONNAME=PATH (codes
 * exactly, common names in any case): nir = N, swir1 = swir16 = S1, rededge1 =
 * rededge071 = RE1 (the catalogue's bands.json names plus sanxiang's). The
 * catalogue's kernel indices (Camps-Valls et al. 2021, kNDVI) name kernel
 * values kXY; a kXY not given as a band is the RBF kernel
 * exp(-(X - Y)^2 / (2 sigma^2)), X and Y band codes or constants, sigma a
 * constant (catalogue default 0.5). Constants take the user's value, else
 * the index's default (sanxiang's, else constants.json's); some (PAR, the
 * central wavelengths lambdaN, ...) have none and must be given.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rs/index_catalogue.h"
#include "rs/rs_internal.h"
#include "sanxiang/sx_strbuf.h"

/* Names sanxiang accepts besides the catalogue's common names. */
static const struct {
    const char *alias, *code;
} aliases[] = {
    {"aerosol", "A"},   {"nir2", "N2"},      {"rededge1", "RE1"}, {"rededge2", "RE2"}, {"rededge3", "RE3"},
    {"re1", "RE1"},     {"re2", "RE2"},      {"re3", "RE3"},      {"swir1", "S1"},     {"swir2", "S2"},
    {"tir", "T"},       {"thermal", "T"},    {"tir1", "T1"},      {"tir2", "T2"},      {"green1", "G1"},
    {"watervapour", "WV"},
};

static const sx__rs_asi_band_t *band_of_code(const char *s, size_t n)
{
    for (const sx__rs_asi_band_t *b = sx__rs_asi_bands; b->code; b++)
        if (strlen(b->code) == n && !strncmp(b->code, s, n)) return b;
    return NULL;
}

/* The catalogue band a name stands for: a code (exact) or a common name or
 * alias (any case); NULL if neither. */
static const sx__rs_asi_band_t *band_of_name(const char *s, size_t n)
{
    const sx__rs_asi_band_t *b = band_of_code(s, n);
    if (b) return b;
    for (b = sx__rs_asi_bands; b->code; b++)
        if (strlen(b->common_name) == n && !strncasecmp(b->common_name, s, n)) return b;
    for (size_t k = 0; k < sizeof aliases / sizeof *aliases; k++)
        if (strlen(aliases[k].alias) == n && !strncasecmp(aliases[k].alias, s, n))
            return band_of_code(aliases[k].code, strlen(aliases[k].code));
    return NULL;
}

static const sx__rs_asi_const_t *const_of(const char *s, size_t n)
{
    for (const sx__rs_asi_const_t *c = sx__rs_asi_constants; c->name; c++)
        if (strlen(c->name) == n && !strncmp(c->name, s, n)) return c;
    return NULL;
}

/* Does the space-separated list hold the word s[0..n) (before any '=')? Its
 * default in *def when written NAME=DEFAULT. */
static int list_has(const char *list, const char *s, size_t n, double *def, int *has_def)
{
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, " ");
        size_t name = strcspn(p, "= ");
        if (name > k) name = k;
        if (name == n && !strncmp(p, s, n)) {
            if (def) {
                *has_def = name < k;
                if (*has_def) *def = strtod(p + name + 1, NULL);
            }
            return 1;
        }
        p += k;
        while (*p == ' ') p++;
    }
    return 0;
}

typedef struct {
    const sx_rs_index_t *ix;
    const sx_rs_band_t *bands;
    int nbands;
    const sx_rs_const_t *consts;
    int nconsts;
    sx_strbuf_t *out, *used;
    int nused;
    sx_rs_index_expr_t *r;
} ctx_t;

/* v in the fewest digits that read back as v (0.3, not 0.29999999999999999). */
static void shortest(double v, char *buf, size_t len)
{
    if (v == floor(v) && fabs(v) < 1e15) { /* 1200, not 1.2e+03 */
        snprintf(buf, len, "%.0f", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, len, "%.*g", p, v);
        if (strtod(buf, NULL) == v) return;
    }
}

static sx_err put_const(ctx_t *c, const char *s, size_t n)
{
    double v = 0;
    int have = 0, listed_def = 0;
    for (int k = 0; k < c->nconsts && !have; k++)
        if (strlen(c->consts[k].name) == n && !strncmp(c->consts[k].name, s, n)) {
            v = c->consts[k].value;
            have = 1;
        }
    if (!have && list_has(c->ix->constants, s, n, &v, &listed_def) && listed_def) have = 1;
    const sx__rs_asi_const_t *k = const_of(s, n);
    if (!have && k && k->has_def) {
        v = k->def;
        have = 1;
    }
    if (!have) {
        c->r->bad = 2;
        SX_FAIL(SX_ERR_USAGE, "%s = %s needs the constant %.*s (%s), which has no default: give --const %.*s=VALUE",
                c->ix->name, c->ix->expr, (int)n, s, k ? k->description : "", (int)n, s);
    }
    char num[40];
    shortest(v, num, sizeof num);
    sx_strbuf_printf(c->out, v < 0 ? "(%s)" : "%s", num);
    /* record each constant once */
    char key[64];
    snprintf(key, sizeof key, "\"%.*s\":", (int)n, s);
    if (!c->used->data || !strstr(c->used->data, key)) {
        sx_strbuf_printf(c->used, "%s%s%s", c->nused++ ? "," : "", key, num);
    }
    return SX_OK;
}

/* The user's band for catalogue band cb (formula word s[0..n)); -1 if none. */
static sx_err find_band(ctx_t *c, const sx__rs_asi_band_t *cb, const char *s, size_t n, int *which)
{
    *which = -1;
    for (int b = 0; b < c->nbands; b++) {
        const char *name = c->bands[b].name;
        if (band_of_name(name, strlen(name)) != cb) continue;
        if (*which >= 0) {
            c->r->bad = 1;
            SX_FAIL(SX_ERR_USAGE, "bands '%s' and '%s' both name the %s band (%s); give one", c->bands[*which].name, name,
                    cb->long_name, cb->code);
        }
        *which = b;
    }
    (void)s;
    (void)n;
    return SX_OK;
}

static sx_err missing_band(ctx_t *c, const sx__rs_asi_band_t *cb, const char *s, size_t n)
{
    c->r->bad = 1;
    if (!cb)
        SX_FAIL(SX_ERR_USAGE, "%s = %s needs band '%.*s': give -b %.*s=PATH (bands: %s)", c->ix->name, c->ix->expr, (int)n,
                s, (int)n, s, c->ix->roles);
    if (cb->max_nm > 0)
        SX_FAIL(SX_ERR_USAGE, "%s = %s needs band '%.*s' (%s, %s, %g-%g nm): give -b %.*s=PATH (bands: %s)", c->ix->name,
                c->ix->expr, (int)n, s, cb->common_name, cb->long_name, cb->min_nm, cb->max_nm, (int)n, s, c->ix->roles);
    SX_FAIL(SX_ERR_USAGE, "%s = %s needs band '%.*s' (%s): give -b %.*s=PATH (bands: %s)", c->ix->name, c->ix->expr,
            (int)n, s, cb->long_name, (int)n, s, c->ix->roles);
}

/* A band code or constant inside a kernel term. */
static sx_err put_operand(ctx_t *c, const char *s, size_t n)
{
    const sx__rs_asi_band_t *cb = band_of_code(s, n);
    if (!cb) return put_const(c, s, n);
    int b;
    SX_CHECK(find_band(c, cb, s, n, &b));
    if (b < 0) return missing_band(c, cb, s, n);
    sx_strbuf_puts(c->out, c->bands[b].name);
    return SX_OK;
}

static sx_err put_name(ctx_t *c, const char *s, size_t n)
{
    if (list_has(c->ix->constants, s, n, NULL, NULL)) return put_const(c, s, n);
    const sx__rs_asi_band_t *cb = band_of_name(s, n);
    if (cb) {
        int b;
        SX_CHECK(find_band(c, cb, s, n, &b));
        if (b < 0) return missing_band(c, sx_rs_index_is_catalogue(c->ix) ? cb : NULL, s, n);
        sx_strbuf_puts(c->out, c->bands[b].name);
        return SX_OK;
    }
    /* kernel kXY: a band of that name, else the RBF kernel of X and Y */
    for (int b = 0; b < c->nbands; b++)
        if (strlen(c->bands[b].name) == n && !strncmp(c->bands[b].name, s, n)) {
            sx_strbuf_puts(c->out, c->bands[b].name);
            return SX_OK;
        }
    if (n >= 3 && s[0] == 'k')
        for (size_t i = 2; i < n; i++) {
            const char *x = s + 1, *y = s + i;
            size_t nx = i - 1, ny = n - i;
            int okx = band_of_code(x, nx) || const_of(x, nx), oky = band_of_code(y, ny) || const_of(y, ny);
            if (!okx || !oky || !(band_of_code(x, nx) || band_of_code(y, ny))) continue;
            sx_strbuf_puts(c->out, "exp(-((");
            SX_CHECK(put_operand(c, x, nx));
            sx_strbuf_puts(c->out, " - ");
            SX_CHECK(put_operand(c, y, ny));
            sx_strbuf_puts(c->out, ") ^ 2) / (2 * ");
            SX_CHECK(put_const(c, "sigma", 5));
            sx_strbuf_puts(c->out, " ^ 2))");
            return SX_OK;
        }
    c->r->bad = 1;
    SX_FAIL(SX_ERR_INTERNAL, "%s = %s: the name '%.*s' is neither a band code, a kernel nor a constant", c->ix->name,
            c->ix->expr, (int)n, s);
}

sx_err sx_rs_index_expr(const sx_rs_index_t *ix, const sx_rs_band_t *bands, int nbands, const sx_rs_const_t *consts,
                        int nconsts, sx_rs_index_expr_t *r)
{
    memset(r, 0, sizeof *r);
    for (int k = 0; k < nconsts; k++) {
        size_t n = strlen(consts[k].name);
        int listed = list_has(ix->constants, consts[k].name, n, NULL, NULL);
        if (!listed) {
            r->bad = 2;
            SX_FAIL(SX_ERR_USAGE, "--const %s: %s = %s uses %s%s", consts[k].name, ix->name, ix->expr,
                    ix->constants[0] ? "the constants " : "no constants", ix->constants);
        }
        SX_FAIL_IF(!isfinite(consts[k].value), SX_ERR_USAGE, "--const %s: the value must be a finite number", consts[k].name);
    }
    sx_strbuf_t out, used;
    sx_strbuf_init(&out);
    sx_strbuf_init(&used);
    ctx_t c = {ix, bands, nbands, consts, nconsts, &out, &used, 0, r};
    sx_err err = SX_OK;
    const char *s = ix->expr;
    for (size_t i = 0; s[i] && !err;) {
        if (isdigit((unsigned char)s[i]) || (s[i] == '.' && isdigit((unsigned char)s[i + 1]))) {
            size_t j = i;
            while (isalnum((unsigned char)s[j]) || s[j] == '.' ||
                   ((s[j] == '+' || s[j] == '-') && (s[j - 1] == 'e' || s[j - 1] == 'E')))
                j++;
            sx_strbuf_putn(&out, s + i, j - i);
            i = j;
        } else if (isalpha((unsigned char)s[i]) || s[i] == '_') {
            size_t j = i;
            while (isalnum((unsigned char)s[j]) || s[j] == '_') j++;
            err = put_name(&c, s + i, j - i);
            i = j;
        } else {
            sx_strbuf_putn(&out, s + i, 1);
            i++;
        }
    }
    if (!err && (out.failed || used.failed))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot build the expression of %s", ix->name);
    if (!err && (strlen(out.data) >= sizeof r->expr || (used.data ? strlen(used.data) : 0) + 3 > sizeof r->constants))
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "the expression of %s is too long", ix->name);
    if (!err) {
        snprintf(r->expr, sizeof r->expr, "%s", out.data);
        snprintf(r->constants, sizeof r->constants, "{%s}", used.data ? used.data : "");
    }
    sx_strbuf_fini(&out);
    sx_strbuf_fini(&used);
    return err;
}

/* "platform:BAND:centre" for key "platform:" in a band's platform list, at a word start; NULL if absent. */
static const char *platform_entry(const sx__rs_asi_band_t *b, const char *key)
{
    for (const char *at = b->platforms; (at = strstr(at, key)); at++)
        if (at == b->platforms || at[-1] == ' ') return at;
    return NULL;
}

sx_err sx_rs_index_platform_consts(const sx_rs_index_t *ix, const char *platform, sx_rs_const_t *c, int *n, int max,
                                   double *store)
{
    char key[32];
    int known = 0;
    if (*platform && snprintf(key, sizeof key, "%s:", platform) < (int)sizeof key)
        for (const sx__rs_asi_band_t *b = sx__rs_asi_bands; b->code && !known; b++) known = platform_entry(b, key) != NULL;
    SX_FAIL_IF(!known, SX_ERR_USAGE, "--platform %.40s is not in the catalogue's band table: landsat4 landsat5 landsat7 "
               "landsat8 landsat9 modis planetscope sentinel2a sentinel2b wv2 wv3 (sanxiang rs index --list-bands)",
               platform);
    for (const char *p = ix->constants; *p;) {
        size_t k = strcspn(p, " "), name = strcspn(p, "= ");
        if (name > k) name = k;
        const sx__rs_asi_const_t *cc = const_of(p, name);
        const sx__rs_asi_band_t *b = name > 6 && !strncmp(p, "lambda", 6) ? band_of_code(p + 6, name - 6) : NULL;
        int given = 0;
        for (int i = 0; i < *n; i++) given |= strlen(c[i].name) == name && !strncmp(c[i].name, p, name);
        if (b && cc && !given) {
            const char *at = platform_entry(b, key);
            SX_FAIL_IF(!at, SX_ERR_USAGE, "%s needs %s, the centre wavelength of band %s (%s), which %s does not have: "
                       "give --const %s=NM", ix->name, cc->name, b->code, b->common_name, platform, cc->name);
            SX_FAIL_IF(*n >= max, SX_ERR_USAGE, "too many constants (at most %d)", max);
            const char *colon = strchr(at + strlen(key), ':');
            store[*n] = colon ? strtod(colon + 1, NULL) : NAN;
            c[*n].name = cc->name;
            c[*n].value = store[*n];
            (*n)++;
        }
        p += k;
        while (*p == ' ') p++;
    }
    return SX_OK;
}

sx_err sx_rs_index_provenance(const char *base_json, const sx_rs_index_t *ix, const sx_rs_index_expr_t *r, char **out)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx__rs_json_extend(&sb, base_json);
    sx_strbuf_puts(&sb, "\"index\":{\"name\":");
    sx_strbuf_json_string(&sb, ix->name);
    sx_strbuf_puts(&sb, ",\"long_name\":");
    sx_strbuf_json_string(&sb, ix->long_name);
    sx_strbuf_puts(&sb, ",\"formula\":");
    sx_strbuf_json_string(&sb, ix->expr);
    sx_strbuf_puts(&sb, ",\"reference\":");
    sx_strbuf_json_string(&sb, ix->citation);
    sx_strbuf_puts(&sb, ",\"domain\":");
    sx_strbuf_json_string(&sb, ix->domain);
    sx_strbuf_printf(&sb, ",\"constants\":%s,\"source\":", r->constants);
    sx_strbuf_json_string(&sb, sx_rs_index_is_catalogue(ix) ? sx__rs_asi_version : "sanxiang");
    sx_strbuf_puts(&sb, ",\"catalogue\":");
    sx_strbuf_json_string(&sb, sx__rs_asi_version);
    sx_strbuf_puts(&sb, "}}");
    if (sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_NOMEM, "cannot build the provenance record");
    }
    *out = sb.data;
    return SX_OK;
}
