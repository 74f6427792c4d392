/*
 * mpi_hydro_net.h — the set-up the MPI tests of the forecast network share:
 * an hourly series of step-number times (hydro_test_times) and a forecast
 * configuration on a test network (hydro_test_cfg): the Xinanjiang model
 * with the given parameters and cold-start states, gauge rain and one
 * evaporation series, every other field zero for the test to set (window,
 * ensemble, state files).
 */
#ifndef MPI_HYDRO_NET_H
#define MPI_HYDRO_NET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_hydro_io.h"

/* s: n hourly rows labelled "1" .. "n" (labels and values in the caller's arrays; labels malloc'd). */
static inline void hydro_test_times(sx_hydro_series_t *s, int n, char **labels, double *values)
{
    for (int t = 0; t < n; t++) {
        labels[t] = malloc(16);
        snprintf(labels[t], 16, "%d", t + 1);
        values[t] = t + 1;
    }
    memset(s, 0, sizeof *s);
    s->n = n;
    s->time = labels;
    s->t = values;
    s->dt = 1;
}

typedef struct {
    const char *basin;
    int nnodes;
    const sx_hydro_node_t *nodes;
    const char *const *pn; /* Xinanjiang parameters set (others default) */
    const double *pv;
    int np;
    const char *const *in; /* cold-start states */
    const double *iv;
    int ni;
} hydro_test_net_t;

/* c: the forecast of network t on times s with gauge rain gp[2] and evaporation e, hourly. */
static inline void hydro_test_cfg(sx_hydro_forecast_cfg_t *c, const hydro_test_net_t *t, const sx_hydro_series_t *s,
                                  const double *const *gp, const double *e)
{
    memset(c, 0, sizeof *c);
    c->basin = t->basin;
    c->model = "xaj";
    c->param_names = t->pn;
    c->param_values = t->pv;
    c->nparams = t->np;
    c->init_names = t->in;
    c->init_values = t->iv;
    c->ninit = t->ni;
    c->nnodes = t->nnodes;
    c->nodes = t->nodes;
    c->ngauges = 2;
    c->gauge_p = gp;
    c->e = e;
    c->times = s;
    c->dt_hours = 1;
}

#endif
