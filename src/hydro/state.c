/*
 * state.c — hot start: the end state of a forecast run saved to HDF5 and
 * restored by the next run, so runs follow one another through the flood
 * season. A state carries its basin name, valid time, and per sub-basin the
 * model kind and the fingerprint of the parameter set (sx_hydro.h), so a
 * state from another basin or another calibration is refused, never used.
 * Reservoir nodes keep their storage, level, release and inflow at the
 * state's time, so the next run routes on from there.
 * The file is small and written by one rank (serial access through the
 * parallel HDF5 library), under a temporary name then renamed.
 */
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_output.h"

#define H5OK(call, ...)                                                          \
    do {                                                                         \
        if ((call) < 0) {                                                        \
            err = sx_err_set(SX_ERR_HDF5, SX__FILE, __LINE__, __VA_ARGS__);      \
            goto done;                                                           \
        }                                                                        \
    } while (0)

#define RES_VALUES "storage_m3,level_m,release_m3s,inflow_m3s"

sx_err sx_hydro_state_save(const char *path, const char *basin, const char *time, int nunits, const char *const *ids,
                           sx_hydro_model_t *const *models, const sx_hydro_reach_states_t *reaches)
{
    sx_output_t out; /* hidden temporary name, committed with the step's other products */
    SX_CHECK(sx_output_begin_local(path, &out));
    const char *tmp = out.tmp_path;
    sx_err err = SX_OK;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), g = -1, u = -1;
    SX_FAIL_IF(f < 0, SX_ERR_IO, "cannot create the state file '%s'", tmp);
    H5OK(H5LTset_attribute_string(f, "/", "basin", basin), "cannot write basin to %s", tmp);
    H5OK(H5LTset_attribute_string(f, "/", "time", time), "cannot write time to %s", tmp);
    H5OK(H5LTset_attribute_string(f, "/", "conventions", "sanxiang hydro state 1"), "cannot write %s", tmp);
    H5OK(g = H5Gcreate2(f, "units", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group units in %s", tmp);
    for (int i = 0; i < nunits; i++) {
        const sx_hydro_model_t *m = models[i];
        const sx_hydro_kind_t *k = sx_hydro_model_kind(m);
        char fp[65];
        sx_hydro_model_fingerprint(m, fp);
        H5OK(u = H5Gcreate2(g, ids[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create unit '%s' in %s", ids[i], tmp);
        hsize_t np = (hsize_t)sx_hydro_kind_nparams(k), ns = (hsize_t)sx_hydro_model_state_len(m);
        H5OK(H5LTmake_dataset_double(u, "params", 1, &np, sx_hydro_model_params(m)), "cannot write params of %s", ids[i]);
        H5OK(H5LTmake_dataset_double(u, "state", 1, &ns, sx_hydro_model_state(m)), "cannot write state of %s", ids[i]);
        H5OK(H5LTset_attribute_string(u, ".", "model", sx_hydro_kind_name(k)), "cannot write model of %s", ids[i]);
        H5OK(H5LTset_attribute_string(u, ".", "parameter_set_sha256", fp), "cannot write fingerprint of %s", ids[i]);
        H5Gclose(u);
        u = -1;
    }
    if (reaches && reaches->n > 0) {
        H5Gclose(g);
        H5OK(g = H5Gcreate2(f, "reaches", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group reaches in %s", tmp);
        for (int i = 0; i < reaches->n; i++) {
            hsize_t n = (hsize_t)reaches->len[i];
            H5OK(u = H5Gcreate2(g, reaches->ids[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create reach '%s'",
                 reaches->ids[i]);
            H5OK(H5LTmake_dataset_double(u, "state", 1, &n, reaches->st[i]), "cannot write reach '%s'", reaches->ids[i]);
            H5OK(H5LTset_attribute_string(u, ".", "reach", reaches->tags[i]), "cannot write reach '%s'", reaches->ids[i]);
            H5Gclose(u);
            u = -1;
        }
    }
    if (reaches && reaches->nres > 0) {
        H5Gclose(g);
        H5OK(g = H5Gcreate2(f, "reservoirs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group reservoirs in %s",
             tmp);
        hsize_t four = 4;
        for (int i = 0; i < reaches->nres; i++) {
            const char *id = reaches->res_ids[i];
            H5OK(H5LTmake_dataset_double(g, id, 1, &four, reaches->res_st[i]), "cannot write reservoir '%s'", id);
            H5OK(H5LTset_attribute_string(g, id, "values", RES_VALUES), "cannot write reservoir '%s'", id);
        }
    }
done:
    if (u >= 0) H5Gclose(u);
    if (g >= 0) H5Gclose(g);
    if (H5Fclose(f) < 0 && err == SX_OK) err = sx_err_set(SX_ERR_HDF5, SX__FILE, __LINE__, "cannot close %s", tmp);
    return sx_output_commit_local(&out, err);
}

static sx_err get_string(hid_t loc, const char *obj, const char *name, char *buf, size_t len, const char *path)
{
    hsize_t dims;
    H5T_class_t cls;
    size_t size;
    SX_FAIL_IF(H5LTget_attribute_info(loc, obj, name, &dims, &cls, &size) < 0 || size >= len, SX_ERR_INPUT,
               "state file '%s' lacks attribute '%s' on '%s'; it was not written by sanxiang hydro", path, name, obj);
    SX_FAIL_IF(H5LTget_attribute_string(loc, obj, name, buf) < 0, SX_ERR_HDF5, "cannot read '%s' from %s", name, path);
    return SX_OK;
}

static sx_err load_reaches(hid_t f, const char *path, const sx_hydro_reach_states_t *r)
{
    if (!r || r->n == 0) return SX_OK;
    SX_FAIL_IF(H5Lexists(f, "reaches", H5P_DEFAULT) <= 0, SX_ERR_INPUT,
               "state '%s' has no channel-reach states but this network routes through reaches; start cold", path);
    hid_t g = H5Gopen2(f, "reaches", H5P_DEFAULT);
    SX_FAIL_IF(g < 0, SX_ERR_HDF5, "cannot open reaches in %s", path);
    sx_err err = SX_OK;
    for (int i = 0; i < r->n && !err; i++) {
        char tag[256], dname[300];
        hsize_t dims = 0;
        H5T_class_t cls;
        size_t size;
        if (H5Lexists(g, r->ids[i], H5P_DEFAULT) <= 0) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "state '%s' has no reach below sub-basin '%s'", path, r->ids[i]);
            break;
        }
        if ((err = get_string(g, r->ids[i], "reach", tag, sizeof tag, path))) break;
        if (strcmp(tag, r->tags[i])) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "state '%s' reach below '%s' was routed with %s, this run uses %s; start cold", path,
                             r->ids[i], tag, r->tags[i]);
            break;
        }
        snprintf(dname, sizeof dname, "%s/state", r->ids[i]);
        if (H5LTget_dataset_info(g, dname, &dims, &cls, &size) < 0 || (int64_t)dims != r->len[i] ||
            H5LTread_dataset_double(g, dname, r->st[i]) < 0)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "state '%s': reach below '%s' is unreadable or has the "
                             "wrong length", path, r->ids[i]);
    }
    H5Gclose(g);
    return err;
}

static sx_err load_reservoirs(hid_t f, const char *path, const sx_hydro_reach_states_t *r)
{
    if (!r || r->nres == 0) return SX_OK;
    SX_FAIL_IF(H5Lexists(f, "reservoirs", H5P_DEFAULT) <= 0, SX_ERR_INPUT,
               "state '%s' has no reservoir states but this network has reservoirs (a state of an older version or "
               "another network); start cold with each reservoir's initial_level", path);
    hid_t g = H5Gopen2(f, "reservoirs", H5P_DEFAULT);
    SX_FAIL_IF(g < 0, SX_ERR_HDF5, "cannot open reservoirs in %s", path);
    sx_err err = SX_OK;
    for (int i = 0; i < r->nres && !err; i++) {
        const char *id = r->res_ids[i];
        char what[128];
        hsize_t dims = 0;
        H5T_class_t cls;
        size_t size;
        if (H5Lexists(g, id, H5P_DEFAULT) <= 0)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "state '%s' has no reservoir '%s'; start cold with its initial_level", path, id);
        else if ((err = get_string(g, id, "values", what, sizeof what, path)))
            break;
        else if (strcmp(what, RES_VALUES) || H5LTget_dataset_info(g, id, &dims, &cls, &size) < 0 || dims != 4 ||
                 H5LTread_dataset_double(g, id, r->res_st[i]) < 0)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "state '%s': reservoir '%s' is unreadable (want %s)",
                             path, id, RES_VALUES);
    }
    H5Gclose(g);
    return err;
}

sx_err sx_hydro_state_load(const char *path, const char *basin, int nunits, const char *const *ids,
                           sx_hydro_model_t *const *models, char *time_out, const sx_hydro_reach_states_t *reaches)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    SX_FAIL_IF(access(path, R_OK) != 0, SX_ERR_IO, "cannot read the hot-start state '%s'", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), g = -1;
    SX_FAIL_IF(f < 0, SX_ERR_INPUT, "'%s' is not an HDF5 state file", path);
    sx_err err = SX_OK;
    char buf[256], tm[64];
    double *st = NULL;
    SX_CHECK_GOTO(get_string(f, "/", "basin", buf, sizeof buf, path), err, done);
    if (strcmp(buf, basin)) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "state '%s' belongs to basin '%s', not '%s'; start this basin cold or give its own state", path,
                         buf, basin);
        goto done;
    }
    SX_CHECK_GOTO(get_string(f, "/", "time", tm, sizeof tm, path), err, done);
    H5OK(g = H5Gopen2(f, "units", H5P_DEFAULT), "state '%s' has no units group", path);
    for (int i = 0; i < nunits; i++) {
        if (H5Lexists(g, ids[i], H5P_DEFAULT) <= 0) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "state '%s' has no sub-basin '%s'", path, ids[i]);
            goto done;
        }
        const sx_hydro_model_t *m = models[i];
        SX_CHECK_GOTO(get_string(g, ids[i], "model", buf, sizeof buf, path), err, done);
        if (strcmp(buf, sx_hydro_kind_name(sx_hydro_model_kind(m)))) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "state '%s' sub-basin '%s' was run with model %s, not %s",
                             path, ids[i], buf, sx_hydro_kind_name(sx_hydro_model_kind(m)));
            goto done;
        }
        char fp[65];
        sx_hydro_model_fingerprint(m, fp);
        SX_CHECK_GOTO(get_string(g, ids[i], "parameter_set_sha256", buf, sizeof buf, path), err, done);
        if (strcmp(buf, fp)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "state '%s' sub-basin '%s' was saved with a different parameter set (sha256 %.12s…, this "
                             "run %.12s…); a state is only valid for the parameters that produced it — start cold",
                             path, ids[i], buf, fp);
            goto done;
        }
        char dname[300];
        snprintf(dname, sizeof dname, "%s/state", ids[i]);
        hsize_t dims = 0;
        H5T_class_t cls;
        size_t size;
        H5OK(H5LTget_dataset_info(g, dname, &dims, &cls, &size), "state '%s' sub-basin '%s' has no state", path, ids[i]);
        st = malloc((size_t)dims * sizeof *st + 1);
        if (!st) {
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
            goto done;
        }
        H5OK(H5LTread_dataset_double(g, dname, st), "cannot read %s from %s", dname, path);
        SX_CHECK_GOTO(sx_hydro_model_restore(models[i], st, (int64_t)dims), err, done);
        free(st);
        st = NULL;
    }
    SX_CHECK_GOTO(load_reaches(f, path, reaches), err, done);
    SX_CHECK_GOTO(load_reservoirs(f, path, reaches), err, done);
    if (time_out) snprintf(time_out, 64, "%s", tm);
done:
    free(st);
    if (g >= 0) H5Gclose(g);
    H5Fclose(f);
    return err;
}
