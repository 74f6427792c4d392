/*
 * evaluate.c — NSE/DC, KGE, log-NSE, peak error and the GB/T 22482-2008
 * event table (see sx_hydro_eval.h for the definitions and citations).
 * Every sum runs in step order: the same inputs give the same bits.
 */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "sanxiang/sx_hydro_eval.h"

static const char *const obj_names[] = {"nse", "kge", "lognse", "peak"};

sx_err sx_hydro_objective_parse(const char *name, sx_hydro_objective *out)
{
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(name, obj_names[i])) {
            *out = (sx_hydro_objective)i;
            return SX_OK;
        }
    SX_FAIL(SX_ERR_CONFIG, "unknown objective '%s'; choose nse, kge, lognse or peak", name);
}

const char *sx_hydro_objective_name(sx_hydro_objective o) { return obj_names[o]; }

static sx_err nse(const double *obs, const double *sim, int64_t from, int64_t n, double eps, int logt, double *out)
{
    SX_FAIL_IF(n - from < 2, SX_ERR_INPUT, "need at least 2 steps after the warm-up to score a simulation, have %lld",
               (long long)(n - from));
    double mean = 0;
    for (int64_t t = from; t < n; t++) mean += logt ? log(obs[t] + eps) : obs[t];
    mean /= (double)(n - from);
    double num = 0, den = 0;
    for (int64_t t = from; t < n; t++) {
        double o = logt ? log(obs[t] + eps) : obs[t], s = logt ? log(fmax(sim[t], 0.0) + eps) : sim[t];
        num += (s - o) * (s - o);
        den += (o - mean) * (o - mean);
    }
    SX_FAIL_IF(den == 0, SX_ERR_INPUT, "observed discharge is constant over the scored steps; NSE is undefined");
    *out = 1 - num / den;
    return SX_OK;
}

static sx_err kge(const double *obs, const double *sim, int64_t from, int64_t n, double *out)
{
    SX_FAIL_IF(n - from < 2, SX_ERR_INPUT, "need at least 2 steps after the warm-up to score a simulation");
    double mo = 0, ms = 0, m = (double)(n - from);
    for (int64_t t = from; t < n; t++) {
        mo += obs[t];
        ms += sim[t];
    }
    mo /= m;
    ms /= m;
    double so = 0, ss = 0, cov = 0;
    for (int64_t t = from; t < n; t++) {
        so += (obs[t] - mo) * (obs[t] - mo);
        ss += (sim[t] - ms) * (sim[t] - ms);
        cov += (obs[t] - mo) * (sim[t] - ms);
    }
    SX_FAIL_IF(so == 0 || mo == 0, SX_ERR_INPUT, "observed discharge is constant or zero; KGE is undefined");
    double r = ss > 0 ? cov / sqrt(so * ss) : 0, alpha = sqrt(ss / so), beta = ms / mo;
    *out = 1 - sqrt((r - 1) * (r - 1) + (alpha - 1) * (alpha - 1) + (beta - 1) * (beta - 1));
    return SX_OK;
}

sx_err sx_hydro_score(sx_hydro_objective o, const double *obs, const double *sim, int64_t from, int64_t n,
                      double *out)
{
    SX_FAIL_IF(from < 0 || from >= n, SX_ERR_CONFIG, "warm-up of %lld steps leaves nothing of %lld steps to score",
               (long long)from, (long long)n);
    switch (o) {
    case SX_OBJ_NSE: return nse(obs, sim, from, n, 0, 0, out);
    case SX_OBJ_LOGNSE: {
        double mean = 0;
        for (int64_t t = from; t < n; t++) mean += obs[t];
        mean /= (double)(n - from);
        return nse(obs, sim, from, n, fmax(mean / 100, 1e-12), 1, out);
    }
    case SX_OBJ_KGE: return kge(obs, sim, from, n, out);
    case SX_OBJ_PEAK: {
        double po = -1, ps = -1;
        for (int64_t t = from; t < n; t++) {
            if (obs[t] > po) po = obs[t];
            if (sim[t] > ps) ps = sim[t];
        }
        SX_FAIL_IF(po <= 0, SX_ERR_INPUT, "observed peak is zero; the relative peak error is undefined");
        *out = (ps - po) / po;
        return SX_OK;
    }
    }
    SX_FAIL(SX_ERR_INTERNAL, "unknown objective %d", (int)o);
}

double sx_hydro_loss(sx_hydro_objective o, double score) { return o == SX_OBJ_PEAK ? fabs(score) : 1 - score; }

const char *sx_gbt22482_grade(double pass_rate)
{
    if (pass_rate >= 85) return "甲";
    if (pass_rate >= 70) return "乙";
    if (pass_rate >= 60) return "丙";
    return "不合格";
}

const char *sx_gbt22482_dc_grade(double dc)
{
    if (dc >= 0.90) return "甲";
    if (dc >= 0.70) return "乙";
    if (dc >= 0.50) return "丙";
    return "不合格";
}

sx_err sx_gbt22482_evaluate(const double *obs, const double *sim, int64_t n, int64_t from, double depth_factor,
                            sx_gbt_event_t *ev, int nev, sx_gbt_summary_t *sum)
{
    SX_FAIL_IF(!(depth_factor > 0), SX_ERR_INPUT, "runoff-depth factor must be > 0 (give the basin area)");
    memset(sum, 0, sizeof *sum);
    for (int i = 0; i < nev; i++) {
        sx_gbt_event_t *e = &ev[i];
        SX_FAIL_IF(e->start < 0 || e->end >= n || e->end <= e->start, SX_ERR_INPUT,
                   "event %d spans steps %lld..%lld, outside the %lld-step series or empty", i + 1,
                   (long long)e->start, (long long)e->end, (long long)n);
        e->obs_peak = e->sim_peak = -1;
        e->obs_depth = e->sim_depth = 0;
        for (int64_t t = e->start; t <= e->end; t++) {
            if (obs[t] > e->obs_peak) {
                e->obs_peak = obs[t];
                e->obs_peak_t = t;
            }
            if (sim[t] > e->sim_peak) {
                e->sim_peak = sim[t];
                e->sim_peak_t = t;
            }
            e->obs_depth += obs[t] * depth_factor;
            e->sim_depth += sim[t] * depth_factor;
        }
        SX_FAIL_IF(e->obs_peak <= 0, SX_ERR_INPUT, "event %d (steps %lld..%lld) has no observed flow", i + 1,
                   (long long)e->start, (long long)e->end);
        e->peak_rel_err = (e->sim_peak - e->obs_peak) / e->obs_peak;
        e->peak_time_err = e->sim_peak_t - e->obs_peak_t;
        e->depth_err = e->sim_depth - e->obs_depth;
        e->depth_allow = fmin(fmax(0.2 * e->obs_depth, 3.0), 20.0);
        e->peak_ok = fabs(e->peak_rel_err) <= 0.2;
        e->time_ok = e->peak_time_err >= -1 && e->peak_time_err <= 1;
        e->depth_ok = fabs(e->depth_err) <= e->depth_allow;
        e->qualified = e->peak_ok && e->time_ok && e->depth_ok;
        if (sx_hydro_score(SX_OBJ_NSE, obs, sim, e->start, e->end + 1, &e->dc) != SX_OK) {
            sx_err_clear();
            e->dc = NAN;
        }
        sum->nqualified += e->qualified;
    }
    sum->nevents = nev;
    sum->pass_rate = nev ? 100.0 * sum->nqualified / nev : 0;
    sum->grade = sx_gbt22482_grade(sum->pass_rate);
    SX_CHECK(sx_hydro_score(SX_OBJ_NSE, obs, sim, from, n, &sum->dc));
    sum->dc_grade = sx_gbt22482_dc_grade(sum->dc);
    return SX_OK;
}

sx_err sx_hydro_find_events(const double *obs, int64_t n, double threshold, int64_t pad, sx_gbt_event_t *ev, int max,
                            int *nev)
{
    int k = 0;
    for (int64_t t = 0; t < n;) {
        if (obs[t] < threshold) {
            t++;
            continue;
        }
        int64_t s = t;
        while (t < n && obs[t] >= threshold) t++;
        int64_t a = s - pad < 0 ? 0 : s - pad, b = t - 1 + pad >= n ? n - 1 : t - 1 + pad;
        if (k > 0 && a <= ev[k - 1].end + 1) {
            if (k <= max) ev[k - 1].end = b;
            continue;
        }
        if (k < max) {
            memset(&ev[k], 0, sizeof ev[k]);
            ev[k].start = a;
            ev[k].end = b > a ? b : (a + 1 < n ? a + 1 : a);
        }
        k++;
    }
    *nev = k;
    return SX_OK;
}
