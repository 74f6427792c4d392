/*
 * change.c — two-date products written as class rasters through the band-math
 * engine: flood extent from before/after water masks, and gain / loss /
 * no-change classes of an index difference.
 *
 * Both are single expressions over co-registered layers, so they inherit
 * calc's guarantees: grids must match, nodata in any input gives nodata
 * (255), and the result is identical at any rank count.
 */
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_rs.h"

static void band(sx_rs_band_t *b, const char *name, const char *path)
{
    memset(b, 0, sizeof *b);
    b->name = name;
    b->path = path;
    b->band = 1;
    b->scale = 1;
    b->scale_source = SX_RS_SCALE_EXPLICIT;
    snprintf(b->scale_note, sizeof b->scale_note, "class or index layer, not scaled");
}

sx_err sx_rs_flood_run(MPI_Comm comm, const char *before, const char *after, const char *permanent, const char *out_nc,
                       const char *out_cog, const char *gpkg, const char *provenance)
{
    sx_rs_band_t b[3];
    band(&b[0], "before", before);
    band(&b[1], "after", after);
    int n = 2;
    const char *expr = "where(after == 1 and before == 0, 1, 0)";
    if (permanent) {
        band(&b[n++], "permanent", permanent);
        expr = "where(after == 1 and before == 0 and permanent != 1, 1, 0)";
    }
    sx_rs_calc_opts_t o = {b, n, expr, out_nc, out_cog, "flood", "flood extent: 1 flooded, 0 not flooded", "1",
                           provenance, 1};
    SX_CHECK(sx_rs_calc_run(comm, &o));
    if (gpkg) SX_CHECK(sx_rs_polygonize(comm, out_cog ? out_cog : out_nc, gpkg, "flood"));
    return SX_OK;
}

sx_err sx_rs_change_run(MPI_Comm comm, const char *before, const char *after, double gain, double loss,
                        const char *out_nc, const char *out_cog, const char *provenance)
{
    SX_FAIL_IF(!(gain >= 0) || !(loss >= 0), SX_ERR_USAGE, "--gain and --loss are non-negative thresholds, got %g and %g",
               gain, loss);
    sx_rs_band_t b[2];
    band(&b[0], "before", before);
    band(&b[1], "after", after);
    char expr[256];
    snprintf(expr, sizeof expr, "where(after - before > %.17g, 3, where(after - before < -%.17g, 1, 2))", gain, loss);
    sx_rs_calc_opts_t o = {b, 2, expr, out_nc, out_cog, "change", "change class: 1 loss, 2 no change, 3 gain", "1",
                           provenance, 1};
    return sx_rs_calc_run(comm, &o);
}
