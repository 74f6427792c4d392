/*
 * sx_hydrology.h — DEM hydrology: depression filling, D8 flow directions with
 * flat resolution, D8 flow accumulation; serial kernels and their exact
 * parallel (block-decomposed, perimeter-exchange) counterparts.
 *
 * Papers:
 *  - Barnes, Lehman & Mulla (2014) Priority-Flood: An optimal depression-filling
 *    and watershed-labeling algorithm for digital elevation models. Computers &
 *    Geosciences 62:117-127, doi:10.1016/j.cageo.2013.04.024 (Alg. 2 and 3).
 *  - Barnes (2016) Parallel Priority-Flood depression filling for trillion cell
 *    digital elevation models on desktops or clusters. Computers &
 *    Geosciences 96:56-68, doi:10.1016/j.cageo.2016.07.001.
 *  - Zhou, Sun & Fu (2016) An efficient variant of the Priority-Flood algorithm
 *    for filling depressions in raster digital elevation models. Computers &
 *    Geosciences 90:87-96, doi:10.1016/j.cageo.2016.02.021 (one-pass form).
 *  - Barnes, Lehman & Mulla (2014) An efficient assignment of drainage
 *    direction over flat surfaces in raster digital elevation models.
 *    Computers & Geosciences 62:128-135, doi:10.1016/j.cageo.2013.01.009.
 *  - Barnes (2017) Parallel non-divergent flow accumulation for trillion cell
 *    digital elevation models on desktops or clusters. Environmental Modelling
 *    & Software 92:202-212, doi:10.1016/j.envsoft.2017.02.022.
 *  - O'Callaghan & Mark (1984) The extraction of drainage networks from
 *    digital elevation data. CVGIP 28:323-344 (D8).
 *
 * Layout: arrays passed to the *_dist functions hold the rank's own block of
 * a decomposition (own.ny rows of own.nx cells, row-major); elevations are
 * float64 with NaN for nodata. Flow directions are kept internally as the
 * neighbour index 0..7 in the order W, NW, N, NE, E, SE, S, SW (Barnes'
 * 1..8), SX_D8_NONE for a data cell without a direction and SX_D8_NODATA.
 */
#ifndef SX_HYDROLOGY_H
#define SX_HYDROLOGY_H

#include <mpi.h>
#include <stdint.h>
#include "sx_decomp.h"
#include "sx_err.h"
#include "sx_grid.h"

#define SX_D8_NONE 8
#define SX_D8_NODATA 255
/** Column / row offsets of neighbour k (W, NW, N, NE, E, SE, S, SW); rows grow southwards. */
extern const int sx_d8_dx[8], sx_d8_dy[8];

typedef enum { SX_D8_ESRI = 0, SX_D8_TAUDEM } sx_d8_encoding;
/** File code of a direction: ESRI 1 E,2 SE,4 S,8 SW,16 W,32 NW,64 N,128 NE;
 *  TauDEM 1 E,2 NE,3 N,4 NW,5 W,6 SW,7 S,8 SE; 0 = no direction; 255 = nodata. */
uint8_t sx_d8_encode(sx_d8_encoding e, uint8_t dir);
/** Internal direction of a file code; fails (SX_ERR_INPUT) on a code that is
 *  not one of the encoding's. */
sx_err sx_d8_decode(sx_d8_encoding e, double code, uint8_t *dir);
/** Parse "esri" / "taudem". */
sx_err sx_d8_encoding_parse(const char *text, sx_d8_encoding *e);

/** Flow routing: D8 (one neighbour), D-infinity (Tarboton 1997: a direction
 *  angle, flow split between the two neighbours either side of it), MFD
 *  (multiple flow directions: flow split over all lower neighbours). */
typedef enum { SX_FLOW_D8 = 0, SX_FLOW_DINF, SX_FLOW_MFD } sx_flow_method;
/** MFD partition: Freeman (1991) tan(b)^1.1, or Quinn et al. (1991) tan(b) x contour length. */
typedef enum { SX_MFD_FREEMAN = 0, SX_MFD_QUINN } sx_mfd_rule;
/** Parse "d8" / "dinf" / "mfd". */
sx_err sx_flow_method_parse(const char *text, sx_flow_method *m);
/** Parse "freeman" / "quinn". */
sx_err sx_mfd_rule_parse(const char *text, sx_mfd_rule *r);
/** D-infinity angle of a cell without a direction, and the nodata value of angle rasters. */
#define SX_DINF_NONE (-1.0f)
#define SX_DINF_NODATA (-9999.0f)

/**
 * Serial Priority-Flood (Barnes et al. 2014, Alg. 2; with epsilon Alg. 3
 * popped in value order) on a whole nx x ny grid, in place. Seeds are the
 * grid edge and, unless nodata_walls, every data cell next to nodata. With
 * epsilon each raised cell is the next representable double above the cell
 * it was reached from, and the result is the least surface >= z on which
 * every non-outlet cell has a strictly lower neighbour (see
 * sx_dem_fill_eps_dist), whatever the visiting order. Cells unreachable from
 * a seed (walled in by nodata) keep their elevation. Not collective. Post
 * (no epsilon): z >= input; no interior data cell is lower than all its
 * neighbours. Reference for the parallel kernels.
 */
sx_err sx_dem_fill_serial(int64_t nx, int64_t ny, double *z, int nodata_walls, int epsilon);

/**
 * Parallel Priority-Flood (Barnes 2016): each rank floods its block from its
 * perimeter, labelling watersheds; the graph of spill elevations between
 * labels (across block edges and to the outside) is gathered and solved on
 * rank 0, and each block is raised to its labels' spill elevations. Equals
 * sx_dem_fill_serial without epsilon bit for bit at any rank count and block
 * size. z holds the own block, filled in place. Collective over d->comm.
 */
sx_err sx_dem_fill_dist(const sx_decomp_t *d, double *z, int nodata_walls);

/**
 * Parallel Priority-Flood+epsilon: the least surface E >= z on which every
 * data cell that is not an outlet (grid edge; next to nodata unless
 * nodata_walls) has a data neighbour with strictly lower E; cells that reach
 * no outlet keep z. Unique, so equal to sx_dem_fill_serial with epsilon bit
 * for bit at any rank count and block size (fill_eps.c has the definition
 * and the method: block-wise Dijkstra rounds with one-cell halo exchanges).
 * z holds the own block, filled in place. Collective over d->comm.
 */
sx_err sx_dem_fill_eps_dist(const sx_decomp_t *d, double *z, int nodata_walls);

/**
 * D8 flow directions of the own block of a (filled) DEM, with flats drained
 * as in Barnes, Lehman & Mulla (2014b): away from higher terrain and towards
 * lower terrain. Steepest drop per metric distance (row-dependent on
 * geographic grids); equal drops keep the first neighbour in W..SW order,
 * except that a cardinal one replaces a diagonal one. Grid-edge cells flow
 * off the grid (corners diagonally), data cells next to nodata flow into it.
 * The breadth-first gradients are computed as fixpoints with perimeter
 * exchanges, so the result is the same at any rank count. Collective.
 */
sx_err sx_dem_flowdir_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *z, uint8_t *dir);

/**
 * D8 flow accumulation over the own block: acc = w (1 when w is NULL) plus the
 * accumulation of every neighbour draining into the cell, summed in the fixed
 * neighbour order W..SW, so weighted sums are bit-identical at any rank
 * count. edge (optional, own block) is set to 1 where the upstream area
 * contains a cell on the grid edge or next to nodata (flow may enter from
 * beyond the data). Nodata directions give NaN. Fails with SX_ERR_INPUT if
 * the directions contain a cycle, naming a cell on it. Collective.
 */
sx_err sx_dem_accum_dist(const sx_decomp_t *d, const uint8_t *dir, const double *w, double *acc, uint8_t *edge);

/**
 * D-infinity flow directions (Tarboton 1997, Water Resources Research
 * 33(2):309-319, doi:10.1029/96WR03137) of the own block of a filled DEM z:
 * the angle in radians, counter-clockwise from east in [0, 2 pi), of the
 * steepest downslope direction over the eight triangular facets around the
 * cell. Cells on flats, on the grid edge or next to nodata take the angle of
 * their D8 direction (flats drained as in sx_dem_flowdir_dist); cells
 * without one SX_DINF_NONE; nodata NaN. Collective.
 */
sx_err sx_dem_dinf_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *z, float *ang);

/**
 * D-infinity accumulation from angles (as sx_dem_dinf_dist gives; NaN or
 * SX_DINF_NODATA nodata, SX_DINF_NONE no direction): each cell passes its
 * accumulation to the two neighbours either side of its angle, in proportion
 * to the angle's closeness to each (Tarboton 1997). w, acc and edge as in
 * sx_dem_accum_dist; sums are pulled in a fixed order, so they are
 * bit-identical at any rank count. Fails with SX_ERR_INPUT on an angle
 * outside [0, 2 pi) or a cycle. Collective.
 */
sx_err sx_dem_accum_dinf_dist(const sx_decomp_t *d, const float *ang, const double *w, double *acc, uint8_t *edge);

/**
 * Multiple-flow-direction accumulation over a filled DEM z: each cell with a
 * lower neighbour splits its accumulation over all lower neighbours, by
 * tan(b)^1.1 (Freeman 1991, Computers & Geosciences 17(3):413-422,
 * doi:10.1016/0098-3004(91)90048-I) or by tan(b) x contour length, 0.5 for
 * cardinal and 0.354 for diagonal neighbours (Quinn, Beven, Chevallier &
 * Planchon 1991, Hydrological Processes 5:59-79, doi:10.1002/hyp.3360050106);
 * tan(b) is drop over metric distance. Flats, grid-edge cells and cells next
 * to nodata pass everything along their D8 direction (sx_dem_flowdir_dist).
 * w, acc and edge as in sx_dem_accum_dist. Collective.
 */
sx_err sx_dem_accum_mfd_dist(const sx_decomp_t *d, const sx_grid_t *g, const double *z, sx_mfd_rule rule,
                             const double *w, double *acc, uint8_t *edge);

/**
 * Strahler (1957) order of the stream cells of the own block (stream[c] > 0),
 * 0 elsewhere, NaN on nodata: 1 at a source, the largest incoming order, plus
 * one where two or more streams of that order join. Strahler, A.N. (1957)
 * Quantitative analysis of watershed geomorphology. Trans. AGU 38(6):913-920,
 * doi:10.1029/TR038i006p00913. Same sweep as sx_dem_accum_dist. Collective.
 */
sx_err sx_dem_strahler_dist(const sx_decomp_t *d, const uint8_t *dir, const double *stream, double *order);

/* ---- runs: read, check, compute, write (collective over comm) ---- */

typedef struct {
    const char *input;      /* DEM (GDAL name) */
    int band;
    const char *out_nc;     /* CF netCDF output */
    const char *out_cog;    /* COG output or NULL */
    int epsilon;            /* least strictly draining surface (sx_dem_fill_eps_dist) */
    int nodata_walls;       /* nodata cells are walls instead of outlets */
    const char *provenance;
} sx_fill_opts_t;
sx_err sx_dem_fill_run(MPI_Comm comm, const sx_fill_opts_t *o);

typedef struct {
    const char *input;
    int band;
    const char *out_nc;
    const char *out_cog;
    sx_d8_encoding encoding;
    const char *provenance;
    sx_flow_method method;  /* SX_FLOW_D8 (codes) or SX_FLOW_DINF (angles, float32 radians); MFD has no
                               single-band direction raster: accumulate the filled DEM with accum's MFD */
} sx_flowdir_opts_t;
sx_err sx_dem_flowdir_run(MPI_Comm comm, const sx_flowdir_opts_t *o);

typedef struct {
    const char *input;      /* D8: flow-direction codes; DINF: angles; MFD: the filled DEM */
    const char *weight;     /* weight raster on the same grid, or NULL */
    const char *out_nc;
    const char *out_cog;
    const char *edge_nc;    /* mask of edge-contaminated cells as CF-netCDF, or NULL */
    const char *edge_cog;   /* the same mask as a COG, or NULL (neither: no mask) */
    sx_d8_encoding encoding;
    const char *provenance;
    sx_flow_method method;  /* default SX_FLOW_D8 */
    sx_mfd_rule mfd;        /* MFD partition rule */
    int band;               /* band of the input (0 = 1) */
} sx_accum_opts_t;
sx_err sx_dem_accum_run(MPI_Comm comm, const sx_accum_opts_t *o);

typedef struct {
    const char *accum;      /* flow accumulation (cells) */
    const char *flowdir;    /* flow directions on the same grid */
    double threshold;       /* stream cells: accumulation >= threshold */
    const char *out_nc;     /* Strahler order raster (uint8, 0 = no stream) */
    const char *out_cog;
    const char *links;      /* GeoPackage of stream links, or NULL */
    sx_d8_encoding encoding;
    const char *provenance;
} sx_streams_opts_t;
/** Strahler order raster and stream links (lines: link_id, strahler, length_m,
 *  cells, upstream_cells). Collective. */
sx_err sx_dem_streams_run(MPI_Comm comm, const sx_streams_opts_t *o);

typedef struct {
    const char *dem;        /* the DEM the directions were derived from (filled) */
    const char *flowdir;    /* D8 flow directions on the same grid */
    const char *accum;      /* D8 flow accumulation (cells) on the same grid */
    double threshold;       /* drainage cells: accumulation >= threshold */
    sx_d8_encoding encoding;
    const char *out_nc;     /* HAND, float32 metres, NaN nodata */
    const char *out_cog;
    const char *provenance;
} sx_hand_opts_t;
/** Height Above the Nearest Drainage (Renno et al. 2008; Nobre et al. 2011):
 *  elevation minus that of the first drainage cell (accumulation >=
 *  threshold) on the cell's D8 path; nodata where the path reaches none.
 *  Identical at any rank count (src/dem/hand.c). Collective. */
sx_err sx_dem_hand_run(MPI_Comm comm, const sx_hand_opts_t *o);

/**
 * Nested sub-basins: label[c] = 1 + index of the first outlet cell on c's flow
 * path (outlet cells label themselves), 0 where no outlet is downstream.
 * outlet_cells are row-major global indices, the same on every rank.
 * Collective; rank-count independent.
 */
sx_err sx_dem_watershed_label(const sx_decomp_t *d, const uint8_t *dir, const int64_t *outlet_cells, int64_t n,
                              int32_t *label);

typedef struct {
    const char *flowdir;
    const char *accum;      /* for snapping */
    const char *outlets;    /* CSV (x,y / lon,lat) or GeoJSON points, in the DEM's CRS */
    int snap;               /* search radius in cells */
    const char *out_nc;     /* basin raster (int32 outlet ids) */
    const char *out_cog;
    const char *polygons;   /* GeoPackage of basin polygons with area_km2, or NULL */
    sx_d8_encoding encoding;
    const char *provenance;
} sx_watershed_opts_t;
sx_err sx_dem_watershed_run(MPI_Comm comm, const sx_watershed_opts_t *o);

#define SX_ACCUM_NODATA (-9999.0)
#define SX_FILL_NODATA (-32768.0)

#endif
