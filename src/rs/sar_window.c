/*
 * sar_window.c — the image window a SAR calibration works on (`--srcwin`),
 * shared by the Sentinel-1 (s1_calibrate.c) and GF-3 (gf3_sar.c) paths, so
 * that neither calibration file depends on the other for it.
 */
#include "rs/sar_internal.h"

sx_err sx__sar_window(const int64_t *win, int64_t nx, int64_t ny, const char *name, int64_t *w)
{
    const int all = win[2] == 0;
    for (int k = 0; k < 4; k++) w[k] = all ? (k == 2 ? nx : k == 3 ? ny : 0) : win[k];
    SX_FAIL_IF(w[0] < 0 || w[1] < 0 || w[2] <= 0 || w[3] <= 0 || w[0] + w[2] > nx || w[1] + w[3] > ny, SX_ERR_USAGE,
               "--srcwin %lld %lld %lld %lld is not inside the %lld x %lld image of %s", (long long)w[0], (long long)w[1],
               (long long)w[2], (long long)w[3], (long long)nx, (long long)ny, name);
    return SX_OK;
}
