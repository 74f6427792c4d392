/*
 * layer_dir.c — a layer's folder in a one-map package: <collection>/<id>/
 * under the package being built, the id made safe for a path and a URL,
 * and the paths of the files inside it.
 */
#include <stdio.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_output.h"

sx_err sx__pub_path(const sx__pub_t *p, const sx__pub_layer_t *l, const char *file, char *buf, size_t len)
{
    SX_FAIL_IF(snprintf(buf, len, "%s/%s/%s", p->root, l->rel_dir, file) >= (int)len, SX_ERR_IO,
               "package path too long for '%s'", file);
    return SX_OK;
}

/* Letters, digits, '-' and '_' stay; anything else becomes '_'. */
void sx__pub_sanitize_id(char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            *s = '_';
}

sx_err sx__pub_add_layer(sx__pub_t *p, const char *id, sx__pub_layer_t **out)
{
    SX_FAIL_IF(p->nlayers == SX__PUB_MAX_LAYERS, SX_ERR_INPUT, "more than %d layers in one package", SX__PUB_MAX_LAYERS);
    sx__pub_layer_t *l = &p->layers[p->nlayers];
    memset(l, 0, sizeof *l);
    snprintf(l->id, sizeof l->id, "%s", id);
    sx__pub_sanitize_id(l->id);
    /* compared once made safe: "a b" and "a_b" would share a folder */
    for (size_t i = 0; i < p->nlayers; i++)
        SX_FAIL_IF(!strcmp(p->layers[i].id, l->id), SX_ERR_INPUT,
                   "two inputs would both be layer '%s' of the package: %s%s%s and the one named '%s' (layer names "
                   "keep letters, digits, '-' and '_'); rename one of them", l->id,
                   p->layers[i].source[0] ? "'" : "an earlier one", p->layers[i].source,
                   p->layers[i].source[0] ? "'" : "", id);
    p->nlayers++;
    snprintf(l->rel_dir, sizeof l->rel_dir, "%s/%s", p->collection, l->id);
    char dir[SX_PATH_MAX];
    SX_FAIL_IF(snprintf(dir, sizeof dir, "%s/%s", p->root, l->rel_dir) >= (int)sizeof dir, SX_ERR_IO, "path too long");
    SX_CHECK(sx_mkdir_p(dir));
    *out = l;
    return SX_OK;
}
