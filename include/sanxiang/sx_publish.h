/*
 * sx_publish.h — one-map ("一张图") packages: a run directory turned into
 * validated COGs, GeoPackages, a STAC 1.1 catalog, QGIS/SLD styles and a
 * static web viewer.
 *
 * What a layer looks like (resampling, colour ramp, legend, units) is decided
 * by its *kind*, looked up in one table of styles (styles.c): a new quantity
 * plugs in by a table entry, not code. A raster's kind comes from its
 * SANXIANG_KIND metadata item when a domain sets one, otherwise from the
 * first table entry whose name pattern matches the layer's file name,
 * variable name or long_name.
 *
 * CRS rules (docs/one-map.md): every layer is reprojected to one target CRS
 * (default CGCS2000, EPSG:4490; its Gauss–Krüger zones EPSG:4491–4554
 * work). GCJ-02 inputs (DataV/ECharts web-map boundaries) are refused unless
 * the user states the datum of that input; nothing is mixed silently.
 */
#ifndef SX_PUBLISH_H
#define SX_PUBLISH_H

#include <mpi.h>
#include <stddef.h>

#include "sx_err.h"

/** One colour stop: for continuous kinds `value` is a fraction of the
 *  ramp's [min, max]; for class kinds it is the class value itself. */
typedef struct {
    double value;
    unsigned char r, g, b, a;
    const char *label; /* legend text for classes; NULL for continuous stops */
} sx_publish_stop_t;

typedef struct {
    const char *kind;        /* "slope", "ndvi", ... */
    const char *match;       /* '|'-separated lowercase substrings of name/long_name */
    const char *title;       /* legend title for people */
    const char *units;       /* default units when the layer has none */
    int classes;             /* 1: categorical (exact colours, NEAREST/MODE) */
    const char *overview;    /* COG overview resampling: AVERAGE, MODE, NEAREST */
    const char *warp;        /* reprojection resampling: BILINEAR, NEAREST */
    double min, max;         /* continuous ramp range; min > max: from the layer's statistics */
    size_t nstops;
    const sx_publish_stop_t *stops;
} sx_publish_style_t;

/** The table of styles, ending with the generic fallback entry (kind
 *  "generic", match NULL). Not collective. */
const sx_publish_style_t *sx_publish_styles(size_t *count);
/** Style for an explicit kind (NULL if unknown). Not collective. */
const sx_publish_style_t *sx_publish_style_by_kind(const char *kind);
/** Style whose pattern matches any of the texts (NULLs skipped); the
 *  generic entry if none does. Never NULL. Not collective. */
const sx_publish_style_t *sx_publish_style_match(const char *const *texts, size_t n);
/** Ramp range actually used for a layer with statistics [smin, smax]. */
void sx_publish_style_range(const sx_publish_style_t *s, double smin, double smax, double *lo, double *hi);
/** Colour of value v (NaN gives transparent) with the ramp on [lo, hi]. */
void sx_publish_style_colour(const sx_publish_style_t *s, double lo, double hi, double v, unsigned char rgba[4]);

/** A datum stated by the user for one input ("name=EPSG:4326"). */
typedef struct {
    const char *input; /* file name (basename) the statement is about */
    const char *crs;   /* "EPSG:4326", or "GCJ-02" (which is then refused with a reason) */
} sx_publish_datum_t;

typedef struct {
    const char *run_dir;      /* run directory (COGs, GeoPackages, CSV tables, run.json) */
    const char *package_dir;  /* package to create: a new (or empty) directory, or a package publish made */
    const char *crs;          /* target CRS, "EPSG:4490" if NULL */
    const char *collection;   /* collection id; NULL: job name from run.json, else run dir name */
    const char *title;        /* collection title, or NULL */
    const char *provenance;   /* provenance JSON, or NULL to read run.json */
    const char *boundaries;   /* administrative boundaries (any OGR source), or NULL */
    const char *code_field;   /* field holding the 6-digit code in boundaries; NULL: auto */
    const char *const *tables; /* CSV indicator tables joined to boundaries by code */
    size_t ntables;
    const char *rank_field;   /* numeric field to rank (1 = largest), or NULL */
    const sx_publish_datum_t *datums;
    size_t ndatums;
    const char *viewer_dir;   /* built viewer (index.html + assets); NULL: search */
    const char *stations;     /* CSV of forecast station locations (id, lon, lat[, name]), or NULL */
} sx_publish_opts_t;

/** Check that text names a usable target CRS ("EPSG:<code>", not GCJ-02),
 *  so a job file can be refused before anything runs. Not collective. */
sx_err sx_publish_crs_check(const char *text);

/** Refuse option combinations that would otherwise be ignored silently
 *  (--table, --rank-field or --code-field without --boundaries; a file
 *  given two datums). On failure *key (if key is not NULL) names the job-file
 *  key of the option at fault. Not collective. */
sx_err sx_publish_opts_check(const sx_publish_opts_t *o, const char **key);

/** Check that package_dir may receive a package: it does not exist, is an
 *  empty directory, or is a package publish made (it holds the marker file
 *  ".sanxiang-package"). A file, a symbolic link or any other non-empty
 *  directory is refused (SX_ERR_USAGE) naming the path. Collective over comm
 *  (rank 0 looks, all agree). */
sx_err sx_publish_target_check(MPI_Comm comm, const char *package_dir);

/**
 * Build the package. Rank 0 does the work (GDAL writes are serial); ranks
 * agree on the outcome so a bad input stops all with one message. The
 * options and package_dir are checked first (sx_publish_opts_check,
 * sx_publish_target_check). The package is assembled in
 * "<parent>/.<name>.part", with the marker written first, and swapped in
 * only when complete; a package it replaces stays as it was if the publish
 * fails. Collective over comm.
 */
sx_err sx_publish_package(MPI_Comm comm, const sx_publish_opts_t *o);

/**
 * Serve dir over HTTP (libmicrohttpd) on 127.0.0.1:port: GET and HEAD of
 * regular files inside dir only (no listing, no hidden files, no path or
 * symbolic link leading out), single byte ranges, requests for the loopback
 * Host only, with bounds on the request head size, connection count and
 * time (serve.c). port 0 picks a free port; the chosen port is printed as
 * "serving DIR at http://127.0.0.1:PORT/". Runs until SIGINT/SIGTERM or,
 * when max_requests > 0, until that many requests were answered; then
 * stops cleanly and returns SX_OK. Not collective (call from one rank).
 */
sx_err sx_publish_serve(const char *dir, int port, long max_requests);

#endif
