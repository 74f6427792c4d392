/*
 * options.c — publish options that only mean something together.
 *
 * An option whose effect depends on another one that was not given would
 * otherwise be dropped without a word: indicator tables, a rank field or a
 * code field all act on the boundaries layer, so without --boundaries they
 * do nothing. Such combinations are refused up front, naming the option and
 * what to add. A datum stated for a file that is not among the inputs (a
 * typo in the file name) and a station table for a run without forecast
 * hydrographs are found while the package is built (they depend on the run
 * directory) and refused the same way: the package is then not made.
 */
#include <stdio.h>
#include <string.h>

#include "publish/publish_internal.h"

/* Records the job key of the option at fault before failing. */
#define FAIL_KEY(cond, k, ...)                                           \
    do {                                                                 \
        if (cond) {                                                      \
            if (key) *key = (k);                                         \
            SX_FAIL(SX_ERR_USAGE, __VA_ARGS__);                          \
        }                                                                \
    } while (0)

sx_err sx_publish_opts_check(const sx_publish_opts_t *o, const char **key)
{
    if (key) *key = NULL;
    const int nob = !o->boundaries;
    FAIL_KEY(nob && o->ntables, "tables", "--table '%s' is joined to the boundaries by division code, but no "
             "--boundaries was given: add --boundaries FILE (job: boundaries) or drop --table", o->tables[0]);
    FAIL_KEY(nob && o->rank_field, "rank_field", "--rank-field '%s' ranks the units of the boundaries layer, but no "
             "--boundaries was given: add --boundaries FILE (job: boundaries) or drop --rank-field", o->rank_field);
    FAIL_KEY(nob && o->code_field, "code_field", "--code-field '%s' names the code field of the boundaries, but no "
             "--boundaries was given: add --boundaries FILE (job: boundaries) or drop --code-field", o->code_field);
    FAIL_KEY(o->ndatums > SX_PUB_MAX_DATUMS, "datums", "at most %d --datum statements", SX_PUB_MAX_DATUMS);
    for (size_t i = 0; i < o->ndatums; i++)
        for (size_t j = 0; j < i; j++)
            FAIL_KEY(!strcmp(o->datums[i].input, o->datums[j].input), "datums", "--datum states the datum of '%s' "
                     "twice (%s and %s); keep one", o->datums[i].input, o->datums[j].crs, o->datums[i].crs);
    return SX_OK;
}

sx_err sx__pub_check_datums_used(const sx__pub_t *p)
{
    for (size_t i = 0; i < p->o->ndatums; i++)
        SX_FAIL_IF(!p->datum_used[i], SX_ERR_USAGE, "--datum %s=%s names no input of this publish (the run's *.tif, "
                   "*.gpkg, *.geojson or --boundaries); check the file name (job: datums)", p->o->datums[i].input,
                   p->o->datums[i].crs);
    return SX_OK;
}
