/*
 * fuzz_job.c — libFuzzer harness for the job-file loader: YAML text -> the
 * sx_cfg tree -> `--set` overrides -> the job validator (sx_job_validate,
 * every step's keys against its field table, what `sanxiang run` checks
 * before the first step) -> the JSON the tree is broadcast as.
 *
 * Input: the YAML text, optionally followed by a NUL byte and up to eight
 * NUL-separated `key.path=value` overrides.
 *
 * Properties, besides no crash, leak or undefined behaviour:
 *  - every refusal is one line naming the job file or the --set option;
 *  - the effective configuration as JSON (what ranks other than 0 parse)
 *    parses again and gives the same JSON, so every rank holds the same tree;
 *  - every node of a parsed file knows its line, column and key path.
 */
#include <string.h>

#include "sanxiang/sx_config.h"
#include "sanxiang/sx_job.h"
#include "fuzz_util.h"

#define SOURCE "fuzz.yaml"

static void check_refusal_named(sx_err e)
{
    const char *m = sx_err_message();
    FZ_REQUIRE(strstr(m, SOURCE) || strstr(m, "--set"), "message names neither the file nor --set: %s", m);
    fz_check_refusal(e, NULL);
}

static void walk(const sx_cfg_node_t *n, int depth)
{
    FZ_REQUIRE(sx_cfg_node_path(n) != NULL, "node without a path");
    FZ_REQUIRE(sx_cfg_node_line(n) >= 0 && sx_cfg_node_col(n) >= 0, "node at line %d col %d", sx_cfg_node_line(n),
               sx_cfg_node_col(n));
    for (size_t i = 0; i < sx_cfg_node_len(n); i++) {
        if (sx_cfg_node_kind(n) == SX_CFG_MAP) FZ_REQUIRE(sx_cfg_node_key_at(n, i) != NULL, "map key %zu missing", i);
        walk(sx_cfg_node_at(n, i), depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t ylen = nul ? (size_t)(nul - data) : size;
    sx_cfg_t *cfg = NULL, *again = NULL;
    char *json = NULL, *json2 = NULL, *sets = NULL;

    sx_err e = sx_cfg_parse_text((const char *)data, ylen, SOURCE, &cfg);
    if (e != SX_OK) {
        FZ_REQUIRE(cfg == NULL, "a failed parse returned a tree");
        fz_check_refusal(e, SOURCE);
        return 0;
    }
    walk(sx_cfg_root(cfg), 0);

    if (nul) { /* overrides, as `sanxiang run JOB --set a.b=v ...` applies them */
        sets = fz_cstr(nul + 1, size - ylen - 1);
        size_t rest = size - ylen - 1;
        char *p = sets;
        for (int k = 0; k < 8 && p < sets + rest; k++) {
            size_t len = strlen(p); /* fz_cstr keeps the NULs: they separate the overrides */
            e = sx_cfg_set(cfg, p);
            if (e != SX_OK) {
                const char *m = sx_err_message();
                FZ_REQUIRE(strstr(m, "--set"), "a refused override is not named: %s", m);
                fz_check_refusal(e, NULL);
                goto done; /* sanxiang run stops at the first bad override */
            }
            p += len + 1;
        }
    }

    e = sx_job_validate(cfg);
    if (e != SX_OK) check_refusal_named(e);

    e = sx_cfg_to_json(cfg, &json);
    FZ_REQUIRE(e == SX_OK, "to_json failed: %s", sx_err_message());
    e = sx_cfg_parse_text(json, strlen(json), SOURCE, &again);
    FZ_REQUIRE(e == SX_OK, "the broadcast JSON does not parse: %s\n  JSON: %.2000s", sx_err_message(), json);
    e = sx_cfg_to_json(again, &json2);
    FZ_REQUIRE(e == SX_OK, "to_json failed: %s", sx_err_message());
    FZ_REQUIRE(!strcmp(json, json2), "the broadcast JSON changes the tree:\n  %.2000s\n  %.2000s", json, json2);
done:
    free(json);
    free(json2);
    free(sets);
    sx_cfg_destroy(&again);
    sx_cfg_destroy(&cfg);
    sx_err_clear();
    return 0;
}
