/*
 * forest_io.c — a random forest as a text file, so that a model trained once
 * classifies other scenes (`rs classify --model FILE`). The format
 * (docs/remote-sensing.md, "Model file"):
 *
 *   sanxiang-random-forest 1
 *   features 3 ndvi ndwi nir            names of the features, in order
 *   classes 4 1 2 3 4                   class values, increasing
 *   params seed 42 mtry 1 min_node 1 max_depth 0
 *   trees 100
 *   tree 0 17                           tree number and its node count, then one line per node:
 *   S 0 0.31500000000000000 1 2           split: feature, threshold, left, right (node numbers in the tree)
 *   L 3                                   leaf: class value
 *
 * Thresholds are written with 17 significant digits, so a forest read back
 * is bit for bit the one written. Reading checks every number and every link
 * (children after their parent, inside the tree); errors name file and line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/forest_internal.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

sx_err sx_rs_forest_save(const sx_rs_forest_t *f, const char *path)
{
    sx_strbuf_t b;
    sx_strbuf_init(&b);
    sx_strbuf_printf(&b, "sanxiang-random-forest 1\nfeatures %d", f->nfeat);
    for (int i = 0; i < f->nfeat; i++) sx_strbuf_printf(&b, " %s", f->feat[i]);
    sx_strbuf_printf(&b, "\nclasses %d", f->ncls);
    for (int i = 0; i < f->ncls; i++) sx_strbuf_printf(&b, " %d", f->cls[i]);
    sx_strbuf_printf(&b, "\nparams seed %" PRIu64 " mtry %d min_node %d max_depth %d\ntrees %d\n", f->seed, f->mtry,
                     f->min_node, f->max_depth, f->ntrees);
    for (int t = 0; t < f->ntrees; t++) {
        sx_strbuf_printf(&b, "tree %d %lld\n", t, (long long)(f->first[t + 1] - f->first[t]));
        for (int64_t k = f->first[t]; k < f->first[t + 1]; k++) {
            const sx_rs_node_t *n = &f->nodes[k];
            if (n->feature < 0) sx_strbuf_printf(&b, "L %d\n", f->cls[n->cls]);
            else sx_strbuf_printf(&b, "S %d %.17g %d %d\n", n->feature, n->threshold, n->left, n->right);
        }
    }
    sx_err err = b.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory writing the model")
                                      : sx_write_text_file(path, b.data);
    sx_strbuf_fini(&b);
    return err;
}

/* A reader of one file: the current line and its number. */
typedef struct {
    FILE *fp;
    const char *path;
    char *line;
    size_t cap;
    long no;
} rd_t;

static sx_err next_line(rd_t *r, const char *what)
{
    r->no++;
    SX_FAIL_IF(getline(&r->line, &r->cap, r->fp) < 0, SX_ERR_INPUT,
               "model '%s' ends at line %ld where %s was expected; the file is truncated (train the model again)",
               r->path, r->no, what);
    return SX_OK;
}

#define BAD(r, what) \
    sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "model '%s' line %ld: %s; is it a file written by rs classify?", \
               (r)->path, (r)->no, (what))

static sx_err read_header(rd_t *r, int *nfeat, char (**feat)[64], int *ncls, int *cls, int *ntrees, uint64_t *seed,
                          int *mtry, int *min_node, int *max_depth)
{
    int ver = 0, pos = 0, k;
    SX_CHECK(next_line(r, "the header"));
    if (sscanf(r->line, "sanxiang-random-forest %d", &ver) != 1 || ver != 1) return BAD(r, "not 'sanxiang-random-forest 1'");
    SX_CHECK(next_line(r, "the features"));
    if (sscanf(r->line, "features %d%n", nfeat, &pos) != 1 || *nfeat < 1 || *nfeat > 64) return BAD(r, "bad 'features' line");
    *feat = calloc((size_t)*nfeat, sizeof **feat);
    SX_FAIL_IF(!*feat, SX_ERR_NOMEM, "out of memory reading '%s'", r->path);
    const char *s = r->line + pos;
    for (int i = 0; i < *nfeat; i++, s += k)
        if (sscanf(s, " %63s%n", (*feat)[i], &k) != 1) return BAD(r, "fewer feature names than features");
    SX_CHECK(next_line(r, "the classes"));
    if (sscanf(r->line, "classes %d%n", ncls, &pos) != 1 || *ncls < 1 || *ncls > 255) return BAD(r, "bad 'classes' line");
    s = r->line + pos;
    for (int i = 0; i < *ncls; i++, s += k)
        if (sscanf(s, " %d%n", &cls[i], &k) != 1 || cls[i] < 0 || cls[i] > 254 || (i && cls[i] <= cls[i - 1]))
            return BAD(r, "class values must be increasing whole numbers 0 .. 254");
    SX_CHECK(next_line(r, "the parameters"));
    if (sscanf(r->line, "params seed %" SCNu64 " mtry %d min_node %d max_depth %d", seed, mtry, min_node, max_depth) != 4)
        return BAD(r, "bad 'params' line");
    SX_CHECK(next_line(r, "the tree count"));
    if (sscanf(r->line, "trees %d", ntrees) != 1 || *ntrees < 1) return BAD(r, "bad 'trees' line");
    return SX_OK;
}

/* The nodes of one tree into f->nodes[at ..]: links inside the tree, each
 * child after its parent (so every path ends at a leaf). */
static sx_err read_tree(rd_t *r, sx_rs_forest_t *f, int t, int64_t at, int64_t count)
{
    for (int64_t k = 0; k < count; k++) {
        SX_CHECK(next_line(r, "a node"));
        sx_rs_node_t *n = &f->nodes[at + k];
        int fe, l, rr, c, pos = 0;
        double th;
        *n = (sx_rs_node_t){-1, -1, -1, 0, 0};
        if (sscanf(r->line, "S %d %lf %d %d %n", &fe, &th, &l, &rr, &pos) == 4 && !r->line[pos]) {
            if (fe < 0 || fe >= f->nfeat || l <= k || rr <= k || l >= count || rr >= count || l == rr)
                return BAD(r, "split with a feature or child out of range");
            *n = (sx_rs_node_t){fe, l, rr, 0, th};
        } else if (sscanf(r->line, "L %d %n", &c, &pos) == 1 && !r->line[pos]) {
            int ci = -1;
            for (int i = 0; i < f->ncls; i++)
                if (f->cls[i] == c) ci = i;
            if (ci < 0) return BAD(r, "leaf of a class not in the 'classes' line");
            n->cls = ci;
        } else {
            char what[128];
            snprintf(what, sizeof what, "tree %d node %lld is neither 'S ...' nor 'L ...'", t, (long long)k);
            return BAD(r, what);
        }
    }
    return SX_OK;
}

sx_err sx_rs_forest_load(const char *path, sx_rs_forest_t **out)
{
    *out = NULL;
    rd_t r = {fopen(path, "r"), path, NULL, 0, 0};
    SX_FAIL_IF(!r.fp, SX_ERR_IO, "cannot open model '%s'; check the path (rs classify -o OUT writes OUT_model.txt)", path);
    int nfeat = 0, ncls = 0, cls[255], ntrees = 0, mtry, min_node, max_depth;
    uint64_t seed;
    char(*feat)[64] = NULL;
    sx_err err = read_header(&r, &nfeat, &feat, &ncls, cls, &ntrees, &seed, &mtry, &min_node, &max_depth);
    /* first pass: node counts, to size the forest */
    long body = err ? 0 : ftell(r.fp), no = r.no;
    int64_t total = 0;
    for (int t = 0; t < ntrees && !err; t++) {
        int tt;
        long long c;
        err = next_line(&r, "a 'tree' line");
        if (!err && (sscanf(r.line, "tree %d %lld", &tt, &c) != 2 || tt != t || c < 1 || c > INT32_MAX))
            err = BAD(&r, "bad 'tree' line");
        for (long long k = 0; k < c && !err; k++) err = next_line(&r, "a node");
        total += err ? 0 : c;
    }
    sx_rs_forest_t *f = NULL;
    if (!err) err = sx__rs_forest_alloc(nfeat, ncls, ntrees, total, &f);
    if (!err) {
        memcpy(f->feat, feat, (size_t)nfeat * sizeof *feat);
        memcpy(f->cls, cls, (size_t)ncls * sizeof *cls);
        f->seed = seed;
        f->mtry = mtry;
        f->min_node = min_node;
        f->max_depth = max_depth;
        if (fseek(r.fp, body, SEEK_SET)) err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot re-read model '%s'", path);
        r.no = no;
    }
    for (int t = 0; t < ntrees && !err; t++) {
        long long c = 0;
        err = next_line(&r, "a 'tree' line");
        if (!err) sscanf(r.line, "tree %*d %lld", &c);
        f->first[t + 1] = f->first[t] + c;
        if (!err) err = read_tree(&r, f, t, f->first[t], c);
    }
    if (err) sx_rs_forest_destroy(&f);
    *out = f;
    free(feat);
    free(r.line);
    fclose(r.fp);
    return err;
}
