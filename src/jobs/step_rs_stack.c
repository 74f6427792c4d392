/*
 * step_rs_stack.c — the layers of a stack for the rs time-series steps: a
 * list key (on the command line the positional arguments) followed by the
 * lines of a list file ("LAYER [TIME]", # comments), in that order, which is
 * the time order. Also the registration of a product's layers by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_stack.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_output.h"

void sx__step_rs_stack_free(sx__step_rs_stack_t *s)
{
    for (int i = 0; i < s->n; i++) {
        free((char *)s->path[i]);
        free(s->time[i]);
    }
    s->n = 0;
}

static sx_err stack_add(sx_job_t *job, sx__step_rs_stack_t *s, int max, const sx_cfg_node_t *where, const char *ref,
                        const char *time)
{
    if (s->n == max) return sx_cfg_fail_at(sx_job_cfg(job), where, "at most %d layers", max);
    const char *path;
    SX_CHECK(sx_job_resolve(job, where, ref, &path));
    s->path[s->n] = strdup(path);
    s->time[s->n] = time ? strdup(time) : NULL;
    s->n++;
    SX_FAIL_IF(!s->path[s->n - 1] || (time && !s->time[s->n - 1]), SX_ERR_NOMEM, "out of memory");
    return SX_OK;
}

sx_err sx__step_rs_stack_read(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char *file_key, int max,
                              sx__step_rs_stack_t *s)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *list = sx_cfg_map_get(node, key), *file = sx_cfg_map_get(node, file_key);
    if (max > SX_STEP_RS_STACK_MAX) max = SX_STEP_RS_STACK_MAX;
    for (size_t i = 0; i < sx_cfg_node_len(list); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(list, i);
        if (!sx_cfg_node_text(v)) return sx_cfg_fail_at(cfg, v, "expected a layer name or path");
        SX_CHECK(stack_add(job, s, max, v, sx_cfg_node_text(v), NULL));
    }
    if (!file) return SX_OK;
    const char *path = sx_cfg_node_text(file);
    FILE *f = fopen(path, "r");
    if (!f) return sx_cfg_fail_at(cfg, file, "cannot open the list '%s'; check the path", path);
    char line[8192];
    sx_err err = SX_OK;
    for (int ln = 1; !err && fgets(line, sizeof line, f); ln++) {
        char *hash = strchr(line, '#'), *save = NULL;
        if (hash) *hash = 0;
        char *ref = strtok_r(line, " \t\r\n", &save);
        if (!ref) continue;
        char *time = strtok_r(NULL, " \t\r\n", &save);
        if (time && strtok_r(NULL, " \t\r\n", &save))
            err = sx_cfg_fail_at(cfg, file, "%s line %d: expected LAYER [TIME], got more", path, ln);
        else err = stack_add(job, s, max, file, ref, time);
    }
    fclose(f);
    return err;
}

sx_err sx__step_rs_register(sx_job_t *job, const char *output, const char *stem, const char *name, int formats)
{
    char layer[300], path[SX_PATH_MAX + 300];
    snprintf(layer, sizeof layer, "%s_%s", output, name);
    if (formats & SX_LAYER_COG) snprintf(path, sizeof path, "%s_%s.tif", stem, name);
    else snprintf(path, sizeof path, "NETCDF:\"%s_%s.nc\":%s", stem, name, name);
    return sx_job_add_layer(job, layer, path);
}
