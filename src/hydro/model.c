/*
 * model.c — the one interface behind which every rainfall–runoff model
 * runs: parameter and state bookkeeping by name, bounds checks, the forcing
 * check, and the loop over time steps. The hydrology itself is in the
 * kind's file (gr4j.c, xaj.c); this file knows no model equations.
 *
 * Invariants: after a successful reset, p satisfies the kind's check, d is
 * derived from p and s holds a possible state; run() never sees NaN,
 * infinite or negative forcing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hydro/hydro_internal.h"
#include "sanxiang/sx_sha256.h"

struct sx_hydro_model {
    const sx_hydro_kind_t *kind;
    double *p, *s, *d;
    int64_t ns_total, nd;
    int opt[8];
    int ready; /* reset done since the last parameter change */
};

static const sx_hydro_kind_t *const kinds[] = {&sx__hydro_gr4j, &sx__hydro_xaj, NULL};

const sx_hydro_kind_t *const *sx_hydro_kinds(void) { return kinds; }

sx_err sx_hydro_kind_find(const char *name, const sx_hydro_kind_t **out)
{
    for (int i = 0; kinds[i]; i++)
        if (!strcasecmp(kinds[i]->name, name)) {
            *out = kinds[i];
            return SX_OK;
        }
    SX_FAIL(SX_ERR_USAGE, "unknown hydrological model '%s'; choose gr4j or xaj", name);
}

const char *sx_hydro_kind_name(const sx_hydro_kind_t *k) { return k->name; }
const char *sx_hydro_kind_summary(const sx_hydro_kind_t *k) { return k->summary; }
int sx_hydro_kind_nparams(const sx_hydro_kind_t *k) { return k->np; }
const sx_hydro_var_t *sx_hydro_kind_param(const sx_hydro_kind_t *k, int i) { return &k->params[i]; }
int sx_hydro_kind_nstates(const sx_hydro_kind_t *k) { return k->ns; }
const sx_hydro_var_t *sx_hydro_kind_state(const sx_hydro_kind_t *k, int i) { return &k->states[i]; }
int sx_hydro_kind_noptions(const sx_hydro_kind_t *k) { return k->nopt; }
const sx_hydro_option_t *sx_hydro_kind_option(const sx_hydro_kind_t *k, int i) { return &k->options[i]; }

sx_err sx_hydro_model_create(const char *kind, sx_hydro_model_t **out)
{
    const sx_hydro_kind_t *k = NULL;
    SX_CHECK(sx_hydro_kind_find(kind, &k));
    sx_hydro_model_t *m;
    SX_ALLOC(m, 1, "a hydrological model");
    m->kind = k;
    m->p = calloc((size_t)k->np, sizeof *m->p);
    if (!m->p) {
        free(m);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate model parameters");
    }
    for (int i = 0; i < k->np; i++) m->p[i] = k->params[i].def;
    sx_err e = sx_hydro_model_reset(m);
    if (e != SX_OK) {
        sx_hydro_model_destroy(&m);
        SX_CHECK(e);
    }
    *out = m;
    return SX_OK;
}

void sx_hydro_model_destroy(sx_hydro_model_t **m)
{
    if (!m || !*m) return;
    free((*m)->p);
    free((*m)->s);
    free((*m)->d);
    free(*m);
    *m = NULL;
}

const sx_hydro_kind_t *sx_hydro_model_kind(const sx_hydro_model_t *m) { return m->kind; }

static int find_var(const sx_hydro_var_t *v, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcasecmp(v[i].name, name)) return i;
    return -1;
}

static void list_names(const sx_hydro_var_t *v, int n, char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", v[i].name);
}

static sx_err check_range(const char *model, const char *what, const sx_hydro_var_t *v, double value)
{
    SX_FAIL_IF(!isfinite(value) || value < v->min || value > v->max, SX_ERR_INPUT,
               "%s %s %s = %g is outside its valid range [%g, %g] %s; give a value inside it", model, what,
               v->name, value, v->min, v->max, v->units);
    return SX_OK;
}

sx_err sx_hydro_model_set_param(sx_hydro_model_t *m, const char *name, double value)
{
    const sx_hydro_kind_t *k = m->kind;
    int i = find_var(k->params, k->np, name);
    if (i < 0) {
        char names[512];
        list_names(k->params, k->np, names, sizeof names);
        SX_FAIL(SX_ERR_USAGE, "%s has no parameter '%s'; its parameters are %s", k->name, name, names);
    }
    SX_CHECK(check_range(k->name, "parameter", &k->params[i], value));
    m->p[i] = value;
    m->ready = 0;
    return SX_OK;
}

sx_err sx_hydro_model_set_params(sx_hydro_model_t *m, const double *values)
{
    for (int i = 0; i < m->kind->np; i++) SX_CHECK(sx_hydro_model_set_param(m, m->kind->params[i].name, values[i]));
    return sx_hydro_model_reset(m);
}

sx_err sx_hydro_model_get_param(const sx_hydro_model_t *m, const char *name, double *out)
{
    int i = find_var(m->kind->params, m->kind->np, name);
    SX_FAIL_IF(i < 0, SX_ERR_USAGE, "%s has no parameter '%s'", m->kind->name, name);
    *out = m->p[i];
    return SX_OK;
}

const double *sx_hydro_model_params(const sx_hydro_model_t *m) { return m->p; }

sx_err sx_hydro_model_set_option(sx_hydro_model_t *m, const char *name, const char *value)
{
    const sx_hydro_kind_t *k = m->kind;
    for (int i = 0; i < k->nopt; i++) {
        if (strcasecmp(k->options[i].name, name)) continue;
        const char *c = k->options[i].choices;
        for (int j = 0; *c; j++) {
            size_t len = strcspn(c, "|");
            if (strlen(value) == len && !strncasecmp(c, value, len)) {
                m->opt[i] = j;
                m->ready = 0;
                return SX_OK;
            }
            c += len + (c[len] == '|');
        }
        SX_FAIL(SX_ERR_USAGE, "%s option %s must be one of %s, got '%s'", k->name, name, k->options[i].choices, value);
    }
    SX_FAIL(SX_ERR_USAGE, "%s has no option '%s'", k->name, name);
}

sx_err sx_hydro_model_reset(sx_hydro_model_t *m)
{
    const sx_hydro_kind_t *k = m->kind;
    int64_t extra = 0, nd = 0;
    SX_CHECK(k->check(m->p, m->opt, &extra, &nd));
    free(m->s);
    free(m->d);
    m->s = m->d = NULL;
    m->ns_total = k->ns + extra;
    m->nd = nd;
    SX_ALLOC(m->s, m->ns_total, "model state");
    SX_ALLOC(m->d, nd ? nd : 1, "model derived values");
    k->derive(m->p, m->opt, m->d);
    k->default_state(m->p, m->d, m->s);
    m->ready = 1;
    return SX_OK;
}

sx_err sx_hydro_model_set_state(sx_hydro_model_t *m, const char *name, double value)
{
    const sx_hydro_kind_t *k = m->kind;
    SX_FAIL_IF(!m->ready, SX_ERR_INTERNAL, "set the %s parameters and reset before setting states", k->name);
    int i = find_var(k->states, k->ns, name);
    if (i < 0) {
        char names[256];
        list_names(k->states, k->ns, names, sizeof names);
        SX_FAIL(SX_ERR_USAGE, "%s has no state '%s'; its states are %s", k->name, name, names);
    }
    SX_CHECK(check_range(k->name, "state", &k->states[i], value));
    double old = m->s[i];
    m->s[i] = value;
    sx_err e = k->check_state(m->p, m->s);
    if (e != SX_OK) m->s[i] = old;
    SX_CHECK(e);
    return SX_OK;
}

sx_err sx_hydro_model_get_state(const sx_hydro_model_t *m, const char *name, double *out)
{
    int i = find_var(m->kind->states, m->kind->ns, name);
    SX_FAIL_IF(i < 0, SX_ERR_USAGE, "%s has no state '%s'", m->kind->name, name);
    *out = m->s[i];
    return SX_OK;
}

int64_t sx_hydro_model_state_len(const sx_hydro_model_t *m) { return m->ns_total; }
const double *sx_hydro_model_state(const sx_hydro_model_t *m) { return m->s; }

sx_err sx_hydro_model_restore(sx_hydro_model_t *m, const double *state, int64_t len)
{
    const sx_hydro_kind_t *k = m->kind;
    SX_FAIL_IF(!m->ready, SX_ERR_INTERNAL, "reset the %s model before restoring a state", k->name);
    SX_FAIL_IF(len != m->ns_total, SX_ERR_INPUT,
               "%s state has %lld values but this parameter set needs %lld; the state belongs to another "
               "parameter set", k->name, (long long)len, (long long)m->ns_total);
    for (int i = 0; i < k->ns; i++) SX_CHECK(check_range(k->name, "state", &k->states[i], state[i]));
    for (int64_t i = 0; i < len; i++)
        SX_FAIL_IF(!isfinite(state[i]) || state[i] < 0, SX_ERR_INPUT, "%s state value %lld is %g; a store cannot "
                   "be negative or NaN", k->name, (long long)i, state[i]);
    SX_CHECK(k->check_state(m->p, state));
    memcpy(m->s, state, (size_t)len * sizeof *state);
    return SX_OK;
}

sx_err sx_hydro_model_run(sx_hydro_model_t *m, int64_t n, const double *P, const double *E, double *Q,
                          int64_t first_step)
{
    return sx_hydro_model_run_dr(m, n, P, E, NULL, Q, first_step);
}

void sx_hydro_model_clip(const sx_hydro_model_t *m, double *s)
{
    m->kind->clip_state(m->p, m->d, s, m->ns_total);
}

sx_err sx_hydro_model_run_dr(sx_hydro_model_t *m, int64_t n, const double *P, const double *E, const double *dR,
                             double *Q, int64_t first_step)
{
    const sx_hydro_kind_t *k = m->kind;
    SX_FAIL_IF(!m->ready, SX_ERR_INTERNAL, "reset the %s model after changing its parameters", k->name);
    for (int64_t t = 0; t < n; t++) {
        SX_FAIL_IF(!isfinite(P[t]) || P[t] < 0, SX_ERR_INPUT,
                   "rainfall P at step %lld is %g; it must be a finite value >= 0 mm", (long long)(t + first_step), P[t]);
        SX_FAIL_IF(!isfinite(E[t]) || E[t] < 0, SX_ERR_INPUT,
                   "evaporation E at step %lld is %g; it must be a finite value >= 0 mm", (long long)(t + first_step), E[t]);
        k->step(m->p, m->opt, m->d, m->s, P[t], E[t], dR ? dR[t] : 0.0, &Q[t]);
    }
    return SX_OK;
}

void sx_hydro_model_fingerprint(const sx_hydro_model_t *m, char hex[65])
{
    sx_sha256_t h;
    char buf[64];
    sx_sha256_init(&h);
    sx_sha256_update(&h, m->kind->name, strlen(m->kind->name));
    for (int i = 0; i < m->kind->np; i++) {
        int n = snprintf(buf, sizeof buf, ";%s=%.17g", m->kind->params[i].name, m->p[i]);
        sx_sha256_update(&h, buf, (size_t)n);
    }
    for (int i = 0; i < m->kind->nopt; i++) {
        int n = snprintf(buf, sizeof buf, ";%s#%d", m->kind->options[i].name, m->opt[i]);
        sx_sha256_update(&h, buf, (size_t)n);
    }
    sx_sha256_final_hex(&h, hex);
}
