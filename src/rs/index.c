/*
 * index.c — the spectral indices sanxiang knows, each exactly one formula.
 *
 * Names are ambiguous across tools (openEO's "ndwi" is Gao's NIR-SWIR index,
 * McFeeters' is green-NIR), so each name here is bound to one published
 * formula, written in the band-math language over the roles blue, green,
 * red, nir, swir1, swir2 and evaluated by the same engine as `rs calc`.
 * Inputs are expected as reflectance (0..1); see reflectance.c.
 */
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_rs.h"

static const sx_rs_index_t table[] = {
    {"ndvi", "(nir - red) / (nir + red)", "nir red", "normalized difference vegetation index",
     "Rouse et al. 1974, NASA SP-351 p. 309; Tucker 1979, Remote Sens. Environ. 8:127, doi:10.1016/0034-4257(79)90013-0"},
    {"evi", "2.5 * (nir - red) / (nir + 6 * red - 7.5 * blue + 1)", "nir red blue", "enhanced vegetation index",
     "Huete et al. 2002, Remote Sens. Environ. 83:195, doi:10.1016/S0034-4257(02)00096-2"},
    {"savi", "1.5 * (nir - red) / (nir + red + 0.5)", "nir red", "soil-adjusted vegetation index (L = 0.5)",
     "Huete 1988, Remote Sens. Environ. 25:295, doi:10.1016/0034-4257(88)90106-X"},
    {"ndwi", "(green - nir) / (green + nir)", "green nir", "normalized difference water index (McFeeters: green, NIR)",
     "McFeeters 1996, Int. J. Remote Sens. 17:1425, doi:10.1080/01431169608948714"},
    {"mndwi", "(green - swir1) / (green + swir1)", "green swir1", "modified normalized difference water index (Xu: green, SWIR1)",
     "Xu 2006, Int. J. Remote Sens. 27:3025, doi:10.1080/01431160600589179"},
    {"ndbi", "(swir1 - nir) / (swir1 + nir)", "swir1 nir", "normalized difference built-up index",
     "Zha, Gao & Ni 2003, Int. J. Remote Sens. 24:583, doi:10.1080/01431160304987"},
    {"nbr", "(nir - swir2) / (nir + swir2)", "nir swir2", "normalized burn ratio",
     "Key & Benson 2006, FIREMON: Landscape Assessment, USDA Forest Service RMRS-GTR-164-CD; "
     "Lopez Garcia & Caselles 1991, Geocarto Int. 6:31, doi:10.1080/10106049109354290"},
    {0},
};

const sx_rs_index_t *sx_rs_indices(void) { return table; }

sx_err sx_rs_index_find(const char *name, const sx_rs_index_t **out)
{
    for (const sx_rs_index_t *t = table; t->name; t++)
        if (!strcmp(t->name, name)) {
            *out = t;
            return SX_OK;
        }
    SX_FAIL(SX_ERR_USAGE, "unknown index '%s'; known: ndvi evi savi ndwi mndwi ndbi nbr (or use rs calc --expr)", name);
}

sx_err sx_rs_index_check_roles(const sx_rs_index_t *ix, const sx_rs_band_t *bands, int nbands)
{
    const char *p = ix->roles;
    while (*p) {
        size_t n = strcspn(p, " ");
        int found = 0;
        for (int b = 0; b < nbands && !found; b++) found = strlen(bands[b].name) == n && !strncmp(bands[b].name, p, n);
        SX_FAIL_IF(!found, SX_ERR_USAGE, "%s = %s needs band '%.*s': give -b %.*s=PATH (roles: %s)", ix->name, ix->expr,
                   (int)n, p, (int)n, p, ix->roles);
        p += n;
        while (*p == ' ') p++;
    }
    return SX_OK;
}
