/*
 * sx_polygonize.h — vector polygons (a GeoPackage layer) of the connected
 * regions of equal value of a raster, traced in parallel with no step that
 * grows with the raster on one rank.
 *
 * Every rank reads its block of rows of the raster (with the rows just above
 * and below), labels it into pieces of equal non-zero value, 4- or
 * 8-connected, and traces the rings of the pieces that lie wholly inside its
 * block. Only the pieces that touch a row shared with another block go to
 * rank 0 (with the labels of the block's first and last rows), which joins
 * those that touch across a block edge and traces their rings. Rank 0 then
 * writes the layer, one rank's polygons at a time.
 *
 * The layer does not depend on the rank count: feature k is the k-th region
 * in raster-scan order of its first (top-left) cell, and rings are in a
 * canonical form (corners only, each ring starting at its top-left corner,
 * the outer ring first, holes by their top-left corner). The regions and
 * their areas are those of GDALPolygonize with the band as its own mask
 * (cells equal to 0 are not polygonized); the ring vertices may differ:
 * GDAL keeps collinear vertices and starts its rings elsewhere.
 */
#ifndef SX_POLYGONIZE_H
#define SX_POLYGONIZE_H

#include <mpi.h>
#include <ogr_api.h>
#include <stdint.h>

#include "sx_err.h"

/** One attribute of the layer. */
typedef struct {
    const char *name;
    OGRFieldType type;
} sx_polygonize_field_t;

/** What the caller is told of one polygon. */
typedef struct {
    int value;      /* the region's value (after classify(), if any) */
    int64_t cells;  /* its cells */
    double area;    /* with sx_polygonize_t.area: its area (see there); else 0 */
} sx_polygon_t;

/** What to polygonize and how to write it.
 *  fields[0] must be an integer field: it receives the region's value.
 *  area: fill sx_polygon_t.area — planar in the raster's CRS (its units
 *  squared) when projected, m^2 in the equal-area EPSG:6933 (WGS 84 / EASE
 *  Grid 2.0) when geographic.
 *  classify (may be NULL): turns n cell values of band 1 (read as float64,
 *  nodata as it is stored) into region values, 0 for cells not to
 *  polygonize; runs on every rank. Without it the band is read as Int32.
 *  visit (may be NULL: keep every polygon): on rank 0, per polygon in
 *  feature order, sets the feature's other fields; *keep = 0 drops it (the
 *  next kept one takes its FID). finish (may be NULL): on rank 0, on the
 *  layer before its transaction commits. ctx is passed to all three. */
typedef struct {
    const char *layer;
    int connect8;  /* 0: 4-connected (cells sharing a side), 1: 8-connected (a corner too) */
    const sx_polygonize_field_t *fields;
    int nfields;
    int area;
    void (*classify)(void *ctx, const double *v, int32_t *value, int64_t n);
    sx_err (*visit)(void *ctx, OGRFeatureH f, const sx_polygon_t *poly, int *keep);
    sx_err (*finish)(void *ctx, OGRLayerH lyr);
    void *ctx;
} sx_polygonize_t;

/** Writes the polygons of the connected regions of equal non-zero value of
 *  band 1 of raster into layer p->layer of a new GeoPackage gpkg, through
 *  its temporary name (sx_output: committed, or staged in the open
 *  transaction, when every rank succeeded). raster is any GDAL name; rank
 *  0's is used on every rank, so a product of the open step is read by
 *  passing sx_output_staged(final) (its temporary name on rank 0). Memory
 *  per rank: its block of rows (labels and edges); rank 0 also holds the
 *  pieces along the block edges and one rank's polygons at a time.
 *  Collective over comm; ranks agree on the result. */
sx_err sx_polygonize_raster(MPI_Comm comm, const char *raster, const char *gpkg, const sx_polygonize_t *p);

#endif
