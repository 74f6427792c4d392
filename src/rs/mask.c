/*
 * mask.c — `rs mask`: a cloud/shadow/fill mask raster from a quality band
 * (Landsat C2 QA_PIXEL, C1 BQA, Sentinel-2 SCL; the bit and class tables are
 * in qamask.c), optionally dilated by r cells.
 *
 * Each rank reads the QA band over its block grown by r cells (clipped to the
 * grid; every rank can read the file, so no halo exchange is needed), masks
 * and dilates, and writes its block. A cell's result depends only on the QA
 * values within r cells of it, so the output is identical at any rank count.
 * Output UInt8: 1 masked, 0 clear; QA nodata counts as masked, so the layer
 * has no nodata cells (255 is declared for the format only).
 */
#include <stdio.h>
#include <stdlib.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

sx_err sx_rs_mask_run(MPI_Comm comm, const sx_rs_mask_opts_t *o)
{
    SX_FAIL_IF(o->dilate < 0 || o->dilate > 1000, SX_ERR_USAGE, "--dilate must be 0 .. 1000 cells, got %d", o->dilate);
    sx_rs_band_t qa = {0};
    qa.name = "qa";
    qa.path = o->qa_path;
    qa.band = o->band > 0 ? o->band : 1;
    qa.scale = 1;
    qa.scale_source = SX_RS_SCALE_EXPLICIT;
    snprintf(qa.scale_note, sizeof qa.scale_note, "quality band, not scaled");
    if (o->has_nodata) {
        qa.has_nodata = 1;
        qa.nodata = o->nodata;
    }
    sx__rs_bandset_t bs;
    SX_CHECK(sx__rs_bandset_open(comm, &qa, 1, NULL, &bs));
    sx_err err = SX_OK;
    sx_decomp_t d = {0};
    double *buf = NULL;
    uint8_t *m = NULL, *tmp = NULL, *out = NULL;
    char *prov = NULL;
    const sx_grid_t *g = &bs.frame;
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, g->nx, g->ny, g->block_x, g->block_y), err, done);
    const int r = o->dilate;
    sx_window_t ext = {d.own.x0 - r, d.own.y0 - r, d.own.nx + 2 * (int64_t)r, d.own.ny + 2 * (int64_t)r};
    ext = sx_window_intersect(ext, (sx_window_t){0, 0, g->nx, g->ny});
    const int64_t ne = sx_window_cells(ext);
    buf = malloc((size_t)(ne + 1) * sizeof *buf);
    m = malloc((size_t)(ne + 1));
    tmp = malloc((size_t)(ne + 1));
    out = malloc((size_t)(sx_window_cells(d.own) + 1));
    if (!buf || !m || !tmp || !out)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold a %lld-cell QA block; use more ranks", (long long)ne);
    if (!err) {
        sx_perf_start("rs mask: read", SX_PERF_READ);
        err = sx__rs_bandset_read(&bs, 0, ext, buf);
        sx_perf_stop("rs mask: read");
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_perf_start("rs mask: compute", SX_PERF_COMPUTE);
    sx_rs_qa_mask(&o->rule, buf, ne, m);
    sx_rs_mask_dilate(m, ext, d.own, r, tmp, out);
    sx_perf_stop("rs mask: compute");
    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, "qa mask", &qa, 1, &prov), err, done);
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "mask", "quality mask: 1 masked (cloud, shadow, fill ...), 0 clear", "1",
                         NULL, SX_DT_UINT8, 255, "NEAREST", prov};
    err = sx_layer_write(comm, g, d.own, out, d.own.nx, &lo);
done:
    free(prov);
    free(out);
    free(tmp);
    free(m);
    free(buf);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
