/*
 * cmd_hydro.c — `sanxiang hydro <verb>`: rainfall–runoff models, channel
 * routing, GB/T 22482 evaluation and SCE-UA calibration for ad-hoc use.
 * `run`, `route` and `evaluate` work on rank 0 (a basin series is small);
 * `calibrate` spreads SCE-UA's evaluations over every rank and gives the
 * same parameters at any rank count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_eval.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_hydro_sceua.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

#define MAX_ASSIGN 64

void sx_cli_hydro_help(void)
{
    printf("usage: sanxiang hydro <verb> ...\n\n"
           "  run xaj|gr4j --forcing F.csv [--param NAME=VALUE ...] [--init NAME=VALUE ...]\n"
           "      [--option NAME=VALUE] [--area KM2] [--dt-hours H] [--warmup N] -o OUT.csv\n"
           "      Run a model. F.csv has columns time,P,E (mm per step) and optionally Q (observed, same\n"
           "      unit as the output). OUT.csv has time,Q in mm per step, or m3/s with --area.\n"
           "      GR4J (Perrin et al. 2003): X1 mm, X2 mm/step, X3 mm, X4 step; states S, R (mm).\n"
           "      Xinanjiang (Zhao 1992): K, WM, WUM, WLM, C, B, IM, SM, EX, KG, KI, CI, CG, CS, L;\n"
           "      states WU, WL, WD, S (mm), FR; option net_rain=pet|aet.\n"
           "      `sanxiang hydro params xaj|gr4j` lists units, bounds and defaults.\n"
           "  params xaj|gr4j\n"
           "  route muskingum --inflow IN.csv --k HOURS --x X [--dt HOURS] -o OUT.csv\n"
           "  route cunge --inflow IN.csv --length M --celerity M/S --width M --slope S [--qref M3/S]\n"
           "      [--dt HOURS] -o OUT.csv\n"
           "      Route a hydrograph (columns time,Q); stability 2KX <= dt <= 2K(1-X) is enforced with\n"
           "      sub-reaches or sub-steps. Cunge's reference discharge defaults to the inflow peak.\n"
           "  evaluate --obs OBS.csv --sim SIM.csv (--events EV.csv | --threshold Q [--pad N])\n"
           "      [--area KM2] [--dt-hours H] [--warmup N] [-o TABLE.csv]\n"
           "      GB/T 22482-2008: per-event peak (20%%), peak time (1 step), runoff depth (20%%, 3..20 mm),\n"
           "      pass rate and grade; DC over the whole series. EV.csv has columns start,end (times).\n"
           "  thiessen --polygons SUBBASINS.gpkg --gauges G.csv [--id-field id] [--grid 400]\n"
           "           [--method thiessen|idw] [--power 2] -o W.csv\n"
           "      Thiessen (1911) or inverse-distance (IDW, d^-power averaged over the sub-basin's\n"
           "      grid of cell centres) weights of gauges (id,x,y in the polygons' CRS) over each sub-basin.\n"
           "  calibrate JOB.yaml [--set key=value ...] [--out DIR]   (a job with a hydro_calibrate step)\n"
           "  calibrate xaj|gr4j --forcing F.csv (with Q) [--objective nse|kge|lognse|peak] [--warmup N]\n"
           "      [--fix NAME=VALUE ...] [--init NAME=VALUE ...] [--option NAME=VALUE] [--complexes P]\n"
           "      [--max-evals N] [--seed S] -o PARAMS.csv\n"
           "      SCE-UA (Duan et al. 1992) over the parameters' calibration ranges; identical at any N.\n");
}

typedef struct {
    const char *name[MAX_ASSIGN];
    double value[MAX_ASSIGN];
    int n;
} assigns_t;

static sx_err parse_assign(const char *opt, const char *text, assigns_t *a)
{
    SX_FAIL_IF(a->n >= MAX_ASSIGN, SX_ERR_USAGE, "too many %s options", opt);
    const char *eq = strchr(text, '=');
    SX_FAIL_IF(!eq || eq == text, SX_ERR_USAGE, "%s expects NAME=VALUE, got '%s'", opt, text);
    static char names[4 * MAX_ASSIGN][32];
    static int used;
    SX_FAIL_IF(used >= 4 * MAX_ASSIGN, SX_ERR_USAGE, "too many NAME=VALUE options");
    snprintf(names[used], sizeof names[used], "%.*s", (int)(eq - text), text);
    SX_CHECK(sx_cli_parse_double(opt, eq + 1, &a->value[a->n]));
    a->name[a->n++] = names[used++];
    return SX_OK;
}

static sx_err parse_option(const char *text, const char **name, const char **value)
{
    static char buf[128];
    const char *eq = strchr(text, '=');
    SX_FAIL_IF(!eq || eq == text, SX_ERR_USAGE, "--option expects NAME=VALUE, got '%s'", text);
    snprintf(buf, sizeof buf, "%s", text);
    buf[eq - text] = '\0';
    *name = buf;
    *value = buf + (eq - text) + 1;
    return SX_OK;
}

/* Length of one step in hours: from dated times, else --dt-hours (24). */
static double step_hours(const sx_hydro_series_t *s, double dt_hours)
{
    if (dt_hours > 0) return dt_hours;
    return s->time_is_date ? s->dt / 3600.0 : 24.0;
}

static sx_err params_cmd(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "usage: sanxiang hydro params xaj|gr4j");
    const sx_hydro_kind_t *k;
    SX_CHECK(sx_hydro_kind_find(argv[1], &k));
    if (sx_mpi_rank()) return SX_OK;
    printf("%s — %s\n\nparameters:\n  %-5s %-8s %10s %10s %10s %10s  %s\n", sx_hydro_kind_name(k),
           sx_hydro_kind_summary(k), "name", "units", "default", "min", "max", "cal.range", "description");
    for (int i = 0; i < sx_hydro_kind_nparams(k); i++) {
        const sx_hydro_var_t *v = sx_hydro_kind_param(k, i);
        char cal[48];
        snprintf(cal, sizeof cal, "%g..%g", v->cal_lo, v->cal_hi);
        printf("  %-5s %-8s %10g %10g %10g %10s  %s\n", v->name, v->units, v->def, v->min, v->max, cal, v->description);
    }
    printf("states:\n");
    for (int i = 0; i < sx_hydro_kind_nstates(k); i++) {
        const sx_hydro_var_t *v = sx_hydro_kind_state(k, i);
        printf("  %-5s %-8s  %s\n", v->name, v->units, v->description);
    }
    for (int i = 0; i < sx_hydro_kind_noptions(k); i++) {
        const sx_hydro_option_t *o = sx_hydro_kind_option(k, i);
        printf("option %s = %s: %s\n", o->name, o->choices, o->description);
    }
    return SX_OK;
}

typedef struct {
    const char *model, *forcing, *out, *objective, *optname, *optvalue;
    assigns_t params, init, fix;
    double area, dt_hours;
    long long warmup, complexes, max_evals, seed;
} run_args_t;

static sx_err parse_run_args(int argc, char **argv, run_args_t *a, int calibrate)
{
    const char *v;
    memset(a, 0, sizeof *a);
    a->objective = "nse";
    a->complexes = 4;
    a->max_evals = 10000;
    a->seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->out));
        else if (!strcmp(argv[i], "--forcing")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->forcing));
        else if (!strcmp(argv[i], "--param") && !calibrate) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(parse_assign("--param", v, &a->params));
        } else if (!strcmp(argv[i], "--fix") && calibrate) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(parse_assign("--fix", v, &a->fix));
        } else if (!strcmp(argv[i], "--init")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(parse_assign("--init", v, &a->init));
        } else if (!strcmp(argv[i], "--option")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(parse_option(v, &a->optname, &a->optvalue));
        } else if (!strcmp(argv[i], "--area")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--area", v, &a->area));
            SX_FAIL_IF(a->area <= 0, SX_ERR_USAGE, "--area must be > 0 km2, got %g", a->area);
        } else if (!strcmp(argv[i], "--dt-hours")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--dt-hours", v, &a->dt_hours));
            SX_FAIL_IF(a->dt_hours <= 0, SX_ERR_USAGE, "--dt-hours must be > 0");
        } else if (!strcmp(argv[i], "--warmup")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--warmup", v, &a->warmup));
            SX_FAIL_IF(a->warmup < 0, SX_ERR_USAGE, "--warmup must be >= 0 steps");
        } else if (!strcmp(argv[i], "--objective") && calibrate) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &a->objective));
        } else if (!strcmp(argv[i], "--complexes") && calibrate) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--complexes", v, &a->complexes));
            SX_FAIL_IF(a->complexes < 1 || a->complexes > 1000, SX_ERR_USAGE, "--complexes must be 1..1000");
        } else if (!strcmp(argv[i], "--max-evals") && calibrate) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--max-evals", v, &a->max_evals));
        } else if (!strcmp(argv[i], "--seed") && calibrate) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--seed", v, &a->seed));
        } else if (argv[i][0] == '-')
            SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for hydro %s", argv[i], calibrate ? "calibrate" : "run");
        else if (!a->model) a->model = argv[i];
        else SX_FAIL(SX_ERR_USAGE, "hydro %s takes one model; got '%s' and '%s'", calibrate ? "calibrate" : "run",
                     a->model, argv[i]);
    }
    SX_FAIL_IF(!a->model || !a->forcing || !a->out, SX_ERR_USAGE,
               "usage: sanxiang hydro %s xaj|gr4j --forcing F.csv ... -o OUT.csv", calibrate ? "calibrate" : "run");
    const sx_hydro_kind_t *k;
    SX_CHECK(sx_hydro_kind_find(a->model, &k));
    return SX_OK;
}

static sx_err run_model(const run_args_t *a, const sx_hydro_series_t *f, double *q)
{
    sx_hydro_model_t *m = NULL;
    SX_CHECK(sx_hydro_model_create(a->model, &m));
    sx_err e = SX_OK;
    if (a->optname) SX_CHECK_GOTO(sx_hydro_model_set_option(m, a->optname, a->optvalue), e, done);
    for (int i = 0; i < a->params.n; i++)
        SX_CHECK_GOTO(sx_hydro_model_set_param(m, a->params.name[i], a->params.value[i]), e, done);
    SX_CHECK_GOTO(sx_hydro_model_reset(m), e, done);
    for (int i = 0; i < a->init.n; i++)
        SX_CHECK_GOTO(sx_hydro_model_set_state(m, a->init.name[i], a->init.value[i]), e, done);
    SX_CHECK_GOTO(sx_hydro_model_run(m, f->n, sx_hydro_series_col(f, "P"), sx_hydro_series_col(f, "E"), q, 0), e, done);
done:
    sx_hydro_model_destroy(&m);
    return e;
}

static sx_err run_cmd(int argc, char **argv)
{
    run_args_t a;
    SX_CHECK(parse_run_args(argc, argv, &a, 0));
    if (sx_mpi_rank() != 0) return SX_OK;
    static const char *const req[] = {"P", "E"}, *const opt[] = {"Q"};
    sx_hydro_series_t f;
    SX_CHECK(sx_hydro_series_read(a.forcing, req, 2, opt, 1, &f));
    sx_err e = SX_OK;
    double *q = calloc((size_t)f.n, sizeof *q);
    if (!q) {
        sx_hydro_series_fini(&f);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate %lld steps", (long long)f.n);
    }
    SX_CHECK_GOTO(run_model(&a, &f, q), e, done);
    double factor = a.area > 0 ? a.area / (3.6 * step_hours(&f, a.dt_hours)) : 1.0;
    for (int64_t t = 0; t < f.n; t++) q[t] *= factor;
    const double *obs = sx_hydro_series_col(&f, "Q");
    if (obs && a.warmup < f.n - 1) {
        double nse, kge;
        SX_CHECK_GOTO(sx_hydro_score(SX_OBJ_NSE, obs, q, a.warmup, f.n, &nse), e, done);
        SX_CHECK_GOTO(sx_hydro_score(SX_OBJ_KGE, obs, q, a.warmup, f.n, &kge), e, done);
        sx_log_info("hydro run %s: NSE (DC) %.4f, KGE %.4f against Q over steps %lld..%lld", a.model, nse, kge,
                    a.warmup + 1, (long long)f.n);
    }
    static const char *const names[] = {"Q"};
    const double *cols[] = {q};
    SX_CHECK_GOTO(sx_hydro_series_write(a.out, &f, 1, names, cols), e, done);
    sx_log_info("hydro run %s: %lld steps -> %s (%s)", a.model, (long long)f.n, a.out, a.area > 0 ? "m3/s" : "mm/step");
done:
    free(q);
    sx_hydro_series_fini(&f);
    return e;
}

static int is_yaml(const char *s)
{
    size_t n = strlen(s);
    return (n > 5 && !strcmp(s + n - 5, ".yaml")) || (n > 4 && !strcmp(s + n - 4, ".yml"));
}

static sx_err calibrate_cmd(int argc, char **argv)
{
    if (argc >= 2 && is_yaml(argv[1])) { /* sanxiang hydro calibrate JOB.yaml [--set k=v ...] [--out DIR] */
        char *sets[64];
        int nsets = 0;
        const char *out = NULL, *v;
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "--set") && nsets < 64) {
                SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
                sets[nsets++] = (char *)v;
            } else if (!strcmp(argv[i], "--out")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
            else SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for hydro calibrate JOB.yaml", argv[i]);
        }
        return sx_job_run_file(MPI_COMM_WORLD, argv[1], sets, nsets, out, sx_cli_argc, sx_cli_argv);
    }
    run_args_t a;
    SX_CHECK(parse_run_args(argc, argv, &a, 1));
    sx_hydro_calib_t c = {.model = a.model};
    SX_CHECK(sx_hydro_objective_parse(a.objective, &c.objective));
    static const char *const req[] = {"P", "E", "Q"};
    sx_hydro_series_t f;
    memset(&f, 0, sizeof f);
    sx_err e = SX_OK;
    if (sx_mpi_rank() == 0) e = sx_hydro_series_read(a.forcing, req, 3, NULL, 0, &f);
    SX_CHECK(sx_err_agree(MPI_COMM_WORLD, e));
    SX_CHECK_GOTO(sx_hydro_series_bcast(MPI_COMM_WORLD, 0, &f), e, done);
    c.P = sx_hydro_series_col(&f, "P");
    c.E = sx_hydro_series_col(&f, "E");
    c.Qobs = sx_hydro_series_col(&f, "Q");
    c.n = f.n;
    c.warmup = a.warmup;
    c.fixed_names = a.fix.name;
    c.fixed_values = a.fix.value;
    c.nfixed = a.fix.n;
    c.init_names = a.init.name;
    c.init_values = a.init.value;
    c.ninit = a.init.n;
    if (a.optname) {
        c.option_names = &a.optname;
        c.option_values = &a.optvalue;
        c.noptions = 1;
    }
    sx_sceua_opts_t o;
    sx_sceua_defaults(&o);
    o.ncomplex = (int)a.complexes;
    o.max_evals = a.max_evals;
    o.seed = (uint64_t)a.seed;
    o.keep_population = 1;
    double p[64], score;
    sx_sceua_result_t r = {0};
    double t0 = sx_now();
    SX_CHECK_GOTO(sx_hydro_calibrate(MPI_COMM_WORLD, &c, &o, p, &score, &r), e, done);
    sx_log_info("hydro calibrate %s: %s = %.6f after %lld evaluations, %d generations (%s), %.2f s on %d ranks",
                a.model, a.objective, score, (long long)r.evals, r.generations,
                r.converged ? "converged" : "evaluation budget used", sx_now() - t0, sx_mpi_size());
    if (sx_mpi_rank() == 0) {
        const sx_hydro_kind_t *k;
        SX_CHECK_GOTO(sx_hydro_kind_find(a.model, &k), e, done);
        char text[8192];
        size_t off = (size_t)snprintf(text, sizeof text, "name,value,units\n");
        for (int i = 0; i < sx_hydro_kind_nparams(k) && off < sizeof text; i++)
            off += (size_t)snprintf(text + off, sizeof text - off, "%s,%.17g,%s\n", sx_hydro_kind_param(k, i)->name, p[i],
                                    sx_hydro_kind_param(k, i)->units);
        if (off < sizeof text)
            snprintf(text + off, sizeof text - off, "# objective %s = %.10g over steps %lld..%lld; %lld evaluations\n",
                     a.objective, score, a.warmup + 1, (long long)f.n, (long long)r.evals);
        SX_CHECK_GOTO(sx_write_text_file(a.out, text), e, done);
        char pop[4096]; /* OUT.csv -> OUT_population.csv */
        const char *dot = strrchr(a.out, '.'), *sl = strrchr(a.out, '/');
        int stem = dot && (!sl || dot > sl) ? (int)(dot - a.out) : (int)strlen(a.out);
        snprintf(pop, sizeof pop, "%.*s_population.csv", stem, a.out);
        SX_CHECK_GOTO(sx_hydro_param_sets_write(pop, a.model, a.objective, r.pop, r.npop), e, done);
    }
done:
    free(r.pop);
    sx_hydro_series_fini(&f);
    return e;
}

static sx_err route_cmd(int argc, char **argv)
{
    SX_FAIL_IF(argc < 2 || (strcmp(argv[1], "muskingum") && strcmp(argv[1], "cunge")), SX_ERR_USAGE,
               "usage: sanxiang hydro route muskingum|cunge --inflow IN.csv ... -o OUT.csv");
    int cunge = !strcmp(argv[1], "cunge");
    const char *in = NULL, *out = NULL, *v;
    double k = -1, x = -1, dt = 0, len = -1, cel = -1, width = -1, slope = -1, qref = 0;
    struct {
        const char *opt;
        double *dst;
        int for_cunge;
    } num[] = {{"--k", &k, 0}, {"--x", &x, 0}, {"--dt", &dt, 2}, {"--length", &len, 1}, {"--celerity", &cel, 1},
               {"--width", &width, 1}, {"--slope", &slope, 1}, {"--qref", &qref, 1}};
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-o")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
            continue;
        }
        if (!strcmp(argv[i], "--inflow")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &in));
            continue;
        }
        int hit = 0;
        for (size_t j = 0; j < sizeof num / sizeof *num; j++)
            if (!strcmp(argv[i], num[j].opt) && (num[j].for_cunge == 2 || num[j].for_cunge == cunge)) {
                SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
                SX_CHECK(sx_cli_parse_double(num[j].opt, v, num[j].dst));
                hit = 1;
            }
        SX_FAIL_IF(!hit, SX_ERR_USAGE, "unknown option '%s' for hydro route %s", argv[i], argv[1]);
    }
    SX_FAIL_IF(!in || !out, SX_ERR_USAGE, "hydro route needs --inflow IN.csv and -o OUT.csv");
    if (!cunge) SX_FAIL_IF(k < 0 || x < 0, SX_ERR_USAGE, "hydro route muskingum needs --k HOURS and --x X");
    else SX_FAIL_IF(len < 0 || cel < 0 || width < 0 || slope < 0, SX_ERR_USAGE,
                    "hydro route cunge needs --length, --celerity, --width and --slope");
    if (!cunge) {
        sx_muskingum_t check; /* bad K or X fail before any file is read */
        SX_CHECK(sx_muskingum_plan(k, x, dt > 0 ? dt : 1, &check));
    }
    if (sx_mpi_rank() != 0) return SX_OK;
    static const char *const req[] = {"Q"};
    sx_hydro_series_t s;
    SX_CHECK(sx_hydro_series_read(in, req, 1, NULL, 0, &s));
    sx_err e = SX_OK;
    double *o = calloc((size_t)s.n, sizeof *o);
    const double *q = sx_hydro_series_col(&s, "Q");
    if (!o) {
        sx_hydro_series_fini(&s);
        SX_FAIL(SX_ERR_NOMEM, "out of memory");
    }
    if (dt <= 0) {
        if (!s.time_is_date) {
            e = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s has step numbers, not dates: give --dt HOURS", in);
            goto done;
        }
        dt = s.dt / 3600.0;
    }
    if (cunge) {
        if (qref <= 0)
            for (int64_t t = 0; t < s.n; t++) qref = fmax(qref, q[t]);
        SX_CHECK_GOTO(sx_muskingum_cunge_params(len, cel, width, slope, qref, &k, &x), e, done);
    }
    sx_muskingum_t mk;
    SX_CHECK_GOTO(sx_muskingum_plan(k, x, dt, &mk), e, done);
    SX_CHECK_GOTO(sx_muskingum_route(&mk, s.n, q, o), e, done);
    static const char *const names[] = {"Q"};
    const double *cols[] = {o};
    SX_CHECK_GOTO(sx_hydro_series_write(out, &s, 1, names, cols), e, done);
    sx_log_info("hydro route %s: K %.4g h, X %.4g, dt %.4g h -> %d sub-reach(es), %d sub-step(s); c0 %.6f c1 %.6f c2 %.6f",
                argv[1], k, x, dt, mk.nreach, mk.nsub, mk.c0, mk.c1, mk.c2);
done:
    free(o);
    sx_hydro_series_fini(&s);
    return e;
}

static sx_err find_time(const sx_hydro_series_t *s, const char *t, const char *what, int64_t *out)
{
    for (int64_t i = 0; i < s->n; i++)
        if (!strcmp(s->time[i], t)) {
            *out = i;
            return SX_OK;
        }
    SX_FAIL(SX_ERR_INPUT, "event %s time '%s' is not a time of the observed series", what, t);
}

static sx_err read_events(const char *path, const sx_hydro_series_t *obs, sx_gbt_event_t *ev, int max, int *nev)
{
    FILE *f = fopen(path, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot open events file '%s'", path);
    char line[512];
    int n = 0, lineno = 0;
    sx_err e = SX_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1 || !line[0]) continue; /* header start,end */
        char *c = strchr(line, ',');
        if (!c || n >= max) {
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%d: expected 'start,end' (at most %d events)", path,
                           lineno, max);
            break;
        }
        *c = '\0';
        memset(&ev[n], 0, sizeof ev[n]);
        if ((e = find_time(obs, line, "start", &ev[n].start)) || (e = find_time(obs, c + 1, "end", &ev[n].end))) break;
        n++;
    }
    fclose(f);
    *nev = n;
    return e;
}

static sx_err evaluate_cmd(int argc, char **argv)
{
    const char *obsf = NULL, *simf = NULL, *evf = NULL, *out = NULL, *v;
    double thr = -1, area = 0, dth = 0;
    long long pad = 0, warmup = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--obs")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &obsf));
        else if (!strcmp(argv[i], "--sim")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &simf));
        else if (!strcmp(argv[i], "--events")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &evf));
        else if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
        else if (!strcmp(argv[i], "--threshold")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--threshold", v, &thr));
        } else if (!strcmp(argv[i], "--area")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--area", v, &area));
        } else if (!strcmp(argv[i], "--dt-hours")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--dt-hours", v, &dth));
        } else if (!strcmp(argv[i], "--pad")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--pad", v, &pad));
        } else if (!strcmp(argv[i], "--warmup")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--warmup", v, &warmup));
        } else SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for hydro evaluate", argv[i]);
    }
    SX_FAIL_IF(!obsf || !simf || (!evf && thr < 0), SX_ERR_USAGE,
               "usage: sanxiang hydro evaluate --obs OBS.csv --sim SIM.csv (--events EV.csv | --threshold Q)");
    if (sx_mpi_rank() != 0) return SX_OK;
    static const char *const req[] = {"Q"};
    sx_hydro_series_t so, ss;
    SX_CHECK(sx_hydro_series_read(obsf, req, 1, NULL, 0, &so));
    sx_err e = sx_hydro_series_read(simf, req, 1, NULL, 0, &ss);
    if (e) {
        sx_hydro_series_fini(&so);
        SX_CHECK(e);
    }
    enum { MAXEV = 1000 };
    sx_gbt_event_t *ev = calloc(MAXEV, sizeof *ev);
    int nev = 0;
    if (!ev) {
        e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        goto done;
    }
    if (so.n != ss.n || so.t[0] != ss.t[0] || so.dt != ss.dt) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                       "%s (%lld steps from %s) and %s (%lld steps from %s) do not cover the same times", obsf,
                       (long long)so.n, so.time[0], simf, (long long)ss.n, ss.time[0]);
        goto done;
    }
    const double *qo = sx_hydro_series_col(&so, "Q"), *qs = sx_hydro_series_col(&ss, "Q");
    if (evf) SX_CHECK_GOTO(read_events(evf, &so, ev, MAXEV, &nev), e, done);
    else {
        int64_t w0 = warmup < so.n ? warmup : 0; /* events after the warm-up only */
        SX_CHECK_GOTO(sx_hydro_find_events(qo + w0, so.n - w0, thr, pad, ev, MAXEV, &nev), e, done);
        if (nev > MAXEV) nev = MAXEV;
        for (int i = 0; i < nev; i++) ev[i].start += w0, ev[i].end += w0;
    }
    if (nev == 0) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "no flood events to evaluate (lower --threshold or give --events)");
        goto done;
    }
    double factor = area > 0 ? 3.6 * step_hours(&so, dth) / area : 1.0;
    sx_gbt_summary_t sum;
    SX_CHECK_GOTO(sx_gbt22482_evaluate(qo, qs, so.n, warmup, factor, ev, nev, &sum), e, done);
    char *text = malloc((size_t)nev * 256 + 1024);
    if (!text) {
        e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        goto done;
    }
    size_t off = (size_t)sprintf(text, "event,start,end,obs_peak,sim_peak,peak_err_pct,peak_ok,obs_peak_time,"
                                       "sim_peak_time,peak_time_err_steps,time_ok,obs_depth_mm,sim_depth_mm,"
                                       "depth_err_mm,depth_allow_mm,depth_ok,dc,qualified\n");
    for (int i = 0; i < nev; i++) {
        const sx_gbt_event_t *x = &ev[i];
        off += (size_t)sprintf(text + off, "%d,%s,%s,%.6g,%.6g,%.2f,%d,%s,%s,%lld,%d,%.4g,%.4g,%.4g,%.4g,%d,%.4f,%d\n",
                               i + 1, so.time[x->start], so.time[x->end], x->obs_peak, x->sim_peak,
                               100 * x->peak_rel_err, x->peak_ok, so.time[x->obs_peak_t], so.time[x->sim_peak_t],
                               (long long)x->peak_time_err, x->time_ok, x->obs_depth, x->sim_depth, x->depth_err,
                               x->depth_allow, x->depth_ok, x->dc, x->qualified);
    }
    sprintf(text + off, "# events %d, qualified %d, pass rate %.1f%% -> grade %s; DC %.4f -> grade %s\n", sum.nevents,
            sum.nqualified, sum.pass_rate, sum.grade, sum.dc, sum.dc_grade);
    if (out) e = sx_write_text_file(out, text);
    else fputs(text, stdout);
    free(text);
    if (e == SX_OK)
        sx_log_info("GB/T 22482-2008: %d events, %d qualified, pass rate %.1f%% (%s); DC %.4f (%s)", sum.nevents,
                    sum.nqualified, sum.pass_rate, sum.grade, sum.dc, sum.dc_grade);
done:
    free(ev);
    sx_hydro_series_fini(&so);
    sx_hydro_series_fini(&ss);
    return e;
}

static sx_err thiessen_cmd(int argc, char **argv)
{
    const char *poly = NULL, *field = "id", *gauges = NULL, *out = NULL, *method = "thiessen", *v;
    long long grid = 400;
    double power = 2;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--polygons")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &poly));
        else if (!strcmp(argv[i], "--id-field")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &field));
        else if (!strcmp(argv[i], "--gauges")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &gauges));
        else if (!strcmp(argv[i], "-o")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &out));
        else if (!strcmp(argv[i], "--method")) SX_CHECK(sx_cli_option_value(argc, argv, &i, &method));
        else if (!strcmp(argv[i], "--power")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_double("--power", v, &power));
        } else if (!strcmp(argv[i], "--grid")) {
            SX_CHECK(sx_cli_option_value(argc, argv, &i, &v));
            SX_CHECK(sx_cli_parse_int("--grid", v, &grid));
        } else SX_FAIL(SX_ERR_USAGE, "unknown option '%s' for hydro thiessen", argv[i]);
    }
    SX_FAIL_IF(!poly || !gauges || !out, SX_ERR_USAGE,
               "usage: sanxiang hydro thiessen --polygons SUBBASINS --gauges G.csv [--id-field id] -o W.csv");
    if (sx_mpi_rank() != 0) return SX_OK;
    char names[64][32];
    double x[64], y[64];
    int ng = 0;
    sx_err e = SX_OK;
    SX_CHECK(sx_hydro_gauges_read(gauges, 64, &ng, names, x, y));
    int np;
    char **ids;
    double *w;
    SX_FAIL_IF(strcmp(method, "thiessen") && strcmp(method, "idw"), SX_ERR_USAGE, "--method must be thiessen or idw, got '%s'",
               method);
    sx_hydro_weights_opts_t wo = {strcmp(method, "idw") ? SX_HYDRO_WEIGHTS_THIESSEN : SX_HYDRO_WEIGHTS_IDW, power, (int)grid};
    SX_CHECK(sx_hydro_weights_layer(poly, field, &wo, ng, x, y, &np, &ids, &w));
    size_t cap = (size_t)(np + 1) * (size_t)(ng + 1) * 24 + 64;
    char *text = malloc(cap);
    if (text) {
        size_t off = (size_t)snprintf(text, cap, "subbasin");
        for (int g = 0; g < ng; g++) off += (size_t)snprintf(text + off, cap - off, ",%s", names[g]);
        off += (size_t)snprintf(text + off, cap - off, "\n");
        for (int p = 0; p < np; p++) {
            off += (size_t)snprintf(text + off, cap - off, "%s", ids[p]);
            for (int g = 0; g < ng; g++) off += (size_t)snprintf(text + off, cap - off, ",%.6f", w[(int64_t)p * ng + g]);
            off += (size_t)snprintf(text + off, cap - off, "\n");
        }
        e = sx_write_text_file(out, text);
    } else e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    free(text);
    for (int p = 0; p < np; p++) free(ids[p]);
    free(ids);
    free(w);
    return e;
}

sx_err sx_cli_hydro(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "thiessen")) return thiessen_cmd(argc - 1, argv + 1);
    SX_FAIL_IF(argc < 2, SX_ERR_USAGE, "hydro needs a verb; see sanxiang hydro --help");
    if (!strcmp(argv[1], "run")) return run_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "params")) return params_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "route")) return route_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "evaluate")) return evaluate_cmd(argc - 1, argv + 1);
    if (!strcmp(argv[1], "calibrate")) return calibrate_cmd(argc - 1, argv + 1);
    SX_FAIL(SX_ERR_USAGE, "unknown verb 'hydro %s'; see sanxiang hydro --help", argv[1]);
}
