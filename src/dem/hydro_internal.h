/*
 * hydro_internal.h — pieces shared by the hydrology kernels of src/dem that
 * are not about frames or queues (pad.h, cellq.h, fixpoint.h have those).
 */
#ifndef SX_DEM_HYDRO_INTERNAL_H
#define SX_DEM_HYDRO_INTERNAL_H

#include <stdint.h>
#include "sanxiang/sx_err.h"
#include "sanxiang/sx_hydrology.h"

/** sx_d8_decode with an error that names the raster and the cell. */
sx_err sx__d8_decode_at(sx_d8_encoding e, double code, const char *name, int64_t col, int64_t row, uint8_t *dir);

#endif
