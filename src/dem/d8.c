/*
 * d8.c — the D8 neighbour order and the ESRI / TauDEM direction codes.
 *
 * Internally a direction is the neighbour index 0..7 in the order of Barnes'
 * reference code (W, NW, N, NE, E, SE, S, SW); files carry ESRI codes
 * (1 E, 2 SE, 4 S, 8 SW, 16 W, 32 NW, 64 N, 128 NE) or TauDEM codes (1 E,
 * 2 NE, 3 N, 4 NW, 5 W, 6 SW, 7 S, 8 SE). Code 0 is a cell without direction
 * and 255 nodata in both.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"

const int sx_d8_dx[8] = {-1, -1, 0, 1, 1, 1, 0, -1};
const int sx_d8_dy[8] = {0, -1, -1, -1, 0, 1, 1, 1};

static const uint8_t esri[8] = {16, 32, 64, 128, 1, 2, 4, 8};
static const uint8_t taudem[8] = {5, 4, 3, 2, 1, 8, 7, 6};

uint8_t sx_d8_encode(sx_d8_encoding e, uint8_t dir)
{
    if (dir == SX_D8_NODATA) return 255;
    if (dir >= 8) return 0;
    return e == SX_D8_TAUDEM ? taudem[dir] : esri[dir];
}

sx_err sx_d8_decode(sx_d8_encoding e, double code, uint8_t *dir)
{
    const uint8_t *t = e == SX_D8_TAUDEM ? taudem : esri;
    if (code == 0) {
        *dir = SX_D8_NONE;
        return SX_OK;
    }
    for (uint8_t k = 0; k < 8; k++)
        if (code == t[k]) {
            *dir = k;
            return SX_OK;
        }
    SX_FAIL(SX_ERR_INPUT, "%g is not a%s flow-direction code (%s); check --encoding", code,
            e == SX_D8_TAUDEM ? " TauDEM" : "n ESRI",
            e == SX_D8_TAUDEM ? "1..8, 0 none" : "1,2,4,...,128, 0 none");
}

sx_err sx__d8_decode_at(sx_d8_encoding e, double code, const char *name, int64_t col, int64_t row, uint8_t *dir)
{
    if (sx_d8_decode(e, code, dir) == SX_OK) return SX_OK;
    char why[256];
    snprintf(why, sizeof why, "%s", sx_err_message());
    SX_FAIL(SX_ERR_INPUT, "'%s' cell (col %lld, row %lld): %s", name, (long long)col, (long long)row, why);
}

sx_err sx_d8_encoding_parse(const char *text, sx_d8_encoding *e)
{
    if (!strcmp(text, "esri")) *e = SX_D8_ESRI;
    else if (!strcmp(text, "taudem")) *e = SX_D8_TAUDEM;
    else SX_FAIL(SX_ERR_USAGE, "unknown flow-direction encoding '%s'; use esri or taudem", text);
    return SX_OK;
}

sx_err sx_flow_method_parse(const char *text, sx_flow_method *m)
{
    if (!strcmp(text, "d8")) *m = SX_FLOW_D8;
    else if (!strcmp(text, "dinf")) *m = SX_FLOW_DINF;
    else if (!strcmp(text, "mfd")) *m = SX_FLOW_MFD;
    else SX_FAIL(SX_ERR_USAGE, "unknown flow routing method '%s'; use d8, dinf or mfd", text);
    return SX_OK;
}

sx_err sx_mfd_rule_parse(const char *text, sx_mfd_rule *r)
{
    if (!strcmp(text, "freeman")) *r = SX_MFD_FREEMAN;
    else if (!strcmp(text, "quinn")) *r = SX_MFD_QUINN;
    else SX_FAIL(SX_ERR_USAGE, "unknown MFD partition '%s'; use freeman or quinn", text);
    return SX_OK;
}
