/*
 * config_tree.c — the configuration tree: nodes that remember where they came
 * from (file line and column, or the --set option), parsing with libyaml,
 * overrides, JSON output and the collective load.
 *
 * Invariants: every node has a key path from the root ("steps[0].slope");
 * maps keep their keys in file order and never hold a key twice; anchors and
 * aliases are refused (a job file should say what it means in place).
 */
#include "config_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_sha256.h"
#include "sanxiang/sx_strbuf.h"

sx_cfg_node_t *sx__cfg_node_new(sx_cfg_kind kind, const char *path, int line, int col, const char *origin)
{
    sx_cfg_node_t *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->path = strdup(path);
    n->line = line;
    n->col = col;
    n->origin = origin;
    if (!n->path) {
        free(n);
        return NULL;
    }
    return n;
}

void sx__cfg_node_free(sx_cfg_node_t *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) {
        sx__cfg_node_free(n->items[i]);
        if (n->keys) free(n->keys[i]);
    }
    free(n->items);
    free(n->keys);
    free(n->text);
    free(n->path);
    free(n);
}

int sx__cfg_node_append(sx_cfg_node_t *parent, const char *key, sx_cfg_node_t *child)
{
    if (parent->n == parent->cap) {
        size_t cap = parent->cap ? 2 * parent->cap : 4;
        sx_cfg_node_t **items = realloc(parent->items, cap * sizeof *items);
        if (!items) return 0;
        parent->items = items;
        if (parent->kind == SX_CFG_MAP) {
            char **keys = realloc(parent->keys, cap * sizeof *keys);
            if (!keys) return 0;
            parent->keys = keys;
        }
        parent->cap = cap;
    }
    if (parent->kind == SX_CFG_MAP) {
        parent->keys[parent->n] = strdup(key);
        if (!parent->keys[parent->n]) return 0;
    }
    parent->items[parent->n++] = child;
    return 1;
}

void sx__cfg_child_path(const sx_cfg_node_t *parent, const char *key, size_t index, char *buf, size_t len)
{
    if (parent->kind == SX_CFG_SEQ) snprintf(buf, len, "%s[%zu]", parent->path, index);
    else if (parent->path[0]) snprintf(buf, len, "%s.%s", parent->path, key);
    else snprintf(buf, len, "%s", key);
}

/* Why key cannot be a key (NULL if it can): see SX__CFG_MAX_KEY. */
static const char *key_problem(const char *key)
{
    if (strlen(key) > SX__CFG_MAX_KEY) return "is longer than 256 bytes; a key is a short name";
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return "holds a line break or control character; a key is one line of text";
    return NULL;
}

/* ---- parsing ---- */

typedef struct {
    yaml_parser_t parser;
    sx_cfg_t *cfg;
    int depth; /* mappings and lists open around the current node */
} parse_ctx;

static sx_err parse_fail(parse_ctx *c, const yaml_mark_t *m, const char *what)
{
    return sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "%s:%zu:%zu: %s", c->cfg->source, m->line + 1, m->column + 1,
                      what);
}

static sx_err next_event(parse_ctx *c, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&c->parser, ev)) {
        const yaml_parser_t *p = &c->parser;
        return sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "%s:%zu:%zu: not valid YAML: %s%s%s; check indentation, quotes and brackets",
                          c->cfg->source, p->problem_mark.line + 1, p->problem_mark.column + 1,
                          p->problem ? p->problem : "syntax error", p->context ? " " : "", p->context ? p->context : "");
    }
    return SX_OK;
}

static int is_null_scalar(const yaml_event_t *ev)
{
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *v = (const char *)ev->data.scalar.value;
    return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static sx_err parse_node(parse_ctx *c, yaml_event_t *ev, const char *path, sx_cfg_node_t **out);

static sx_err parse_children(parse_ctx *c, sx_cfg_node_t *n, yaml_event_type_t end)
{
    for (;;) {
        yaml_event_t ev;
        SX_CHECK(next_event(c, &ev));
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return SX_OK;
        }
        char path[1024], key[512] = "";
        if (n->kind == SX_CFG_MAP) {
            if (ev.type != YAML_SCALAR_EVENT) {
                sx_err e = parse_fail(c, &ev.start_mark, "a mapping key must be plain text");
                yaml_event_delete(&ev);
                return e;
            }
            yaml_mark_t km = ev.start_mark;
            const char *why = strlen((const char *)ev.data.scalar.value) != ev.data.scalar.length
                                  ? "holds a NUL character; remove it"
                                  : key_problem((const char *)ev.data.scalar.value);
            if (why) {
                char msg[400];
                snprintf(msg, sizeof msg, "key '%.60s%s' %s", (const char *)ev.data.scalar.value,
                         ev.data.scalar.length > 60 ? "..." : "", why);
                yaml_event_delete(&ev);
                return parse_fail(c, &km, msg);
            }
            snprintf(key, sizeof key, "%s", (const char *)ev.data.scalar.value);
            yaml_event_delete(&ev);
            for (size_t i = 0; i < n->n; i++)
                if (!strcmp(n->keys[i], key)) {
                    char msg[700];
                    snprintf(msg, sizeof msg, "key '%s' appears twice (first on line %d); keep one", key, n->items[i]->line);
                    return parse_fail(c, &km, msg);
                }
            SX_CHECK(next_event(c, &ev));
        }
        sx__cfg_child_path(n, key, n->n, path, sizeof path);
        sx_cfg_node_t *child = NULL;
        sx_err e = parse_node(c, &ev, path, &child);
        yaml_event_delete(&ev);
        if (e != SX_OK) return e;
        if (!sx__cfg_node_append(n, key, child)) {
            sx__cfg_node_free(child);
            SX_FAIL(SX_ERR_NOMEM, "out of memory reading %s", c->cfg->source);
        }
    }
}

static sx_err parse_node(parse_ctx *c, yaml_event_t *ev, const char *path, sx_cfg_node_t **out)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    sx_cfg_node_t *n = NULL;
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (strlen((const char *)ev->data.scalar.value) != ev->data.scalar.length)
            return parse_fail(c, &ev->start_mark, "the value holds a NUL character (\\0); remove it");
        n = sx__cfg_node_new(is_null_scalar(ev) ? SX_CFG_NULL : SX_CFG_SCALAR, path, line, col, NULL);
        if (n && n->kind == SX_CFG_SCALAR && !(n->text = strdup((const char *)ev->data.scalar.value))) {
            sx__cfg_node_free(n);
            n = NULL;
        }
        SX_FAIL_IF(!n, SX_ERR_NOMEM, "out of memory reading %s", c->cfg->source);
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int map = ev->type == YAML_MAPPING_START_EVENT;
        if (c->depth == SX__CFG_MAX_DEPTH) {
            char msg[160];
            snprintf(msg, sizeof msg, "mappings and lists nested more than %d deep; a job file needs a few levels",
                     SX__CFG_MAX_DEPTH);
            return parse_fail(c, &ev->start_mark, msg);
        }
        n = sx__cfg_node_new(map ? SX_CFG_MAP : SX_CFG_SEQ, path, line, col, NULL);
        SX_FAIL_IF(!n, SX_ERR_NOMEM, "out of memory reading %s", c->cfg->source);
        c->depth++;
        sx_err e = parse_children(c, n, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT);
        c->depth--;
        if (e != SX_OK) {
            sx__cfg_node_free(n);
            return e;
        }
        break;
    }
    case YAML_ALIAS_EVENT:
        return parse_fail(c, &ev->start_mark, "aliases (*name) are not supported in job files; write the value out");
    default:
        return parse_fail(c, &ev->start_mark, "unexpected YAML construct");
    }
    if (ev->type != YAML_ALIAS_EVENT && ev->type == YAML_SCALAR_EVENT && ev->data.scalar.anchor) {
        sx__cfg_node_free(n);
        return parse_fail(c, &ev->start_mark, "anchors (&name) are not supported in job files");
    }
    *out = n;
    return SX_OK;
}

static sx_err parse_document(parse_ctx *c)
{
    yaml_event_t ev;
    SX_CHECK(next_event(c, &ev)); /* stream start */
    yaml_event_delete(&ev);
    SX_CHECK(next_event(c, &ev));
    if (ev.type == YAML_STREAM_END_EVENT) { /* empty file: an empty mapping */
        yaml_event_delete(&ev);
        c->cfg->root = sx__cfg_node_new(SX_CFG_MAP, "", 1, 1, NULL);
        SX_FAIL_IF(!c->cfg->root, SX_ERR_NOMEM, "out of memory");
        return SX_OK;
    }
    yaml_event_delete(&ev); /* document start */
    SX_CHECK(next_event(c, &ev));
    sx_err e = parse_node(c, &ev, "", &c->cfg->root);
    yaml_mark_t m = ev.start_mark;
    yaml_event_delete(&ev);
    SX_CHECK(e);
    if (c->cfg->root->kind != SX_CFG_MAP) return parse_fail(c, &m, "a job file must be a mapping of keys to values");
    SX_CHECK(next_event(c, &ev)); /* document end */
    yaml_event_delete(&ev);
    SX_CHECK(next_event(c, &ev));
    int more = ev.type == YAML_DOCUMENT_START_EVENT;
    m = ev.start_mark;
    yaml_event_delete(&ev);
    if (more) return parse_fail(c, &m, "a job file holds one YAML document; remove the second '---'");
    return SX_OK;
}

sx_err sx_cfg_parse_text(const char *text, size_t len, const char *source, sx_cfg_t **out)
{
    *out = NULL;
    sx_cfg_t *cfg;
    SX_ALLOC(cfg, 1, "job configuration");
    cfg->source = strdup(source ? source : "<text>");
    cfg->overrides = strdup("");
    if (!cfg->source || !cfg->overrides) {
        sx_cfg_destroy(&cfg);
        SX_FAIL(SX_ERR_NOMEM, "out of memory");
    }
    sx_sha256_hex(text, len, cfg->sha256);
    parse_ctx c = {.cfg = cfg};
    if (!yaml_parser_initialize(&c.parser)) {
        sx_cfg_destroy(&cfg);
        SX_FAIL(SX_ERR_NOMEM, "cannot initialise the YAML parser");
    }
    yaml_parser_set_input_string(&c.parser, (const unsigned char *)text, len);
    sx_err e = parse_document(&c);
    yaml_parser_delete(&c.parser);
    if (e != SX_OK) {
        sx_cfg_destroy(&cfg);
        return e;
    }
    *out = cfg;
    return SX_OK;
}

static sx_err read_file(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    SX_FAIL_IF(!f, SX_ERR_CONFIG, "cannot read job file '%s': %s", path, strerror(errno));
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sx_strbuf_putn(&sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad || sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_CONFIG, "cannot read job file '%s'", path);
    }
    *text = sb.data;
    *len = sb.len;
    return SX_OK;
}

sx_err sx_cfg_parse_file(const char *path, sx_cfg_t **out)
{
    char *text = NULL;
    size_t len = 0;
    SX_CHECK(read_file(path, &text, &len));
    sx_err e = sx_cfg_parse_text(text, len, path, out);
    free(text);
    return e;
}

void sx_cfg_destroy(sx_cfg_t **cfg)
{
    if (!cfg || !*cfg) return;
    sx__cfg_node_free((*cfg)->root);
    for (int i = 0; i < (*cfg)->norigins; i++) free((*cfg)->origins[i]);
    free((*cfg)->origins);
    free((*cfg)->source);
    free((*cfg)->overrides);
    free(*cfg);
    *cfg = NULL;
}

const char *sx__cfg_keep(sx_cfg_t *cfg, const char *text)
{
    char **origins = realloc(cfg->origins, (size_t)(cfg->norigins + 1) * sizeof *origins);
    if (!origins) return NULL;
    cfg->origins = origins;
    char *copy = strdup(text);
    if (!copy) return NULL;
    cfg->origins[cfg->norigins++] = copy;
    return copy;
}

sx_err sx_cfg_replace_text(sx_cfg_t *cfg, sx_cfg_node_t *n, const char *text)
{
    (void)cfg;
    SX_FAIL_IF(!n || n->kind != SX_CFG_SCALAR, SX_ERR_INTERNAL, "only a single value can be replaced");
    char *copy = strdup(text);
    SX_FAIL_IF(!copy, SX_ERR_NOMEM, "out of memory");
    free(n->text);
    n->text = copy;
    return SX_OK;
}

int sx_cfg_from_command_line(const sx_cfg_t *cfg) { return cfg->from_argv; }

/* ---- overrides ---- */

sx_err sx_cfg_set(sx_cfg_t *cfg, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    SX_FAIL_IF(!eq || eq == assignment, SX_ERR_USAGE, "--set expects key.path=value, got '%s'", assignment);
    /* job files are UTF-8 (libyaml checks); so must overrides be, or the
     * configuration broadcast to the other ranks would not parse there */
    SX_FAIL_IF(!sx_strbuf_is_utf8(assignment), SX_ERR_USAGE,
               "--set %s: not UTF-8 text; write the key and value in UTF-8, as in the job file", assignment);
    char olabel[1100];
    snprintf(olabel, sizeof olabel, "--set %.1000s", assignment);
    const char *origin = sx__cfg_keep(cfg, olabel);
    SX_FAIL_IF(!origin, SX_ERR_NOMEM, "out of memory");

    char keypath[1024];
    snprintf(keypath, sizeof keypath, "%.*s", (int)(eq - assignment), assignment);
    int parts = 1;
    for (const char *k = keypath; *k; k++) parts += *k == '.';
    SX_FAIL_IF(parts > SX__CFG_MAX_DEPTH, SX_ERR_USAGE, "--set %s: the key path has more than %d parts", assignment,
               SX__CFG_MAX_DEPTH);
    const char *value = eq + 1;
    sx_cfg_node_t *cur = cfg->root;
    char *save = NULL;
    for (char *part = strtok_r(keypath, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        int last = save == NULL || *save == '\0';
        const char *why = key_problem(part);
        SX_FAIL_IF(why, SX_ERR_USAGE, "--set %s: key '%.60s%s' %s", assignment, part, strlen(part) > 60 ? "..." : "",
                   why);
        char path[1024];
        sx_cfg_node_t *next = NULL;
        if (cur->kind == SX_CFG_SEQ) {
            char *end;
            long idx = strtol(part, &end, 10);
            SX_FAIL_IF(*end || idx < 0 || (size_t)idx >= cur->n, SX_ERR_CONFIG,
                       "%s: '%s' is a list of %zu entries; '%s' is not an index in it", origin, cur->path[0] ? cur->path : "(top)",
                       cur->n, part);
            next = cur->items[idx];
        } else if (cur->kind == SX_CFG_MAP) {
            next = sx_cfg_map_get(cur, part);
            if (!next) {
                sx__cfg_child_path(cur, part, cur->n, path, sizeof path);
                next = sx__cfg_node_new(last ? SX_CFG_SCALAR : SX_CFG_MAP, path, 0, 0, origin);
                SX_FAIL_IF(!next || !sx__cfg_node_append(cur, part, next), SX_ERR_NOMEM, "out of memory");
            }
        } else {
            SX_FAIL(SX_ERR_CONFIG, "%s: '%s' is a single value, it has no key '%s'", origin, cur->path, part);
        }
        cur = next;
    }
    SX_FAIL_IF(cur == cfg->root, SX_ERR_USAGE, "--set needs a key before '='");
    SX_FAIL_IF(cur->kind == SX_CFG_MAP && cur->n > 0, SX_ERR_CONFIG, "%s: '%s' is a mapping; set one of its keys instead",
               origin, cur->path);
    SX_FAIL_IF(cur->kind == SX_CFG_SEQ, SX_ERR_CONFIG, "%s: '%s' is a list; set one entry, e.g. %s.0=...", origin,
               cur->path, cur->path);
    char *copy = strdup(value);
    SX_FAIL_IF(!copy, SX_ERR_NOMEM, "out of memory");
    free(cur->text);
    cur->text = copy;
    cur->kind = SX_CFG_SCALAR;
    cur->origin = origin;
    cur->line = cur->col = 0;

    size_t len = strlen(cfg->overrides) + strlen(assignment) + 2;
    char *ov = malloc(len);
    SX_FAIL_IF(!ov, SX_ERR_NOMEM, "out of memory");
    snprintf(ov, len, "%s%s%s", cfg->overrides, cfg->overrides[0] ? " " : "", assignment);
    free(cfg->overrides);
    cfg->overrides = ov;
    return SX_OK;
}

/* ---- JSON ---- */

static void to_json(const sx_cfg_node_t *n, sx_strbuf_t *sb)
{
    switch (n->kind) {
    case SX_CFG_NULL: sx_strbuf_puts(sb, "null"); break;
    case SX_CFG_SCALAR: sx_strbuf_json_string(sb, n->text); break;
    case SX_CFG_SEQ:
        sx_strbuf_puts(sb, "[");
        for (size_t i = 0; i < n->n; i++) {
            if (i) sx_strbuf_puts(sb, ", ");
            to_json(n->items[i], sb);
        }
        sx_strbuf_puts(sb, "]");
        break;
    case SX_CFG_MAP:
        sx_strbuf_puts(sb, "{");
        for (size_t i = 0; i < n->n; i++) {
            if (i) sx_strbuf_puts(sb, ", ");
            sx_strbuf_json_string(sb, n->keys[i]);
            sx_strbuf_puts(sb, ": ");
            to_json(n->items[i], sb);
        }
        sx_strbuf_puts(sb, "}");
        break;
    }
}

sx_err sx_cfg_to_json(const sx_cfg_t *cfg, char **out) { return sx_cfg_node_to_json(cfg->root, out); }

sx_err sx_cfg_node_to_json(const sx_cfg_node_t *n, char **out)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    to_json(n, &sb);
    if (sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_NOMEM, "out of memory writing the configuration");
    }
    *out = sb.data;
    return SX_OK;
}

/* ---- collective load ---- */

sx_err sx_cfg_load(MPI_Comm comm, const char *path, char *const *sets, int nsets, sx_cfg_t **out)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    *out = NULL;
    sx_cfg_t *cfg = NULL;
    char *json = NULL;
    sx_err err = SX_OK;
    if (rank == 0) {
        err = sx_cfg_parse_file(path, &cfg);
        for (int i = 0; err == SX_OK && i < nsets; i++) err = sx_cfg_set(cfg, sets[i]);
        if (err == SX_OK) err = sx_cfg_to_json(cfg, &json);
    }
    err = sx_err_agree(comm, err);
    if (err != SX_OK) {
        sx_cfg_destroy(&cfg);
        free(json);
        return err;
    }
    int size;
    MPI_Comm_size(comm, &size);
    if (size == 1) {
        free(json);
        *out = cfg;
        return SX_OK;
    }
    /* Everyone gets the effective tree as JSON, plus the source name, the
     * file's hash and the overrides. */
    char *source = rank == 0 ? cfg->source : NULL, *sha = rank == 0 ? cfg->sha256 : NULL,
         *ov = rank == 0 ? cfg->overrides : NULL;
    err = sx_mpi_bcast_string(comm, 0, &json);
    if (err == SX_OK) err = sx_mpi_bcast_string(comm, 0, &source);
    if (err == SX_OK) err = sx_mpi_bcast_string(comm, 0, &sha);
    if (err == SX_OK) err = sx_mpi_bcast_string(comm, 0, &ov);
    if (err == SX_OK && rank != 0) {
        err = sx_cfg_parse_text(json, strlen(json), source, &cfg);
        if (err == SX_OK) {
            snprintf(cfg->sha256, sizeof cfg->sha256, "%s", sha);
            free(cfg->overrides);
            cfg->overrides = ov;
            ov = NULL;
        }
    }
    if (rank != 0) {
        free(source);
        free(sha);
        free(ov);
    }
    free(json);
    err = sx_err_agree(comm, err);
    if (err != SX_OK) {
        sx_cfg_destroy(&cfg);
        return err;
    }
    *out = cfg;
    return SX_OK;
}

/* ---- accessors ---- */

sx_cfg_node_t *sx_cfg_root(const sx_cfg_t *cfg) { return cfg->root; }
const char *sx_cfg_source(const sx_cfg_t *cfg) { return cfg->source; }
const char *sx_cfg_file_sha256(const sx_cfg_t *cfg) { return cfg->sha256; }
const char *sx_cfg_overrides(const sx_cfg_t *cfg) { return cfg->overrides; }
sx_cfg_kind sx_cfg_node_kind(const sx_cfg_node_t *n) { return n ? n->kind : SX_CFG_NULL; }
int sx_cfg_node_line(const sx_cfg_node_t *n) { return n->line; }
int sx_cfg_node_col(const sx_cfg_node_t *n) { return n->col; }
const char *sx_cfg_node_path(const sx_cfg_node_t *n) { return n->path; }
const char *sx_cfg_node_text(const sx_cfg_node_t *n) { return n && n->kind == SX_CFG_SCALAR ? n->text : NULL; }
size_t sx_cfg_node_len(const sx_cfg_node_t *n)
{
    return n && (n->kind == SX_CFG_MAP || n->kind == SX_CFG_SEQ) ? n->n : 0;
}
sx_cfg_node_t *sx_cfg_node_at(const sx_cfg_node_t *n, size_t i) { return i < sx_cfg_node_len(n) ? n->items[i] : NULL; }
const char *sx_cfg_node_key_at(const sx_cfg_node_t *n, size_t i)
{
    return n && n->kind == SX_CFG_MAP && i < n->n ? n->keys[i] : NULL;
}
sx_cfg_node_t *sx_cfg_map_get(const sx_cfg_node_t *map, const char *key)
{
    if (!map || map->kind != SX_CFG_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i], key)) return map->items[i];
    return NULL;
}
