/* test_config.c — YAML job files: parsing with positions, checking against
 * field tables, typed getters, --set overrides, JSON round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_config.h"

static const char *job_text = "name: demo\n"
                              "steps:\n"
                              "  - slope:\n"
                              "      input: a.tif\n"
                              "      z_factor: 2.5\n"
                              "      halo: 1\n"
                              "      keep: yes\n";

static sx_cfg_t *parse(const char *text)
{
    sx_cfg_t *cfg = NULL;
    assert_int_equal(sx_cfg_parse_text(text, strlen(text), "job.yaml", &cfg), SX_OK);
    return cfg;
}

static sx_cfg_node_t *slope_of(sx_cfg_t *cfg)
{
    sx_cfg_node_t *steps = sx_cfg_map_get(sx_cfg_root(cfg), "steps");
    assert_non_null(steps);
    assert_int_equal(sx_cfg_node_kind(steps), SX_CFG_SEQ);
    sx_cfg_node_t *slope = sx_cfg_map_get(sx_cfg_node_at(steps, 0), "slope");
    assert_non_null(slope);
    return slope;
}

static void test_tree_and_positions(void **state)
{
    sx_cfg_t *cfg = parse(job_text);
    sx_cfg_node_t *slope = slope_of(cfg);
    sx_cfg_node_t *z = sx_cfg_map_get(slope, "z_factor");
    assert_string_equal(sx_cfg_node_text(z), "2.5");
    assert_int_equal(sx_cfg_node_line(z), 5);
    assert_int_equal(sx_cfg_node_col(z), 17);
    assert_string_equal(sx_cfg_node_path(z), "steps[0].slope.z_factor");
    assert_int_equal(sx_cfg_node_len(slope), 4);
    assert_string_equal(sx_cfg_node_key_at(slope, 0), "input");
    assert_string_equal(sx_cfg_source(cfg), "job.yaml");
    assert_int_equal(strlen(sx_cfg_file_sha256(cfg)), 64);
    sx_cfg_destroy(&cfg);
    assert_null(cfg);
}

static void test_getters(void **state)
{
    sx_cfg_t *cfg = parse(job_text);
    sx_cfg_node_t *slope = slope_of(cfg);
    double z = 0;
    int64_t h = 0, missing = 0;
    int keep = 0;
    const char *in = NULL;
    assert_int_equal(sx_cfg_get_double(cfg, slope, "z_factor", 1.0, &z), SX_OK);
    assert_true(z == 2.5);
    assert_int_equal(sx_cfg_get_int(cfg, slope, "halo", 0, &h), SX_OK);
    assert_int_equal(h, 1);
    assert_int_equal(sx_cfg_get_int(cfg, slope, "absent", 7, &missing), SX_OK);
    assert_int_equal(missing, 7);
    assert_int_equal(sx_cfg_get_bool(cfg, slope, "keep", 0, &keep), SX_OK);
    assert_int_equal(keep, 1);
    assert_int_equal(sx_cfg_get_string(cfg, slope, "input", NULL, &in), SX_OK);
    assert_string_equal(in, "a.tif");
    /* A present value of the wrong type names file:line:col and key path. */
    assert_int_equal(sx_cfg_get_int(cfg, slope, "input", 0, &h), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "job.yaml:4:14: steps[0].slope.input"));
    sx_cfg_destroy(&cfg);
}

static const sx_cfg_field_t fields[] = {
    {"input", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "input raster"},
    {"z_factor", SX_CFG_T_FLOAT, 0, "1", 0.0, 100.0, NULL, "vertical scale"},
    {"halo", SX_CFG_T_INT, 0, "1", 1, 8, NULL, "halo width"},
    {"keep", SX_CFG_T_BOOL, 0, "no", 1, 0, NULL, "keep"},
    {"units", SX_CFG_T_ENUM, 0, "degrees", 1, 0, "degrees|percent", "units"},
};
#define NF (sizeof fields / sizeof fields[0])

static void test_check(void **state)
{
    sx_cfg_t *cfg = parse(job_text);
    assert_int_equal(sx_cfg_check(cfg, slope_of(cfg), fields, NF), SX_OK);
    sx_cfg_destroy(&cfg);

    cfg = parse("steps:\n  - slope:\n      input: a.tif\n      zfactor: 2\n");
    assert_int_equal(sx_cfg_check(cfg, slope_of(cfg), fields, NF), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "job.yaml:4:"));
    assert_non_null(strstr(sx_err_message(), "zfactor"));
    assert_non_null(strstr(sx_err_message(), "z_factor")); /* lists allowed keys */
    sx_cfg_destroy(&cfg);

    cfg = parse("steps:\n  - slope:\n      z_factor: 2\n");
    assert_int_equal(sx_cfg_check(cfg, slope_of(cfg), fields, NF), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "input"));
    sx_cfg_destroy(&cfg);

    cfg = parse("steps:\n  - slope:\n      input: a\n      halo: 9\n");
    assert_int_equal(sx_cfg_check(cfg, slope_of(cfg), fields, NF), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "job.yaml:4:13"));
    sx_cfg_destroy(&cfg);

    cfg = parse("steps:\n  - slope:\n      input: a\n      units: radians\n");
    assert_int_equal(sx_cfg_check(cfg, slope_of(cfg), fields, NF), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "percent"));
    sx_cfg_destroy(&cfg);

    cfg = parse("steps:\n  - slope:\n      input: a\n      z_factor: .nan\n");
    assert_int_equal(sx_cfg_check(cfg, slope_of(cfg), fields, NF), SX_ERR_CONFIG);
    sx_cfg_destroy(&cfg);
}

static void test_set(void **state)
{
    sx_cfg_t *cfg = parse(job_text);
    assert_int_equal(sx_cfg_set(cfg, "steps.0.slope.z_factor=4"), SX_OK);
    assert_int_equal(sx_cfg_set(cfg, "output_dir=out/x"), SX_OK);
    double z = 0;
    assert_int_equal(sx_cfg_get_double(cfg, slope_of(cfg), "z_factor", 1.0, &z), SX_OK);
    assert_true(z == 4.0);
    assert_string_equal(sx_cfg_node_text(sx_cfg_map_get(sx_cfg_root(cfg), "output_dir")), "out/x");
    assert_non_null(strstr(sx_cfg_overrides(cfg), "steps.0.slope.z_factor=4"));
    /* A bad override value is reported against the --set option. */
    assert_int_equal(sx_cfg_set(cfg, "steps.0.slope.halo=abc"), SX_OK);
    int64_t h;
    assert_int_equal(sx_cfg_get_int(cfg, slope_of(cfg), "halo", 1, &h), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "--set"));
    /* Malformed assignments and indexing past a list are errors. */
    assert_int_not_equal(sx_cfg_set(cfg, "no_equals_sign"), SX_OK);
    assert_int_not_equal(sx_cfg_set(cfg, "steps.5.slope.halo=1"), SX_OK);
    sx_cfg_destroy(&cfg);
}

static void test_bad_yaml(void **state)
{
    const char *bad = "steps:\n  - slope:\n      input: [a, b\n";
    sx_cfg_t *cfg = NULL;
    assert_int_equal(sx_cfg_parse_text(bad, strlen(bad), "bad.yaml", &cfg), SX_ERR_CONFIG);
    assert_null(cfg);
    assert_non_null(strstr(sx_err_message(), "bad.yaml:"));
}

static void test_json_round_trip(void **state)
{
    sx_cfg_t *cfg = parse(job_text);
    char *json = NULL;
    assert_int_equal(sx_cfg_to_json(cfg, &json), SX_OK);
    sx_cfg_t *back = NULL;
    assert_int_equal(sx_cfg_parse_text(json, strlen(json), "json", &back), SX_OK);
    char *json2 = NULL;
    assert_int_equal(sx_cfg_to_json(back, &json2), SX_OK);
    assert_string_equal(json, json2);
    double z = 0;
    assert_int_equal(sx_cfg_get_double(back, slope_of(back), "z_factor", 1.0, &z), SX_OK);
    assert_true(z == 2.5);
    free(json);
    free(json2);
    sx_cfg_destroy(&cfg);
    sx_cfg_destroy(&back);
}

/* Found by fuzzing: values YAML does not read back verbatim (NEL, U+2028,
 * DEL, U+FFFE — reachable through escapes or --set) and --set bytes that are
 * not UTF-8 made the JSON broadcast to the other ranks unparseable there, so
 * a job ran at 1 rank and failed at 2. */
static void test_json_round_trip_awkward(void **state)
{
    sx_cfg_t *cfg = parse("job: \"a\\u0085b\\u2028c\\u2029d\\x7fe\\ufffef\\x01g\\th\"\nsteps: [x]\n");
    assert_int_equal(sx_cfg_set(cfg, "title=\xe2\x80\xa8\xc2\x85"), SX_OK); /* U+2028 NEL: UTF-8, accepted */
    assert_int_equal(sx_cfg_set(cfg, "title=caf\xe9"), SX_ERR_USAGE);           /* Latin-1: refused */
    assert_non_null(strstr(sx_err_message(), "--set title=caf"));
    assert_non_null(strstr(sx_err_message(), "not UTF-8"));
    char *json = NULL, *json2 = NULL;
    assert_int_equal(sx_cfg_to_json(cfg, &json), SX_OK);
    sx_cfg_t *back = NULL;
    assert_int_equal(sx_cfg_parse_text(json, strlen(json), "json", &back), SX_OK);
    assert_string_equal(sx_cfg_node_text(sx_cfg_map_get(sx_cfg_root(back), "job")),
                        "a\xc2\x85" "b\xe2\x80\xa8" "c\xe2\x80\xa9" "d\x7f" "e\xef\xbf\xbe" "f\x01g\th");
    assert_string_equal(sx_cfg_node_text(sx_cfg_map_get(sx_cfg_root(back), "title")), "\xe2\x80\xa8\xc2\x85");
    assert_int_equal(sx_cfg_to_json(back, &json2), SX_OK);
    assert_string_equal(json, json2);
    free(json);
    free(json2);
    sx_cfg_destroy(&cfg);
    sx_cfg_destroy(&back);
}

/* Found by fuzzing: 20 KB of '[' crashed `sanxiang run` (the recursive
 * parser ran out of stack). Nesting is bounded, for --set paths too. */
static void test_nesting_bounded(void **state)
{
    char text[40000];
    int n = snprintf(text, sizeof text, "job: x\nsteps:\n  - a: ");
    for (int i = 0; i < 20000; i++) text[n++] = '[';
    text[n] = '\0';
    sx_cfg_t *cfg = NULL;
    assert_int_equal(sx_cfg_parse_text(text, strlen(text), "deep.yaml", &cfg), SX_ERR_CONFIG);
    assert_null(cfg);
    assert_non_null(strstr(sx_err_message(), "deep.yaml:3:69: mappings and lists nested more than 64 deep"));
    /* 64 levels (the root mapping, the steps list, its mapping and 61 lists) are fine */
    n = snprintf(text, sizeof text, "job: x\nsteps:\n  - a: ");
    for (int i = 0; i < 61; i++) text[n++] = '[';
    for (int i = 0; i < 61; i++) text[n++] = ']';
    text[n] = '\0';
    cfg = parse(text);
    char set[400] = "a";
    for (int i = 1; i < 65; i++) strcat(set, ".a");
    strcat(set, "=1");
    assert_int_equal(sx_cfg_set(cfg, set), SX_ERR_USAGE); /* 65 parts */
    assert_non_null(strstr(sx_err_message(), "more than 64 parts"));
    set[strlen(set) - 4] = '\0';
    strcat(set, "=1"); /* 64 parts: the JSON of the tree still parses */
    assert_int_equal(sx_cfg_set(cfg, set), SX_OK);
    char *json = NULL;
    assert_int_equal(sx_cfg_to_json(cfg, &json), SX_OK);
    sx_cfg_t *back = NULL;
    assert_int_equal(sx_cfg_parse_text(json, strlen(json), "json", &back), SX_OK);
    free(json);
    sx_cfg_destroy(&back);
    sx_cfg_destroy(&cfg);
}

/* Found by fuzzing: a key longer than 1024 characters in the broadcast JSON
 * (a multi-line `? ` key) is not read back by libyaml, and keys over 511
 * bytes were silently cut. Keys are short one-line names; values hold no NUL. */
static void test_keys_are_names(void **state)
{
    static const struct {
        const char *text, *frag;
    } bad[] = {
        {"? |\n  a\n  b\n: 1\n", "k.yaml:1:3: key 'a\\nb\\n' holds a line break"},
        {"\"a\\tb\": 1\n", "k.yaml:1:1: key 'a\\tb' holds a line break or control character"},
        {"\"a\\0b\": 1\n", "k.yaml:1:1: key 'a' holds a NUL character"},
        {"a: \"x\\0y\"\n", "k.yaml:1:4: the value holds a NUL character"},
    };
    sx_cfg_t *cfg = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(sx_cfg_parse_text(bad[i].text, strlen(bad[i].text), "k.yaml", &cfg), SX_ERR_CONFIG);
        if (!strstr(sx_err_message(), bad[i].frag)) fail_msg("'%s': %s", bad[i].text, sx_err_message());
    }
    char text[400];
    memset(text, 'k', 257);
    strcpy(text + 257, ": 1\n");
    assert_int_equal(sx_cfg_parse_text(text, strlen(text), "k.yaml", &cfg), SX_ERR_CONFIG);
    assert_non_null(strstr(sx_err_message(), "is longer than 256 bytes"));
    text[256] = '\0';
    strcat(text, ": 1\n"); /* 256 bytes: fine */
    cfg = parse(text);
    assert_int_equal(sx_cfg_set(cfg, "a.b\nc=1"), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "--set a.b\\nc=1: key 'b\\nc' holds a line break"));
    sx_cfg_destroy(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_and_positions), cmocka_unit_test(test_getters),
        cmocka_unit_test(test_check),              cmocka_unit_test(test_set),
        cmocka_unit_test(test_bad_yaml),           cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_json_round_trip_awkward), cmocka_unit_test(test_nesting_bounded),
        cmocka_unit_test(test_keys_are_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
