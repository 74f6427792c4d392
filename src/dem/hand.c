/*
 * hand.c — `dem hand`: Height Above the Nearest Drainage (Rennó et al. 2008,
 * Remote Sens. Environ. 112:3469, doi:10.1016/j.rse.2008.03.018; Nobre et
 * al. 2011, J. Hydrol. 404:13, doi:10.1016/j.jhydrol.2011.03.051).
 *
 * HAND of a cell = its elevation minus the elevation of the first drainage
 * cell its D8 flow path reaches; drainage cells (streams) are those whose
 * flow accumulation is >= the threshold, and have HAND 0. Pre-conditions:
 * the DEM the directions were derived from (depressions filled, flats
 * resolved: `dem fill`, `dem flowdir`), its D8 directions and D8
 * accumulation, all on one grid. Cells whose path ends without reaching a
 * drainage cell (it leaves the grid or the data, or stops in a cell with no
 * direction) have no drainage: nodata, as are nodata cells.
 *
 * The drainage elevation is spread upstream from the drainage cells against
 * the flow directions: each rank settles its block from a stack (a cell
 * hands its value to the own cells that flow into it, each of which has one
 * downstream cell, so it is set once), then the halo of drainage elevations
 * (NaN = not known yet) is exchanged and halo cells that became known are
 * the next round's sources; rounds end when no rank learnt a halo cell (the
 * scheme of the accumulation sweep, accum.c, run downstream-to-upstream).
 * Values are copied, never combined, and HAND is one subtraction per cell,
 * so the output is identical at any rank count. Rounds grow with how often
 * a flow path crosses a block edge; traffic per round is the block
 * perimeter. Memory per cell: elevation 4 (8 for float64 DEMs), drainage
 * elevation 8 and direction 1 B (the codes and the accumulation, 4 + 8 B,
 * only until the drainage cells are found), the stack 4 B per cell in it.
 * Correctness: tests/regression/dem_hand_check.py follows every cell's path
 * independently in numpy on a real DEM, at 1-4 ranks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dem/dem_block.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

static sx_err sum_int64(MPI_Comm comm, int64_t *v)
{
    int64_t g = 0;
    SX_CHECK_MPI(MPI_Allreduce(v, &g, 1, MPI_INT64_T, MPI_SUM, comm));
    *v = g;
    return SX_OK;
}

static inline double at(const sx__dem_t *b, int64_t c)
{
    return b->t == SX_DT_FLOAT32 ? (double)((const float *)b->z)[c] : ((const double *)b->z)[c];
}

/* A cell stack grown by doubling. */
typedef struct {
    uint32_t *a;
    size_t n, cap;
} cell_stack_t;

static sx_err push(cell_stack_t *s, int64_t c)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uint32_t *t = realloc(s->a, cap * sizeof *t);
        SX_FAIL_IF(!t, SX_ERR_NOMEM, "cannot grow the HAND stack to %zu cells", cap);
        s->a = t;
        s->cap = cap;
    }
    s->a[s->n++] = (uint32_t)c;
    return SX_OK;
}

/* Spread dz from the cells on the stack to every own cell upstream of them. */
static sx_err settle(const sx__pad_t *p, const uint8_t *dir, double *dz, cell_stack_t *s)
{
    while (s->n) {
        const int64_t c = s->a[--s->n];
        const int own = sx__pad_in_own(p, c); /* a halo source may lie on the frame's edge */
        for (int k = 0; k < 8; k++) {
            const int64_t u = own ? c + p->off[k] : sx__pad_nb(p, c, k);
            /* u flows into c when its direction is the opposite of k; halo cells (direction nodata here) are
             * settled by their owners */
            if (u < 0 || dir[u] != (k + 4) % 8 || !isnan(dz[u])) continue;
            dz[u] = dz[c];
            SX_CHECK(push(s, u));
        }
    }
    return SX_OK;
}

sx_err sx_dem_hand_run(MPI_Comm comm, const sx_hand_opts_t *o)
{
    sx__dem_t zb, db, ab;
    memset(&zb, 0, sizeof zb);
    memset(&db, 0, sizeof db);
    memset(&ab, 0, sizeof ab);
    uint8_t *dir = NULL, *seen = NULL;
    double *dz = NULL;
    float *hand = NULL;
    cell_stack_t stack = {0};
    uint32_t *ring = NULL;
    int64_t nring = 0;
    sx_halo_t *h = NULL;
    sx_perf_start("hand: read", SX_PERF_READ);
    sx_err err = sx__dem_read(comm, o->dem, 1, 1, 0, 0, NULL, &zb);
    if (err == SX_OK) err = sx__dem_read(comm, o->flowdir, 1, 1, 0, 0, &zb, &db);
    if (err == SX_OK) err = sx__dem_read(comm, o->accum, 1, 1, 0, 0, &zb, &ab);
    sx_perf_stop("hand: read");
    if (err != SX_OK) goto done;
    const sx__pad_t *p = &zb.pad;
    const size_t n = (size_t)(p->n ? p->n : 1);
    dir = malloc(n);
    dz = malloc(n * sizeof *dz);
    if (!dir || !dz)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the HAND block (%lld cells)", (long long)p->n);
    if (err == SX_OK) err = sx__pad_ring(p, &ring, &nring);
    if (err == SX_OK && !(seen = calloc((size_t)(nring ? nring : 1), 1)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the HAND halo");
    if (err == SX_OK) err = sx_halo_create_padded(&zb.d, 1, sizeof(double), &h);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    /* own directions (checked, naming the cell); the halo's stay nodata: only own cells are settled */
    memset(dir, SX_D8_NODATA, n);
    int64_t nstream = 0;
    for (int64_t c = 0; c < p->n; c++) dz[c] = NAN;
    for (int64_t j = 0; j < p->own.ny && err == SX_OK; j++)
        for (int64_t i = 0; i < p->own.nx && err == SX_OK; i++) {
            const int64_t c = sx__pad_at(p, i, j);
            const double code = at(&db, c), acc = at(&ab, c), z = at(&zb, c);
            if (isnan(code) || code == 255 || isnan(z)) continue;
            err = sx__d8_decode_at(o->encoding, code, o->flowdir, p->own.x0 + i, p->own.y0 + j, &dir[c]);
            if (err == SX_OK && !isnan(acc) && acc >= o->threshold) {
                dz[c] = z;
                dir[c] = SX_D8_NONE; /* a drainage cell takes no value from downstream */
                err = push(&stack, c);
                nstream++;
            }
        }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    free(db.z); /* the codes are in dir, the streams in dz */
    db.z = NULL;
    free(ab.z);
    ab.z = NULL;
    int64_t all_streams = nstream;
    SX_CHECK_GOTO(sum_int64(comm, &all_streams), err, done);
    sx_log_info("hand: %s, %lld x %lld cells, %d x %d blocks, %lld drainage cells (accumulation >= %g)", o->dem,
                (long long)zb.grid.nx, (long long)zb.grid.ny, zb.d.px, zb.d.py, (long long)all_streams, o->threshold);
    SX_CHECK_GOTO(sx_err_agree(comm, all_streams > 0 ? SX_OK
                                                      : sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                                                   "no cell of '%s' reaches the stream threshold %g: "
                                                                   "lower --threshold (cells of accumulation)",
                                                                   o->accum, o->threshold)),
                  err, done);
    sx_perf_start("hand: compute", SX_PERF_COMPUTE);
    int rounds = 0;
    for (;;) {
        err = settle(p, dir, dz, &stack);
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        SX_CHECK_GOTO(sx_halo_exchange(h, dz), err, done);
        rounds++;
        int64_t learnt = 0;
        for (int64_t r = 0; r < nring && err == SX_OK; r++) {
            if (seen[r] || isnan(dz[ring[r]])) continue;
            seen[r] = 1;
            err = push(&stack, ring[r]);
            learnt++;
        }
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        SX_CHECK_GOTO(sum_int64(comm, &learnt), err, done);
        if (!learnt) break;
    }
    sx_halo_destroy(&h);
    free(dir);
    dir = NULL;
    /* HAND into the own part of dz's frame, as float32 */
    hand = malloc((size_t)(sx_window_cells(p->own) + 1) * sizeof *hand);
    SX_CHECK_GOTO(sx_err_agree(comm, hand ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "HAND output block")),
                  err, done);
    int64_t undrained = 0;
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            const int64_t c = sx__pad_at(p, i, j);
            const double z = at(&zb, c);
            hand[j * p->own.nx + i] = (float)(z - dz[c]);
            undrained += !isnan(z) && isnan(dz[c]);
        }
    sx_perf_stop("hand: compute");
    SX_CHECK_GOTO(sum_int64(comm, &undrained), err, done);
    sx_log_info("hand: %d rounds; %lld data cells reach no drainage cell (nodata)", rounds, (long long)undrained);
    sx__dem_log_peak(comm, "hand", sx_window_cells(zb.d.own));
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "hand", "height above the nearest drainage (D8)", "m", NULL,
                         SX_DT_FLOAT32, NAN, "AVERAGE", o->provenance};
    err = sx_layer_write(comm, &zb.grid, zb.d.own, hand, p->own.nx, &lo);
done:
    sx_halo_destroy(&h);
    free(dir);
    free(dz);
    free(seen);
    free(ring);
    free(stack.a);
    free(hand);
    sx__dem_fini(&zb);
    sx__dem_fini(&db);
    sx__dem_fini(&ab);
    return err;
}
