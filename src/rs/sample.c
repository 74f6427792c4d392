/*
 * sample.c — `rs sample`: a stratified random sample of a class map for
 * accuracy assessment and area estimation (Olofsson et al. 2014, RSE
 * 148:42-57, doi:10.1016/j.rse.2014.02.015, sections 5.1-5.2; Cochran 1977,
 * Sampling Techniques, chapter 5). The strata are the map classes; the
 * sample feeds `rs accuracy`.
 *
 * 1. Every rank reads its block of the map (and of the reference raster,
 *    which must share the map's grid) and sorts each cell: not mapped;
 *    mapped but under an exclude feature (e.g. a training point: the sample
 *    must be independent of the training data); mapped but without a
 *    reference label (the reference's nodata or 255: such a cell cannot be
 *    assessed, so it is left out of the frame); or eligible. The counts per
 *    class are int64 sums reduced over the ranks (exact). The block keeps
 *    one byte per cell (the class of an eligible cell) and one for its
 *    reference.
 * 2. The stratum sizes n_h follow from the global counts (sample_alloc.c),
 *    the same on every rank; a class with fewer eligible cells than n_h is
 *    an error.
 * 3. In each stratum the n_h eligible cells with the smallest keys are drawn
 *    (sample_select.c): a simple random sample within the stratum that does
 *    not depend on the rank count.
 * 4. Rank 0 writes the points and the strata table (sample_write.c).
 *
 * The exclude features are read by rank 0 and broadcast (their cells:
 * memory per rank is the block, the exclude list and the sample size).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rs/sample_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

#define NC SX_RS_SAMPLE_NC
#define NONE 255

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The exclude features as sorted, distinct linear cell indices. */
static sx_err exclude_cells(MPI_Comm comm, const sx_rs_sample_opts_t *o, const sx_grid_t *g, int64_t **ex, int64_t *nex)
{
    *ex = NULL;
    *nex = 0;
    if (!o->exclude) return SX_OK;
    sx__rs_cells_t c;
    int64_t outside = 0;
    const sx__rs_features_t f = {o->exclude, o->exclude_layer, NULL, "the exclude features", NULL, 1};
    SX_CHECK(sx__rs_feature_cells(comm, &f, g, o->map, &c, &outside));
    SX_FAIL_IF(c.n == 0 && outside > 0, SX_ERR_INPUT,
               "none of the %lld exclude points of '%s' lies on the map '%s'; check that they belong to this map and "
               "that their CRS is declared right", (long long)outside, o->exclude, o->map);
    for (int64_t i = 0; i < c.n; i++) c.v[i] = c.v[3 * i + 1] * g->nx + c.v[3 * i];
    qsort(c.v, (size_t)c.n, sizeof *c.v, cmp_i64);
    int64_t m = 0;
    for (int64_t i = 0; i < c.n; i++)
        if (m == 0 || c.v[i] != c.v[m - 1]) c.v[m++] = c.v[i];
    *ex = c.v;
    *nex = m;
    if (sx_mpi_rank() == 0)
        sx_log_info("rs sample: %lld cells excluded by '%s' (%lld points off the map ignored)", (long long)m, o->exclude,
                    (long long)outside);
    return SX_OK;
}

/* Step 1 on this rank's block: the class of each eligible cell (NONE
 * otherwise) into cls, its reference into ref, the per-class counts. */
static sx_err sort_cells(const sx_rs_sample_opts_t *o, sx__rs_bandset_t *bs, sx_window_t own, const int64_t *ex,
                         int64_t nex, unsigned char *cls, unsigned char *ref, sx__rs_strata_t *st)
{
    const int64_t nx = bs->frame.nx;
    double *a = malloc((size_t)(own.nx + 1) * sizeof *a), *b = malloc((size_t)(own.nx + 1) * sizeof *b);
    sx_err err = a && b ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold a row of %lld cells",
                                           (long long)own.nx);
    for (int64_t j = 0; j < own.ny && own.nx > 0 && !err; j++) {
        const sx_window_t row = {own.x0, own.y0 + j, own.nx, 1};
        err = sx__rs_bandset_read(bs, 0, row, a);
        if (!err && o->reference) err = sx__rs_bandset_read(bs, 1, row, b);
        const int64_t first = (own.y0 + j) * nx + own.x0;
        int64_t p = 0, hi = nex; /* first exclude index >= first */
        while (p < hi) {
            const int64_t mid = p + (hi - p) / 2;
            if (ex[mid] < first) p = mid + 1;
            else hi = mid;
        }
        for (int64_t i = 0; i < own.nx && !err; i++) {
            unsigned char *cc = &cls[j * own.nx + i], *rc = &ref[j * own.nx + i];
            int c = 0, r = NONE;
            *cc = *rc = NONE;
            const int k = sx__rs_class_of(a[i], &c), kr = o->reference ? sx__rs_class_of(b[i], &r) : 1;
            while (p < nex && ex[p] < first + i) p++;
            if (k < 0 || (k > 0 && kr < 0))
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                 "%s '%s' has value %g at cell (%lld, %lld); classes must be whole numbers 0 .. 254 "
                                 "(255 or nodata = %s)", k < 0 ? "class map" : "reference", k < 0 ? o->map : o->reference,
                                 k < 0 ? a[i] : b[i], (long long)(own.x0 + i), (long long)(own.y0 + j),
                                 k < 0 ? "not mapped" : "unlabelled");
            else if (k > 0) {
                st->cnt.mapped[c]++;
                if (p < nex && ex[p] == first + i)
                    st->cnt.excluded[c]++;
                else if (kr == 0)
                    st->cnt.unlabelled[c]++;
                else {
                    st->cnt.eligible[c]++;
                    *cc = (unsigned char)c;
                    *rc = (unsigned char)r;
                }
            }
        }
    }
    free(a);
    free(b);
    return err;
}

/* Step 2: strata and their sizes, the same on every rank. */
static sx_err allocate(const sx_rs_sample_opts_t *o, sx__rs_strata_t *st)
{
    int64_t mapped[NC];
    st->k = 0;
    for (int c = 0; c < NC; c++)
        if (st->cnt.mapped[c] > 0) {
            mapped[st->k] = st->cnt.mapped[c];
            st->cls[st->k++] = c;
        }
    SX_FAIL_IF(st->k == 0, SX_ERR_INPUT, "the map '%s' has no mapped cell", o->map);
    SX_CHECK(sx_rs_sample_allocate(st->k, mapped, o->per_class, o->total, o->min_per_class, st->n));
    st->total = 0;
    for (int h = 0; h < st->k; h++) {
        const int c = st->cls[h];
        SX_FAIL_IF(st->cnt.eligible[c] < st->n[h], SX_ERR_INPUT,
                   "map class %d has %lld cells to draw from (%lld mapped, %lld under exclude features, %lld without a "
                   "reference label) but its stratum needs %lld sample units; lower %s", c, (long long)st->cnt.eligible[c],
                   (long long)st->cnt.mapped[c], (long long)st->cnt.excluded[c], (long long)st->cnt.unlabelled[c],
                   (long long)st->n[h], o->per_class > 0 ? "--per-class" : "--total or --min-per-class");
        st->total += st->n[h];
    }
    return SX_OK;
}

/* Step 3: this rank's candidates, then the sample on rank 0. */
static sx_err draw(MPI_Comm comm, const sx_rs_sample_opts_t *o, const sx__rs_strata_t *st, int64_t nx, sx_window_t own,
                   const unsigned char *cls, const unsigned char *ref, sx__rs_draw_t **out, int64_t *nout)
{
    int stratum[NC];
    for (int c = 0; c < NC; c++) stratum[c] = -1;
    for (int h = 0; h < st->k; h++) stratum[st->cls[h]] = h;
    sx__rs_select_t s;
    sx_err err = sx__rs_select_init(&s, st->k, st->n);
    SX_CHECK(sx_err_agree(comm, err));
    const uint64_t stream = sx__rs_sample_stream(o->seed);
    for (int64_t j = 0; j < own.ny; j++)
        for (int64_t i = 0; i < own.nx; i++) {
            const int64_t q = j * own.nx + i;
            if (cls[q] == NONE) continue;
            const int64_t cell = (own.y0 + j) * nx + own.x0 + i;
            const sx__rs_draw_t d = {sx__rs_sample_key(stream, cell), cell, stratum[cls[q]], ref[q]};
            sx__rs_select_offer(&s, d);
        }
    err = sx__rs_select_reduce(comm, &s, out, nout);
    sx__rs_select_fini(&s);
    return err;
}

static void log_strata(const sx__rs_strata_t *st)
{
    for (int h = 0; h < st->k; h++) {
        const int c = st->cls[h];
        sx_log_info("rs sample: class %d: %lld mapped, %lld excluded, %lld unlabelled, %lld eligible -> %lld drawn", c,
                    (long long)st->cnt.mapped[c], (long long)st->cnt.excluded[c], (long long)st->cnt.unlabelled[c],
                    (long long)st->cnt.eligible[c], (long long)st->n[h]);
    }
}

sx_err sx_rs_sample_run(MPI_Comm comm, const sx_rs_sample_opts_t *o)
{
    SX_FAIL_IF(o->per_class <= 0 && o->total <= 0, SX_ERR_USAGE,
               "give the sample size: --per-class N (equal allocation) or --total N (Olofsson et al. 2014)");
    sx_rs_band_t bands[2];
    sx__rs_class_band(&bands[0], "map", o->map, o->band);
    if (o->reference) sx__rs_class_band(&bands[1], "reference", o->reference, 1);
    sx__rs_bandset_t bs;
    SX_CHECK(sx__rs_bandset_open(comm, bands, o->reference ? 2 : 1, NULL, &bs));
    int rank;
    MPI_Comm_rank(comm, &rank);
    const sx_grid_t *g = &bs.frame;
    sx_decomp_t d = {0};
    int64_t *ex = NULL, nex = 0, nd = 0;
    unsigned char *cls = NULL, *ref = NULL;
    sx__rs_draw_t *draws = NULL;
    sx__rs_strata_t *st = calloc(1, sizeof *st);
    sx_err err = st ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!err && (g->gt[2] != 0 || g->gt[4] != 0))
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "the map '%s' has a rotated geotransform; put it on a north-up "
                         "grid with `sanxiang rs warp`", o->map);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(exclude_cells(comm, o, g, &ex, &nex), err, done);
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, g->nx, g->ny, g->block_x, g->block_y), err, done);
    const int64_t n = sx_window_cells(d.own);
    cls = malloc((size_t)n + 1);
    ref = malloc((size_t)n + 1);
    err = cls && ref ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the %lld-cell block", (long long)n);
    if (!err) err = sort_cells(o, &bs, d.own, ex, nex, cls, ref, st);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    _Static_assert(sizeof st->cnt == 4 * NC * sizeof(int64_t), "class counts are one block");
    const int rc = MPI_Allreduce(MPI_IN_PLACE, &st->cnt, 4 * NC, MPI_INT64_T, MPI_SUM, comm);
    if (rc != MPI_SUCCESS) SX_CHECK_GOTO(sx__mpi_fail(rc, "MPI_Allreduce of the class counts", SX__FILE, __LINE__), err, done);
    SX_CHECK_GOTO(sx_err_agree(comm, allocate(o, st)), err, done);
    if (rank == 0) log_strata(st);
    SX_CHECK_GOTO(draw(comm, o, st, g->nx, d.own, cls, ref, &draws, &nd), err, done);
    sx_output_t out;
    SX_CHECK_GOTO(sx_output_begin(comm, o->out_gpkg, &out), err, done);
    err = rank == 0 ? sx__rs_sample_write(o, out.tmp_path, g, st, draws, nd) : SX_OK;
    SX_CHECK_GOTO(sx_output_commit(comm, &out, err), err, done);
    if (rank == 0)
        sx_log_info("rs sample: %lld sample units in %d strata, seed %llu -> %s", (long long)nd, st->k,
                    (unsigned long long)o->seed, o->out_gpkg);
done:
    free(draws);
    free(cls);
    free(ref);
    free(ex);
    free(st);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
