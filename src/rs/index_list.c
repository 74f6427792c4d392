/*
 * index_list.c — `rs index --list` and `--list-bands`: the indices sanxiang
 * knows by name, and the band codes their formulas use, as tab-separated
 * tables (one row per index / band, a header first) for people and scripts.
 */
#include <stdio.h>
#include <string.h>

#include "rs/index_catalogue.h"

static const char *const domains[] = {"vegetation", "water", "burn", "urban", "soil",
                                      "radar",      "snow",  "clouds", "kernel"};

static void row(FILE *f, const sx_rs_index_t *t)
{
    fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t->name, t->domain, t->roles, t->constants[0] ? t->constants : "-",
            t->long_name, t->citation, t->expr);
}

sx_err sx_rs_index_list(FILE *f, const char *domain)
{
    if (domain && *domain) {
        int ok = 0;
        for (size_t k = 0; k < sizeof domains / sizeof *domains; k++) ok |= !strcmp(domains[k], domain);
        SX_FAIL_IF(!ok, SX_ERR_USAGE,
                   "--domain %s: the domains are vegetation, water, burn, urban, soil, radar, snow, clouds, kernel",
                   domain);
    } else {
        domain = NULL;
    }
    fprintf(f, "# %s; sanxiang's seven first (their catalogue twins NDVI, EVI, ... answer to them)\n",
            sx__rs_asi_version);
    fprintf(f, "name\tdomain\tbands\tconstants\tlong_name\treference\tformula\n");
    for (const sx_rs_index_t *t = sx_rs_indices(); t->name; t++)
        if (!domain || !strcmp(t->domain, domain)) row(f, t);
    for (const sx_rs_index_t *t = sx__rs_asi_indices; t->name; t++)
        if ((!domain || !strcmp(t->domain, domain)) && !sx_rs_index_shadowed(t)) row(f, t);
    return SX_OK;
}

void sx_rs_index_list_bands(FILE *f)
{
    fprintf(f, "# band codes of %s (also accepted: nir, red, green, blue, swir1, swir2, rededge1-3, tir...)\n",
            sx__rs_asi_version);
    fprintf(f, "code\tcommon_name\tlong_name\tmin_nm\tmax_nm\tplatform:band:centre_nm\n");
    for (const sx__rs_asi_band_t *b = sx__rs_asi_bands; b->code; b++)
        fprintf(f, "%s\t%s\t%s\t%g\t%g\t%s\n", b->code, b->common_name, b->long_name, b->min_nm, b->max_nm,
                b->platforms[0] ? b->platforms : "-");
}
