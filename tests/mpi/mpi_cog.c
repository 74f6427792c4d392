/*
 * mpi_cog.c — the parallel COG writer at any rank count.
 *
 * Each case writes one layer from the ranks' blocks with sx_cog_write_blocks
 * into SX_TEST_OUT/mpi_cog/np<N>/<case>.tif: awkward sizes (1 x 1, 511 x 513,
 * 1537 x 1025, a few rows or columns, widths that are multiples of nothing),
 * every cell type, nodata patterns (none, scattered NaN or fill cells, a
 * nodata rectangle, all nodata), the three overview rules, three codecs, two
 * tile sizes, and decompositions aligned to the tiles or not (blocks cut at
 * arbitrary cells, strips of rows, empty blocks). Rank 0 then reads every
 * file back through GDAL: the cells equal the input exactly, every overview
 * equals a serial reference of the same 2x2 rule computed from the whole
 * level above, and the band carries nodata, statistics and provenance.
 * sx_layer_write writes the COG alone, the netCDF alone or both. Byte identity
 * across rank counts (cmp) and GDAL's COG validator run as separate tests over
 * the files (tests/regression/cog.cmake).
 */
#include <gdal.h>
#include <cpl_conv.h>
#include <ogr_srs_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mpi/mpi_expect.h"
#include "sanxiang/sx_cog.h"
#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_raster.h"
#include "unit/cells.h"

typedef enum { NONE, SCATTER, RECT, ALL } nd_pattern;
typedef enum { DECOMP, SKEW, STRIPS } split;

typedef struct {
    const char *name;
    int64_t nx, ny;
    sx_dtype t;
    double fill;
    const char *rs;
    nd_pattern nd;
    split how;
    sx_cog_codec codec;
    int level, tile;
    int bigtiff; /* forced: the layout a file past 4 GiB gets, on a small one */
} cog_case;

static const cog_case cases[] = {
    {"one_cell_f32", 1, 1, SX_DT_FLOAT32, NAN, "AVERAGE", NONE, DECOMP, SX_COG_DEFLATE, 0, 0},
    {"one_cell_u8_nodata", 1, 1, SX_DT_UINT8, 255, "MODE", ALL, STRIPS, SX_COG_ZSTD, 0, 0},
    {"f32_511x513", 511, 513, SX_DT_FLOAT32, NAN, "AVERAGE", SCATTER, DECOMP, SX_COG_DEFLATE, 0, 0},
    {"f32_511x513_skew", 511, 513, SX_DT_FLOAT32, NAN, "AVERAGE", RECT, SKEW, SX_COG_DEFLATE, 6, 0},
    {"f64_1537x1025", 1537, 1025, SX_DT_FLOAT64, -9999, "AVERAGE", SCATTER, DECOMP, SX_COG_DEFLATE, 0, 0},
    {"f64_1537x1025_skew", 1537, 1025, SX_DT_FLOAT64, -9999, "AVERAGE", RECT, SKEW, SX_COG_ZSTD, 0, 0},
    {"f32_1537x1025_strips", 1537, 1025, SX_DT_FLOAT32, -1, "NEAREST", SCATTER, STRIPS, SX_COG_NONE, 0, 0},
    {"u8_classes_1537x1025", 1537, 1025, SX_DT_UINT8, 255, "MODE", SCATTER, SKEW, SX_COG_DEFLATE, 0, 0},
    {"u8_mask_t64", 997, 389, SX_DT_UINT8, 255, "NEAREST", RECT, SKEW, SX_COG_DEFLATE, 9, 64},
    {"i16_1031x7", 1031, 7, SX_DT_INT16, -32768, "AVERAGE", SCATTER, STRIPS, SX_COG_DEFLATE, 0, 0},
    {"u16_5x1301", 5, 1301, SX_DT_UINT16, 0, "AVERAGE", SCATTER, SKEW, SX_COG_ZSTD, 3, 0},
    {"i32_basins_t48", 769, 431, SX_DT_INT32, 0, "MODE", RECT, SKEW, SX_COG_DEFLATE, 0, 48},
    {"i32_nearest", 613, 1111, SX_DT_INT32, 0, "NEAREST", SCATTER, DECOMP, SX_COG_ZSTD, 0, 0},
    {"u32_t32", 300, 211, SX_DT_UINT32, 4294967295.0, "AVERAGE", SCATTER, STRIPS, SX_COG_DEFLATE, 0, 32},
    {"i64_counts", 1029, 517, SX_DT_INT64, -1, "AVERAGE", SCATTER, SKEW, SX_COG_DEFLATE, 0, 0},
    {"f32_all_nodata", 700, 600, SX_DT_FLOAT32, NAN, "AVERAGE", ALL, SKEW, SX_COG_DEFLATE, 0, 0},
    {"f64_none_t16", 123, 77, SX_DT_FLOAT64, NAN, "AVERAGE", NONE, SKEW, SX_COG_NONE, 0, 16},
    {"f32_bigtiff", 1100, 700, SX_DT_FLOAT32, NAN, "AVERAGE", SCATTER, SKEW, SX_COG_ZSTD, 0, 0, 1},
    {"i16_bigtiff_t32", 200, 97, SX_DT_INT16, -32768, "MODE", RECT, STRIPS, SX_COG_DEFLATE, 0, 32, 1},
};

/* The cell value of a case at (i, j), nodata included. */
static double gen(const cog_case *c, int64_t i, int64_t j)
{
    int nodata = 0;
    switch (c->nd) {
    case NONE: break;
    case SCATTER: nodata = (i * i + 3 * j) % 17 == 0; break;
    case RECT: nodata = i >= c->nx / 3 && i < c->nx / 3 + 97 && j >= c->ny / 4 && j < c->ny / 4 + 61; break;
    case ALL: nodata = 1; break;
    }
    if (nodata) return (c->t == SX_DT_FLOAT64 && (i + j) % 2) ? NAN : c->fill;
    switch (c->t) {
    case SX_DT_UINT8: return (double)((i / 3 + j / 5 + (i * j) % 3) % 6);
    case SX_DT_INT16: return (double)((i * 37 + j * 101) % 2000 - 1000);
    case SX_DT_UINT16: return (double)((i * 7 + j * 3) % 60000 + 1);
    case SX_DT_INT32: /* basin ids (MODE cases) or wide-ranging integers */
        return (double)(!strcmp(c->rs, "MODE") ? (i / 37 + 11 * (j / 29)) % 23 + 1 : (i * 131 + j * 7919) % 1000003 - 500000);
    case SX_DT_UINT32: return (double)((i * 2654435761LL + j * 97) % 4000000000LL);
    case SX_DT_INT64: return (double)((i * 1000003LL + j * 998244353LL) % 1000000000000LL - 500000000000LL);
    case SX_DT_FLOAT32: return (double)(float)(sin((double)i * 0.01) * cos((double)j * 0.02) * 1000.0 + (double)i * 0.001);
    default: return sin((double)i * 0.011) * cos((double)j * 0.017) * 1e4 + (double)j * 1e-7;
    }
}

/* This rank's block of the case's split: sx_decomp (tile-aligned when
 * balanced), blocks cut at arbitrary cells, or row strips of uneven height. */
static sx_window_t block_of(const cog_case *c, int rank, int size)
{
    if (c->how == DECOMP) {
        sx_decomp_t d;
        sx_window_t w = {0, 0, 0, 0};
        if (sx_decomp_init(&d, MPI_COMM_WORLD, c->nx, c->ny, 1, 1) == SX_OK) w = sx_decomp_window(&d, rank);
        sx_decomp_fini(&d);
        return w;
    }
    if (c->how == STRIPS) {
        /* Strip k ends at ny * (k+1)^2 / size^2: the first strips are thin (often empty). */
        int64_t y0 = c->ny * rank * rank / ((int64_t)size * size), y1 = c->ny * (rank + 1) * (rank + 1) / ((int64_t)size * size);
        return (sx_window_t){0, y0, c->nx, y1 - y0};
    }
    int px = size >= 4 ? 2 : 1, py = size / px;
    if (px * py != size) px = size, py = 1;
    int pi = rank % px, pj = rank / px;
    int64_t x0 = c->nx * pi / px + (pi ? 7 : 0), x1 = pi + 1 == px ? c->nx : c->nx * (pi + 1) / px + 7;
    int64_t y0 = c->ny * pj / py + (pj ? 3 : 0), y1 = pj + 1 == py ? c->ny : c->ny * (pj + 1) / py + 3;
    if (x0 > c->nx) x0 = c->nx;
    if (x1 > c->nx) x1 = c->nx;
    if (y0 > c->ny) y0 = c->ny;
    if (y1 > c->ny) y1 = c->ny;
    return (sx_window_t){x0, y0, x1 - x0, y1 - y0};
}

/* ---- serial reference of the overview rule, over whole levels of doubles ---- */

static int valid(const cog_case *c, double v)
{
    double f = c->t == SX_DT_FLOAT32 ? (double)(float)c->fill : c->fill;
    return !isnan(v) && v != f;
}

static double floor_div(long long a, long long b) { return (double)(a / b - (a % b < 0)); }

static double ref_cell(const cog_case *c, const double *v, int n)
{
    if (n == 0) return c->fill;
    if (!strcmp(c->rs, "MODE")) {
        double best = 0;
        int bc = 0;
        for (int a = 0; a < n; a++) {
            int k = 0;
            for (int b = 0; b < n; b++) k += v[a] == v[b];
            if (k > bc || (k == bc && v[a] < best)) best = v[a], bc = k;
        }
        return best;
    }
    if (c->t == SX_DT_FLOAT32 || c->t == SX_DT_FLOAT64) {
        double s = 0;
        for (int k = 0; k < n; k++) s += v[k];
        return c->t == SX_DT_FLOAT32 ? (double)(float)(s / n) : s / n;
    }
    long long s = 0;
    for (int k = 0; k < n; k++) s += (long long)v[k];
    return floor_div(2 * s + n, 2LL * n);
}

static double *ref_reduce(const cog_case *c, const double *src, int64_t w, int64_t h, int64_t *ow, int64_t *oh)
{
    *ow = (w + 1) / 2, *oh = (h + 1) / 2;
    double *out = malloc((size_t)(*ow * *oh) * sizeof *out);
    for (int64_t j = 0; j < *oh; j++)
        for (int64_t i = 0; i < *ow; i++) {
            if (!strcmp(c->rs, "NEAREST")) {
                out[j * *ow + i] = src[2 * j * w + 2 * i];
                continue;
            }
            double v[4];
            int n = 0;
            for (int dy = 0; dy < 2; dy++)
                for (int dx = 0; dx < 2; dx++) {
                    int64_t x = 2 * i + dx, y = 2 * j + dy;
                    if (x < w && y < h && valid(c, src[y * w + x])) v[n++] = src[y * w + x];
                }
            out[j * *ow + i] = ref_cell(c, v, n);
        }
    return out;
}

static int64_t compare(const double *a, const double *b, int64_t n, int64_t *first)
{
    int64_t bad = 0;
    for (int64_t k = 0; k < n; k++)
        if (!(a[k] == b[k] || (isnan(a[k]) && isnan(b[k])))) {
            if (!bad) *first = k;
            bad++;
        }
    return bad;
}

/* Rank 0: read the file back and check cells, overviews, metadata. */
static void check_file(const cog_case *c, const char *path)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    EXPECT(ds != NULL, "%s: GDAL cannot open it: %s", c->name, CPLGetLastErrorMsg());
    if (!ds) return;
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    int bx, by, has_nd = 0;
    GDALGetBlockSize(b, &bx, &by);
    int tile = c->tile ? c->tile : 512;
    EXPECT(GDALGetRasterXSize(ds) == c->nx && GDALGetRasterYSize(ds) == c->ny, "%s: size", c->name);
    EXPECT(bx == tile && by == tile, "%s: block %dx%d, expected %d", c->name, bx, by, tile);
    double nd = GDALGetRasterNoDataValue(b, &has_nd);
    EXPECT(has_nd && (nd == c->fill || (isnan(nd) && isnan(c->fill))), "%s: nodata %g", c->name, nd);
    FILE *f = fopen(path, "rb");
    unsigned char magic[4] = {0};
    EXPECT(f && fread(magic, 1, 4, f) == 4, "%s: cannot read the header", c->name);
    if (f) fclose(f);
    EXPECT(magic[0] == 'I' && magic[1] == 'I' && magic[2] == (c->bigtiff ? 43 : 42) && magic[3] == 0,
           "%s: header %02x %02x %02x %02x, expected %s", c->name, magic[0], magic[1], magic[2], magic[3],
           c->bigtiff ? "BigTIFF" : "classic TIFF");
    const char *prov = GDALGetMetadataItem(ds, "SANXIANG_PROVENANCE", NULL);
    EXPECT(prov && strstr(prov, c->name), "%s: provenance item missing", c->name);
    double mn, mx, mean, sd;
    int has_stats = GDALGetRasterStatistics(b, FALSE, FALSE, &mn, &mx, &mean, &sd) == CE_None;
    CPLErrorReset();
    EXPECT(has_stats == (c->nd != ALL), "%s: statistics %s", c->name, has_stats ? "present" : "missing");

    int64_t w = c->nx, h = c->ny;
    double *lev = malloc((size_t)(w * h) * sizeof *lev), *got = malloc((size_t)(w * h) * sizeof *got);
    for (int64_t j = 0; j < h; j++)
        for (int64_t i = 0; i < w; i++) lev[j * w + i] = gen(c, i, j);
    /* Stored values: the generated ones through the cell type. */
    for (int64_t k = 0; k < w * h; k++) {
        double v = lev[k];
        if (c->t == SX_DT_FLOAT32) v = (double)(float)v;
        lev[k] = v;
    }
    int nov = GDALGetOverviewCount(b);
    for (int level = 0; level <= nov; level++) {
        GDALRasterBandH ob = level ? GDALGetOverview(b, level - 1) : b;
        EXPECT(GDALGetRasterBandXSize(ob) == w && GDALGetRasterBandYSize(ob) == h, "%s level %d: %dx%d, expected %lldx%lld",
               c->name, level, GDALGetRasterBandXSize(ob), GDALGetRasterBandYSize(ob), (long long)w, (long long)h);
        if (GDALGetRasterBandXSize(ob) != w || GDALGetRasterBandYSize(ob) != h) break;
        CPLErr e = GDALRasterIO(ob, GF_Read, 0, 0, (int)w, (int)h, got, (int)w, (int)h, GDT_Float64, 0, 0);
        EXPECT(e == CE_None, "%s level %d: read failed: %s", c->name, level, CPLGetLastErrorMsg());
        int64_t first = 0, bad = compare(lev, got, w * h, &first);
        EXPECT(bad == 0, "%s level %d: %lld cells differ, first (%lld,%lld): %.17g != %.17g", c->name, level,
               (long long)bad, (long long)(first % w), (long long)(first / w), got[first], lev[first]);
        if (w <= tile && h <= tile) {
            EXPECT(level == nov, "%s: %d overviews, the level %d already fits a tile", c->name, nov, level);
            break;
        }
        int64_t nw, nh;
        double *next = ref_reduce(c, lev, w, h, &nw, &nh);
        free(lev);
        lev = next, w = nw, h = nh;
        EXPECT(level < nov, "%s: only %d overviews, level %lldx%lld does not fit a tile", c->name, nov, (long long)w,
               (long long)h);
    }
    free(lev);
    free(got);
    GDALClose(ds);
}

static char *gk_wkt; /* CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547) */

static void run_case(const cog_case *c, const char *dir)
{
    int rank = sx_mpi_rank(), size = sx_mpi_size();
    sx_window_t own = block_of(c, rank, size);
    size_t esz = sx_dtype_size(c->t);
    int64_t stride = own.nx + 3; /* a row stride wider than the block */
    void *data = malloc((size_t)(stride * (own.ny > 0 ? own.ny : 1)) * esz);
    for (int64_t j = 0; j < own.ny; j++)
        for (int64_t i = 0; i < own.nx; i++) cells_put(c->t, data, j * stride + i, gen(c, own.x0 + i, own.y0 + j));
    sx_grid_t g;
    memset(&g, 0, sizeof g);
    g.nx = c->nx, g.ny = c->ny, g.dtype = c->t;
    double gt[6] = {500000.0 + 10 * c->nx, 10.0, 0, 3000000.0, 0, -10.0};
    memcpy(g.gt, gt, sizeof gt);
    sx_grid_set_wkt(&g, gk_wkt);
    sx_band_stats_t st;
    EXPECT(sx_layer_stats(MPI_COMM_WORLD, own, data, stride, c->t, c->fill, &st) == SX_OK, "stats: %s", sx_err_message());
    char prov[256], path[512];
    snprintf(prov, sizeof prov, "{\"case\": \"%s\"}", c->name);
    snprintf(path, sizeof path, "%s/%s.tif", dir, c->name);
    sx_cog_layer_t l = {c->t, c->fill, c->rs, c->codec, c->level, c->tile, "v", "test layer", "m", NULL, prov, &st,
                        c->bigtiff};
    sx_err e = sx_cog_write_blocks(MPI_COMM_WORLD, path, &g, own, data, stride, &l);
    EXPECT(e == SX_OK, "%s: write failed: %s", c->name, sx_err_message());
    free(data);
    sx_grid_fini(&g);
    if (e == SX_OK && rank == 0) check_file(c, path);
}

/* The statistics of integer layers come from a histogram (8/16-bit: every
 * value; 32/64-bit: values in [0, 65536), the others per cell), the sum of
 * Float32 ones from 8-bit-exponent buckets: they must be the bits the
 * float64 per-cell path gives for the same values. */
static double stats_cell(sx_dtype t, uint64_t x, void *cells, int64_t c)
{
    switch (t) {
    case SX_DT_UINT8: return ((uint8_t *)cells)[c] = (uint8_t)(x % 7 == 0 ? 255 : x);
    case SX_DT_INT16: return ((int16_t *)cells)[c] = (int16_t)(x % 11 == 0 ? -9999 : (int64_t)(x % 60001) - 30000);
    case SX_DT_UINT16: return ((uint16_t *)cells)[c] = (uint16_t)(x % 5 == 0 ? 0 : x);
    /* wide types: mostly small counts, a few large and negative values, the fill */
    case SX_DT_INT32:
        return ((int32_t *)cells)[c] = x % 13 == 0 ? -9999 : x % 17 == 0 ? (int32_t)(x % 2000000000) - 1000000000
                                                                        : (int32_t)(x % 300);
    case SX_DT_UINT32: return ((uint32_t *)cells)[c] = x % 19 == 0 ? 4000000000u - (uint32_t)(x % 7) : (uint32_t)(x % 70000);
    /* Float32 (its own exact sum): fill, NaN, subnormals, wide exponents, both signs */
    case SX_DT_FLOAT32:
        return ((float *)cells)[c] = x % 13 == 0  ? -9999.0f
                                     : x % 29 == 0 ? NAN
                                     : x % 31 == 0 ? (float)(x % 1000) * 1e-42f
                                                   : ldexpf((float)((int64_t)(x % 20001) - 10000), (int)(x % 61) - 30);
    default:
        return (double)(((int64_t *)cells)[c] = x % 13 == 0 ? -9999 : x % 23 == 0 ? (int64_t)x << 20 : (int64_t)(x % 65536));
    }
}

static void stats_histogram_equal(void)
{
    const sx_dtype types[7] = {SX_DT_UINT8,  SX_DT_INT16, SX_DT_UINT16, SX_DT_INT32,
                               SX_DT_UINT32, SX_DT_INT64, SX_DT_FLOAT32};
    const double fills[7] = {255, -9999, 0, -9999, 0, -9999, -9999};
    const size_t sizes[7] = {1, 2, 2, 4, 4, 8, 4};
    sx_decomp_t d;
    if (sx_decomp_init(&d, MPI_COMM_WORLD, 301, 207, 1, 1) != SX_OK) return;
    sx_window_t own = sx_decomp_window(&d, sx_mpi_rank());
    int64_t n = own.nx * own.ny + 1;
    for (int k = 0; k < 7; k++) {
        unsigned char *cells = malloc((size_t)n * sizes[k]);
        double *v = malloc((size_t)n * sizeof *v);
        for (int64_t j = 0; j < own.ny; j++)
            for (int64_t i = 0; i < own.nx; i++) {
                uint64_t x = (uint64_t)((own.y0 + j) * 301 + own.x0 + i) * 0x9E3779B97F4A7C15ull >> 40;
                int64_t c = j * own.nx + i;
                v[c] = stats_cell(types[k], x, cells, c);
            }
        sx_band_stats_t a, b;
        EXPECT(sx_layer_stats(MPI_COMM_WORLD, own, cells, own.nx, types[k], fills[k], &a) == SX_OK, "stats: %s",
               sx_err_message());
        EXPECT(sx_layer_stats(MPI_COMM_WORLD, own, v, own.nx, SX_DT_FLOAT64, fills[k], &b) == SX_OK, "stats: %s",
               sx_err_message());
        EXPECT(a.valid && b.valid && a.min == b.min && a.max == b.max && a.mean == b.mean && a.stddev == b.stddev &&
                   a.valid_percent == b.valid_percent,
               "type %d: histogram statistics %.17g %.17g %.17g %.17g differ from per-cell %.17g %.17g %.17g %.17g",
               (int)types[k], a.min, a.max, a.mean, a.stddev, b.min, b.max, b.mean, b.stddev);
        EXPECT(types[k] < SX_DT_INT32 || types[k] == SX_DT_FLOAT32 || a.min < 0 || a.max >= 65536,
               "type %d: no value outside the bins",
               (int)types[k]);
        free(cells);
        free(v);
    }
    sx_decomp_fini(&d);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    sx_gdal_init(0);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4547);
    OSRExportToWkt(srs, &gk_wkt);
    OSRDestroySpatialReference(srs);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/mpi_cog/np%d", SX_TEST_OUT, sx_mpi_size());
    stats_histogram_equal();
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) run_case(&cases[k], dir);
    /* sx_layer_write: COG only, netCDF only, both. */
    {
        const cog_case *c = &cases[2];
        sx_window_t own = block_of(c, sx_mpi_rank(), sx_mpi_size());
        float *cells = malloc((size_t)(own.nx * own.ny + 1) * sizeof *cells);
        for (int64_t j = 0; j < own.ny; j++)
            for (int64_t i = 0; i < own.nx; i++) cells[j * own.nx + i] = (float)gen(c, own.x0 + i, own.y0 + j);
        sx_grid_t g;
        memset(&g, 0, sizeof g);
        g.nx = c->nx, g.ny = c->ny, g.dtype = SX_DT_FLOAT32;
        double gt[6] = {0, 1, 0, 0, 0, -1};
        memcpy(g.gt, gt, sizeof gt);
        char tif[600], nc[600], tif2[600], nc2[600];
        snprintf(tif, sizeof tif, "%s/layer_cog_only.tif", dir);
        snprintf(nc, sizeof nc, "%s/layer_nc_only.nc", dir);
        snprintf(tif2, sizeof tif2, "%s/layer_both.tif", dir);
        snprintf(nc2, sizeof nc2, "%s/layer_both.nc", dir);
        sx_layer_out_t o1 = {NULL, tif, "v", "test", "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE", "{}"};
        sx_layer_out_t o2 = {nc, NULL, "v", "test", "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE", "{}"};
        sx_layer_out_t o3 = {nc2, tif2, "v", "test", "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE", "{}"};
        sx_layer_out_t o4 = {NULL, NULL, "v", "test", "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE", "{}"};
        EXPECT(sx_layer_write(MPI_COMM_WORLD, &g, own, cells, own.nx, &o1) == SX_OK, "COG only: %s", sx_err_message());
        EXPECT(sx_layer_write(MPI_COMM_WORLD, &g, own, cells, own.nx, &o2) == SX_OK, "netCDF only: %s", sx_err_message());
        EXPECT(sx_layer_write(MPI_COMM_WORLD, &g, own, cells, own.nx, &o3) == SX_OK, "both: %s", sx_err_message());
        EXPECT(sx_layer_write(MPI_COMM_WORLD, &g, own, cells, own.nx, &o4) != SX_OK, "no output named was accepted");
        MPI_Barrier(MPI_COMM_WORLD);
        if (sx_mpi_rank() == 0) {
            struct stat sb;
            char none[600];
            snprintf(none, sizeof none, "%s/layer_cog_only.nc", dir);
            EXPECT(stat(tif, &sb) == 0 && stat(none, &sb) != 0, "COG only: wrong files");
            snprintf(none, sizeof none, "%s/layer_nc_only.tif", dir);
            EXPECT(stat(nc, &sb) == 0 && stat(none, &sb) != 0, "netCDF only: wrong files");
            EXPECT(stat(tif2, &sb) == 0 && stat(nc2, &sb) == 0, "both: a file is missing");
        }
        free(cells);
        sx_grid_fini(&g);
    }
    /* A failure on one rank only (a bad nodata for the type) stops every rank with one error. */
    char path[600];
    snprintf(path, sizeof path, "%s/bad_fill.tif", dir);
    sx_grid_t g;
    memset(&g, 0, sizeof g);
    g.nx = 4, g.ny = 4;
    sx_window_t own = sx_mpi_rank() == 0 ? (sx_window_t){0, 0, 4, 4} : (sx_window_t){0, 0, 0, 0};
    unsigned char cells[16] = {0};
    sx_cog_layer_t l = {SX_DT_UINT8, -5, NULL, SX_COG_DEFAULT, 0, 0, "v", NULL, NULL, NULL, NULL, NULL};
    EXPECT(sx_cog_write_blocks(MPI_COMM_WORLD, path, &g, own, cells, 4, &l) != SX_OK, "a nodata of -5 for uint8 was accepted");
    struct stat sb;
    EXPECT(stat(path, &sb) != 0, "a failed write left %s behind", path);
    int all = 0;
    MPI_Allreduce(&mpi_failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (sx_mpi_rank() == 0) printf("mpi_cog: %d ranks, %zu cases, %s\n", sx_mpi_size(), sizeof cases / sizeof *cases, all ? "FAILED" : "all passed");
    CPLFree(gk_wkt);
    sx_mpi_finalize();
    return all ? 1 : 0;
}
