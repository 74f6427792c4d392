/*
 * classes.c — the conventions of a class map, in one place for the verbs
 * that read one (rs accuracy, rs patches, rs sample): a cell holds a class,
 * a whole number 0 .. 254, or is "not mapped" (NaN, the file's nodata, which
 * reading turns into NaN, or 255, the UInt8 nodata of sanxiang's class
 * outputs); any other value is an error the caller reports with its cell.
 * Also the band description under which a class map is opened: never
 * scaled, whatever reflectance rules would say about its file.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rs/rs_internal.h"

int sx__rs_class_of(double v, int *cls)
{
    if (isnan(v) || v == 255) return 0;
    if (!(v >= 0 && v < 255 && v == floor(v))) return -1;
    *cls = (int)v;
    return 1;
}

void sx__rs_class_band(sx_rs_band_t *b, const char *name, const char *path, int band)
{
    memset(b, 0, sizeof *b);
    b->name = name;
    b->path = path;
    b->band = band > 0 ? band : 1;
    b->scale = 1;
    b->scale_source = SX_RS_SCALE_EXPLICIT;
    snprintf(b->scale_note, sizeof b->scale_note, "class map, not scaled");
}
