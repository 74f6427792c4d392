/*
 * cells.h — the tests' typed cell store: put v, converted to cell type t,
 * at index k of buf (shared by the COG writer's unit and MPI tests).
 */
#ifndef SX_TEST_CELLS_H
#define SX_TEST_CELLS_H

#include <stdint.h>

#include "sanxiang/sx_grid.h"

static inline void cells_put(sx_dtype t, void *buf, int64_t k, double v)
{
    switch (t) {
    case SX_DT_UINT8: ((uint8_t *)buf)[k] = (uint8_t)v; break;
    case SX_DT_INT16: ((int16_t *)buf)[k] = (int16_t)v; break;
    case SX_DT_UINT16: ((uint16_t *)buf)[k] = (uint16_t)v; break;
    case SX_DT_INT32: ((int32_t *)buf)[k] = (int32_t)v; break;
    case SX_DT_UINT32: ((uint32_t *)buf)[k] = (uint32_t)v; break;
    case SX_DT_INT64: ((int64_t *)buf)[k] = (int64_t)v; break;
    case SX_DT_FLOAT32: ((float *)buf)[k] = (float)v; break;
    default: ((double *)buf)[k] = v; break;
    }
}

#endif
