/*
 * mpi_hydro_forecast.c — the forecast chain on a three-node network
 * (two headwater sub-basins -> a middle sub-basin -> an outlet junction):
 *  - N ranks give the same deterministic series, percentiles and exceedance
 *    probabilities as rank 0 alone, bit for bit (100 members);
 *  - with unrouted links the outlet is the sum of the local runoffs;
 *  - percentiles are ordered and the median is near the deterministic run;
 *  - hot start: run 1 saves the models' and reaches' state at its issue
 *    time; run 2 starting at the next row from that state reproduces a
 *    continuous run bit for bit; a state at
 *    the wrong time or a different basin is refused on every rank;
 *  - parameter ensembles (SM and CS drawn per member), cold and hot-started:
 *    N ranks == 1 rank bit for bit, wider than the rain-only ensemble at the
 *    first lead step; an unknown or zero-width parameter is refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_expect.h"
#include "mpi/mpi_hydro_net.h"
#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_mpi.h"

#define N 400

static double g1[N], g2[N], E[N];
static char *tlabels[N];
static double tvals[N];

static void setup_series(sx_hydro_series_t *s)
{
    unsigned r = 11;
    for (int t = 0; t < N; t++) {
        r = r * 1103515245u + 12345u;
        int wet = (r >> 16) % 10 < 3;
        g1[t] = wet ? (double)((r >> 8) % 500) / 10 : 0;
        g2[t] = wet ? g1[t] * 0.7 + 1 : 0;
        E[t] = 3;
    }
    hydro_test_times(s, N, tlabels, tvals);
}

static sx_hydro_node_t nodes[4] = {
    {"a", "mid", 120, {1, 0}, 12, 0.2, 0, 0},
    {"b", "mid", 80, {0.4, 0.6}, 6, 0.3, 0, 0},
    {"mid", "out", 60, {0, 1}, 0, 0, 0, 0},
    {"out", "", 0, {0}, 0, 0, 40, 80},
};

static void cfg_init(sx_hydro_forecast_cfg_t *c, const sx_hydro_series_t *s, const double *const *gp)
{
    static const char *pn[] = {"CS", "L"};
    static const double pv[] = {0.4, 1};
    const hydro_test_net_t net = {"testbasin", 4, nodes, pn, pv, 2, NULL, NULL, 0};
    hydro_test_cfg(c, &net, s, gp, E);
    c->issue = 299;
    c->nlead = 72;
    c->members = 100;
    c->rain_sigma = 0.5;
    c->seed = 2024;
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int rank = sx_mpi_rank();
    sx_hydro_series_t s;
    setup_series(&s);
    const double *gp[2] = {g1, g2};
    sx_hydro_forecast_cfg_t c;
    cfg_init(&c, &s, gp);
    sx_hydro_forecast_t f, f1;
    sx_err e = sx_hydro_forecast_run(MPI_COMM_WORLD, &c, &f);
    EXPECT(e == SX_OK, "forecast failed: %s", sx_err_message());
    if (rank == 0 && e == SX_OK) {
        EXPECT(sx_hydro_forecast_run(MPI_COMM_SELF, &c, &f1) == SX_OK, "1-rank forecast failed");
        int64_t per = (int64_t)f.nnodes * f.nlead;
        EXPECT(!memcmp(f.q_det, f1.q_det, (size_t)f.nnodes * f.nsteps * sizeof(double)), "deterministic differs");
        EXPECT(!memcmp(f.pct, f1.pct, (size_t)per * SX_HYDRO_NPCT * sizeof(double)), "percentiles differ from 1 rank");
        EXPECT(!memcmp(f.p_warn, f1.p_warn, (size_t)per * sizeof(double)), "exceedance differs from 1 rank");
        /* out = mid (unrouted link) */
        EXPECT(!memcmp(f.q_det + 3 * f.nsteps, f.q_det + 2 * f.nsteps, (size_t)f.nsteps * sizeof(double)),
              "junction outflow must equal its unrouted upstream");
        int ok = 1;
        double maxp = 0;
        for (int64_t l = 0; l < f.nlead; l++) {
            const double *p = f.pct + (3 * f.nlead + l) * SX_HYDRO_NPCT;
            for (int k = 1; k < SX_HYDRO_NPCT; k++) ok &= p[k] >= p[k - 1];
            ok &= f.p_guar[3 * f.nlead + l] <= f.p_warn[3 * f.nlead + l];
            maxp = fmax(maxp, f.p_warn[3 * f.nlead + l]);
        }
        EXPECT(ok, "percentiles must be ordered and P(>guaranteed) <= P(>warning)");
        EXPECT(isnan(f.p_warn[0]), "a node without a warning level has no exceedance probability");
        printf("forecast: %d nodes, %lld lead steps, %d members; max P(Q_out > warning) = %.2f\n", f.nnodes,
               (long long)f.nlead, f.members, maxp);
        sx_hydro_forecast_fini(&f1);
    }

    /* hot start (models and Muskingum reaches): run 1 [0, 199] saves, run 2 from row 200 */
    sx_hydro_node_t saved[4];
    memcpy(saved, nodes, sizeof saved);
    const char *state = SX_TEST_OUT "/mpi_hydro_forecast_state.h5";
    sx_hydro_forecast_cfg_t c1 = c, c2 = c, cc = c;
    c1.issue = 199;
    c1.nlead = 1;
    c1.members = 0;
    c1.state_out = state;
    cc.members = 0;
    sx_hydro_forecast_t r1, r2, rc;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c1, &r1) == SX_OK, "run 1: %s", sx_err_message());
    c2.start = 200;
    c2.members = 0;
    c2.state_in = state;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c2, &r2) == SX_OK, "run 2: %s", sx_err_message());
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cc, &rc) == SX_OK, "continuous run: %s", sx_err_message());
    if (!mpi_failures)
        for (int i = 0; i < 4; i++)
            EXPECT(!memcmp(r2.q_det + i * r2.nsteps, rc.q_det + i * rc.nsteps + 200, (size_t)r2.nsteps * sizeof(double)),
                  "node %d: hot-started run differs from the continuous run", i);
    EXPECT(!strcmp(r2.state_time, "200"), "state time '%s'", r2.state_time);
    c2.start = 210; /* state is valid at 200, run needs 210 */
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c2, &r2) == SX_ERR_INPUT && strstr(sx_err_message(), "valid at 200"),
          "a state at the wrong time must be refused: %s", sx_err_message());
    c2.start = 200;
    c2.basin = "other";
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c2, &r2) == SX_ERR_INPUT, "another basin's state must be refused");
    memcpy(nodes, saved, sizeof saved);
    nodes[2].down[0] = 'x';
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c, &f1) == SX_ERR_CONFIG, "unknown downstream must be refused");
    memcpy(nodes, saved, sizeof saved);
    snprintf(nodes[3].down, sizeof nodes[3].down, "a");
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c, &f1) == SX_ERR_CONFIG, "a cycle must be refused");
    memcpy(nodes, saved, sizeof saved);

    /* parameter ensembles */
    static const char *qn[] = {"SM", "CS"};
    double qw[] = {0.3, 0.5};
    sx_hydro_forecast_cfg_t cp = c;
    cp.members = 30;
    cp.rain_sigma = 0;
    cp.nperturb = 2;
    cp.perturb_names = qn;
    cp.perturb_width = qw;
    for (int hot = 0; hot < 2; hot++) {
        if (hot) cp.start = 200, cp.state_in = state;
        sx_hydro_forecast_t pa, pb;
        EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cp, &pa) == SX_OK, "parameter ensemble: %s", sx_err_message());
        if (rank == 0 && !mpi_failures) {
            EXPECT(sx_hydro_forecast_run(MPI_COMM_SELF, &cp, &pb) == SX_OK, "1-rank parameter ensemble failed");
            int64_t per = (int64_t)pa.nnodes * pa.nlead;
            EXPECT(!memcmp(pa.pct, pb.pct, (size_t)per * SX_HYDRO_NPCT * sizeof(double)),
                  "parameter-ensemble percentiles differ from 1 rank (hot %d)", hot);
            /* rain_sigma 0: the spread at the outlet comes from the parameters alone */
            const double *p = pa.pct + (3 * pa.nlead + 0) * SX_HYDRO_NPCT;
            EXPECT(p[4] > p[0], "parameter members must spread (p95 %g, p05 %g)", p[4], p[0]);
            printf("parameter ensemble (hot %d): outlet lead 1 p05 %.4f p50 %.4f p95 %.4f\n", hot, p[0], p[2], p[4]);
            sx_hydro_forecast_fini(&pb);
        }
        sx_hydro_forecast_fini(&pa);
    }
    /* parameter sets (a calibration's population): member m runs set m mod N, at any rank count */
    {
        const sx_hydro_kind_t *xk;
        EXPECT(sx_hydro_kind_find("xaj", &xk) == SX_OK, "xaj kind");
        const int np = sx_hydro_kind_nparams(xk);
        double rows[3 * 33];
        for (int r = 0; r < 3; r++) { /* loss, then the parameters: defaults with SM and CS varied */
            rows[r * (np + 1)] = 0.1 * r;
            for (int i = 0; i < np; i++) {
                const sx_hydro_var_t *v = sx_hydro_kind_param(xk, i);
                double x = v->def;
                for (int k = 0; k < c.nparams; k++)
                    if (!strcmp(c.param_names[k], v->name)) x = c.param_values[k];
                if (!strcmp(v->name, "SM")) x *= 1 + 0.3 * r; /* >= the saved state's SM (hot start) */
                if (!strcmp(v->name, "CS")) x = 0.2 + 0.3 * r;
                rows[r * (np + 1) + 1 + i] = x;
            }
        }
        char path[64];
        snprintf(path, sizeof path, "mpi_hydro_sets_%d.csv", sx_mpi_size());
        sx_err we = rank == 0 ? sx_hydro_param_sets_write(path, "xaj", "nse", rows, 3) : SX_OK;
        EXPECT(sx_err_agree(MPI_COMM_WORLD, we) == SX_OK, "writing the sets: %s", sx_err_message());
        sx_hydro_param_sets_t sets;
        EXPECT(sx_hydro_param_sets_read(path, "xaj", 0, &sets) == SX_OK && sets.n == 3, "reading the sets: %s",
              sx_err_message());
        sx_hydro_forecast_cfg_t cs = c;
        cs.members = 7;
        cs.rain_sigma = 0;
        cs.sets = &sets;
        for (int hot = 0; hot < 2 && !mpi_failures; hot++) {
            if (hot) cs.start = 200, cs.state_in = state;
            sx_hydro_forecast_t sa, sb;
            EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cs, &sa) == SX_OK, "set ensemble: %s", sx_err_message());
            if (rank == 0 && !mpi_failures) {
                EXPECT(sx_hydro_forecast_run(MPI_COMM_SELF, &cs, &sb) == SX_OK, "1-rank set ensemble failed");
                int64_t per = (int64_t)sa.nnodes * sa.nlead;
                EXPECT(!memcmp(sa.pct, sb.pct, (size_t)per * SX_HYDRO_NPCT * sizeof(double)) &&
                      !memcmp(sa.p_warn, sb.p_warn, (size_t)per * sizeof(double)),
                      "set-ensemble percentiles differ from 1 rank (hot %d)", hot);
                /* 7 members over 3 sets: sets 0,1,2,0,1,2,0 -> the median is set 1's run, p05 and p95 sets 0/2 */
                const double *q = sa.pct + (3 * sa.nlead) * SX_HYDRO_NPCT;
                EXPECT(q[4] > q[0], "set members must spread (p95 %g, p05 %g)", q[4], q[0]);
                printf("parameter-set ensemble (hot %d): outlet lead 1 p05 %.4f p50 %.4f p95 %.4f\n", hot, q[0], q[2], q[4]);
                sx_hydro_forecast_fini(&sb);
            }
            sx_hydro_forecast_fini(&sa);
        }
        /* one set for every member equals the deterministic run with that set's parameters */
        sx_hydro_param_sets_t one;
        EXPECT(sx_hydro_param_sets_read(path, "xaj", 1, &one) == SX_OK && one.n == 1, "best: 1: %s", sx_err_message());
        cs = c;
        cs.members = 3;
        cs.rain_sigma = 0;
        cs.sets = &one;
        sx_hydro_forecast_t so;
        EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cs, &so) == SX_OK, "one-set ensemble: %s", sx_err_message());
        if (!mpi_failures) {
            const double *q = so.pct + (3 * so.nlead) * SX_HYDRO_NPCT;
            EXPECT(q[0] == q[4], "one set, no rain noise: no spread (%g vs %g)", q[0], q[4]);
        }
        sx_hydro_forecast_fini(&so);
        cs.sets = &sets;
        cs.nperturb = 2, cs.perturb_names = qn, cs.perturb_width = qw;
        EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cs, &so) == SX_ERR_CONFIG && strstr(sx_err_message(), "not both"),
              "sets and perturb together must be refused: %s", sx_err_message());
        cs.nperturb = 0;
        cs.model = "gr4j";
        EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cs, &so) == SX_ERR_CONFIG && strstr(sx_err_message(), "are for 'xaj'"),
              "sets of another model must be refused: %s", sx_err_message());
        sx_hydro_param_sets_fini(&sets);
        sx_hydro_param_sets_fini(&one);
        MPI_Barrier(MPI_COMM_WORLD);
        if (rank == 0) remove(path);
    }
    /* a rain-only ensemble with rain_sigma 0 has no spread */
    sx_hydro_forecast_cfg_t c0 = c;
    c0.members = 10;
    c0.rain_sigma = 0;
    sx_hydro_forecast_t z;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c0, &z) == SX_OK, "rain ensemble: %s", sx_err_message());
    if (!mpi_failures) EXPECT(z.pct[(3 * z.nlead) * SX_HYDRO_NPCT + 4] == z.pct[(3 * z.nlead) * SX_HYDRO_NPCT], "no spread");
    sx_hydro_forecast_fini(&z);
    static const char *bad[] = {"X9"};
    cp.perturb_names = bad;
    cp.nperturb = 1;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cp, &z) == SX_ERR_CONFIG && strstr(sx_err_message(), "'X9'"),
          "an unknown parameter must be refused: %s", sx_err_message());
    cp.perturb_names = qn;
    qw[0] = 0;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cp, &z) == SX_ERR_CONFIG, "a zero width must be refused");

    /* dated rows an hour apart with dt_hours 24: refused naming the step and the file, not run at the wrong scale */
    sx_hydro_series_t sd = s;
    sd.time_is_date = 1;
    sd.dt = 3600;
    snprintf(sd.source, sizeof sd.source, "hourly.csv");
    sx_hydro_forecast_cfg_t cd = c;
    cd.times = &sd;
    cd.members = 0;
    cd.dt_hours = 24;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cd, &z) == SX_ERR_CONFIG &&
               strstr(sx_err_message(), "dt_hours = 24 but the forcing hourly.csv steps 1 h (1, 2, ...); leave dt_hours out"),
           "a dt_hours that does not match dated rows must be refused: %s", sx_err_message());
    cd.dt_hours = 1;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cd, &z) == SX_OK, "dated hourly rows with dt_hours 1: %s", sx_err_message());
    sx_hydro_forecast_fini(&z);
    /* a negative area is named with its value (also where gridded rain skips the gauge weights) */
    sx_hydro_node_t neg[4];
    memcpy(neg, nodes, sizeof neg);
    neg[1].area_km2 = -80;
    sx_hydro_forecast_cfg_t cn = c;
    cn.nodes = neg;
    cn.members = 0;
    cn.network_source = "basin.yaml";
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cn, &z) == SX_ERR_CONFIG &&
               strstr(sx_err_message(), "basin.yaml: sub-basin 'b': area = -80 km2"),
           "a negative area must be refused naming it: %s", sx_err_message());

    sx_hydro_forecast_fini(&f);
    sx_hydro_forecast_fini(&r1);
    sx_hydro_forecast_fini(&rc);
    for (int t = 0; t < N; t++) free(tlabels[t]);
    int any;
    MPI_Allreduce(&mpi_failures, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    sx_mpi_finalize();
    return any;
}
