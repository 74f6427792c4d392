/*
 * config_check.c — validating a configuration map against a field table and
 * reading typed values, with messages that name where the value came from:
 * "jobs/x.yaml:12:7: steps[0].z_factor: expected a number, got 'abc'" or
 * "--set steps.0.z_factor=abc: steps[0].z_factor: ...".
 */
#include "config_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void where(const sx_cfg_t *cfg, const sx_cfg_node_t *n, char *buf, size_t len)
{
    if (n->origin) snprintf(buf, len, "%s", n->origin);
    else snprintf(buf, len, "%s:%d:%d", cfg->source, n->line, n->col);
}

sx_err sx_cfg_fail_at(const sx_cfg_t *cfg, const sx_cfg_node_t *n, const char *fmt, ...)
{
    char loc[1200], msg[1024];
    where(cfg, n, loc, sizeof loc);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* From a command line the value is a bad argument (exit 2), from a job file a bad job (exit 3). */
    return sx_err_set(cfg->from_argv ? SX_ERR_USAGE : SX_ERR_CONFIG, SX__FILE, __LINE__, "%s: %s%s%s", loc,
                      n->path[0] ? n->path : "", n->path[0] ? ": " : "", msg);
}

static sx_err scalar_text(const sx_cfg_t *cfg, const sx_cfg_node_t *n, const char **out)
{
    if (n->kind == SX_CFG_NULL) return sx_cfg_fail_at(cfg, n, "has no value; give one or remove the key");
    if (n->kind != SX_CFG_SCALAR)
        return sx_cfg_fail_at(cfg, n, "expected a single value, got a %s", n->kind == SX_CFG_MAP ? "mapping" : "list");
    *out = n->text;
    return SX_OK;
}

static sx_err parse_int(const sx_cfg_t *cfg, const sx_cfg_node_t *n, int64_t *out)
{
    const char *t = NULL;
    SX_CHECK(scalar_text(cfg, n, &t));
    char *end;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (errno || end == t || *end) return sx_cfg_fail_at(cfg, n, "expected an integer, got '%s'", t);
    *out = v;
    return SX_OK;
}

static sx_err parse_double(const sx_cfg_t *cfg, const sx_cfg_node_t *n, double *out)
{
    const char *t = NULL;
    SX_CHECK(scalar_text(cfg, n, &t));
    char *end;
    errno = 0;
    double v = strtod(t, &end);
    if (errno || end == t || *end || !isfinite(v)) return sx_cfg_fail_at(cfg, n, "expected a number, got '%s'", t);
    *out = v;
    return SX_OK;
}

static sx_err parse_bool(const sx_cfg_t *cfg, const sx_cfg_node_t *n, int *out)
{
    const char *t = NULL;
    SX_CHECK(scalar_text(cfg, n, &t));
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    for (int i = 0; i < 3; i++) {
        if (!strcasecmp(t, yes[i])) { *out = 1; return SX_OK; }
        if (!strcasecmp(t, no[i])) { *out = 0; return SX_OK; }
    }
    return sx_cfg_fail_at(cfg, n, "expected true or false, got '%s'", t);
}

static int in_choices(const char *choices, const char *t)
{
    size_t len = strlen(t);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && !strncmp(p, t, n)) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* A single value where a short list is declared ("resolution: 30" for [30]) becomes that one-entry list, so
 * the steps always see a list. The tree is the caller's; normalising it here keeps one rule in one place. */
static sx_err one_entry_list(const sx_cfg_t *cfg, const sx_cfg_node_t *cn)
{
    sx_cfg_node_t *n = (sx_cfg_node_t *)cn;
    sx_cfg_node_t *item = sx__cfg_node_new(SX_CFG_SCALAR, n->path, n->line, n->col, n->origin);
    SX_FAIL_IF(!item, SX_ERR_NOMEM, "out of memory");
    item->text = n->text;
    n->text = NULL;
    n->kind = SX_CFG_SEQ;
    if (!sx__cfg_node_append(n, NULL, item)) {
        sx__cfg_node_free(item);
        SX_FAIL(SX_ERR_NOMEM, "out of memory");
    }
    (void)cfg;
    return SX_OK;
}

static sx_err check_value(const sx_cfg_t *cfg, const sx_cfg_node_t *n, const sx_cfg_field_t *f)
{
    const char *t = NULL;
    int64_t iv = 0;
    double dv = 0;
    int bv = 0;
    switch (f->type) {
    case SX_CFG_T_STRING: return scalar_text(cfg, n, &t);
    case SX_CFG_T_PATH:
        SX_CHECK(scalar_text(cfg, n, &t));
        if (!t[0]) return sx_cfg_fail_at(cfg, n, "expected a path, got an empty value");
        return SX_OK;
    case SX_CFG_T_INT:
        SX_CHECK(parse_int(cfg, n, &iv));
        if (f->min <= f->max && ((double)iv < f->min || (double)iv > f->max))
            return sx_cfg_fail_at(cfg, n, "must be between %g and %g, got %lld", f->min, f->max, (long long)iv);
        return SX_OK;
    case SX_CFG_T_FLOAT:
        SX_CHECK(parse_double(cfg, n, &dv));
        if (f->min <= f->max && (dv < f->min || dv > f->max))
            return sx_cfg_fail_at(cfg, n, "must be between %g and %g, got %g", f->min, f->max, dv);
        return SX_OK;
    case SX_CFG_T_BOOL: return parse_bool(cfg, n, &bv);
    case SX_CFG_T_ENUM:
        SX_CHECK(scalar_text(cfg, n, &t));
        if (!in_choices(f->choices, t)) return sx_cfg_fail_at(cfg, n, "must be one of %s, got '%s'", f->choices, t);
        return SX_OK;
    case SX_CFG_T_MAP:
        if (n->kind != SX_CFG_MAP) return sx_cfg_fail_at(cfg, n, "expected a mapping (key: value lines)");
        return SX_OK;
    case SX_CFG_T_MAP_OR_VALUE:
        if (n->kind != SX_CFG_MAP && n->kind != SX_CFG_SCALAR)
            return sx_cfg_fail_at(cfg, n, "expected one value, or a mapping NAME: value");
        return SX_OK;
    case SX_CFG_T_LIST:
        if (n->kind == SX_CFG_SCALAR && f->nmax > 0 && f->nmin <= 1) SX_CHECK(one_entry_list(cfg, n));
        if (n->kind != SX_CFG_SEQ) return sx_cfg_fail_at(cfg, n, "expected a list ('- item' lines)");
        if (f->nmax > 0 && (n->n < (size_t)f->nmin || n->n > (size_t)f->nmax))
            return f->nmin == f->nmax ? sx_cfg_fail_at(cfg, n, "expected %d entries, got %zu", f->nmin, n->n)
                                      : sx_cfg_fail_at(cfg, n, "expected %d to %d entries, got %zu", f->nmin,
                                                       f->nmax, n->n);
        return SX_OK;
    }
    return SX_OK;
}

sx_err sx_cfg_check(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const sx_cfg_field_t *fields, size_t nfields)
{
    if (map->kind != SX_CFG_MAP) return sx_cfg_fail_at(cfg, map, "expected a mapping (key: value lines)");
    for (size_t i = 0; i < map->n; i++) {
        const sx_cfg_field_t *f = NULL;
        for (size_t k = 0; k < nfields && !f; k++)
            if (!strcmp(fields[k].key, map->keys[i])) f = &fields[k];
        if (!f) {
            char allowed[1024] = "";
            for (size_t k = 0; k < nfields; k++)
                snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s", k ? ", " : "", fields[k].key);
            return sx_cfg_fail_at(cfg, map->items[i], "unknown key '%s'; allowed here: %s", map->keys[i], allowed);
        }
        SX_CHECK(check_value(cfg, map->items[i], f));
    }
    for (size_t k = 0; k < nfields; k++) {
        if (!fields[k].required || sx_cfg_map_get(map, fields[k].key)) continue;
        if (cfg->from_argv && map == cfg->root) {
            char sp[128];
            sx__cfg_field_spelling(&fields[k], sp, sizeof sp);
            return sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s needs %s (%s); see `%s --help`", cfg->source,
                              sp, fields[k].help, cfg->source);
        }
        return sx_cfg_fail_at(cfg, map, "missing required key '%s' (%s)", fields[k].key, fields[k].help);
    }
    return SX_OK;
}

sx_err sx_cfg_get_string(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, const char *def,
                         const char **out)
{
    const sx_cfg_node_t *n = sx_cfg_map_get(map, key);
    if (!n) {
        *out = def;
        return SX_OK;
    }
    return scalar_text(cfg, n, out);
}

sx_err sx_cfg_get_int(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, int64_t def, int64_t *out)
{
    const sx_cfg_node_t *n = sx_cfg_map_get(map, key);
    if (!n) {
        *out = def;
        return SX_OK;
    }
    return parse_int(cfg, n, out);
}

sx_err sx_cfg_get_double(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, double def, double *out)
{
    const sx_cfg_node_t *n = sx_cfg_map_get(map, key);
    if (!n) {
        *out = def;
        return SX_OK;
    }
    return parse_double(cfg, n, out);
}

sx_err sx_cfg_get_bool(const sx_cfg_t *cfg, const sx_cfg_node_t *map, const char *key, int def, int *out)
{
    const sx_cfg_node_t *n = sx_cfg_map_get(map, key);
    if (!n) {
        *out = def;
        return SX_OK;
    }
    return parse_bool(cfg, n, out);
}

void sx_cfg_print_fields(const sx_cfg_field_t *fields, size_t nfields, int indent)
{
    static const char *const tn[] = {"text", "path", "integer", "number", "true/false", "choice", "mapping", "list",
                                     "value or mapping"};
    for (size_t k = 0; k < nfields; k++) {
        const sx_cfg_field_t *f = &fields[k];
        char kind[160];
        if (f->type == SX_CFG_T_ENUM) snprintf(kind, sizeof kind, "%s", f->choices);
        else snprintf(kind, sizeof kind, "%s", tn[f->type]);
        char req[128];
        if (f->required) snprintf(req, sizeof req, "required");
        else if (f->def) snprintf(req, sizeof req, "default %s", f->def);
        else snprintf(req, sizeof req, "optional");
        printf("%*s%-16s %s (%s, %s)\n", indent, "", f->key, f->help ? f->help : "", kind, req);
    }
}
