/*
 * mpi_hydro_update.c — updating a forecast network with observed discharge
 * (sx_hydro_update.h), as a twin experiment: a Xinanjiang network of two
 * sub-basins (one through a Muskingum reach) to an outlet is the truth;
 * the same network with biased parameters is the forecast; observations at
 * the outlet are the truth with 5 % noise (fixed seed). At issue times every
 * 12 h the forecast is updated by AR(2), RLS(2), DSRC and the EnKF:
 *  - each lowers the RMSE of the 1- to 6-step forecasts against the
 *    uncorrected run;
 *  - the EnKF on N ranks equals the EnKF on one rank bit for bit, and every
 *    member's state stays within its bounds (the models refuse a state
 *    outside them at every step, and clipping was needed);
 *  - sx_hydro_model_clip brings any vector into a state the model accepts.
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
#include "sanxiang/sx_hydro_update.h"
#include "sanxiang/sx_mpi.h"

#define N 480
#define LEAD 6

static double g1[N], g2[N], E[N], obs[N];
static char *tlabels[N];
static double tvals[N];
static uint64_t rs = 0x2545F4914F6CDD1Dull;

static double uniform(void)
{
    rs ^= rs >> 12, rs ^= rs << 25, rs ^= rs >> 27;
    return (double)((rs * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}

static double gauss(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(6.283185307179586 * v);
}

static void setup_series(sx_hydro_series_t *s)
{
    for (int t = 0; t < N;) { /* storms of 6-18 h, about 60 h apart */
        int dry = (int)(-60 * log(1 - uniform())), wet = 6 + (int)(13 * uniform());
        for (int k = 0; k < dry && t < N; k++, t++) g1[t] = g2[t] = 0, E[t] = 0.15;
        for (int k = 0; k < wet && t < N; k++, t++) g1[t] = 1 + 6 * uniform(), g2[t] = 0.8 * g1[t] + uniform(), E[t] = 0.05;
    }
    hydro_test_times(s, N, tlabels, tvals);
}

static sx_hydro_node_t nodes[3] = {
    {"a", "out", 150, {1, 0}, 4, 0.2, 0, 0},
    {"b", "out", 80, {0.3, 0.7}, 0, 0, 0, 0},
    {"out", "", 0, {0}, 0, 0, 0, 0},
};

static const char *pn[] = {"WM", "B", "SM", "KI", "KG", "CI", "CG", "CS", "L"};
static const double truth_p[] = {120, 0.3, 30, 0.4, 0.2, 0.8, 0.98, 0.6, 1};
static const double biased_p[] = {160, 0.2, 20, 0.3, 0.25, 0.7, 0.97, 0.7, 1};
static const char *in[] = {"WU", "WL", "WD"};
static const double iv[] = {10, 40, 30};

static void cfg_init(sx_hydro_forecast_cfg_t *c, const sx_hydro_series_t *s, const double *const *gp, const double *p)
{
    const hydro_test_net_t net = {"twin", 3, nodes, pn, p, 9, in, iv, 3};
    hydro_test_cfg(c, &net, s, gp, E);
}

static void clip_accepts(void)
{
    sx_hydro_model_t *m = NULL;
    EXPECT(sx_hydro_model_create("xaj", &m) == SX_OK, "create");
    for (int i = 0; i < 9; i++) sx_hydro_model_set_param(m, pn[i], biased_p[i]);
    EXPECT(sx_hydro_model_reset(m) == SX_OK, "reset");
    int64_t len = sx_hydro_model_state_len(m);
    double x[64];
    int ok = 1;
    for (int trial = 0; trial < 200; trial++) {
        for (int64_t i = 0; i < len; i++) x[i] = 400 * gauss();
        x[trial % len] = NAN;
        sx_hydro_model_clip(m, x);
        ok &= sx_hydro_model_restore(m, x, len) == SX_OK;
    }
    EXPECT(ok, "a clipped state must be accepted by the model: %s", sx_err_message());
    sx_hydro_model_destroy(&m);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const int rank = sx_mpi_rank();
    clip_accepts();
    sx_hydro_series_t s;
    setup_series(&s);
    const double *gp[2] = {g1, g2};
    sx_hydro_forecast_cfg_t ct, cf;
    cfg_init(&ct, &s, gp, truth_p);
    ct.issue = N - 2, ct.nlead = 1;
    sx_hydro_forecast_t tr;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &ct, &tr) == SX_OK, "truth run: %s", sx_err_message());
    const double *truth = tr.q_det + 2 * tr.nsteps;
    for (int t = 0; t < N; t++) obs[t] = fmax(0, truth[t] * (1 + 0.05 * gauss()));

    sx_hydro_update_opts_t o[4];
    memset(o, 0, sizeof o);
    o[0].method = SX_HYDRO_UPDATE_AR;
    o[0].ar = (sx_hydro_correct_opts_t){SX_HYDRO_CORRECT_AR, 2, 1, 48, 0};
    o[1].method = SX_HYDRO_UPDATE_RLS;
    o[1].ar = (sx_hydro_correct_opts_t){SX_HYDRO_CORRECT_RLS, 2, 0.98, 0, 0};
    o[2].method = SX_HYDRO_UPDATE_DSRC;
    o[2].dsrc = (sx_hydro_dsrc_opts_t){12, 12, 1, 1};
    o[3].method = SX_HYDRO_UPDATE_ENKF;
    o[3].enkf = (sx_hydro_enkf_opts_t){24, 0.05, 0.5, 1.05, 0.3, 48, 77};
    double se[5][LEAD] = {{0}}, q[LEAD], q1[LEAD];
    int count = 0, same = 1;
    for (int issue = 120; issue + LEAD < N; issue += 12, count++) {
        cfg_init(&cf, &s, gp, biased_p);
        cf.issue = issue, cf.nlead = LEAD;
        sx_hydro_forecast_t f;
        EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &cf, &f) == SX_OK, "forecast: %s", sx_err_message());
        const double *det = f.q_det + 2 * f.nsteps;
        for (int l = 0; l < LEAD; l++) se[4][l] += pow(det[issue + 1 + l] - truth[issue + 1 + l], 2);
        for (int k = 0; k < 4; k++) {
            char note[512];
            sx_err e = sx_hydro_forecast_update(MPI_COMM_WORLD, &cf, &o[k], obs, 2, det, q, note, sizeof note);
            EXPECT(e == SX_OK, "%s at issue %d: %s", sx_hydro_update_method_name(o[k].method), issue, sx_err_message());
            for (int l = 0; l < LEAD; l++) se[k][l] += pow(q[l] - truth[issue + 1 + l], 2);
            if (k == 3 && rank == 0 && issue % 120 == 0) { /* the EnKF alone on this rank: the same bits */
                EXPECT(sx_hydro_forecast_update(MPI_COMM_SELF, &cf, &o[k], obs, 2, det, q1, note, sizeof note) == SX_OK,
                       "1-rank EnKF");
                same &= !memcmp(q, q1, sizeof q);
                printf("issue %d: %s\n", issue, note);
            }
        }
        sx_hydro_forecast_fini(&f);
    }
    EXPECT(same, "the EnKF on %d ranks differs from 1 rank", sx_mpi_size());

    /* DSRC's uncorrected run is the forecast's, cold and hot-started (models and reach from a state file) */
    const char *state = SX_TEST_OUT "/mpi_hydro_update_state.h5";
    sx_hydro_forecast_cfg_t c1, c2;
    cfg_init(&c1, &s, gp, biased_p);
    c1.issue = 199, c1.nlead = 1, c1.state_out = state;
    sx_hydro_forecast_t f1, f2;
    EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c1, &f1) == SX_OK, "run 1: %s", sx_err_message());
    MPI_Barrier(MPI_COMM_WORLD);
    for (int hot = 0; hot < 2; hot++) {
        cfg_init(&c2, &s, gp, biased_p);
        c2.start = hot ? 200 : 0, c2.issue = 300, c2.nlead = LEAD, c2.state_in = hot ? state : NULL;
        EXPECT(sx_hydro_forecast_run(MPI_COMM_WORLD, &c2, &f2) == SX_OK, "run 2: %s", sx_err_message());
        int64_t ns = f2.nsteps;
        double *qs = malloc((size_t)ns * sizeof *qs), *qc = malloc((size_t)ns * sizeof *qc), dr[12];
        sx_hydro_dsrc_info_t di;
        EXPECT(sx_hydro_dsrc_forecast(&c2, &o[2].dsrc, obs + c2.start, 2, qs, qc, dr, &di) == SX_OK, "dsrc: %s",
               sx_err_message());
        EXPECT(!memcmp(qs, f2.q_det + 2 * ns, (size_t)ns * sizeof *qs), "DSRC's uncorrected run (%s) differs from the "
               "forecast's", hot ? "hot" : "cold");
        EXPECT(di.rms_after < di.rms_before, "DSRC must fit the window better: %g -> %g", di.rms_before, di.rms_after);
        double all[3 * LEAD];
        sx_hydro_enkf_info_t ei;
        EXPECT(sx_hydro_enkf_forecast(MPI_COMM_WORLD, &c2, &o[3].enkf, obs + c2.start, 2, all, &ei) == SX_OK,
               "EnKF (%s): %s", hot ? "hot" : "cold", sx_err_message());
        /* inflation and the update push stores past their bounds: clipped, and every member's state was
         * accepted by its model at every later step (sx_hydro_model_restore refuses one out of bounds) */
        EXPECT(ei.analyses == 48 && ei.clipped > 0, "EnKF: %lld analyses, %lld values clipped", (long long)ei.analyses,
               (long long)ei.clipped);
        for (int k = 0; k < 3 * LEAD; k++) EXPECT(all[k] >= 0 && isfinite(all[k]), "EnKF discharge %g", all[k]);
        free(qs);
        free(qc);
        sx_hydro_forecast_fini(&f2);
    }
    sx_hydro_forecast_fini(&f1);
    const char *name[5] = {"ar", "rls", "dsrc", "enkf", "none"};
    for (int k = 0; k < 5; k++) {
        if (rank == 0) printf("%-5s RMSE m3/s by lead:", name[k]);
        for (int l = 0; l < LEAD; l++) {
            double r = sqrt(se[k][l] / count), u = sqrt(se[4][l] / count);
            if (rank == 0) printf(" %.3f", r);
            if (k < 4) EXPECT(r < u, "%s lead %d: RMSE %.4f not below the uncorrected %.4f", name[k], l + 1, r, u);
        }
        if (rank == 0) printf("\n");
    }
    sx_hydro_forecast_fini(&tr);
    for (int t = 0; t < N; t++) free(tlabels[t]);
    int fails = 0;
    MPI_Allreduce(&mpi_failures, &fails, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    sx_mpi_finalize();
    return fails ? 1 : 0;
}
