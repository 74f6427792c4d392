/* config_internal.h — the configuration tree's layout, shared by
 * config_tree.c (parsing, overrides, JSON, load) and config_check.c
 * (validation and typed getters). Not a public header. */
#ifndef SX_CONFIG_INTERNAL_H
#define SX_CONFIG_INTERNAL_H

#include "sanxiang/sx_config.h"

/* Mappings and lists nest at most this deep (a job file needs about six
 * levels); deeper text is refused before the recursive parser could
 * exhaust the stack. --set key paths are held to the same depth so the tree
 * broadcast to the other ranks always parses there. */
#define SX__CFG_MAX_DEPTH 64
/* Keys are names: one line of at most this many bytes. The JSON broadcast
 * writes each key as a YAML simple key, which libyaml reads only when it is
 * under 1024 characters; escaping at most triples a key without control
 * characters. */
#define SX__CFG_MAX_KEY 256

struct sx_cfg_node {
    sx_cfg_kind kind;
    char *text;         /* scalar text */
    char *path;         /* key path from the root */
    int line, col;      /* 1-based position in the file; 0 for --set values */
    const char *origin; /* "--set a.b=v" for overridden nodes (owned by the cfg), else NULL */
    size_t n, cap;
    char **keys;        /* map keys, n of them */
    sx_cfg_node_t **items;
};

struct sx_cfg {
    sx_cfg_node_t *root;
    char *source;
    char sha256[65];
    char *overrides;
    char **origins;
    int norigins;
    int from_argv;      /* built from a command line: messages name options, not keys */
};

/* Node helpers shared by config_tree.c and config_argv.c. */
sx_cfg_node_t *sx__cfg_node_new(sx_cfg_kind kind, const char *path, int line, int col, const char *origin);
void sx__cfg_node_free(sx_cfg_node_t *n);
/** Append child under key (maps) or at the end (sequences); 0 when out of memory. */
int sx__cfg_node_append(sx_cfg_node_t *parent, const char *key, sx_cfg_node_t *child);
void sx__cfg_child_path(const sx_cfg_node_t *parent, const char *key, size_t index, char *buf, size_t len);
/** A copy of text owned by cfg (for node origins); NULL when out of memory. */
const char *sx__cfg_keep(sx_cfg_t *cfg, const char *text);
/** How field f is written on the command line: "--z-factor", "IN", "" (job only). */
void sx__cfg_field_spelling(const sx_cfg_field_t *f, char *buf, size_t len);

#endif
