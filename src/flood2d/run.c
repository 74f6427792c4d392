/*
 * run.c — the flood run driver: steps the model to each report time, writes
 * the mass balance and depth snapshots there, checkpoints periodically and on
 * SIGTERM/SIGUSR1, resumes from the checkpoint of an interrupted run, and
 * writes the delivery products at the end.
 *
 * Restart contract: everything a run produces is a function of the model
 * state and the report index, and the checkpoint holds the complete state
 * (checkpoint.c), so a run interrupted any number of times and resumed ends
 * with files identical to an uninterrupted run. The run's scratch directory
 * <out>/.flood2d (checkpoint, snapshots, mass-balance rows) is removed once
 * the products are committed; a checkpoint written by a different job
 * configuration is refused.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "f2d_outputs.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_signal.h"
#include "sanxiang/sx_strbuf.h"

typedef struct {
    char state[SX_PATH_MAX], ckpt[SX_PATH_MAX + 16], csv[SX_PATH_MAX + 32], snap_fmt[SX_PATH_MAX + 32];
} run_paths;

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Rank 0: keep the header and the first nrows data rows of the CSV. */
static sx_err csv_truncate(const char *path, int64_t nrows)
{
    FILE *f = fopen(path, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot read '%s' to resume: %s", path, strerror(errno));
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    char line[1024];
    int64_t n = 0;
    while (n <= nrows && fgets(line, sizeof line, f)) {
        sx_strbuf_puts(&sb, line);
        n++;
    }
    fclose(f);
    sx_err err = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : SX_OK;
    if (err == SX_OK) err = sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    return err;
}

static sx_err csv_append(const char *path, const char *row)
{
    FILE *f = fopen(path, "a");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot append to '%s': %s", path, strerror(errno));
    int ok = fputs(row, f) >= 0;
    ok = (fclose(f) == 0) && ok;
    SX_FAIL_IF(!ok, SX_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    return SX_OK;
}

static sx_err report(sx_f2d_t *m, const run_paths *rp, int64_t k, double t_end, int snapshots)
{
    sx_f2d_mass_t mb;
    SX_CHECK(sx_f2d_mass(m, &mb));
    double scale = fmax(fabs(mb.storage0) + mb.inflow + mb.rain, 1e-300);
    char row[512];
    snprintf(row, sizeof row, "%.10g,%.10g,%.10g,%.10g,%.10g,%.6g,%.3e,%lld\n", sx_f2d_time(m), mb.storage, mb.inflow,
             mb.rain, mb.outflow, mb.error, mb.error / scale, (long long)sx_f2d_steps(m));
    sx_err err = SX_OK;
    if (m->dc.rank == 0) err = csv_append(rp->csv, row);
    SX_CHECK(sx_err_agree(m->comm, err));
    sx_log_info("flood2d: t = %.0f s (%.0f%%), step %lld: storage %.6g m3, in %.6g + rain %.6g, out %.6g, mass error %.3g "
                "m3 (%.1e)",
                sx_f2d_time(m), 100.0 * sx_f2d_time(m) / t_end, (long long)sx_f2d_steps(m), mb.storage, mb.inflow,
                mb.rain, mb.outflow, mb.error, mb.error / scale);
    if (snapshots) {
        char path[SX_PATH_MAX];
        snprintf(path, sizeof path, rp->snap_fmt, (long long)k);
        SX_CHECK(sx__f2d_write_snapshot(m, path));
    }
    return SX_OK;
}

static sx_err checkpoint(sx_f2d_t *m, const run_paths *rp, const char *hash, int64_t next)
{
    char extra[512];
    snprintf(extra, sizeof extra, "hash=%s next=%lld", hash, (long long)next);
    SX_CHECK(sx_f2d_checkpoint_write(m, rp->ckpt, extra));
    sx_log_info("flood2d: checkpoint at t = %.3f s (step %lld) in %s", sx_f2d_time(m), (long long)sx_f2d_steps(m), rp->ckpt);
    return SX_OK;
}

/* Resume if a checkpoint exists; *next is the first report still to do. */
static sx_err maybe_resume(sx_f2d_t *m, const run_paths *rp, const char *hash, int64_t *next)
{
    char probe[SX_PATH_MAX + 32], probe_old[SX_PATH_MAX + 32];
    snprintf(probe, sizeof probe, "%s/cells.nc", rp->ckpt);
    snprintf(probe_old, sizeof probe_old, "%s.old/cells.nc", rp->ckpt);
    int have = m->dc.rank == 0 && (exists(probe) || exists(probe_old));
    SX_CHECK_MPI(MPI_Bcast(&have, 1, MPI_INT, 0, m->comm));
    *next = 0;
    if (!have) return SX_OK;
    char extra[512] = "";
    SX_CHECK(sx_f2d_checkpoint_read(m, rp->ckpt, extra, sizeof extra));
    char h[256] = "";
    long long nx = -1;
    int got = sscanf(extra, "hash=%255s next=%lld", h, &nx);
    SX_FAIL_IF(got != 2 || strcmp(h, hash) != 0, SX_ERR_CONFIG,
               "the output directory holds a checkpoint of a different run (%s, this run %s); use another output "
               "directory or remove '%s' to start afresh",
               got == 2 ? h : "unreadable", hash, rp->state);
    *next = nx;
    sx_err err = SX_OK;
    if (m->dc.rank == 0) err = csv_truncate(rp->csv, nx);
    return sx_err_agree(m->comm, err);
}

static sx_err simulate(sx_f2d_t *m, const sx_f2d_run_opts_t *o, const run_paths *rp, const double *times, int64_t nrep)
{
    const char *hash = o->config_hash ? o->config_hash : "none";
    int64_t k0 = 0;
    SX_CHECK(maybe_resume(m, rp, hash, &k0));
    if (k0 == 0 && m->dc.rank == 0) /* fresh start (or a checkpoint before the first report) */
        SX_CHECK(sx_write_text_file(rp->csv, "time_s,storage_m3,inflow_m3,rain_m3,outflow_m3,error_m3,relative_error,steps\n"));
    double last_ckpt = sx_now();
    for (int64_t k = k0; k <= nrep; k++) {
        while (sx_f2d_time(m) < times[k]) {
            /* Flags seen before this step are agreed in its reduction and acted on after it. */
            int flags[2] = {sx_signal_pending(), 0}, any[2];
            if (m->dc.rank == 0 && o->checkpoint_seconds > 0 && sx_now() - last_ckpt >= o->checkpoint_seconds) flags[1] = 1;
            SX_CHECK(sx_f2d_step_flags(m, times[k], flags, any));
            if (any[0]) {
                SX_CHECK(checkpoint(m, rp, hash, k));
                SX_FAIL(SX_ERR_INTERRUPTED,
                        "stopped by signal %d at t = %.3f s after writing a checkpoint; run the same command again "
                        "with the same output directory to resume",
                        any[0], sx_f2d_time(m));
            }
            if (any[1]) {
                SX_CHECK(checkpoint(m, rp, hash, k));
                last_ckpt = sx_now();
            }
        }
        SX_CHECK(report(m, rp, k, o->t_end, o->snapshots));
    }
    return SX_OK;
}

static sx_err finish(sx_f2d_t *m, const sx_f2d_run_opts_t *o, const run_paths *rp, const double *times, int64_t nrep)
{
    SX_CHECK(sx__f2d_write_max_layers(m, o->out_dir, o->formats, o->provenance));
    char path[SX_PATH_MAX + 64], src[SX_PATH_MAX + 64], cog[SX_PATH_MAX + 64];
    if (o->snapshots) {
        snprintf(path, sizeof path, "%s/depth_series.nc", o->out_dir);
        SX_CHECK(sx__f2d_assemble_series(m, rp->snap_fmt, nrep + 1, times, path, o->provenance));
    }
    snprintf(cog, sizeof cog, "%s/max_depth.tif", o->out_dir);
    snprintf(path, sizeof path, "%s/max_depth.nc", o->out_dir);
    sx_layer_staged_name(o->formats & SX_LAYER_COG ? cog : NULL, path, "max_depth", src, sizeof src);
    snprintf(path, sizeof path, "%s/flood_extent.gpkg", o->out_dir);
    SX_CHECK(sx__f2d_write_extent(m->comm, src, o->extent_depth, path));
    sx_err err = SX_OK;
    if (m->dc.rank == 0) {
        FILE *f = fopen(rp->csv, "r");
        sx_strbuf_t sb;
        sx_strbuf_init(&sb);
        char line[1024];
        while (f && fgets(line, sizeof line, f)) sx_strbuf_puts(&sb, line);
        if (f) fclose(f);
        snprintf(path, sizeof path, "%s/mass_balance.csv", o->out_dir);
        err = !f || sb.failed ? sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot read '%s'", rp->csv)
                              : sx_write_text_file(path, sb.data);
        sx_strbuf_fini(&sb);
    }
    SX_CHECK(sx_err_agree(m->comm, err));
    if (m->dc.rank == 0) {
        char cmd[SX_PATH_MAX + 32];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", rp->state);
        if (system(cmd) != 0) sx_log_warn("flood2d: could not remove the scratch directory %s", rp->state);
    }
    return SX_OK;
}

sx_err sx_flood2d_run(MPI_Comm comm, const sx_f2d_run_opts_t *o)
{
    SX_FAIL_IF(!(o->t_end > 0) || !(o->report_interval > 0), SX_ERR_CONFIG,
               "duration %g s and report interval %g s must be positive", o->t_end, o->report_interval);
    SX_FAIL_IF(o->t_end / o->report_interval > 100000, SX_ERR_CONFIG,
               "%g s / %g s gives more than 100000 reports; raise the report interval", o->t_end, o->report_interval);
    int crank;
    MPI_Comm_rank(comm, &crank);
    SX_CHECK(sx__f2d_check_series_cover(&o->model, o->t_end, crank));
    run_paths rp;
    SX_FAIL_IF(strlen(o->out_dir) > SX_PATH_MAX - 64, SX_ERR_CONFIG, "output directory name too long: '%s'", o->out_dir);
    snprintf(rp.state, sizeof rp.state, "%s/.flood2d", o->out_dir);
    snprintf(rp.ckpt, sizeof rp.ckpt, "%s/checkpoint", rp.state);
    snprintf(rp.csv, sizeof rp.csv, "%s/mass_balance.csv", rp.state);
    snprintf(rp.snap_fmt, sizeof rp.snap_fmt, "%s/snap/depth_%%05lld.nc", rp.state);
    int64_t nrep = (int64_t)ceil(o->t_end / o->report_interval - 1e-9);
    double *times = malloc((size_t)(nrep + 1) * sizeof *times);
    SX_CHECK(sx_err_agree(comm, times ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory")));
    for (int64_t k = 0; k <= nrep; k++) times[k] = fmin((double)k * o->report_interval, o->t_end);
    SX_CHECK(sx_signal_install());
    sx_err err = SX_OK;
    int rank;
    MPI_Comm_rank(comm, &rank);
    char snapdir[SX_PATH_MAX + 8];
    snprintf(snapdir, sizeof snapdir, "%s/snap", rp.state);
    if (rank == 0) err = sx_mkdir_p(snapdir);
    err = sx_err_agree(comm, err);
    sx_f2d_t *m = NULL;
    if (err == SX_OK) err = sx_f2d_create(comm, &o->model, &m);
    double t0 = sx_now();
    sx_output_private_begin(); /* the scratch directory is the run's own, outside the step's products */
    if (err == SX_OK) err = simulate(m, o, &rp, times, nrep);
    sx_output_private_end();
    if (err == SX_OK) {
        double el = sx_now() - t0;
        int size;
        MPI_Comm_size(comm, &size);
        sx_log_info("flood2d: %lld steps in %.2f s: %.3g cell updates/s/rank", (long long)sx_f2d_steps(m), el,
                    (double)m->grid.nx * (double)m->grid.ny * (double)sx_f2d_steps(m) / fmax(el, 1e-9) / size);
        err = finish(m, o, &rp, times, nrep);
    }
    sx_f2d_destroy(&m);
    free(times);
    return err;
}
