/*
 * index.c — spectral indices by name: sanxiang's seven, then the Awesome
 * Spectral Indices catalogue (index_catalogue.c), looked up case-insensitively.
 *
 * Names are ambiguous across tools (openEO's "ndwi" is Gao's NIR-SWIR index,
 * McFeeters' is green-NIR), so each name here is bound to one published
 * formula, written in the band-math language and evaluated by the same
 * engine as `rs calc`. sanxiang's seven keep the formulas and citations they
 * always had; they agree with the catalogue's entries of the same names
 * (NDWI is McFeeters' in both; Gao's is the catalogue's NDMI), except that
 * savi's soil factor L defaults to 0.5 (Huete 1988) where the catalogue's
 * SAVI defaults to 1. Inputs are expected as reflectance (0..1); see
 * reflectance.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rs/index_catalogue.h"
#include "sanxiang/sx_rs.h"

static const sx_rs_index_t table[] = {
    {"ndvi", "(nir - red) / (nir + red)", "nir red", "normalized difference vegetation index",
     "Rouse et al. 1974, NASA SP-351 p. 309; Tucker 1979, Remote Sens. Environ. 8:127, doi:10.1016/0034-4257(79)90013-0",
     "vegetation", ""},
    {"evi", "g * (nir - red) / (nir + C1 * red - C2 * blue + L)", "nir red blue", "enhanced vegetation index",
     "Huete et al. 2002, Remote Sens. Environ. 83:195, doi:10.1016/S0034-4257(02)00096-2", "vegetation",
     "g=2.5 C1=6 C2=7.5 L=1"},
    {"savi", "(1 + L) * (nir - red) / (nir + red + L)", "nir red", "soil-adjusted vegetation index (L = 0.5)",
     "Huete 1988, Remote Sens. Environ. 25:295, doi:10.1016/0034-4257(88)90106-X", "vegetation", "L=0.5"},
    {"ndwi", "(green - nir) / (green + nir)", "green nir", "normalized difference water index (McFeeters: green, NIR)",
     "McFeeters 1996, Int. J. Remote Sens. 17:1425, doi:10.1080/01431169608948714", "water", ""},
    {"mndwi", "(green - swir1) / (green + swir1)", "green swir1", "modified normalized difference water index (Xu: green, SWIR1)",
     "Xu 2006, Int. J. Remote Sens. 27:3025, doi:10.1080/01431160600589179", "water", ""},
    {"ndbi", "(swir1 - nir) / (swir1 + nir)", "swir1 nir", "normalized difference built-up index",
     "Zha, Gao & Ni 2003, Int. J. Remote Sens. 24:583, doi:10.1080/01431160304987", "urban", ""},
    {"nbr", "(nir - swir2) / (nir + swir2)", "nir swir2", "normalized burn ratio",
     "Key & Benson 2006, FIREMON: Landscape Assessment, USDA Forest Service RMRS-GTR-164-CD; "
     "Lopez Garcia & Caselles 1991, Geocarto Int. 6:31, doi:10.1080/10106049109354290",
     "burn", ""},
    {0},
};

const sx_rs_index_t *sx_rs_indices(void) { return table; }
const sx_rs_index_t *sx_rs_index_catalogue(void) { return sx__rs_asi_indices; }
const char *sx_rs_index_catalogue_version(void) { return sx__rs_asi_version; }

/* A catalogue name that one of the seven answers to (NDVI, SAVI, ...). */
static int shadowed(const char *name)
{
    for (const sx_rs_index_t *t = table; t->name; t++)
        if (!strcasecmp(t->name, name)) return 1;
    return 0;
}

int sx_rs_index_shadowed(const sx_rs_index_t *ix) { return sx_rs_index_is_catalogue(ix) && shadowed(ix->name); }

int sx_rs_index_is_catalogue(const sx_rs_index_t *ix)
{
    for (const sx_rs_index_t *t = table; t->name; t++)
        if (t == ix) return 0;
    return 1;
}

sx_err sx_rs_index_find(const char *name, const sx_rs_index_t **out)
{
    for (const sx_rs_index_t *t = table; t->name; t++)
        if (!strcasecmp(t->name, name)) {
            *out = t;
            return SX_OK;
        }
    const sx_rs_index_t *hit = NULL, *other = NULL;
    for (const sx_rs_index_t *t = sx__rs_asi_indices; t->name; t++) {
        if (!strcmp(t->name, name)) {
            *out = t;
            return SX_OK;
        }
        if (!strcasecmp(t->name, name)) {
            if (hit) other = t;
            else hit = t;
        }
    }
    SX_FAIL_IF(other, SX_ERR_USAGE, "index '%s' is ambiguous: the catalogue has %s (%s) and %s (%s); spell it exactly",
               name, hit->name, hit->long_name, other->name, other->long_name);
    if (hit) {
        *out = hit;
        return SX_OK;
    }
    /* Suggest names sharing the first three letters. */
    char close[512] = "";
    size_t w = 0, pre = strlen(name) < 3 ? strlen(name) : 3;
    for (int pass = 0; pass < 2; pass++)
        for (const sx_rs_index_t *t = pass ? sx__rs_asi_indices : table; t->name && w < sizeof close - 40; t++)
            if (pre && !strncasecmp(t->name, name, pre) && (pass == 0 || !shadowed(t->name)))
                w += (size_t)snprintf(close + w, sizeof close - w, " %s", t->name);
    SX_FAIL(SX_ERR_USAGE, "unknown index '%s'%s%s; `sanxiang rs index --list` lists all (or use rs calc --expr)", name,
            w ? "; close:" : "", close);
}
