/*
 * step_hydro_reservoir_structures.c — the `structures` key of a reservoir,
 * the one parser behind the forecast network's reservoir nodes, dispatch
 * alternatives and `hydro reservoir --structures`: groups of identical weirs,
 * gates and bottom outlets (sx_reservoir_structure_t) read by one declarative
 * key table, then set on the reservoir's curves as its outflow capacity
 * (reservoir_structures.c). A job file gives a list of maps; on the command
 * line each --structures value (repeatable, one group each) is the same map
 * written as YAML flow text, '{type: gate, count: 3, crest: 66, width: 10, opening: 3,
 * mu: 0.6, m: 0.38}', parsed here into the same tree. Errors name the job
 * file, line and key, or the option and its text.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "jobs/step_hydro_reservoir.h"

#define MAX_GROUPS 16

static const sx_cfg_field_t st_fields[] = {
    {"type", SX_CFG_T_ENUM, 1, NULL, 1, 0, "weir|gate|outlet", "free weir, gated spillway or bottom outlet"},
    {"count", SX_CFG_T_INT, 0, "1", 1, 1000, NULL, "identical openings"},
    {"crest", SX_CFG_T_FLOAT, 1, NULL, -1e4, 1e4, NULL, "weir crest / gate sill / outlet centre elevation (m)"},
    {"width", SX_CFG_T_FLOAT, 0, NULL, 1e-6, 1e4, NULL, "width of one opening (m; weir, gate)"},
    {"area", SX_CFG_T_FLOAT, 0, NULL, 1e-6, 1e6, NULL, "area of one outlet (m2; outlet)"},
    {"opening", SX_CFG_T_FLOAT, 0, "fully open", 0, 1e3, NULL, "gate opening e (m; gate)"},
    {"m", SX_CFG_T_FLOAT, 0, NULL, 0.01, 1, NULL, "weir discharge coefficient (weir, gate)"},
    {"mu", SX_CFG_T_FLOAT, 0, NULL, 0.01, 1, NULL, "orifice discharge coefficient (gate, outlet)"},
};
#define NST (sizeof st_fields / sizeof *st_fields)

/* One structure group; keys the type needs are required here. */
static sx_err group(const sx_cfg_t *cfg, const sx_cfg_node_t *n, sx_reservoir_structure_t *s)
{
    SX_CHECK(sx_cfg_check(cfg, n, st_fields, NST));
    const char *type;
    int64_t count;
    SX_CHECK(sx_cfg_get_string(cfg, n, "type", NULL, &type));
    SX_CHECK(sx_cfg_get_int(cfg, n, "count", 1, &count));
    s->count = (int)count;
    s->kind = !strcmp(type, "weir") ? SX_RESERVOIR_WEIR : !strcmp(type, "gate") ? SX_RESERVOIR_GATE : SX_RESERVOIR_OUTLET;
    static const char *const need[3][4] = {{"width", "m"}, {"width", "m", "mu"}, {"area", "mu"}};
    for (int k = 0; k < 4 && need[s->kind][k]; k++)
        if (!sx_cfg_map_get(n, need[s->kind][k]))
            return sx_cfg_fail_at(cfg, n, "a %s needs `%s`", type, need[s->kind][k]);
    SX_CHECK(sx_cfg_get_double(cfg, n, "crest", 0, &s->crest));
    SX_CHECK(sx_cfg_get_double(cfg, n, "width", 0, &s->width));
    SX_CHECK(sx_cfg_get_double(cfg, n, "area", 0, &s->area));
    SX_CHECK(sx_cfg_get_double(cfg, n, "opening", INFINITY, &s->opening));
    SX_CHECK(sx_cfg_get_double(cfg, n, "m", 0, &s->m));
    SX_CHECK(sx_cfg_get_double(cfg, n, "mu", 0, &s->mu));
    return SX_OK;
}

sx_err sx__step_reservoir_structures(const sx_cfg_t *cfg, const sx_cfg_node_t *st, sx_reservoir_curves_t *c,
                                     const char *what)
{
    if (sx_cfg_node_kind(st) != SX_CFG_SEQ || sx_cfg_node_len(st) < 1)
        return sx_cfg_fail_at(cfg, st, "give a list of 1..%d structure groups {type: weir|gate|outlet, ...}", MAX_GROUPS);
    const size_t ns = sx_cfg_node_len(st);
    if (ns > MAX_GROUPS)
        return sx_cfg_fail_at(cfg, st, "%zu structure groups; at most %d (merge identical openings with `count`)", ns,
                              MAX_GROUPS);
    sx_reservoir_structure_t s[MAX_GROUPS];
    for (size_t k = 0; k < ns; k++) {
        const sx_cfg_node_t *e = sx_cfg_node_at(st, k);
        const char *text = sx_cfg_node_text(e);
        if (!text) { /* a job file's map */
            SX_CHECK(group(cfg, e, &s[k]));
            continue;
        }
        /* the command line: the same map as YAML flow text */
        char src[200];
        snprintf(src, sizeof src, "%s '%.160s'", sx_cfg_from_command_line(cfg) ? "--structures" : sx_cfg_node_path(e),
                 text);
        sx_cfg_t *sub = NULL;
        if (text[0] != '{')
            return sx_cfg_fail_at(cfg, e, "expected one structure group '{type: weir|gate|outlet, crest: ..., ...}', "
                                          "got '%.80s'", text);
        SX_CHECK(sx_cfg_parse_text(text, strlen(text), src, &sub));
        sx_err err = group(sub, sx_cfg_root(sub), &s[k]);
        sx_cfg_destroy(&sub);
        SX_CHECK(err);
    }
    return sx_reservoir_curves_set_structures(c, s, (int)ns, what);
}
