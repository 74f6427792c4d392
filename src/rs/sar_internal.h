/*
 * sar_internal.h — pieces shared by the SAR calibration of Sentinel-1
 * (s1_calibrate.c) and GF-3 (gf3_sar.c).
 */
#ifndef SX_RS_SAR_INTERNAL_H
#define SX_RS_SAR_INTERNAL_H

#include <stdint.h>
#include "sanxiang/sx_err.h"

/** The window to calibrate of an nx x ny image (name for the message):
 *  win (x0, y0, nx, ny; nx = 0: the whole image) into w, refused with the
 *  usage error when it does not lie inside the image. Not collective. */
sx_err sx__sar_window(const int64_t *win, int64_t nx, int64_t ny, const char *name, int64_t *w);

#endif
