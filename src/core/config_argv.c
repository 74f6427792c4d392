/*
 * config_argv.c — the command-line door of a verb: argv turned into the same
 * configuration tree a job step has, following the `cli` spellings of the
 * verb's field table, and the usage text printed from that table.
 *
 * Only the shape is handled here (which option, how many values, NAME=VALUE
 * pairs); types, bounds and required keys are checked afterwards by
 * sx_cfg_check, exactly as for a job file, so both doors give the same
 * verdicts. Nodes remember the option they came from ("--z-factor"), which
 * every later message names instead of a file line.
 */
#include "config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_parse.h"

/* Job-only keys: `cli` "-", and the step type itself. */
static int job_only(const sx_cfg_field_t *f) { return (f->cli && !strcmp(f->cli, "-")) || !strcmp(f->key, "step"); }

void sx__cfg_field_spelling(const sx_cfg_field_t *f, char *buf, size_t len)
{
    if (job_only(f)) {
        snprintf(buf, len, "%s", "");
    } else if (f->cli && (f->cli[0] == '*' || (f->cli[0] >= '1' && f->cli[0] <= '9'))) {
        snprintf(buf, len, "%s", f->meta ? f->meta : "ARG");
    } else if (f->cli) {
        snprintf(buf, len, "%.*s", (int)strcspn(f->cli, "|"), f->cli);
    } else {
        snprintf(buf, len, "--%s", f->key);
        for (char *c = buf; *c; c++)
            if (*c == '_') *c = '-';
    }
}

static int is_positional(const sx_cfg_field_t *f, int index)
{
    if (!f->cli) return 0;
    if (index == 0) return f->cli[0] == '*';
    char want[16];
    snprintf(want, sizeof want, "%d", index);
    return !strcmp(f->cli, want);
}

static int spelled(const sx_cfg_field_t *f, const char *opt)
{
    if (job_only(f)) return 0;
    if (f->cli && ( f->cli[0] == '*' || (f->cli[0] >= '1' && f->cli[0] <= '9'))) return 0;
    if (!f->cli) {
        char own[128];
        sx__cfg_field_spelling(f, own, sizeof own);
        return !strcmp(own, opt);
    }
    size_t n = strlen(opt);
    for (const char *p = f->cli; *p;) {
        size_t k = strcspn(p, "|");
        if (k == n && !strncmp(p, opt, n)) return 1;
        p += k + (p[k] == '|');
    }
    return 0;
}

static const char *meta_of(const sx_cfg_field_t *f)
{
    static const char *const by_type[] = {"TEXT", "PATH", "N", "X", "", "", "NAME=VALUE", "VALUE", "[NAME=]VALUE"};
    if (f->meta) return f->meta;
    if (f->type == SX_CFG_T_ENUM) return f->choices;
    return by_type[f->type];
}

/* A negative number is a value, not an option. */
static int looks_like_option(const char *a)
{
    double v;
    return a[0] == '-' && a[1] && !sx_parse_double(a, &v);
}

typedef struct {
    sx_cfg_t *cfg;
    const char *command;
} argv_ctx;

static sx_err add_node(argv_ctx *c, sx_cfg_node_t *parent, const char *key, sx_cfg_kind kind, const char *text,
                       const char *origin, sx_cfg_node_t **out)
{
    char path[512];
    sx__cfg_child_path(parent, key, parent->n, path, sizeof path);
    const char *o = sx__cfg_keep(c->cfg, origin);
    sx_cfg_node_t *n = o ? sx__cfg_node_new(kind, c->cfg->from_argv ? "" : path, 0, 0, o) : NULL;
    if (n && text) n->text = strdup(text);
    if (!n || (text && !n->text) || !sx__cfg_node_append(parent, key, n)) {
        sx__cfg_node_free(n);
        SX_FAIL(SX_ERR_NOMEM, "out of memory reading the command line");
    }
    if (out) *out = n;
    return SX_OK;
}

/* The node of field f, created with kind on first use; scalars may be given once. */
static sx_err field_node(argv_ctx *c, const sx_cfg_field_t *f, sx_cfg_kind kind, const char *origin, int repeatable,
                         sx_cfg_node_t **out)
{
    sx_cfg_node_t *n = sx_cfg_map_get(c->cfg->root, f->key);
    if (n) {
        SX_FAIL_IF(!repeatable, SX_ERR_USAGE, "%s is given twice; give it once (see `%s --help`)", origin, c->command);
        *out = n;
        return SX_OK;
    }
    return add_node(c, c->cfg->root, f->key, kind, NULL, origin, out);
}

static sx_err take_value(argv_ctx *c, int argc, char **argv, int *i, const char *opt, const char *inl,
                         const char **out)
{
    if (inl) {
        *out = inl;
        return SX_OK;
    }
    SX_FAIL_IF(*i + 1 >= argc, SX_ERR_USAGE, "%s needs a value; see `%s --help`", opt, c->command);
    *out = argv[++*i];
    return SX_OK;
}

static sx_err option(argv_ctx *c, const sx_cfg_field_t *f, int argc, char **argv, int *i, const char *opt,
                     const char *inl)
{
    const char *v = NULL;
    sx_cfg_node_t *n = NULL;
    char origin[256];
    snprintf(origin, sizeof origin, "%s", opt);
    switch (f->type) {
    case SX_CFG_T_BOOL:
        SX_CHECK(field_node(c, f, SX_CFG_SCALAR, origin, 0, &n));
        n->text = strdup(inl ? inl : "true");
        SX_FAIL_IF(!n->text, SX_ERR_NOMEM, "out of memory");
        return SX_OK;
    case SX_CFG_T_MAP_OR_VALUE:
    case SX_CFG_T_MAP: {
        SX_CHECK(take_value(c, argc, argv, i, opt, inl, &v));
        const char *eq = strchr(v, '=');
        if (f->type == SX_CFG_T_MAP_OR_VALUE && !eq) { /* one value for all names */
            SX_FAIL_IF(sx_cfg_map_get(c->cfg->root, f->key), SX_ERR_USAGE,
                       "%s is given twice; give one VALUE, or NAME=VALUE for each name", opt);
            return add_node(c, c->cfg->root, f->key, SX_CFG_SCALAR, v, origin, NULL);
        }
        SX_FAIL_IF(!eq || eq == v, SX_ERR_USAGE, "%s expects %s, got '%s'", opt, meta_of(f), v);
        char name[256];
        SX_FAIL_IF((size_t)(eq - v) >= sizeof name, SX_ERR_USAGE, "%s: name too long in '%s'", opt, v);
        snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
        SX_CHECK(field_node(c, f, SX_CFG_MAP, origin, 1, &n));
        SX_FAIL_IF(n->kind != SX_CFG_MAP, SX_ERR_USAGE, "%s: give one VALUE, or NAME=VALUE for each name, not both", opt);
        SX_FAIL_IF(sx_cfg_map_get(n, name), SX_ERR_USAGE, "%s names '%s' twice; give each name once", opt, name);
        snprintf(origin, sizeof origin, "%.60s %.180s", opt, v);
        return add_node(c, n, name, SX_CFG_SCALAR, eq + 1, origin, NULL);
    }
    case SX_CFG_T_LIST:
        if (f->nmax > 1) { /* nmin..nmax values at once */
            SX_CHECK(field_node(c, f, SX_CFG_SEQ, origin, 0, &n));
            int k = 0;
            if (inl) {
                SX_CHECK(add_node(c, n, NULL, SX_CFG_SCALAR, inl, origin, NULL));
                k++;
            }
            while (k < f->nmax && *i + 1 < argc && (k < f->nmin || !looks_like_option(argv[*i + 1]))) {
                SX_CHECK(add_node(c, n, NULL, SX_CFG_SCALAR, argv[++*i], origin, NULL));
                k++;
            }
            SX_FAIL_IF(k < (f->nmin > 0 ? f->nmin : 1), SX_ERR_USAGE, "%s needs %d value(s): %s %s", opt,
                       f->nmin > 0 ? f->nmin : 1, opt, meta_of(f));
            return SX_OK;
        }
        SX_CHECK(take_value(c, argc, argv, i, opt, inl, &v));
        SX_CHECK(field_node(c, f, SX_CFG_SEQ, origin, 1, &n));
        return add_node(c, n, NULL, SX_CFG_SCALAR, v, origin, NULL);
    default:
        SX_CHECK(take_value(c, argc, argv, i, opt, inl, &v));
        SX_CHECK(field_node(c, f, SX_CFG_SCALAR, origin, 0, &n));
        n->text = strdup(v);
        SX_FAIL_IF(!n->text, SX_ERR_NOMEM, "out of memory");
        return SX_OK;
    }
}

static sx_err positional(argv_ctx *c, const sx_cfg_field_t *fields, size_t nfields, int index, const char *arg)
{
    const sx_cfg_field_t *f = NULL, *rest = NULL;
    for (size_t k = 0; k < nfields; k++) {
        if (is_positional(&fields[k], index)) f = &fields[k];
        if (is_positional(&fields[k], 0)) rest = &fields[k];
    }
    if (!f && rest) {
        sx_cfg_node_t *n;
        SX_CHECK(field_node(c, rest, SX_CFG_SEQ, meta_of(rest), 1, &n));
        return add_node(c, n, NULL, SX_CFG_SCALAR, arg, meta_of(rest), NULL);
    }
    SX_FAIL_IF(!f, SX_ERR_USAGE, "unexpected argument '%s'; see `%s --help`", arg, c->command);
    sx_cfg_node_t *n;
    return add_node(c, c->cfg->root, f->key, SX_CFG_SCALAR, arg, meta_of(f), &n);
}

sx_err sx_cfg_from_argv(const char *command, const char *step, const sx_cfg_field_t *fields, size_t nfields,
                        int argc, char **argv, sx_cfg_t **out)
{
    *out = NULL;
    sx_cfg_t *cfg;
    SX_ALLOC(cfg, 1, "command-line configuration");
    argv_ctx c = {cfg, command};
    cfg->from_argv = 1;
    cfg->source = strdup(command);
    cfg->overrides = strdup("");
    const char *origin = cfg->source ? sx__cfg_keep(cfg, command) : NULL;
    cfg->root = origin ? sx__cfg_node_new(SX_CFG_MAP, "", 0, 0, origin) : NULL;
    sx_err err = cfg->overrides && cfg->root ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (err == SX_OK && step) err = add_node(&c, cfg->root, "step", SX_CFG_SCALAR, step, command, NULL);
    int npos = 0, options_done = 0;
    for (int i = 0; err == SX_OK && i < argc; i++) {
        const char *a = argv[i];
        if (!options_done && !strcmp(a, "--")) {
            options_done = 1;
            continue;
        }
        if (options_done || !looks_like_option(a)) {
            err = positional(&c, fields, nfields, ++npos, a);
            continue;
        }
        char opt[128];
        const char *eq = !strncmp(a, "--", 2) ? strchr(a, '=') : NULL, *inl = eq ? eq + 1 : NULL;
        snprintf(opt, sizeof opt, "%.*s", (int)(eq ? (size_t)(eq - a) : strlen(a)), a);
        const sx_cfg_field_t *f = NULL;
        for (size_t k = 0; k < nfields && !f; k++)
            if (spelled(&fields[k], opt)) f = &fields[k];
        if (!f && !strncmp(opt, "--no-", 5) && !inl) { /* --no-<flag> sets a flag false */
            char yes[128];
            snprintf(yes, sizeof yes, "--%s", opt + 5);
            for (size_t k = 0; k < nfields && !f; k++)
                if (fields[k].type == SX_CFG_T_BOOL && spelled(&fields[k], yes)) f = &fields[k];
            inl = f ? "false" : NULL;
        }
        if (!f) {
            err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "unknown option '%s' for %s; see `%s --help`", opt,
                             command, command);
            break;
        }
        err = option(&c, f, argc, argv, &i, opt, inl);
    }
    if (err != SX_OK) {
        sx_cfg_destroy(&cfg);
        return err;
    }
    *out = cfg;
    return SX_OK;
}

const char *sx_cfg_key_label(const sx_cfg_t *cfg, const sx_cfg_field_t *fields, size_t nfields, const char *key,
                             char *buf, size_t len)
{
    snprintf(buf, len, "%s", key);
    for (size_t k = 0; cfg->from_argv && k < nfields; k++)
        if (!strcmp(fields[k].key, key)) sx__cfg_field_spelling(&fields[k], buf, len);
    return buf;
}

/* ---- usage ---- */

static void field_kind(const sx_cfg_field_t *f, char *buf, size_t len)
{
    static const char *const tn[] = {"text", "path", "integer", "number", "flag", "", "repeatable", "list",
                                     "one for all, or repeatable per name"};
    size_t o = (size_t)snprintf(buf, len, "%s", tn[f->type]);
    if ((f->type == SX_CFG_T_INT || f->type == SX_CFG_T_FLOAT) && f->min <= f->max && o < len)
        o += (size_t)snprintf(buf + o, len - o, " %g..%g", f->min, f->max);
    if (f->type == SX_CFG_T_LIST && f->nmax > 1 && o < len && f->nmin == f->nmax)
        o += (size_t)snprintf(buf + o, len - o, " of %d", f->nmax);
    else if (f->type == SX_CFG_T_LIST && f->nmax > 1 && o < len)
        o += (size_t)snprintf(buf + o, len - o, " of %d..%d", f->nmin, f->nmax);
    const char *sep = o ? ", " : "";
    if (o < len && !strcmp(f->cli ? f->cli : "", "-o")) snprintf(buf + o, len - o, "%srequired", sep);
    else if (o < len && f->required) snprintf(buf + o, len - o, "%srequired", sep);
    else if (o < len && f->def) snprintf(buf + o, len - o, "%sdefault %s", sep, f->def);
    else if (o < len && f->type != SX_CFG_T_BOOL) snprintf(buf + o, len - o, "%soptional", sep);
}

void sx_cfg_print_usage(const char *command, const sx_cfg_field_t *fields, size_t nfields, int options)
{
    printf("usage: %s", command);
    for (int pass = 0; pass < 3; pass++) /* positionals in order, the rest list, then required options */
        for (size_t k = 0; k < nfields; k++) {
            const sx_cfg_field_t *f = &fields[k];
            char sp[128];
            sx__cfg_field_spelling(f, sp, sizeof sp);
            if (!sp[0]) continue;
            int pos = f->cli && f->cli[0] >= '1' && f->cli[0] <= '9', rest = f->cli && f->cli[0] == '*';
            if (pass == 0 && pos) printf(f->required ? " %s" : " [%s]", sp);
            if (pass == 1 && rest) printf(f->required ? " %s [%s ...]" : " [%s ...]", sp, sp);
            /* -o, the output, is required on the command line whatever the job file's default */
            if (pass == 2 && !pos && !rest && (f->required || !strcmp(sp, "-o"))) printf(" %s %s", sp, meta_of(f));
        }
    printf(" [options]\n");
    if (!options) return;
    printf("\n");
    for (size_t k = 0; k < nfields; k++) {
        const sx_cfg_field_t *f = &fields[k];
        char sp[128], left[256], kind[160];
        sx__cfg_field_spelling(f, sp, sizeof sp);
        if (!sp[0]) continue;
        int pos = f->cli && (f->cli[0] == '*' || (f->cli[0] >= '1' && f->cli[0] <= '9'));
        const char *m = meta_of(f);
        if (pos || f->type == SX_CFG_T_BOOL || !m[0]) snprintf(left, sizeof left, "%s", sp);
        else if (f->type == SX_CFG_T_ENUM) snprintf(left, sizeof left, "%s %s", sp, f->choices);
        else snprintf(left, sizeof left, "%s %s", sp, m);
        if (f->cli && strchr(f->cli, '|') && !pos) {
            char alt[160];
            snprintf(alt, sizeof alt, "%s", f->cli + strcspn(f->cli, "|") + 1);
            for (char *p = alt; *p; p++)
                if (*p == '|') *p = ',';
            size_t o = strlen(left);
            snprintf(left + o, sizeof left - o, " (also %s)", alt);
        }
        field_kind(f, kind, sizeof kind);
        if (strlen(left) > 26) printf("  %s\n  %-26s %s (%s)\n", left, "", f->help ? f->help : "", kind);
        else printf("  %-26s %s (%s)\n", left, f->help ? f->help : "", kind);
    }
}
