/*
 * simulate.c — one run of a rainfall-runoff model from named settings: an
 * option (Xinanjiang's net_rain), a full parameter vector or parameters by
 * name over the defaults, initial states by name. The command `hydro run`,
 * the calibrated run of `hydro_calibrate` and their tests set a model up the
 * same way through here.
 */
#include "sanxiang/sx_hydro.h"

sx_err sx_hydro_simulate(const sx_hydro_setup_t *s, int64_t n, const double *P, const double *E, double *Q)
{
    sx_hydro_model_t *m = NULL;
    SX_CHECK(sx_hydro_model_create(s->model, &m));
    sx_err e = SX_OK;
    if (s->option_name) SX_CHECK_GOTO(sx_hydro_model_set_option(m, s->option_name, s->option_value), e, done);
    if (s->params) SX_CHECK_GOTO(sx_hydro_model_set_params(m, s->params), e, done);
    for (int i = 0; i < s->nnamed; i++)
        SX_CHECK_GOTO(sx_hydro_model_set_param(m, s->param_names[i], s->param_values[i]), e, done);
    SX_CHECK_GOTO(sx_hydro_model_reset(m), e, done);
    for (int i = 0; i < s->ninit; i++)
        SX_CHECK_GOTO(sx_hydro_model_set_state(m, s->init_names[i], s->init_values[i]), e, done);
    SX_CHECK_GOTO(sx_hydro_model_run(m, n, P, E, Q, 0), e, done);
done:
    sx_hydro_model_destroy(&m);
    return e;
}
