/*
 * step_hydro_dispatch.c — dispatch alternatives (预演/预案) of a
 * `hydro_forecast` step: the key
 *   alternatives:
 *     - {name: approved}                                   # the rules as configured
 *     - {name: plan_b, reservoirs: {upper: {rules: R.yaml, release: PLAN.csv, initial_level: Z,
 *                                          structures: [...], compensation: {station: ID, safe_discharge: Q}}}}
 * runs the same forecast (same forcing, models, hot start and ensemble
 * members) once per alternative with the reservoirs' rule sets, release
 * plans, starting levels, outlet structures (gate openings: the capacity on a
 * copy of the Z–V curve) or compensation targets replaced, and writes one comparison table dispatch.csv (peak inflow,
 * release and level of each reservoir, peak discharge, level and warning
 * signal of each station, which rules governed; src/hydro/dispatch.c).
 *
 * Ranks: the alternatives are dealt to min(alternatives, ranks) groups of
 * contiguous ranks (alternative a to group a mod G); each group runs its
 * alternatives with the members spread over its ranks as the ensemble is.
 * A group's first rank contributes the records, the others zeros, and one
 * sum over all ranks gathers them exactly, so the table is byte-identical at
 * any rank count. The hot-start state is the base run's; alternatives save
 * none.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_forecast.h"
#include "jobs/step_hydro_reservoir.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

#define MAX_ALT 64

static const sx_cfg_field_t alt_fields[] = {
    {"name", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "name of the alternative in dispatch.csv"},
    {"reservoirs", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "{ID: {rules, release, initial_level, structures, compensation}} replacing the configured ones"},
};
static const sx_cfg_field_t over_fields[] = {
    {"rules", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "another rule set (RULES.yaml)"},
    {"release", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "a release plan: CSV time,release overriding the rules at its times"},
    {"initial_level", SX_CFG_T_FLOAT, 0, NULL, -1e6, 1e6, NULL, "another starting level"},
    {"structures", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL,
     "other outlet structures (the full list, e.g. the gates at another opening): the capacity from them"},
    {"compensation", SX_CFG_T_MAP_OR_VALUE, 0, NULL, 1, 0, NULL,
     "another compensation (错峰) {station: ID, safe_discharge: m3/s}, or none"},
};
#define N(a) (sizeof a / sizeof *a)

typedef struct {
    const char *name;
    fc_reservoir_t *own[256];             /* replaced reservoirs (curves borrowed from the base unless its own
                                             structures give them their own copy) */
    const sx_hydro_net_reservoir_t *resp[256];
} alt_t;

static void alt_fini(alt_t *a)
{
    for (int i = 0; i < 256; i++)
        if (a->own[i]) {
            if (a->own[i]->net.curves == &a->own[i]->curves) sx_reservoir_curves_fini(&a->own[i]->curves);
            free(a->own[i]->release);
            free(a->own[i]);
        }
}

/* One reservoir's replacement in alternative a. */
static sx_err override(sx_job_t *job, const sx_cfg_node_t *on, int i, fc_t *f, alt_t *a)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    SX_CHECK(sx_cfg_check(cfg, on, over_fields, N(over_fields)));
    fc_reservoir_t *r = calloc(1, sizeof *r), *b = f->resv[i];
    SX_FAIL_IF(!r, SX_ERR_NOMEM, "out of memory");
    a->own[i] = r;
    r->net = b->net;
    r->rules = b->rules;
    snprintf(r->what, sizeof r->what, "%.100s (alternative '%.40s')", b->what, a->name);
    r->net.what = r->what;
    const char *rp = NULL, *pl = NULL;
    SX_CHECK(sx_cfg_get_string(cfg, on, "rules", NULL, &rp));
    SX_CHECK(sx_cfg_get_string(cfg, on, "release", NULL, &pl));
    if (rp) {
        SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(on, "rules"), rp, &rp));
        SX_CHECK(sx__step_reservoir_rules_read(rp, &b->curves, &f->s, &r->rules, &r->release));
        r->net.rules = &r->rules;
        r->net.release = r->release ? r->release + f->c.start : NULL;
    }
    if (pl) {
        SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(on, "release"), pl, &pl));
        free(r->release);
        SX_ALLOC(r->release, f->s.n, "release plan");
        SX_CHECK(sx__step_reservoir_release_read(pl, &f->s, r->release));
        r->net.release = r->release + f->c.start;
    }
    double z;
    SX_CHECK(sx_cfg_get_double(cfg, on, "initial_level", NAN, &z));
    if (!isnan(z)) {
        double s;
        char key[200];
        r->net.z0 = z * b->curves.unit[0].to_si;
        r->net.keep_z0 = 1; /* its own starting level, hot start or not */
        snprintf(key, sizeof key, "%s: initial_level", r->what);
        SX_CHECK(sx_reservoir_storage_at(&b->curves, r->net.z0, key, &s));
    }
    const sx_cfg_node_t *st = sx_cfg_map_get(on, "structures"), *cp = sx_cfg_map_get(on, "compensation");
    if (st) { /* the capacity from other structures, on a copy of the base's Z–V curve */
        const sx_reservoir_curves_t *bc = &b->curves;
        SX_CHECK(sx_reservoir_curves_init(&r->curves, bc->n, bc->z, bc->s, bc->q, bc->line, bc->source));
        memcpy(r->curves.unit, bc->unit, sizeof r->curves.unit);
        r->net.curves = &r->curves;
        SX_CHECK(sx__step_reservoir_structures(cfg, st, &r->curves, r->what));
    }
    if (cp) SX_CHECK(sx__hydro_reservoir_compensation(cfg, cp, f, r->net.rules != NULL, &r->net));
    a->resp[i] = &r->net;
    return SX_OK;
}

static sx_err parse(sx_job_t *job, const sx_cfg_node_t *list, fc_t *f, alt_t *alts, int *nalt)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const size_t n = sx_cfg_node_len(list);
    if (n < 1 || n > MAX_ALT) return sx_cfg_fail_at(cfg, list, "give 1..%d alternatives, got %zu", MAX_ALT, n);
    for (size_t k = 0; k < n; k++) {
        const sx_cfg_node_t *an = sx_cfg_node_at(list, k);
        SX_CHECK(sx_cfg_check(cfg, an, alt_fields, N(alt_fields)));
        alt_t *a = &alts[k];
        *nalt = (int)k + 1;
        SX_CHECK(sx_cfg_get_string(cfg, an, "name", NULL, &a->name));
        if (!a->name[0] || strpbrk(a->name, ",\"\n"))
            return sx_cfg_fail_at(cfg, sx_cfg_map_get(an, "name"), "a name without commas or quotes, please");
        for (size_t j = 0; j < k; j++)
            if (!strcmp(alts[j].name, a->name))
                return sx_cfg_fail_at(cfg, sx_cfg_map_get(an, "name"), "alternative '%s' is named twice", a->name);
        memcpy(a->resp, f->resp, sizeof a->resp);
        const sx_cfg_node_t *rs = sx_cfg_map_get(an, "reservoirs");
        for (size_t j = 0; rs && j < sx_cfg_node_len(rs); j++) {
            const char *id = sx_cfg_node_key_at(rs, j);
            int i = 0;
            while (i < f->c.nnodes && strcmp(f->nodes[i].id, id)) i++;
            if (i == f->c.nnodes || !f->resv[i])
                return sx_cfg_fail_at(cfg, sx_cfg_map_get(rs, id), "'%s' is not a reservoir of this network", id);
            SX_CHECK(override(job, sx_cfg_map_get(rs, id), i, f, a));
        }
    }
    return SX_OK;
}

/* Run alternative a on comm and fill its records. */
static sx_err run_one(MPI_Comm comm, fc_t *f, const alt_t *a, double *rec)
{
    sx_hydro_forecast_cfg_t c = f->c;
    c.reservoirs = a->resp;
    c.state_out = NULL;
    sx_hydro_forecast_t r;
    sx_hydro_levels_t l;
    memset(&l, 0, sizeof l);
    sx_err e = sx_hydro_forecast_run(comm, &c, &r);
    if (!e) e = sx_hydro_levels_compute(&c, &r, f->nst, f->st, &l);
    int sub;
    MPI_Comm_rank(comm, &sub);
    if (!e && sub == 0) sx_hydro_dispatch_records(&c, &r, &l, f->st, rec);
    sx_hydro_levels_fini(&l);
    sx_hydro_forecast_fini(&r);
    return sx_err_agree(comm, e);
}

sx_err sx__hydro_forecast_alternatives(sx_job_t *job, const sx_cfg_node_t *list, MPI_Comm comm, fc_t *f)
{
    alt_t *alts = calloc(MAX_ALT, sizeof *alts);
    SX_FAIL_IF(!alts, SX_ERR_NOMEM, "out of memory");
    int nalt = 0, rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    const int np = sx_hydro_dispatch_npoints(&f->c, f->nst);
    double *rec = NULL, *all = NULL;
    sx_err e = parse(job, list, f, alts, &nalt);
    if (!e && np == 0)
        e = sx_cfg_fail_at(sx_job_cfg(job), list, "alternatives need reservoirs or stations to compare");
    if (!e) {
        rec = calloc((size_t)nalt * (size_t)np * SX_DISPATCH_REC, sizeof *rec);
        all = calloc((size_t)nalt * (size_t)np * SX_DISPATCH_REC, sizeof *all);
        if (!rec || !all) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %d alternatives", nalt);
    }
    e = sx_err_agree(comm, e);
    if (!e) {
        const int groups = nalt < size ? nalt : size, color = (int)((int64_t)rank * groups / size);
        MPI_Comm sub;
        SX_CHECK_MPI(MPI_Comm_split(comm, color, rank, &sub));
        sx_log_info("hydro_forecast: %d dispatch alternatives over %d group(s) of ranks", nalt, groups);
        for (int a = color; !e && a < nalt; a += groups)
            e = run_one(sub, f, &alts[a], rec + (int64_t)a * np * SX_DISPATCH_REC);
        MPI_Comm_free(&sub);
        e = sx_err_agree(comm, e);
    }
    const int count = nalt * np * SX_DISPATCH_REC;
    if (!e && MPI_Allreduce(rec, all, count, MPI_DOUBLE, MPI_SUM, comm) != MPI_SUCCESS)
        e = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "gathering the dispatch alternatives failed");
    if (!e && rank == 0) {
        const char *names[MAX_ALT];
        char p[SX_PATH_MAX];
        for (int a = 0; a < nalt; a++) names[a] = alts[a].name;
        const int64_t nsteps = f->c.issue - f->c.start + 1 + f->c.nlead;
        e = sx_job_out_path(job, "dispatch.csv", p, sizeof p);
        if (!e) e = sx_hydro_dispatch_write_csv(p, &f->c, nsteps, f->c.nlead, nalt, names, np, all);
        for (int a = 0; !e && a < nalt; a++)
            for (int k = 0; k < np; k++) {
                const double *r = all + ((int64_t)a * np + k) * SX_DISPATCH_REC;
                sx_log_info("dispatch '%s': %s '%s': peak %.1f m3/s, peak level %.2f m%s%s", alts[a].name,
                            r[SX_DISPATCH_KIND] == 1 ? "reservoir" : "station", f->nodes[(int)r[SX_DISPATCH_NODE]].id,
                            r[SX_DISPATCH_PEAK_Q], r[SX_DISPATCH_PEAK_H], r[SX_DISPATCH_KIND] == 1 ? "" : ", signal ",
                            r[SX_DISPATCH_KIND] == 1 ? "" : sx_signal_name((sx_signal_t)r[SX_DISPATCH_SIGNAL]));
            }
    }
    for (int a = 0; a < nalt; a++) alt_fini(&alts[a]);
    free(alts);
    free(rec);
    free(all);
    return sx_err_agree(comm, e);
}
