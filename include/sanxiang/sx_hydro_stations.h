/*
 * sx_hydro_stations.h — water levels and warning signals at the control
 * stations of a forecast network.
 *
 * Rating curves (水位流量关系): a segmented power law
 *     Q = a_k (h - b_k)^c_k   for from_k <= h < from_{k+1}
 * (the first segment reaches down to its zero-flow level b_0, the last one
 * up without end), or a table of (level, discharge) rows interpolated
 * linearly and never extrapolated. Forecast discharges are inverted to
 * levels: h = b_k + (Q / a_k)^(1 / c_k) in the segment whose discharge range
 * holds Q (WMO-No. 1044, Manual on Stream Gauging, vol. II, ch. 1; SL 247-2020
 * 水文资料整编规范 for the segmented stage–discharge relation).
 *
 * Warning signals follow the national water-regime grading (水利部
 * 《水情预警发布管理办法(试行)》2013, 洪水预警): blue when the level
 * approaches the warning level (警戒水位, within `approach` metres), yellow
 * above the warning level or at a 5-year flood, orange above the guaranteed
 * level (保证水位) or at a 20-year flood, red above the historical maximum or
 * at a 50-year flood (return periods from the station's design discharges,
 * e.g. of `hydro frequency`).
 *
 * Nothing here is collective; the results depend only on the inputs.
 */
#ifndef SX_HYDRO_STATIONS_H
#define SX_HYDRO_STATIONS_H

#include <stdint.h>
#include "sx_err.h"
#include "sx_hydro_forecast.h"

#define SX_RATING_MAX_SEG 16

/** A rating curve, SI. Owning (sx_rating_fini) when ntab > 0. */
typedef struct {
    int nseg;                                   /* power-law segments, or 0 */
    double from[SX_RATING_MAX_SEG], a[SX_RATING_MAX_SEG], b[SX_RATING_MAX_SEG], c[SX_RATING_MAX_SEG];
    int ntab;                                   /* or table rows */
    double *th, *tq;                            /* level (m), discharge (m3/s), both increasing */
    int *line;                                  /* the table's file lines */
    char source[256];                           /* file or "job.yaml: station 'x'" for messages */
} sx_rating_t;

/** Check a rating: segments with a > 0, c > 0, increasing from_k >= b_k and a
 *  discharge that never falls at a breakpoint; table rows strictly
 *  increasing in both columns. Failures name the source, the segment or line
 *  and the key. Not collective. */
sx_err sx_rating_check(const sx_rating_t *r);
/** Read a rating table (columns level, discharge; '#' comments) and check it. */
sx_err sx_rating_read_table(const char *path, sx_rating_t *r);
void sx_rating_fini(sx_rating_t *r);
/** Discharge at level h (m3/s); 0 below the zero-flow level. */
double sx_rating_discharge(const sx_rating_t *r, double h);
/** Level of discharge q >= 0; a table fails for q outside its rows, naming
 *  what, the discharge and the table's range. */
sx_err sx_rating_level(const sx_rating_t *r, double q, const char *what, double *h);

/** Signal grades. */
typedef enum { SX_SIGNAL_NONE = 0, SX_SIGNAL_BLUE, SX_SIGNAL_YELLOW, SX_SIGNAL_ORANGE, SX_SIGNAL_RED } sx_signal_t;
/** "none", "blue", "yellow", "orange", "red". */
const char *sx_signal_name(sx_signal_t s);

/** A control station at a network node. Thresholds NaN when not given. */
typedef struct {
    int node;                 /* node index */
    char id[32], name[96];
    sx_rating_t rating;       /* ignored at a reservoir node (the level is the pool's, from its Z–V curve) */
    double z_warn, z_guar, z_hist; /* 警戒, 保证, historical maximum level (m) */
    double approach;          /* blue within this many metres below z_warn (m) */
    double q5, q20, q50;      /* design discharges of the 5-, 20- and 50-year floods (m3/s) */
    double lon, lat;          /* WGS 84 degrees; NaN: not on the map */
} sx_hydro_station_t;

/** Design discharges q[0..2] of the 5-, 20- and 50-year floods from the CSV of `hydro frequency` (the curve
 *  fit when present, else the moments). Errors name the file. Not collective. */
sx_err sx_freq_read_design(const char *path, double q[3]);

/** Grade of a level h and discharge q at station s. */
sx_signal_t sx_hydro_signal_grade(const sx_hydro_station_t *s, double h, double q);

/** Levels and signals of the stations of one forecast. */
typedef struct {
    int nst;
    int64_t nsteps, nlead;
    int members;
    double *h_det;      /* [st][step] level of the deterministic forecast */
    sx_signal_t *grade; /* [st][step] its signal grade (level and return period) */
    double *h_pct;      /* [st][lead][SX_HYDRO_NPCT] ensemble percentiles of the level (NaN without members) */
    double *p_any;      /* [st][3] probability that the level exceeds warning, guaranteed, historical max in the lead */
    int64_t *first;     /* [st][3] first lead step (0-based) the deterministic level exceeds each, -1: never */
    sx_signal_t *sig;   /* [st] signal of the deterministic forecast (highest grade within the lead) */
    int64_t *onset;     /* [st] first lead step of that grade, -1 for none */
    double *p_sig;      /* [st][5] probability (members) of reaching each grade or higher within the lead */
    double *peak_h;     /* [st] highest deterministic level within the lead */
    int64_t *peak_at;   /* [st] its lead step */
} sx_hydro_levels_t;

/**
 * Levels of nst stations from forecast f of configuration c (discharges of
 * f->q_det and f->ens; reservoir stations from f->res_level, without ensemble
 * levels). Fails naming the station, time and discharge when a rating table
 * cannot invert a discharge. Not collective (every rank computes the same).
 */
sx_err sx_hydro_levels_compute(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f, int nst,
                               const sx_hydro_station_t *st, sx_hydro_levels_t *out);
void sx_hydro_levels_fini(sx_hydro_levels_t *l);

/* ---- dispatch alternatives (预演): one comparison record per control point -- */

/** Fields of a comparison record (doubles); SX_DISPATCH_REC per point. */
enum {
    SX_DISPATCH_KIND = 0,  /* 1 reservoir, 2 station */
    SX_DISPATCH_NODE,      /* node index */
    SX_DISPATCH_PEAK_IN,   /* reservoir: peak inflow within the lead (m3/s); station: NaN */
    SX_DISPATCH_PEAK_Q,    /* peak outflow (reservoir release / station discharge) within the lead */
    SX_DISPATCH_PEAK_Q_AT, /* its lead step */
    SX_DISPATCH_PEAK_H,    /* peak level within the lead (m) */
    SX_DISPATCH_PEAK_H_AT,
    SX_DISPATCH_SIGNAL,    /* station signal grade (sx_signal_t); reservoir: -1 */
    SX_DISPATCH_ONSET,     /* its lead step, -1 none */
    SX_DISPATCH_PROB,      /* ensemble probability of the signal, NaN */
    SX_DISPATCH_P_WARN,    /* ensemble probability of exceeding the warning level, NaN */
    SX_DISPATCH_END_H,     /* level at the end of the lead */
    SX_DISPATCH_RULES,     /* SX_RESERVOIR_RULE_COUNT counts: lead steps each rule governed (reservoirs) */
    SX_DISPATCH_REC = SX_DISPATCH_RULES + SX_RESERVOIR_RULE_COUNT
};

/** Control points of a forecast: its reservoirs (node order) then its nst stations. */
int sx_hydro_dispatch_npoints(const sx_hydro_forecast_cfg_t *c, int nst);
/** The comparison records (npoints x SX_DISPATCH_REC) of forecast f with levels l. Not collective. */
void sx_hydro_dispatch_records(const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                               const sx_hydro_levels_t *l, const sx_hydro_station_t *st, double *rec);
/** dispatch.csv: alternative,point,kind,peak_inflow,peak_outflow,peak_outflow_time,peak_level,peak_level_time,
 *  end_level,signal,onset,probability,p_over_warning,rules — one row per alternative and control point. */
sx_err sx_hydro_dispatch_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, int64_t nsteps, int64_t nlead,
                                   int nalt, const char *const *names, int npoints, const double *rec);

/* ---- outputs (one rank; through temporary names) ----------------------- */

/** levels.csv: station,time,phase,lead,H_det,h05..h95,signal. */
sx_err sx_hydro_levels_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                 const sx_hydro_station_t *st);
/** signals.csv: one row per station: signal, onset, probability, peak level and time, thresholds, the
 *  probability of each grade and the first exceedance time of each threshold. */
sx_err sx_hydro_signals_write_csv(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                  const sx_hydro_station_t *st);
/** signals.gpkg: point layer warning_signals (EPSG:4326) with the fields of signals.csv, stations with a
 *  location only; returns without writing when none has one. */
sx_err sx_hydro_signals_write_gpkg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                   const sx_hydro_station_t *st);
/** level_<id>.svg of station k: the level hydrograph, the ensemble 5 / 50 / 95 % levels and the 警戒 / 保证 /
 *  historical maximum levels. */
sx_err sx_hydro_levels_write_svg(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                 const sx_hydro_station_t *st, int k);
/** Append a "water levels and warning signals" section to the bulletin at path. */
sx_err sx_hydro_signals_append_bulletin(const char *path, const sx_hydro_forecast_cfg_t *c, const sx_hydro_levels_t *l,
                                        const sx_hydro_station_t *st);
#endif
