/*
 * job.c — load a job file, validate it against the step tables, run steps.
 *
 * The whole file is validated before the first step runs, so a typo in the
 * last step is reported in seconds, not after an hour of computing. The run
 * directory receives run.json (provenance + effective configuration) and
 * perf.json (the performance table) next to the outputs.
 *
 * Resume: after each step the runner records its progress (progress.c); a
 * run of the same configuration into the same directory — a requeued Slurm
 * job — skips the steps already done. Between steps the ranks agree whether
 * a signal (Slurm's USR1 before the time limit, TERM) has arrived; if so the
 * job stops with SX_ERR_INTERRUPTED (exit 8) and the script requeues it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/job_internal.h"
#include "sanxiang/sx_install.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_layer_mem.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_sha256.h"
#include "sanxiang/sx_signal.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_threads.h"

static const sx_cfg_field_t top_fields[] = {
    {"job", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "name of the job (used for the default output directory)"},
    {"title", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "one-line description for people"},
    {"description", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "longer description"},
    {"output_dir", SX_CFG_T_PATH, 0, "out/<job>", 1, 0, NULL, "run directory for all outputs (--out overrides)"},
    {"gdal_cache_mb", SX_CFG_T_INT, 0, "256 per node", 8, 1048576, NULL, "GDAL block cache per rank in MiB"},
    {"inputs", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "named input datasets: name: path"},
    {"steps", SX_CFG_T_LIST, 1, NULL, 1, 0, NULL, "the steps to run, in order; each has `step: <type>`"},
    {"outputs", SX_CFG_T_STRING, 0, "cog", 1, 0, NULL, "files of every raster output: cog, nc or cog,nc (a step's "
     "`outputs` overrides)"},
    {"threads", SX_CFG_T_INT, 0, "the CPUs of each rank", 1, 4096, NULL, "OpenMP threads per rank"},
};

const sx_cfg_t *sx_job_cfg(const sx_job_t *job) { return job->cfg; }
const char *sx_job_out_dir(const sx_job_t *job) { return job->out_dir; }
const char *sx_job_provenance(const sx_job_t *job) { return job->provenance; }
const char *sx_job_run_provenance(const sx_job_t *job) { return job->run_provenance; }

sx_err sx_job_out_path(const sx_job_t *job, const char *file, char *buf, size_t len)
{
    return sx_job_out_file(job, file, "", buf, len);
}

int sx_job_is_command(const sx_job_t *job) { return job->command; }

/* The key of the running step whose value is name ("steps[2].state_out"), else the step itself. */
static const char *out_label(const sx_job_t *job, const char *name, char *buf, size_t len)
{
    for (size_t i = 0; job->node && !job->command && i < sx_cfg_node_len(job->node); i++) {
        const char *v = sx_cfg_node_text(sx_cfg_node_at(job->node, i));
        if (v && !strcmp(v, name)) {
            snprintf(buf, len, "%s", sx_cfg_node_path(sx_cfg_node_at(job->node, i)));
            return buf;
        }
    }
    return job->what[0] ? job->what : "output";
}

sx_err sx_job_out_file(const sx_job_t *job, const char *name, const char *ext, char *buf, size_t len)
{
    char label[256];
    sx_err err = sx_output_path_under(job->out_dir, name, ext, out_label(job, name, label, sizeof label), buf, len);
    /* A bad name is the job file's (or the command line's) fault, whatever the rule's own code. */
    if (err != SX_OK && job->command) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s", sx_err_message());
    return err;
}

/* "cog", "nc", "cog,nc" (any order; "tif" and "netcdf" too) into two flags; 0 if not one of those. */
static int parse_formats(const char *text, int *cog, int *nc)
{
    *cog = *nc = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (!strcmp(t, "cog") || !strcmp(t, "tif")) *cog = 1;
        else if (!strcmp(t, "nc") || !strcmp(t, "netcdf")) *nc = 1;
        else return 0;
    }
    return *cog || *nc;
}

sx_err sx_job_raster_formats(const sx_job_t *job, const sx_cfg_node_t *node, int *formats)
{
    const sx_cfg_node_t *f = sx_cfg_map_get(node, "outputs");
    if (!f && !job->command) f = sx_cfg_map_get(sx_cfg_root(job->cfg), "outputs");
    const char *text = f ? sx_cfg_node_text(f) : !strcmp(job->out_ext, ".nc") ? "nc" : "cog";
    int cog, nc;
    if (!text || !parse_formats(text, &cog, &nc))
        return sx_cfg_fail_at(job->cfg, f, "expected cog, nc or cog,nc (the files of each raster output), got '%s'",
                              text ? text : "");
    *formats = (cog ? SX_LAYER_COG : 0) | (nc ? SX_LAYER_NC : 0);
    return SX_OK;
}

sx_err sx_job_raster_out(const sx_job_t *job, const sx_cfg_node_t *node, const char *name, sx_job_raster_out_t *out)
{
    int formats;
    SX_CHECK(sx_job_raster_formats(job, node, &formats));
    const int cog = formats & SX_LAYER_COG, nc = formats & SX_LAYER_NC;
    SX_CHECK(sx_job_out_file(job, name, ".nc", out->nc_buf, sizeof out->nc_buf));
    SX_CHECK(sx_job_out_file(job, name, ".tif", out->tif_buf, sizeof out->tif_buf));
    out->nc = nc ? out->nc_buf : NULL;
    out->tif = cog ? out->tif_buf : NULL;
    return SX_OK;
}

sx_err sx_job_add_raster_layer(sx_job_t *job, const char *name, const sx_job_raster_out_t *out, const char *var)
{
    if (out->tif) return sx_job_add_layer(job, name, out->tif);
    return sx_job_add_nc_layer(job, name, out->nc, var);
}

sx_err sx_job_input(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char **path)
{
    const char *ref;
    SX_CHECK(sx_cfg_get_string(job->cfg, node, key, "", &ref));
    *path = NULL;
    if (!ref[0]) return SX_OK; /* required options are enforced by the step's field table */
    return sx_job_resolve(job, sx_cfg_map_get(node, key), ref, path);
}

sx_err sx_job_add_nc_layer(sx_job_t *job, const char *name, const char *nc, const char *var)
{
    if (!var) return sx_job_add_layer(job, name, nc);
    char layer[SX_PATH_MAX + 128];
    SX_FAIL_IF(snprintf(layer, sizeof layer, "NETCDF:\"%s\":%s", nc, var) >= (int)sizeof layer, SX_ERR_CONFIG,
               "output path too long: '%s'", nc);
    return sx_job_add_layer(job, name, layer);
}

sx_err sx_job_add_layer(sx_job_t *job, const char *name, const char *dataset)
{
    SX_FAIL_IF(job->nlayers == JOB_MAX_LAYERS, SX_ERR_CONFIG, "more than %d layers in one job", JOB_MAX_LAYERS);
    job->layer_name[job->nlayers] = strdup(name);
    job->layer_path[job->nlayers] = strdup(dataset);
    SX_FAIL_IF(!job->layer_name[job->nlayers] || !job->layer_path[job->nlayers], SX_ERR_NOMEM, "out of memory");
    job->nlayers++;
    return SX_OK;
}

/* A relative file name of the job that is not under the working directory but is under sanxiang's data
 * directory — a bundled job (jobs/demo.yaml) run from elsewhere with an installed command: that file, kept
 * by the job; otherwise name itself. Every rank finds the same (they share the file system). */
static sx_err bundled(sx_job_t *job, const char *name, const char **out)
{
    *out = name;
    for (int i = 0; i < job->nbundled; i++)
        if (!strcmp(job->bundled_name[i], name)) {
            *out = job->bundled_path[i];
            return SX_OK;
        }
    char path[SX_PATH_MAX];
    if (!sx_install_resolve(name, path, sizeof path)) return SX_OK;
    SX_FAIL_IF(job->nbundled == JOB_MAX_LAYERS, SX_ERR_CONFIG, "more than %d bundled input files in one job",
               JOB_MAX_LAYERS);
    job->bundled_name[job->nbundled] = strdup(name);
    job->bundled_path[job->nbundled] = strdup(path);
    SX_FAIL_IF(!job->bundled_name[job->nbundled] || !job->bundled_path[job->nbundled], SX_ERR_NOMEM, "out of memory");
    *out = job->bundled_path[job->nbundled++];
    sx_log_info("input '%s' is not under the working directory; reading sanxiang's bundled %s", name, *out);
    return SX_OK;
}

sx_err sx_job_resolve(sx_job_t *job, const sx_cfg_node_t *node, const char *ref, const char **out)
{
    if (job->command) { /* on the command line every reference is a path or GDAL dataset name */
        *out = ref;
        return SX_OK;
    }
    for (int i = job->nlayers - 1; i >= 0; i--)
        if (!strcmp(job->layer_name[i], ref)) {
            *out = job->layer_path[i];
            return SX_OK;
        }
    const sx_cfg_node_t *inputs = sx_cfg_map_get(sx_cfg_root(job->cfg), "inputs");
    const sx_cfg_node_t *in = inputs ? sx_cfg_map_get(inputs, ref) : NULL;
    if (in && sx_cfg_node_text(in)) return bundled(job, sx_cfg_node_text(in), out);
    if (strchr(ref, '/') || strchr(ref, '.') || strchr(ref, ':')) /* a path or GDAL dataset name */
        return bundled(job, ref, out);
    return sx_cfg_fail_at(job->cfg, node, "'%s' is neither an input name nor an earlier step's output; "
                                          "add it under inputs: or fix the name", ref);
}

static const sx_job_step_t *find_step(const char *name)
{
    for (const sx_job_step_t *s = sx_job_steps(); s->name; s++)
        if (!s->command_only && !strcmp(s->name, name)) return s;
    return NULL;
}

/* Validate the whole file: top level, inputs, and every step's fields. */
sx_err sx_job_validate(const sx_cfg_t *cfg)
{
    const sx_cfg_node_t *root = sx_cfg_root(cfg);
    SX_CHECK(sx_cfg_check(cfg, root, top_fields, sizeof top_fields / sizeof *top_fields));
    const sx_cfg_node_t *inputs = sx_cfg_map_get(root, "inputs");
    for (size_t i = 0; inputs && i < sx_cfg_node_len(inputs); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(inputs, i);
        if (sx_cfg_node_kind(v) != SX_CFG_SCALAR || !sx_cfg_node_text(v)[0])
            return sx_cfg_fail_at(cfg, v, "an input must be a path or GDAL dataset name");
    }
    const sx_cfg_node_t *steps = sx_cfg_map_get(root, "steps");
    if (sx_cfg_node_len(steps) == 0) return sx_cfg_fail_at(cfg, steps, "the job has no steps; add at least one");
    for (size_t i = 0; i < sx_cfg_node_len(steps); i++) {
        const sx_cfg_node_t *st = sx_cfg_node_at(steps, i);
        if (sx_cfg_node_kind(st) != SX_CFG_MAP) return sx_cfg_fail_at(cfg, st, "a step must be a mapping with `step: <type>`");
        const sx_cfg_node_t *type = sx_cfg_map_get(st, "step");
        if (!type || !sx_cfg_node_text(type)) return sx_cfg_fail_at(cfg, st, "missing required key 'step' (the step type)");
        const sx_job_step_t *s = find_step(sx_cfg_node_text(type));
        if (!s) {
            char allowed[512] = "";
            for (const sx_job_step_t *k = sx_job_steps(); k->name; k++)
                if (!k->command_only)
                    snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
                             allowed[0] ? ", " : "", k->name);
            return sx_cfg_fail_at(cfg, type, "unknown step type '%s'; known: %s", sx_cfg_node_text(type), allowed);
        }
        SX_CHECK(sx_cfg_check(cfg, st, s->fields, s->nfields));
    }
    return SX_OK;
}

void sx__job_free(sx_job_t *job)
{
    for (int i = 0; i < job->nlayers; i++) {
        free(job->layer_name[i]);
        free(job->layer_path[i]);
    }
    for (int i = 0; i < job->nbundled; i++) {
        free(job->bundled_name[i]);
        free(job->bundled_path[i]);
    }
    free(job->provenance);
    free(job->run_provenance);
    sx_cfg_destroy(&job->cfg);
}

static sx_err write_run_record(sx_job_t *job, MPI_Comm comm)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_err err = SX_OK;
    if (rank == 0) {
        char *cfg_json = NULL, path[SX_PATH_MAX];
        err = sx_cfg_to_json(job->cfg, &cfg_json);
        if (err == SX_OK) err = sx_job_out_path(job, "run.json", path, sizeof path);
        if (err == SX_OK) {
            sx_strbuf_t sb;
            sx_strbuf_init(&sb);
            sx_strbuf_printf(&sb, "{\n\"provenance\": %s,\n\"configuration\": %s\n}\n", job->run_provenance, cfg_json);
            err = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : sx_write_text_file(path, sb.data);
            sx_strbuf_fini(&sb);
        }
        free(cfg_json);
    }
    return sx_err_agree(comm, err);
}

static sx_err add_layer_cb(void *ctx, const char *name, const char *dataset)
{
    return sx_job_add_layer(ctx, name, dataset);
}

static sx_err config_sha(const sx_cfg_t *cfg, char hex[65])
{
    char *json = NULL;
    SX_CHECK(sx_cfg_to_json(cfg, &json));
    sx_sha256_hex(json, strlen(json), hex);
    free(json);
    return SX_OK;
}

static sx_err stop_if_signalled(MPI_Comm comm, size_t done, size_t nsteps)
{
    int sig = 0;
    SX_CHECK(sx_signal_agree(comm, &sig));
    SX_FAIL_IF(sig, SX_ERR_INTERRUPTED,
               "stopped by signal %d after %zu of %zu step(s); run the same command with the same output "
               "directory to resume (a requeued Slurm job does)", sig, done, nsteps);
    return SX_OK;
}

/* One step, its products committed together (sx_output_txn_*): all of them or none. */
sx_err sx__job_run_step(sx_job_t *job, const sx_job_step_t *s, const sx_cfg_node_t *node, MPI_Comm comm)
{
    job->node = node;
    int intermediate = 0;
    SX_CHECK(sx_cfg_get_bool(job->cfg, node, "intermediate", 0, &intermediate));
    /* In a job, raster layers stay in the ranks' memory for the later steps (sx_layer_mem.h); an intermediate
     * step's rasters are not written at all. A command has no later step. */
    sx_layer_mem_policy(!job->command, !intermediate);
    sx_output_txn_begin();
    sx_err err = s->run(job, node, comm);
    err = sx_output_txn_end(comm, err);
    sx_layer_mem_policy(0, 1);
    return err;
}

/* Does any scalar under n name `name` (the whole text, or one NAME=name item of a "k=v,k=v" list)? */
static int mentions(const sx_cfg_node_t *n, const char *name)
{
    const char *t = sx_cfg_node_text(n);
    if (t) {
        size_t len = strlen(name);
        for (const char *p = strstr(t, name); p; p = strstr(p + 1, name))
            if ((p == t || p[-1] == '=' || p[-1] == ',') && (p[len] == '\0' || p[len] == ',')) return 1;
        return 0;
    }
    for (size_t i = 0; i < sx_cfg_node_len(n); i++)
        if (mentions(sx_cfg_node_at(n, i), name)) return 1;
    return 0;
}

/* After step `done` (0-based) of steps: forget the kept layers no later step names. */
static void drop_unused_layers(sx_job_t *job, const sx_cfg_node_t *steps, size_t done)
{
    for (int l = 0; l < job->nlayers; l++) {
        int later = 0;
        for (size_t i = done + 1; i < sx_cfg_node_len(steps) && !later; i++) {
            const sx_cfg_node_t *st = sx_cfg_node_at(steps, i);
            later = mentions(st, job->layer_name[l]) || mentions(st, job->layer_path[l]);
        }
        if (!later) sx_layer_mem_drop(job->layer_path[l]);
    }
}

sx_err sx_job_run_file(MPI_Comm comm, const char *path, char *const *sets, int nsets, const char *out_dir, int argc,
                       char **argv)
{
    sx_job_t job = {0};
    sx_err err = SX_OK;
    double t0 = sx_now();
    SX_CHECK_GOTO(sx_cfg_load(comm, path, sets, nsets, &job.cfg), err, done);
    SX_CHECK_GOTO(sx_err_agree(comm, sx_job_validate(job.cfg)), err, done);

    const sx_cfg_node_t *root = sx_cfg_root(job.cfg);
    const char *name = NULL, *dir = NULL;
    int64_t cache_mb = 0;
    SX_CHECK_GOTO(sx_cfg_get_string(job.cfg, root, "job", "job", &name), err, done);
    SX_CHECK_GOTO(sx_cfg_get_string(job.cfg, root, "output_dir", NULL, &dir), err, done);
    SX_CHECK_GOTO(sx_cfg_get_int(job.cfg, root, "gdal_cache_mb", 0, &cache_mb), err, done);
    if (out_dir) snprintf(job.out_dir, sizeof job.out_dir, "%s", out_dir);
    else if (dir) snprintf(job.out_dir, sizeof job.out_dir, "%s", dir);
    else { /* out/<job>: the name must be a plain name, not a way out of out/ */
        err = sx_output_path_under("out", name, "", "job", job.out_dir, sizeof job.out_dir);
        if (err != SX_OK) {
            err = sx_cfg_fail_at(job.cfg, sx_cfg_map_get(root, "job"), "%s", sx_err_message());
            goto done;
        }
    }
    SX_CHECK_GOTO(sx_gdal_init(cache_mb), err, done);
    if (sx_cfg_map_get(root, "threads")) { /* the job's own thread count, before its steps (sx_threads.h) */
        int64_t threads = 0;
        SX_CHECK_GOTO(sx_cfg_get_int(job.cfg, root, "threads", 0, &threads), err, done);
        SX_CHECK_GOTO(sx_threads_init((int)threads, "the job's threads key"), err, done);
    }
    SX_CHECK_GOTO(sx_provenance_json(comm, job.cfg, argc, argv, &job.provenance), err, done);
    SX_CHECK_GOTO(sx_provenance_run_json(comm, job.cfg, argc, argv, &job.run_provenance), err, done);
    sx_log_info("job '%s' from %s: %zu step(s), %d rank(s), output in %s", name, path,
                sx_cfg_node_len(sx_cfg_map_get(root, "steps")), sx_mpi_size(), job.out_dir);

    const sx_cfg_node_t *steps = sx_cfg_map_get(root, "steps");
    size_t nsteps = sx_cfg_node_len(steps);
    char sha[65];
    int resumed = 0;
    SX_CHECK_GOTO(config_sha(job.cfg, sha), err, done);
    SX_CHECK_GOTO(sx_job_progress_load(comm, job.out_dir, sha, &resumed, add_layer_cb, &job), err, done);
    for (int i = 0; i < resumed; i++) { /* an intermediate step's layers lived in memory: run it again */
        int inter = 0;
        SX_CHECK_GOTO(sx_cfg_get_bool(job.cfg, sx_cfg_node_at(steps, (size_t)i), "intermediate", 0, &inter), err, done);
        if (inter) resumed = i;
    }
    if (resumed > 0)
        sx_log_info("resuming: %d of %zu step(s) already done in %s", resumed, nsteps, job.out_dir);
    for (size_t i = (size_t)resumed; i < nsteps; i++) {
        SX_CHECK_GOTO(stop_if_signalled(comm, i, nsteps), err, done);
        const sx_cfg_node_t *st = sx_cfg_node_at(steps, i);
        const sx_job_step_t *s = find_step(sx_cfg_node_text(sx_cfg_map_get(st, "step")));
        double ts = sx_now();
        sx_log_info("step %zu/%zu: %s", i + 1, nsteps, s->name);
        snprintf(job.what, sizeof job.what, "%s (%s)", sx_cfg_node_path(st), s->name);
        SX_CHECK_GOTO(sx__job_run_step(&job, s, st, comm), err, done);
        drop_unused_layers(&job, steps, i);
        sx_log_info("step %zu/%zu: %s done in %.2f s", i + 1, nsteps, s->name, sx_now() - ts);
        SX_CHECK_GOTO(sx_job_progress_save(comm, job.out_dir, sha, (int)i + 1, job.nlayers, job.layer_name,
                                           job.layer_path), err, done);
    }
    SX_CHECK_GOTO(write_run_record(&job, comm), err, done);
    char perf_path[SX_PATH_MAX];
    SX_CHECK_GOTO(sx_job_out_path(&job, "perf.json", perf_path, sizeof perf_path), err, done);
    char *perf_json = NULL;
    err = sx_perf_report(comm, &perf_json);
    if (err == SX_OK && perf_json) err = sx_write_text_file(perf_path, perf_json); /* rank 0 */
    free(perf_json);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(sx_job_progress_clear(comm, job.out_dir), err, done);
    sx_log_info("job '%s' finished in %.2f s; outputs in %s/", name, sx_now() - t0, job.out_dir);
done:
    sx_layer_mem_clear();
    sx__job_free(&job);
    return err;
}

sx_err sx_job_file_has_step(MPI_Comm comm, const char *path, const char *step, const char *command)
{
    sx_cfg_t *cfg = NULL;
    SX_CHECK(sx_cfg_load(comm, path, NULL, 0, &cfg));
    const sx_cfg_node_t *steps = sx_cfg_map_get(sx_cfg_root(cfg), "steps");
    int found = 0;
    for (size_t i = 0; i < sx_cfg_node_len(steps); i++) {
        const char *t = sx_cfg_node_text(sx_cfg_map_get(sx_cfg_node_at(steps, i), "step"));
        found |= t && !strcmp(t, step);
    }
    sx_cfg_destroy(&cfg);
    SX_FAIL_IF(!found, SX_ERR_CONFIG, "%s: has no `step: %s`; `%s` runs job files with that step (see sanxiang run --help)",
               path, step, command);
    return SX_OK;
}

void sx_job_print_file_help(void)
{
    if (sx_mpi_rank() != 0) return;
    printf("Top-level keys:\n");
    sx_cfg_print_fields(top_fields, sizeof top_fields / sizeof *top_fields, 2);
    printf("\nStep types (each also a command where one is named):\n");
    for (const sx_job_step_t *s = sx_job_steps(); s->name; s++) {
        if (s->command_only) continue;
        printf("\n  step: %s — %s%s%s%s\n", s->name, s->summary, s->command ? " (sanxiang " : "",
               s->command ? s->command : "", s->command ? ")" : "");
        sx_cfg_print_fields(s->fields, s->nfields, 4);
    }
}
