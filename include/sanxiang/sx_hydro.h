/*
 * sx_hydro.h — rainfall–runoff models behind one interface, channel routing
 * and forcing series.
 *
 * A model kind (GR4J, Xinanjiang) declares its parameters and its named
 * states with units, valid bounds, calibration ranges and defaults, as they
 * are named in the literature. A model instance holds one parameter set and
 * one state and advances one time step at a time:
 *
 *   sx_hydro_model_create("gr4j", &m);
 *   sx_hydro_model_set_param(m, "X1", 320.1);   ... bounds checked
 *   sx_hydro_model_reset(m);                    states to their defaults
 *   sx_hydro_model_set_state(m, "S", 192.0);    impossible states refused
 *   sx_hydro_model_run(m, n, P, E, Q);          mm per step in and out
 *
 * The full state (named states first, then the model's internal stores such
 * as unit-hydrograph or lag buffers) is a flat vector of doubles so it can be
 * saved and restored exactly (hot start).
 *
 * Models are not collective: every function here works on one process.
 * Instances are not thread-safe; use one instance per thread.
 */
#ifndef SX_HYDRO_H
#define SX_HYDRO_H

#include <stdint.h>
#include <stddef.h>
#include "sx_err.h"

/** One parameter or named state of a model. */
typedef struct {
    const char *name;        /* as in the literature: "X1", "WM", "S" */
    const char *units;       /* "mm", "mm/step", "step", "-" */
    const char *description;
    double min, max;         /* physically valid range (inclusive) */
    double cal_lo, cal_hi;   /* default calibration range (parameters) */
    double def;              /* default value (states: see kind's doc) */
} sx_hydro_var_t;

/** One textual option of a model ("net_rain" = "pet" | "aet"). */
typedef struct {
    const char *name;
    const char *choices;     /* "a|b" — the first is the default */
    const char *description;
} sx_hydro_option_t;

typedef struct sx_hydro_kind sx_hydro_kind_t;
typedef struct sx_hydro_model sx_hydro_model_t;

/** Model kinds by name ("gr4j", "xaj"); NULL-terminated list. */
const sx_hydro_kind_t *const *sx_hydro_kinds(void);
/** Look a kind up by name; fails with SX_ERR_USAGE listing the kinds. */
sx_err sx_hydro_kind_find(const char *name, const sx_hydro_kind_t **out);

const char *sx_hydro_kind_name(const sx_hydro_kind_t *k);
const char *sx_hydro_kind_summary(const sx_hydro_kind_t *k);
int sx_hydro_kind_nparams(const sx_hydro_kind_t *k);
const sx_hydro_var_t *sx_hydro_kind_param(const sx_hydro_kind_t *k, int i);
int sx_hydro_kind_nstates(const sx_hydro_kind_t *k);
const sx_hydro_var_t *sx_hydro_kind_state(const sx_hydro_kind_t *k, int i);
int sx_hydro_kind_noptions(const sx_hydro_kind_t *k);
const sx_hydro_option_t *sx_hydro_kind_option(const sx_hydro_kind_t *k, int i);

/** Create an instance with default parameters and default states. Owning:
 *  free with sx_hydro_model_destroy. */
sx_err sx_hydro_model_create(const char *kind, sx_hydro_model_t **out);
void sx_hydro_model_destroy(sx_hydro_model_t **m);
const sx_hydro_kind_t *sx_hydro_model_kind(const sx_hydro_model_t *m);

/** Set one parameter by name; outside [min, max] fails with SX_ERR_INPUT.
 *  Cross-parameter constraints are checked by sx_hydro_model_reset. */
sx_err sx_hydro_model_set_param(sx_hydro_model_t *m, const char *name, double value);
/** Set all parameters (kind's order), then reset. */
sx_err sx_hydro_model_set_params(sx_hydro_model_t *m, const double *values);
sx_err sx_hydro_model_get_param(const sx_hydro_model_t *m, const char *name, double *out);
const double *sx_hydro_model_params(const sx_hydro_model_t *m);
/** Set an option by name to one of its choices. Call before reset. */
sx_err sx_hydro_model_set_option(sx_hydro_model_t *m, const char *name, const char *value);

/** Check the parameter set as a whole, derive what the step needs and set
 *  every state to its default. Must be called after changing parameters. */
sx_err sx_hydro_model_reset(sx_hydro_model_t *m);
/** Set a named state; an impossible value (e.g. W0 > WM) fails with
 *  SX_ERR_INPUT naming the state, its value and the bound. */
sx_err sx_hydro_model_set_state(sx_hydro_model_t *m, const char *name, double value);
sx_err sx_hydro_model_get_state(const sx_hydro_model_t *m, const char *name, double *out);

/** Full state vector (named states first, then internal stores). */
int64_t sx_hydro_model_state_len(const sx_hydro_model_t *m);
const double *sx_hydro_model_state(const sx_hydro_model_t *m);
/** Restore a full state vector of length sx_hydro_model_state_len; named
 *  states are checked as in set_state. */
sx_err sx_hydro_model_restore(sx_hydro_model_t *m, const double *state, int64_t len);

/** SHA-256 (hex) identifying the model kind, its parameter values (as
 *  %.17g text) and its options: the "parameter set" a saved state belongs to. */
void sx_hydro_model_fingerprint(const sx_hydro_model_t *m, char hex[65]);

/**
 * Advance n steps: P, E (mm per step, finite, >= 0) in, Q (mm per step) out.
 * A bad forcing value fails with SX_ERR_INPUT naming the step index
 * (offset by first_step in the message). Not collective.
 */
sx_err sx_hydro_model_run(sx_hydro_model_t *m, int64_t n, const double *P, const double *E, double *Q,
                          int64_t first_step);

/**
 * As sx_hydro_model_run, adding dR[t] mm (NULL: none) to the runoff that
 * enters the model's routing part at step t, kept >= 0: Xinanjiang's runoff
 * R before the three-source separation (the soil balance is unchanged),
 * GR4J's effective rain Pr before its unit hydrographs. This is the runoff
 * input that the DSRC correction adjusts (sx_hydro_dsrc.h). Not collective.
 */
sx_err sx_hydro_model_run_dr(sx_hydro_model_t *m, int64_t n, const double *P, const double *E, const double *dR,
                             double *Q, int64_t first_step);

/** Clip a full state vector s (sx_hydro_model_state_len values) of this
 *  model's parameter set into its physical bounds: every store >= 0, soil
 *  layers and stores at most their capacities (Xinanjiang WU <= WUM,
 *  WL <= WLM, WD <= WDM, S <= SM, FR <= 1; GR4J S <= X1, R <= X3); NaN -> 0.
 *  For data assimilation. Not collective. */
void sx_hydro_model_clip(const sx_hydro_model_t *m, double *s);

/** A model set up from named settings (see sx_hydro_simulate). */
typedef struct {
    const char *model;                     /* "xaj", "gr4j" */
    const char *option_name, *option_value; /* one option, or NULL */
    const double *params;                  /* every parameter in the kind's order, or NULL: defaults */
    const char *const *param_names;        /* then these parameters by name */
    const double *param_values;
    int nnamed;
    const char *const *init_names;         /* initial states by name (after reset) */
    const double *init_values;
    int ninit;
} sx_hydro_setup_t;

/** Create the model of s, set it up, run it over n steps of P and E (mm per
 *  step) into Q (mm per step) and destroy it. Not collective. */
sx_err sx_hydro_simulate(const sx_hydro_setup_t *s, int64_t n, const double *P, const double *E, double *Q);

/* ---- channel routing ------------------------------------------------- */

/* ---- hot start ------------------------------------------------------- */

/**
 * Save the full state of nunits models (one per sub-basin, named by ids)
 * to an HDF5 file: root attributes basin, time (the valid time of the state:
 * the last step simulated), and per unit a group "units/<id>" with the model
 * kind, the parameter-set fingerprint, the parameters and the state vector.
 * Written under a temporary name and renamed. Not collective (one rank).
 */
/** Channel-reach states saved with the models (Muskingum sub-reach in/out
 *  flows). tag identifies the reach's K, X, dt; a state with another tag is
 *  refused. Also the reservoirs' states (nres 0: none): per reservoir node
 *  the storage (m3), level (m), release (m3/s) and inflow (m3/s) at the
 *  state's time (sx_reservoir_hot_t); on load a reservoir missing from the
 *  file is refused naming it. */
typedef struct {
    int n;
    const char *const *ids;
    const char *const *tags;
    double *const *st;     /* n arrays of len[i] values */
    const int64_t *len;
    int nres;
    const char *const *res_ids;
    double *const *res_st; /* nres arrays of 4 values */
} sx_hydro_reach_states_t;

sx_err sx_hydro_state_save(const char *path, const char *basin, const char *time, int nunits, const char *const *ids,
                           sx_hydro_model_t *const *models, const sx_hydro_reach_states_t *reaches);

/**
 * Restore the states saved by sx_hydro_state_save into models that already
 * hold their parameters. Refused with SX_ERR_INPUT, naming file and unit,
 * when the file is for another basin, lacks a unit, or a unit's model kind or
 * parameter-set fingerprint differs. time_out (>= 64 bytes, may be NULL)
 * receives the state's valid time. Not collective.
 */
sx_err sx_hydro_state_load(const char *path, const char *basin, int nunits, const char *const *ids,
                           sx_hydro_model_t *const *models, char *time_out, const sx_hydro_reach_states_t *reaches);

/** Muskingum reach. K and dt in the same unit (hours), 0 <= X <= 0.5. */
typedef struct {
    double K, X, dt;
    int nreach;   /* sub-reaches chosen (K/nreach each) */
    int nsub;     /* sub-steps of dt chosen (dt/nsub each) */
    double c0, c1, c2; /* coefficients for one sub-reach and sub-step */
} sx_muskingum_t;

/**
 * Plan a Muskingum routing (McCarthy 1938; coefficients as in Ponce 1989,
 * Engineering Hydrology ch. 9). The stability condition
 * 2KX <= dt <= 2K(1-X) must hold for non-negative coefficients; when it does
 * not, the reach is split into N sub-reaches of K/N (dt < 2KX) or the step
 * into M sub-steps of dt/M (dt > 2K(1-X)), the smallest that satisfy it.
 * Fails with SX_ERR_INPUT for K <= 0, dt <= 0 or X outside [0, 0.5].
 */
sx_err sx_muskingum_plan(double K, double X, double dt, sx_muskingum_t *out);

/**
 * Route inflow I[0..n) (>= 0, finite) to outflow O[0..n). Every sub-reach
 * starts in steady state O = I[0]. With the planned coefficients all >= 0,
 * outflow is never negative. Not collective.
 */
sx_err sx_muskingum_route(const sx_muskingum_t *mk, int64_t n, const double *I, double *O);

/** Length of a reach state: 2 * nreach (last inflow and outflow of each sub-reach). */
int64_t sx_muskingum_state_len(const sx_muskingum_t *mk);
/** Tag naming K, X and dt of a plan (for state files); buf >= 96 bytes. */
void sx_muskingum_tag(const sx_muskingum_t *mk, char *buf, size_t len);
/**
 * As sx_muskingum_route, but starting from st_in (the state after the step
 * before I[0]; NULL: steady state O = I[0]) and copying the state after step
 * capture into st_out (when 0 <= capture < n and st_out is not NULL).
 */
sx_err sx_muskingum_route_hot(const sx_muskingum_t *mk, int64_t n, const double *I, double *O, const double *st_in,
                              int64_t capture, double *st_out);

/**
 * Muskingum–Cunge parameters (Cunge 1969; constant-parameter form of Ponce &
 * Yevjevich 1978, doi:10.1061/JYCEAJ.0005074): K = dx / c,
 * X = 0.5 (1 - q / (S0 c dx)) with q = Qref / width, clipped to [0, 0.5].
 * dx in m, celerity c in m/s, width in m, Qref in m3/s, K returned in hours.
 */
sx_err sx_muskingum_cunge_params(double dx_m, double celerity_ms, double width_m, double slope,
                                 double qref_m3s, double *K_h, double *X);

#endif
