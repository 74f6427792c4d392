/*
 * forest.c — random forest training and prediction (Breiman, L. 2001. Random
 * forests. Machine Learning 45:5-32, doi:10.1023/A:1010933404324), the trees
 * being CART classification trees (Breiman, Friedman, Olshen & Stone 1984)
 * split by the Gini impurity.
 *
 * Tree t: a bootstrap of n draws with replacement from the n training
 * samples, then recursive binary splits x[f] <= threshold. At each node the
 * features are visited in an order shuffled by the tree's random stream and
 * evaluated until mtry of them could split the node (a constant feature does
 * not count, as in scikit-learn); with mtry >= nfeat no shuffle is done and
 * the features are visited in their order. For a feature, the node's
 * (value, class) pairs are sorted and every cut between two distinct
 * consecutive values v_i < v_{i+1} is scored by
 *   score = sum_c L_c^2 / n_L + sum_c R_c^2 / n_R
 * (class counts left and right; maximising it minimises the weighted Gini
 * impurity n_L G_L + n_R G_R, G = 1 - sum p_c^2). The first best score wins
 * (strictly greater replaces), so ties go to the earlier feature in the visit
 * order and then the lower threshold. The threshold is the midpoint
 * (v_i + v_{i+1}) / 2, or v_i when rounding puts the midpoint on v_{i+1}. A node
 * is a leaf when it is pure, holds fewer than min_node samples, reaches
 * max_depth or no visited feature can split it; it votes for its majority
 * class (the lowest class index on a tie). The forest predicts by majority
 * vote (lowest class index on a tie); a class's probability is its share of
 * the votes.
 *
 * Randomness: tree t's stream is splitmix64 (Steele, Lea & Flood 2014,
 * doi:10.1145/2714064.2660195) started from mix(seed) ^ mix(t + 1); integers
 * below m by rejection (no modulo bias). Trees are dealt to ranks (t mod
 * size) and to OpenMP threads, and gathered in tree order, so the forest
 * depends only on the training set and the parameters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rs/forest_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_rs_classify.h"

typedef struct {
    uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r) { return sx_splitmix64_next(&r->s); }

/* uniform in [0, m), m >= 1 */
static uint64_t rng_below(rng_t *r, uint64_t m)
{
    const uint64_t lim = UINT64_MAX - UINT64_MAX % m;
    uint64_t x;
    do x = rng_next(r);
    while (x >= lim);
    return x % m;
}

typedef struct {
    double v;
    int c;
} pair_t;

static int pair_cmp(const void *a, const void *b)
{
    const pair_t *p = a, *q = b;
    if (p->v != q->v) return p->v < q->v ? -1 : 1;
    return (p->c > q->c) - (p->c < q->c);
}

/* A tree being grown: its nodes and the work space. */
typedef struct {
    sx_rs_node_t *nodes;
    int64_t n, cap;
    int64_t *idx;    /* samples of the tree (bootstrap), partitioned node by node */
    pair_t *pairs;   /* work: one node's (value, class) */
    int64_t *left;   /* work: class counts */
    int64_t *total;
    int *order;      /* feature visit order */
} grow_t;

static int64_t add_node(grow_t *g)
{
    if (g->n == g->cap) {
        const int64_t cap = g->cap ? 2 * g->cap : 64;
        sx_rs_node_t *p = realloc(g->nodes, (size_t)cap * sizeof *p);
        if (!p) return -1;
        g->nodes = p;
        g->cap = cap;
    }
    g->nodes[g->n] = (sx_rs_node_t){-1, -1, -1, 0, 0};
    return g->n++;
}

/* Best cut of feature f over samples idx[lo, hi): 1 if the feature can
 * split the node, with *score / *thr of its best cut. */
static int best_cut(grow_t *g, const double *x, const int *y, int nfeat, int ncls, int f, int64_t lo, int64_t hi,
                    double *score, double *thr)
{
    const int64_t m = hi - lo;
    for (int64_t i = 0; i < m; i++) g->pairs[i] = (pair_t){x[g->idx[lo + i] * nfeat + f], y[g->idx[lo + i]]};
    qsort(g->pairs, (size_t)m, sizeof *g->pairs, pair_cmp);
    if (!(g->pairs[0].v < g->pairs[m - 1].v)) return 0;
    memset(g->left, 0, (size_t)ncls * sizeof *g->left);
    int found = 0;
    for (int64_t i = 0; i + 1 < m; i++) {
        g->left[g->pairs[i].c]++;
        const double a = g->pairs[i].v, b = g->pairs[i + 1].v;
        if (!(a < b)) continue;
        int64_t sl = 0, sr = 0;
        for (int c = 0; c < ncls; c++) {
            const int64_t l = g->left[c], r = g->total[c] - l;
            sl += l * l;
            sr += r * r;
        }
        const int64_t nl = i + 1, nr = m - nl;
        const double s = (double)sl / (double)nl + (double)sr / (double)nr;
        if (!found || s > *score) {
            double mid = a + (b - a) / 2;
            if (!(mid < b)) mid = a;
            *score = s;
            *thr = mid;
            found = 1;
        }
    }
    return found;
}

typedef struct {
    int64_t node, lo, hi;
    int depth;
} task_t;

/* Grow one tree from the samples in g->idx[0, n). 0 or -1 (out of memory). */
static int grow(grow_t *g, const double *x, const int *y, int64_t n, int nfeat, int ncls, const sx_rs_forest_params_t *p,
                int mtry, rng_t *rng)
{
    task_t *stack = malloc((size_t)(n + 1) * sizeof *stack); /* at most one pending right child per level */
    if (!stack) return -1;
    int64_t top = 0;
    const int64_t root = add_node(g);
    if (root < 0) {
        free(stack);
        return -1;
    }
    stack[top++] = (task_t){root, 0, n, 0};
    while (top > 0) {
        const task_t t = stack[--top];
        const int64_t m = t.hi - t.lo;
        memset(g->total, 0, (size_t)ncls * sizeof *g->total);
        for (int64_t i = t.lo; i < t.hi; i++) g->total[y[g->idx[i]]]++;
        int maj = 0, kinds = 0;
        for (int c = 0; c < ncls; c++) {
            if (g->total[c] > g->total[maj]) maj = c;
            kinds += g->total[c] > 0;
        }
        g->nodes[t.node].cls = maj;
        if (kinds < 2 || m < p->min_node || m < 2 || (p->max_depth > 0 && t.depth >= p->max_depth)) continue;
        for (int f = 0; f < nfeat; f++) g->order[f] = f;
        int tried = 0, bf = -1;
        double bs = 0, bt = 0;
        for (int k = 0; k < nfeat && tried < mtry; k++) {
            if (mtry < nfeat) { /* Fisher-Yates, one step per visited feature */
                const int j = k + (int)rng_below(rng, (uint64_t)(nfeat - k));
                const int s = g->order[k];
                g->order[k] = g->order[j];
                g->order[j] = s;
            }
            double s = 0, th = 0;
            if (!best_cut(g, x, y, nfeat, ncls, g->order[k], t.lo, t.hi, &s, &th)) continue;
            tried++;
            if (bf < 0 || s > bs) {
                bf = g->order[k];
                bs = s;
                bt = th;
            }
        }
        if (bf < 0) continue;
        int64_t a = t.lo, b = t.hi - 1;
        while (a <= b) {
            if (x[g->idx[a] * nfeat + bf] <= bt) a++;
            else {
                const int64_t s = g->idx[a];
                g->idx[a] = g->idx[b];
                g->idx[b--] = s;
            }
        }
        const int64_t l = add_node(g), r = l < 0 ? -1 : add_node(g);
        if (r < 0) {
            free(stack);
            return -1;
        }
        g->nodes[t.node].feature = bf;
        g->nodes[t.node].threshold = bt;
        g->nodes[t.node].left = (int32_t)l;
        g->nodes[t.node].right = (int32_t)r;
        stack[top++] = (task_t){r, a, t.hi, t.depth + 1};
        stack[top++] = (task_t){l, t.lo, a, t.depth + 1};
    }
    free(stack);
    return 0;
}

/* Tree t into *nodes / *count (malloc'd). 0 or -1 (out of memory). */
static int grow_tree(const double *x, const int *y, int64_t n, int nfeat, int ncls, const sx_rs_forest_params_t *p,
                     int mtry, int t, sx_rs_node_t **nodes, int64_t *count)
{
    grow_t g = {0};
    rng_t rng = {sx__rs_mix64(p->seed) ^ sx__rs_mix64((uint64_t)t + 1)};
    g.idx = malloc((size_t)n * sizeof *g.idx);
    g.pairs = malloc((size_t)n * sizeof *g.pairs);
    g.left = malloc((size_t)ncls * sizeof *g.left);
    g.total = malloc((size_t)ncls * sizeof *g.total);
    g.order = malloc((size_t)nfeat * sizeof *g.order);
    int rc = g.idx && g.pairs && g.left && g.total && g.order ? 0 : -1;
    for (int64_t i = 0; i < n && !rc; i++) g.idx[i] = p->bootstrap ? (int64_t)rng_below(&rng, (uint64_t)n) : i;
    if (!rc) rc = grow(&g, x, y, n, nfeat, ncls, p, mtry, &rng);
    free(g.idx);
    free(g.pairs);
    free(g.left);
    free(g.total);
    free(g.order);
    if (rc) free(g.nodes);
    *nodes = rc ? NULL : g.nodes;
    *count = rc ? 0 : g.n;
    return rc;
}

sx_err sx__rs_forest_alloc(int nfeat, int ncls, int ntrees, int64_t nnodes, sx_rs_forest_t **out)
{
    sx_rs_forest_t *f = calloc(1, sizeof *f);
    SX_FAIL_IF(!f, SX_ERR_NOMEM, "out of memory for a forest");
    f->nfeat = nfeat;
    f->ncls = ncls;
    f->ntrees = ntrees;
    f->feat = calloc((size_t)nfeat, sizeof *f->feat);
    f->first = calloc((size_t)ntrees + 1, sizeof *f->first);
    f->nodes = calloc((size_t)nnodes + 1, sizeof *f->nodes);
    *out = f;
    if (!f->feat || !f->first || !f->nodes) {
        sx_rs_forest_destroy(out);
        return sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for a forest of %lld nodes", (long long)nnodes);
    }
    return SX_OK;
}

void sx_rs_forest_destroy(sx_rs_forest_t **f)
{
    if (!f || !*f) return;
    free((*f)->feat);
    free((*f)->first);
    free((*f)->nodes);
    free(*f);
    *f = NULL;
}

sx_err sx_rs_forest_train(MPI_Comm comm, const double *x, const int *y, int64_t n, int nfeat, const char (*feat)[64],
                          const int *cls, int ncls, const sx_rs_forest_params_t *p, sx_rs_forest_t **out)
{
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    *out = NULL;
    SX_FAIL_IF(n < 1 || nfeat < 1 || ncls < 1 || ncls > 255 || p->ntrees < 1, SX_ERR_INPUT,
               "a forest needs samples, features, classes and trees (got %lld, %d, %d, %d)", (long long)n, nfeat, ncls,
               p->ntrees);
    const int root = (int)floor(sqrt((double)nfeat));
    const int mtry = p->mtry > 0 ? (p->mtry < nfeat ? p->mtry : nfeat) : (root > 0 ? root : 1);
    const int ntrees = p->ntrees, mine = ntrees / size + (rank < ntrees % size);
    sx_rs_node_t **tn = calloc((size_t)mine + 1, sizeof *tn);
    int64_t *cnt = calloc((size_t)ntrees, sizeof *cnt), *all = calloc((size_t)ntrees, sizeof *all);
    int bad = !tn || !cnt || !all;
#pragma omp parallel for schedule(dynamic, 1)
    for (int k = 0; k < mine; k++) {
        int stop;
#pragma omp atomic read
        stop = bad;
        if (stop) continue;
        const int t = rank + k * size;
        if (grow_tree(x, y, n, nfeat, ncls, p, mtry, t, &tn[k], &cnt[t])) {
#pragma omp atomic write
            bad = 1;
        }
    }
    sx_err err = bad ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory growing %d trees on %lld samples", mine,
                                  (long long)n)
                     : SX_OK;
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    int mrc = MPI_Allreduce(cnt, all, ntrees, MPI_INT64_T, MPI_SUM, comm);
    if (mrc != MPI_SUCCESS) SX_CHECK_GOTO(sx__mpi_fail(mrc, "MPI_Allreduce", SX__FILE, __LINE__), err, done);
    int64_t total = 0, minen = 0;
    for (int t = 0; t < ntrees; t++) total += all[t];
    for (int k = 0; k < mine; k++) minen += all[rank + k * size];
    sx_rs_forest_t *f = NULL;
    SX_CHECK_GOTO(sx__rs_forest_alloc(nfeat, ncls, ntrees, total, &f), err, done);
    *out = f;
    memcpy(f->feat, feat, (size_t)nfeat * sizeof *f->feat);
    memcpy(f->cls, cls, (size_t)ncls * sizeof *cls);
    f->seed = p->seed;
    f->mtry = mtry;
    f->min_node = p->min_node;
    f->max_depth = p->max_depth;
    for (int t = 0; t < ntrees; t++) f->first[t + 1] = f->first[t] + all[t];
    /* Each rank's trees in its order, gathered rank by rank, then put in tree order. */
    int *rc = calloc((size_t)size, sizeof *rc), *rd = calloc((size_t)size, sizeof *rd);
    sx_rs_node_t *send = malloc((size_t)(minen + 1) * sizeof *send), *recv = malloc((size_t)(total + 1) * sizeof *recv);
    err = rc && rd && send && recv ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory gathering the forest");
    if (!err) {
        int64_t off = 0, disp = 0;
        for (int k = 0; k < mine; k++) {
            memcpy(send + off, tn[k], (size_t)all[rank + k * size] * sizeof *send);
            off += all[rank + k * size];
        }
        for (int r = 0; r < size && !err; r++) {
            int64_t b = 0;
            for (int t = r; t < ntrees; t += size) b += all[t] * (int64_t)sizeof *send;
            if (b > INT32_MAX || disp > INT32_MAX)
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "the forest is too large to gather (%lld bytes on rank "
                                 "%d); use fewer trees or min_node > 1", (long long)b, r);
            rc[r] = (int)b;
            rd[r] = (int)disp;
            disp += b;
        }
        if (!err && (mrc = MPI_Allgatherv(send, rc[rank], MPI_BYTE, recv, rc, rd, MPI_BYTE, comm)) != MPI_SUCCESS)
            err = sx__mpi_fail(mrc, "MPI_Allgatherv", SX__FILE, __LINE__);
        for (int r = 0; r < size && !err; r++) {
            int64_t at = rd[r] / (int64_t)sizeof *recv;
            for (int t = r; t < ntrees; t += size) {
                memcpy(f->nodes + f->first[t], recv + at, (size_t)all[t] * sizeof *recv);
                at += all[t];
            }
        }
    }
    free(rc);
    free(rd);
    free(send);
    free(recv);
    if (err) sx_rs_forest_destroy(out);
done:
    for (int k = 0; tn && k < mine; k++) free(tn[k]);
    free(tn);
    free(cnt);
    free(all);
    return err;
}

void sx_rs_forest_vote(const sx_rs_forest_t *f, const double *x, int64_t n, int *votes)
{
    memset(votes, 0, (size_t)n * (size_t)f->ncls * sizeof *votes);
    for (int t = 0; t < f->ntrees; t++) { /* tree-major: one tree's nodes stay in cache over the n samples */
        const sx_rs_node_t *nd = f->nodes + f->first[t];
        for (int64_t i = 0; i < n; i++) {
            const double *xi = x + i * f->nfeat;
            int64_t k = 0;
            while (nd[k].feature >= 0) k = xi[nd[k].feature] <= nd[k].threshold ? nd[k].left : nd[k].right;
            votes[i * f->ncls + nd[k].cls]++;
        }
    }
}

int sx_rs_forest_winner(const sx_rs_forest_t *f, const int *votes)
{
    int best = 0;
    for (int c = 1; c < f->ncls; c++)
        if (votes[c] > votes[best]) best = c;
    return best;
}

int sx_rs_forest_predict(const sx_rs_forest_t *f, const double *x, int *votes)
{
    sx_rs_forest_vote(f, x, 1, votes);
    return sx_rs_forest_winner(f, votes);
}
