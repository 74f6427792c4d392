/*
 * mpi_flood2d.c — the flood model gives bit-identical results at any rank
 * count: a 2-D case with an uneven bed, a nodata hole, a point and a line inflow, rain
 * (uniform, and again as a gridded (time, y, x) series),
 * a Manning raster and free, fixed-level and closed edges runs on all ranks
 * and, separately, on rank 0 alone (MPI_COMM_SELF); every field and the mass
 * balance must be equal bit for bit. Again on a 7 x 5 grid, whose blocks are
 * narrower than the halos. An inflow on a nodata cell, seen only
 * by the rank owning it, stops every rank with the same error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_expect.h"
#include "mpi/mpi_flood2d_util.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"

#define NX 67
#define NY 53


static double dem_fn(int64_t i, int64_t j, void *c)
{
    if (i == 30 && j == 20) return NAN;
    return 12.0 - 0.05 * (double)i + 0.6 * sin(0.31 * (double)i) * cos(0.27 * (double)j) + 0.002 * (double)(j * j);
}
static double n_fn(int64_t i, int64_t j, void *c) { return 0.03 + 0.002 * (double)((i + j) % 5); }

static const sx_f2d_field fields[] = {SX_F2D_DEPTH, SX_F2D_SPEED, SX_F2D_MAX_DEPTH, SX_F2D_MAX_SPEED,
                                      SX_F2D_MAX_HAZARD, SX_F2D_ARRIVAL, SX_F2D_QX_CELL, SX_F2D_QY_CELL};
#define NF (sizeof fields / sizeof *fields)

/* Gridded rain, mm/h, varying in space and time (record 2 is dry). */
static double rain_rate(int64_t i, int64_t j, int64_t k) { return k == 2 ? 0.0 : 20.0 + 0.5 * (double)i + 15.0 * (double)((i + j + k) % 3); }

/* Run the case on comm with uniform rain, or with the rain grid series
 * rain_grid if not NULL; rank 0 of comm gets the gathered fields and mass.
 * man == NULL: the tiny grid (uniform roughness, no inflows). */
static void run_case(MPI_Comm comm, const char *dem, const char *man, const char *rain_grid, double *out[NF],
                     sx_f2d_mass_t *mb, int64_t *steps)
{
    const double t[] = {0, 200, 600}, q[] = {5, 40, 0}, tl[] = {0, 300}, ql[] = {8, 8};
    /* a line inflow across the grid diagonally, crossing rank boundaries and cell corners */
    const double xy[] = {500000 + 10.0 * 5, 3000000 - 10.0 * 5, 500000 + 10.0 * 45.3, 3000000 - 10.0 * 45,
                         500000 + 10.0 * 60, 3000000 - 10.0 * 10.2};
    sx_f2d_inflow_t in[2] = {{"in", 500000 + 10.0 * 3.5, 3000000 - 10.0 * 26.5, 3, t, q},
                             {"line", 0, 0, 2, tl, ql, 3, xy}};
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.manning_raster = man;
    p.rain_mm_h = rain_grid ? 0 : 30;
    p.rain_grid = rain_grid;
    p.ninflows = man ? 2 : 0;
    p.inflows = in;
    p.bc[SX_F2D_EAST] = (sx_f2d_bc_t){SX_F2D_BC_FREE, 0.005};
    p.bc[SX_F2D_SOUTH] = (sx_f2d_bc_t){SX_F2D_BC_LEVEL, 10.5};
    sx_f2d_t *m = NULL;
    if (sx_f2d_create(comm, &p, &m) != SX_OK) {
        EXPECT(0, "create: %s", sx_err_message());
        return;
    }
    if (sx_f2d_advance(m, getenv("F2D_T") ? atof(getenv("F2D_T")) : 700.0) != SX_OK) EXPECT(0, "advance: %s", sx_err_message());
    for (size_t f = 0; f < NF; f++) out[f] = f2d_gather(m, comm, fields[f]);
    sx_f2d_mass(m, mb);
    *steps = sx_f2d_steps(m);
    sx_f2d_destroy(&m);
}

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* The case on all ranks against rank 0 alone: every field and the mass balance bit for bit. */
static void compare_case(const char *label, const char *dem, const char *man, const char *rain_grid, int64_t nx,
                         int64_t ny)
{
    double *par[NF] = {0}, *ser[NF] = {0};
    sx_f2d_mass_t mp, ms;
    int64_t sp = 0, ss = 0;
    run_case(MPI_COMM_WORLD, dem, man, rain_grid, par, &mp, &sp);
    if (sx_mpi_rank() == 0) {
        run_case(MPI_COMM_SELF, dem, man, rain_grid, ser, &ms, &ss);
        EXPECT(sp == ss, "%s: steps %lld at %d ranks, %lld at 1", label, (long long)sp, sx_mpi_size(), (long long)ss);
        for (size_t f = 0; f < NF; f++) {
            int64_t diff = 0, first = -1;
            for (int64_t k = 0; k < nx * ny; k++)
                if (!same_bits(par[f][k], ser[f][k])) {
                    if (first < 0) first = k;
                    diff++;
                }
            EXPECT(diff == 0, "%s: field %d: %lld cells differ from the 1-rank run (first at %lld: %.17g vs %.17g)", label,
                   (int)fields[f], (long long)diff, (long long)first, first >= 0 ? par[f][first] : 0,
                   first >= 0 ? ser[f][first] : 0);
        }
        EXPECT(same_bits(mp.storage, ms.storage) && same_bits(mp.outflow, ms.outflow) && same_bits(mp.inflow, ms.inflow) &&
                   same_bits(mp.rain, ms.rain),
               "%s: mass balance differs: storage %.17g vs %.17g, outflow %.17g vs %.17g", label, mp.storage, ms.storage,
               mp.outflow, ms.outflow);
        EXPECT(mp.outflow != 0 && mp.rain > 0 && (!man || par[0][NX * 26 + 3] > 0),
               "%s: the case must move water (outflow %g)", label, mp.outflow);
        printf("mpi_flood2d %s: %d ranks, %lld steps, rain %.6f m3, storage %.6f m3, outflow %.6f m3, mass error %.3g m3\n",
               label, sx_mpi_size(), (long long)sp, mp.rain, mp.storage, mp.outflow, mp.error);
        for (size_t f = 0; f < NF; f++) {
            free(par[f]);
            free(ser[f]);
        }
    }
}


int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    sx_gdal_init(0);
    char dir[512], path[600], dem[700], man[700];
    snprintf(dir, sizeof dir, "%s/mpi_flood2d_np%d", SX_TEST_OUT, sx_mpi_size());
    if (sx_mpi_rank() == 0) sx_mkdir_p(dir);
    MPI_Barrier(MPI_COMM_WORLD);
    snprintf(path, sizeof path, "%s/dem.nc", dir);
    EXPECT(f2d_write_input(MPI_COMM_WORLD, path, NX, NY, 10.0, dem_fn, NULL, dem, sizeof dem) == SX_OK, "dem");
    snprintf(path, sizeof path, "%s/n.nc", dir);
    EXPECT(f2d_write_input(MPI_COMM_WORLD, path, NX, NY, 10.0, n_fn, NULL, man, sizeof man) == SX_OK, "n");

    compare_case("uniform rain", dem, man, NULL, NX, NY);
    char rain[700];
    const double tv[] = {0, 5, 10}; /* minutes: 5-minute records, the run (700 s) outlasts them */
    snprintf(path, sizeof path, "%s/rain.nc", dir);
    EXPECT(f2d_write_rain(MPI_COMM_WORLD, path, NX, NY, tv, 3, rain_rate, rain, sizeof rain) == SX_OK, "rain grid");
    compare_case("rain grid", dem, man, rain, NX, NY);
    /* Blocks narrower than the halos (3 faces): cells come from ranks further away, no interior. */
    char tiny[700];
    snprintf(path, sizeof path, "%s/tiny.nc", dir);
    EXPECT(f2d_write_input(MPI_COMM_WORLD, path, 7, 5, 10.0, dem_fn, NULL, tiny, sizeof tiny) == SX_OK, "tiny dem");
    compare_case("tiny grid", tiny, NULL, NULL, 7, 5);
    /* An inflow on the DEM's nodata cell: only its owner sees it; every rank must fail with its message. */
    {
        const double t[] = {0, 100}, q[] = {1, 1};
        sx_f2d_inflow_t in = {"hole", 500000 + 10.0 * 30.5, 3000000 - 10.0 * 20.5, 2, t, q};
        sx_f2d_params_t p;
        sx_f2d_params_default(&p);
        p.dem = dem;
        p.ninflows = 1;
        p.inflows = &in;
        sx_f2d_t *m = NULL;
        sx_err e = sx_f2d_create(MPI_COMM_WORLD, &p, &m);
        EXPECT(e == SX_ERR_INPUT && m == NULL && strstr(sx_err_message(), "inflow 'hole'") &&
                   strstr(sx_err_message(), "nodata cell"),
               "inflow on a nodata cell: got %s '%s'", sx_err_name(e), sx_err_message());
        sx_err_clear();
    }
    int all = 0;
    MPI_Allreduce(&mpi_failures, &all, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (sx_mpi_rank() == 0) printf("mpi_flood2d: %s\n", all ? "FAILED" : "N-rank == 1-rank bit for bit");
    sx_mpi_finalize();
    return all ? 1 : 0;
}
