/*
 * hydro_internal.h — what a model kind provides to model.c. Each kind lives
 * in its own file (gr4j.c, xaj.c) and exports one sx_hydro_kind_t.
 *
 * Layout of an instance: p[np] parameters, s[ns + extra] state (named states
 * first), d[nd] derived values (unit-hydrograph ordinates ...) computed by
 * derive() from p, opt[nopt] option indices.
 *
 * Also: the one way the hydrological readers read a CSV (table_in.c) and the
 * one way the writers commit a formatted text (text_out.c).
 */
#ifndef SX_HYDRO_INTERNAL_H
#define SX_HYDRO_INTERNAL_H

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_table.h"

struct sx_hydro_kind {
    const char *name;
    const char *summary;
    int np;
    const sx_hydro_var_t *params;
    int ns;
    const sx_hydro_var_t *states;
    int nopt;
    const sx_hydro_option_t *options;
    /** Cross-parameter checks; sizes of the internal state and derived arrays. */
    sx_err (*check)(const double *p, const int *opt, int64_t *extra, int64_t *nd);
    /** Fill derived values d from p. */
    void (*derive)(const double *p, const int *opt, double *d);
    /** Default state (named and internal) from parameters. */
    void (*default_state)(const double *p, const double *d, double *s);
    /** Check the named states against the parameters (W0 <= WM ...). */
    sx_err (*check_state)(const double *p, const double *s);
    /** One step; P, E already checked finite and >= 0. dR (mm) is added to
     *  the runoff entering the routing part of the model, kept >= 0 (the
     *  DSRC runoff correction; 0 leaves the step unchanged, bit for bit). */
    void (*step)(const double *p, const int *opt, const double *d, double *s, double P, double E, double dR,
                 double *Q);
    /** Clip a full state (named and internal, n values) into its physical
     *  bounds (capacities from p and d, stores >= 0); data assimilation. */
    void (*clip_state)(const double *p, const double *d, double *s, int64_t n);
};

extern const sx_hydro_kind_t sx__hydro_gr4j;
extern const sx_hydro_kind_t sx__hydro_xaj;

/** Read a CSV through sx_table ('#' comment lines skipped) with the blanks
 *  around every header name and cell removed. Owning: sx_table_destroy. */
sx_err sx__hydro_table_read(const char *path, sx_table_t **out);

/** Write sb's text to path through sx_write_text_file and free sb; an
 *  allocation failure while formatting fails naming path. One rank. */
sx_err sx__hydro_write_text(sx_strbuf_t *sb, const char *path);

/** The bulletin's section on the updated forecast (x->q_corr at x->obs_node):
 *  method, what was fitted, and per lead the simulated and corrected
 *  discharge with their peaks (forecast_update_out.c). */
void sx__hydro_bulletin_correction(sx_strbuf_t *sb, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f,
                                   const sx_hydro_forecast_extra_t *x);

/** The bulletin's section on the reservoirs: per reservoir the forecast peak level and release with
 *  their times, the ensemble's 95 % peak level, and the shares of members above the flood-limit,
 *  flood-control high and design levels within the lead (forecast_reservoir.c). */
void sx__hydro_bulletin_reservoirs(sx_strbuf_t *sb, const sx_hydro_forecast_cfg_t *c, const sx_hydro_forecast_t *f);

/** Sort vals[m] (m >= 1) and write its SX_HYDRO_NPCT percentiles 5, 25, 50,
 *  75, 95 % into pct by linear interpolation (Hyndman & Fan 1996, type 7);
 *  the same numbers on every rank for the same values (members.c). */
void sx__hydro_percentiles(double *vals, int m, double *pct);

#endif
