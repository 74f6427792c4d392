/*
 * layer_mem.c — the registry of layers kept in the ranks' memory between the
 * steps of a job (see sx_layer_mem.h).
 *
 * Each entry holds this rank's block of one layer in the layer's own type,
 * the writer's grid, and the dataset names it answers to. Entries are
 * process-local: every rank keeps its own block, and the ranks agree only on
 * whether a layer is kept at all (so a step never mixes memory and file reads
 * of one layer across ranks by accident of budget — it may, and that is
 * harmless, but the decision is collective to keep messages single).
 */
#include "sanxiang/sx_layer_mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

#define MAX_NAMES 3

struct sx_mem_layer {
    char *names[MAX_NAMES];
    int nnames;
    sx_grid_t grid;
    sx_window_t own;
    sx_dtype dtype;
    void *data; /* own.ny rows of own.nx cells of dtype */
    int has_file;
    struct sx_mem_layer *next;
};

static struct {
    int keep, write_files;
    sx_mem_layer_t *head;
    int64_t bytes;
} reg = {0, 1, NULL, 0};

void sx_layer_mem_policy(int keep, int write_files)
{
    reg.keep = keep;
    reg.write_files = write_files;
}

int sx_layer_mem_writes_files(void) { return reg.write_files; }
int64_t sx_layer_mem_bytes(void) { return reg.bytes; }

static int64_t budget_bytes(void)
{
    const char *e = getenv("SX_KEEP_MB");
    if (e && *e) return (int64_t)atoll(e) * 1024 * 1024;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    int local = sx_mpi_local_size() > 0 ? sx_mpi_local_size() : 1;
    return pages > 0 && page > 0 ? (int64_t)pages * page / 2 / local : (int64_t)1 << 30;
}

static void free_entry(sx_mem_layer_t *m)
{
    for (int i = 0; i < m->nnames; i++) free(m->names[i]);
    sx_grid_fini(&m->grid);
    reg.bytes -= sx_window_cells(m->own) * (int64_t)sx_dtype_size(m->dtype);
    free(m->data);
    free(m);
}

void sx_layer_mem_drop(const char *name)
{
    for (sx_mem_layer_t **p = &reg.head; *p; p = &(*p)->next)
        for (int i = 0; i < (*p)->nnames; i++)
            if (!strcmp((*p)->names[i], name)) {
                sx_mem_layer_t *m = *p;
                *p = m->next;
                free_entry(m);
                return;
            }
}

void sx_layer_mem_clear(void)
{
    while (reg.head) {
        sx_mem_layer_t *m = reg.head;
        reg.head = m->next;
        free_entry(m);
    }
}

const sx_mem_layer_t *sx__layer_mem_find(const char *name)
{
    for (const sx_mem_layer_t *m = reg.head; m; m = m->next)
        for (int i = 0; i < m->nnames; i++)
            if (!strcmp(m->names[i], name)) return m;
    return NULL;
}

const sx_grid_t *sx__layer_mem_grid(const sx_mem_layer_t *m) { return &m->grid; }
int sx__layer_mem_has_file(const sx_mem_layer_t *m) { return m->has_file; }

sx_err sx_layer_mem_keep(MPI_Comm comm, const char *const *names, int nnames, const sx_grid_t *grid, sx_window_t own,
                         const void *data, int64_t row_stride, sx_dtype dtype, double fill, int must)
{
    if (!reg.keep) return SX_OK;
    const size_t esz = sx_dtype_size(dtype);
    const int64_t bytes = sx_window_cells(own) * (int64_t)esz;
    int fits = reg.bytes + bytes <= budget_bytes(), all_fit = 0;
    SX_CHECK_MPI(MPI_Allreduce(&fits, &all_fit, 1, MPI_INT, MPI_MIN, comm));
    if (!all_fit) {
        SX_FAIL_IF(must, SX_ERR_NOMEM,
                   "layer '%s' is intermediate (kept in memory, not written) but the layers kept so far and it would "
                   "pass SX_KEEP_MB on some rank; remove `intermediate: true`, or raise SX_KEEP_MB",
                   nnames ? names[0] : "?");
        sx_log_info("keeping '%s' in memory would pass SX_KEEP_MB; later steps read its file", nnames ? names[0] : "?");
        return SX_OK;
    }
    for (int i = 0; i < nnames; i++) sx_layer_mem_drop(names[i]); /* written again: the new one stands */
    sx_mem_layer_t *m = calloc(1, sizeof *m);
    sx_err err = m ? sx_grid_copy(&m->grid, grid) : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (err == SX_OK) {
        m->grid.dtype = dtype;
        m->grid.has_nodata = 1;
        m->grid.nodata = fill;
        m->own = own;
        m->dtype = dtype;
        m->has_file = !must;
        m->data = malloc(bytes > 0 ? (size_t)bytes : 1);
        if (!m->data)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot keep %lld bytes of layer '%s' in memory",
                             (long long)bytes, nnames ? names[0] : "?");
    }
    for (int i = 0; err == SX_OK && i < nnames && i < MAX_NAMES; i++) {
        m->names[i] = strdup(names[i]);
        if (!m->names[i]) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        else m->nnames++;
    }
    if (err != SX_OK) {
        if (m) {
            sx_grid_fini(&m->grid);
            for (int i = 0; i < m->nnames; i++) free(m->names[i]);
            free(m->data);
            free(m);
        }
        return sx_err_agree(comm, err);
    }
    for (int64_t j = 0; j < own.ny; j++)
        memcpy((char *)m->data + (size_t)j * (size_t)own.nx * esz, (const char *)data + (size_t)j * (size_t)row_stride * esz,
               (size_t)own.nx * esz);
    m->next = reg.head;
    reg.head = m;
    reg.bytes += bytes;
    return sx_err_agree(comm, SX_OK);
}

static double load(const void *p, sx_dtype t, int64_t i)
{
    switch (t) {
    case SX_DT_UINT8: return ((const uint8_t *)p)[i];
    case SX_DT_INT16: return ((const int16_t *)p)[i];
    case SX_DT_UINT16: return ((const uint16_t *)p)[i];
    case SX_DT_INT32: return ((const int32_t *)p)[i];
    case SX_DT_UINT32: return ((const uint32_t *)p)[i];
    case SX_DT_INT64: return (double)((const int64_t *)p)[i];
    case SX_DT_FLOAT32: return ((const float *)p)[i];
    case SX_DT_FLOAT64: return ((const double *)p)[i];
    default: return NAN;
    }
}

/* As GDAL converts: integers round to nearest and saturate at the type's range. */
static void store(void *p, sx_dtype t, int64_t i, double v)
{
    double r = t == SX_DT_FLOAT32 || t == SX_DT_FLOAT64 || isnan(v) ? 0 : nearbyint(v);
#define SAT(lo, hi) (r < (lo) ? (lo) : r > (hi) ? (hi) : r)
    switch (t) {
    case SX_DT_UINT8: ((uint8_t *)p)[i] = (uint8_t)SAT(0, 255); break;
    case SX_DT_INT16: ((int16_t *)p)[i] = (int16_t)SAT(-32768, 32767); break;
    case SX_DT_UINT16: ((uint16_t *)p)[i] = (uint16_t)SAT(0, 65535); break;
    case SX_DT_INT32: ((int32_t *)p)[i] = (int32_t)SAT(-2147483648.0, 2147483647.0); break;
    case SX_DT_UINT32: ((uint32_t *)p)[i] = (uint32_t)SAT(0, 4294967295.0); break;
    case SX_DT_INT64: ((int64_t *)p)[i] = (int64_t)SAT(-9.2233720368547758e18, 9.2233720368547748e18); break;
    case SX_DT_FLOAT32: ((float *)p)[i] = (float)v; break;
    case SX_DT_FLOAT64: ((double *)p)[i] = v; break;
    default: break;
    }
#undef SAT
}

sx_err sx__layer_mem_read(const sx_mem_layer_t *m, int64_t x0, int64_t y0, int64_t nx, int64_t ny, sx_dtype buf_type,
                          void *buf, int64_t row_stride, int *ok)
{
    const sx_window_t o = m->own;
    *ok = x0 >= o.x0 && y0 >= o.y0 && x0 + nx <= o.x0 + o.nx && y0 + ny <= o.y0 + o.ny;
    if (!*ok) return SX_OK;
    const size_t sz = sx_dtype_size(m->dtype), bsz = sx_dtype_size(buf_type);
    for (int64_t j = 0; j < ny; j++) {
        const char *src = (const char *)m->data + ((size_t)(y0 - o.y0 + j) * (size_t)o.nx + (size_t)(x0 - o.x0)) * sz;
        char *dst = (char *)buf + (size_t)j * (size_t)row_stride * bsz;
        if (buf_type == m->dtype) memcpy(dst, src, (size_t)nx * sz);
        else if (buf_type == SX_DT_FLOAT64)
            for (int64_t i = 0; i < nx; i++) ((double *)dst)[i] = load(src, m->dtype, i);
        else if (buf_type == SX_DT_FLOAT32)
            for (int64_t i = 0; i < nx; i++) ((float *)dst)[i] = (float)load(src, m->dtype, i);
        else
            for (int64_t i = 0; i < nx; i++) store(dst, buf_type, i, load(src, m->dtype, i));
    }
    sx_perf_add_bytes_memory(nx * ny * (int64_t)sz);
    return SX_OK;
}
