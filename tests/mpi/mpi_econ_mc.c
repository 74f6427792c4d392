/*
 * mpi_econ_mc.c — the Monte Carlo uncertainty analysis of the ASEM index gives
 * bit-identical results at any rank count: the run over MPI_COMM_WORLD is
 * compared with a run of rank 0 alone (MPI_COMM_SELF), which is the 1-rank
 * result: every rank histogram entry, every quantile and the Sobol indices
 * must be equal, not just close. Also: first-order indices lie in [-0.1, 1.1]
 * (sampling error around [0, 1]) and each total index is not below its
 * first-order one by more than sampling error; an invalid batch size is
 * refused on every rank.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_mpi.h"

#define DIR SX_DATA_DIR "/indicators/coinr_asem/"

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int rank = sx_mpi_rank(), fail = 0;
    sx_econ_index_opts_t o;
    sx_econ_index_opts_default(&o);
    o.data_path = DIR "ASEM_iData.csv";
    o.dict_path = DIR "ASEM_iMeta.csv";
    o.read.group_col = "EurAsia_group";
    o.read.denominate = 1;
    o.impute = SX_IMPUTE_GROUP_MEAN;
    o.screen = 0.9;
    sx_econ_index_t *r = NULL;
    if (sx_econ_index_compute(&o, &r) != SX_OK) {
        fprintf(stderr, "[rank %d] index: %s\n", rank, sx_err_message());
        return 1;
    }
    const int nu = r->data->n_unit, ni = r->frame->n_ind;
    double *raw = malloc(sizeof(double) * nu * ni);
    memcpy(raw, r->unimputed, sizeof(double) * nu * ni);
    sx_econ_treat(raw, nu, ni, &o.treat_opts, NULL);
    /* 301 base samples with batch 16: a short last batch, more batches than ranks */
    sx_econ_mc_opts_t mo = {.n_base = 301, .seed = 7, .batch = 16, .weight_spread = 0.25,
                            .vary_norm = 1, .vary_agg = 1, .vary_impute = 1, .vary_weights = 1};
    sx_econ_mc_result_t all, one;
    if (sx_econ_mc_run(MPI_COMM_WORLD, r->frame, r->treated, raw, nu, &mo, &all) != SX_OK) {
        fprintf(stderr, "[rank %d] mc: %s\n", rank, sx_err_message());
        return 1;
    }
    if (rank == 0) {
        if (sx_econ_mc_run(MPI_COMM_SELF, r->frame, r->treated, raw, nu, &mo, &one) != SX_OK) return 1;
        if (memcmp(all.hist, one.hist, sizeof(int64_t) * nu * nu)) fprintf(stderr, "rank histograms differ\n"), fail = 1;
        if (memcmp(all.median_rank, one.median_rank, sizeof(int) * nu) || memcmp(all.q05, one.q05, sizeof(int) * nu) ||
            memcmp(all.q95, one.q95, sizeof(int) * nu) || memcmp(all.mean_rank, one.mean_rank, sizeof(double) * nu))
            fprintf(stderr, "rank statistics differ\n"), fail = 1;
        for (int i = 0; i < 4; i++) {
            if (memcmp(&all.si[i], &one.si[i], sizeof(double)) || memcmp(&all.st[i], &one.st[i], sizeof(double)))
                fprintf(stderr, "Sobol index %d differs: %.17g/%.17g vs %.17g/%.17g\n", i, all.si[i], all.st[i], one.si[i], one.st[i]), fail = 1;
            if (!(all.si[i] > -0.1 && all.si[i] < 1.1 && all.st[i] >= all.si[i] - 0.1))
                fprintf(stderr, "implausible Sobol indices for %s: S %.3f ST %.3f\n", all.factor_name[i], all.si[i], all.st[i]), fail = 1;
        }
        int64_t tot = 0;
        for (int k = 0; k < nu; k++) tot += all.hist[k];
        if (tot != 2 * mo.n_base) fprintf(stderr, "unit 0 has %lld ranked samples, expected %lld\n", (long long)tot, (long long)(2 * mo.n_base)), fail = 1;
        for (int u = 0; u < nu; u++)
            if (!(all.q05[u] <= all.median_rank[u] && all.median_rank[u] <= all.q95[u])) fprintf(stderr, "quantiles out of order\n"), fail = 1;
        /* the nominal ranks are the published COINr ranks: CHE first */
        for (int u = 0; u < nu; u++)
            if (!strcmp(r->data->unit[u], "CHE") && all.nominal_rank[u] != 1) fprintf(stderr, "CHE nominal rank %d\n", all.nominal_rank[u]), fail = 1;
        sx_econ_mc_result_fini(&one);
    }
    mo.batch = 0;
    sx_econ_mc_result_t bad;
    if (sx_econ_mc_run(MPI_COMM_WORLD, r->frame, r->treated, raw, nu, &mo, &bad) != SX_ERR_CONFIG) fprintf(stderr, "[rank %d] batch 0 accepted\n", rank), fail = 1;
    sx_econ_mc_result_fini(&all);
    free(raw);
    sx_econ_index_destroy(&r);
    int any = 0;
    MPI_Allreduce(&fail, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0) printf("mpi_econ_mc: %s at %d rank(s)\n", any ? "FAILED" : "identical to 1 rank", sx_mpi_size());
    sx_mpi_finalize();
    return any;
}
