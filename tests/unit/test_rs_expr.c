/*
 * test_rs_expr.c — the band-math language: precedence (checked through the
 * postfix program), constant folding, values against the same formulas
 * written in C, NaN/nodata semantics, and error messages that point at the
 * right column. Nothing here reads files: the language has no way to.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_rs_expr.h"

static const char *const NAMES[] = {"a", "b", "c"};
#define N 7
static const double A[N] = {1, -2, 3.5, 0, 1e300, 7, NAN};
static const double B[N] = {2, 4, -0.5, 0, 1e300, 0, 1};
static const double C[N] = {0, 1, 1, NAN, 0, 2, 3};

static void postfix_of(const char *text, const char *want)
{
    sx_rs_expr_t *e = NULL;
    sx_err err = sx_rs_expr_compile(text, NAMES, 3, &e);
    if (err) fail_msg("'%s' did not compile: %s", text, sx_err_message());
    char buf[512];
    sx_rs_expr_postfix(e, buf, sizeof buf);
    if (strcmp(buf, want)) fail_msg("'%s' compiled to '%s', expected '%s'", text, buf, want);
    sx_rs_expr_destroy(&e);
    assert_null(e);
}

static void test_precedence(void **state)
{
    (void)state;
    postfix_of("a - b * c", "a b c * -");
    postfix_of("(a - b) / (a + b)", "a b - a b + /");
    postfix_of("a - b - c", "a b - c -");
    postfix_of("-a ^ 2", "a 2 ^ neg");
    postfix_of("a ^ b ^ c", "a b c ^ ^");
    /* ** is ^ (Python's power, as the spectral-index catalogue writes it) */
    postfix_of("-a ** 2", "a 2 ^ neg");
    postfix_of("a ** b ** c", "a b c ^ ^");
    postfix_of("a ** -b * c", "a b neg ^ c *");
    postfix_of("2*a**2", "2 a 2 ^ *");
    postfix_of("a < b and not c or b >= 1", "a b < c not and b 1 >= or");
    postfix_of("a && b || !c", "a b and c not or");
    postfix_of("where(a > 0.5, b, -c)", "a 0.5 > b c neg where");
    postfix_of("max(a, b, c)", "a b max c max");
    postfix_of("min(a, 3) + abs(b)", "a 3 min b abs +");
}

static void test_constant_folding(void **state)
{
    (void)state;
    postfix_of("2.75e-5 * 10000 - 0.2", "0.075000000000000011");
    postfix_of("a * (2 + 3)", "a 5 *");
    postfix_of("2 ^ 3 ^ 2", "512");
    postfix_of("-2 ^ 2", "-4");
    postfix_of("max(1, 4, 2)", "4");
    postfix_of("where(1 < 0, 7, a)", "0 7 a where"); /* a is not constant: where() itself stays */
}

/* Evaluate text and compare with ref() cell by cell (NaN == NaN). */
static void check_values(const char *text, double (*ref)(double, double, double))
{
    sx_rs_expr_t *e = NULL;
    if (sx_rs_expr_compile(text, NAMES, 3, &e)) fail_msg("'%s': %s", text, sx_err_message());
    double *work = calloc((size_t)sx_rs_expr_depth(e) * N + 1, sizeof *work), out[N];
    const double *bands[3] = {A, B, C};
    sx_rs_expr_eval(e, bands, N, work, out);
    for (int i = 0; i < N; i++) {
        double want = ref(A[i], B[i], C[i]);
        int uses_nan = (sx_rs_expr_uses(e, 0) && isnan(A[i])) || (sx_rs_expr_uses(e, 1) && isnan(B[i])) ||
                       (sx_rs_expr_uses(e, 2) && isnan(C[i]));
        if (uses_nan || !isfinite(want)) want = NAN;
        if (isnan(want) != isnan(out[i]) || (!isnan(want) && want != out[i]))
            fail_msg("'%s' at %d: got %.17g, expected %.17g", text, i, out[i], want);
    }
    free(work);
    sx_rs_expr_destroy(&e);
}

static double r_ndvi(double a, double b, double c) { (void)c; return (a - b) / (a + b); }
static double r_poly(double a, double b, double c) { return 2.5 * (a - b) / (a + 6 * b - 7.5 * c + 1); }
static double r_funcs(double a, double b, double c) { return sqrt(fabs(a)) + log(c + 1) - exp(-b * b) + pow(a, 2); }
static double r_where(double a, double b, double c) { return a > 1 ? b : c; }
static double r_logic(double a, double b, double c) { return (double)((a > 0 && b > 0) || !(c != 0)); }
static double r_minmax(double a, double b, double c) { return fmax(fmax(a, b), c) - fmin(a, b); }

static void test_values(void **state)
{
    (void)state;
    check_values("(a - b) / (a + b)", r_ndvi);
    check_values("2.5 * (a - b) / (a + 6 * b - 7.5 * c + 1)", r_poly);
    check_values("sqrt(abs(a)) + log(c + 1) - exp(-b * b) + a ^ 2", r_funcs);
    check_values("where(a > 1, b, c)", r_where);
    check_values("(a > 0 and b > 0) or not c", r_logic);
    check_values("max(a, b, c) - min(a, b)", r_minmax);
}

static void test_nodata(void **state)
{
    (void)state;
    /* NaN in a band the branch does not take still gives nodata; NaN compares
     * to NaN, not to 0; x/0 and overflow become nodata. */
    const char *const names[] = {"x", "y"};
    double x[4] = {1, NAN, 2, 1e200}, y[4] = {NAN, 1, 0, 1e200}, out[4];
    const double *bands[2] = {x, y};
    sx_rs_expr_t *e = NULL;
    assert_int_equal(sx_rs_expr_compile("where(x > 0, x, y)", names, 2, &e), SX_OK);
    double work[3 * 4];
    sx_rs_expr_eval(e, bands, 4, work, out);
    assert_true(isnan(out[0]) && isnan(out[1]));
    assert_true(out[2] == 2 && out[3] == 1e200);
    sx_rs_expr_destroy(&e);
    assert_int_equal(sx_rs_expr_compile("not (x / y > 1)", names, 2, &e), SX_OK);
    sx_rs_expr_eval(e, bands, 4, work, out);
    assert_true(isnan(out[2])); /* x / 0 is nodata, and stays nodata through > and not */
    assert_true(out[3] == 1);   /* 1e200 / 1e200 = 1 is not > 1 */
    sx_rs_expr_destroy(&e);
    assert_int_equal(sx_rs_expr_compile("x * y * 1e200", names, 2, &e), SX_OK);
    sx_rs_expr_eval(e, bands, 4, work, out);
    assert_true(isnan(out[3]));
    assert_true(out[2] == 0);
    sx_rs_expr_destroy(&e);
}

/* text must fail with a usage error whose message names column col and contains frag. */
static void bad(const char *text, int col, const char *frag)
{
    sx_rs_expr_t *e = NULL;
    sx_err err = sx_rs_expr_compile(text, NAMES, 3, &e);
    if (err != SX_ERR_USAGE) fail_msg("'%s' should fail with a usage error, got %d", text, err);
    assert_null(e);
    char want[64];
    snprintf(want, sizeof want, "column %d:", col);
    const char *m = sx_err_message();
    if (col > 0 && !strstr(m, want)) fail_msg("'%s': message '%s' lacks '%s'", text, m, want);
    if (!strstr(m, frag)) fail_msg("'%s': message '%s' lacks '%s'", text, m, frag);
    sx_err_clear();
}

static void test_errors(void **state)
{
    (void)state;
    bad("a - ", 5, "ends where a value was expected");
    bad("(a + b", 7, "expected ')' to close the '(' at column 1");
    bad("a + nri", 5, "unknown name 'nri'; bands are: a, b, c");
    bad("a = b", 3, "use '=='");
    bad("a < b < c", 7, "do not chain");
    bad("a * * b", 5, "expected a number, band or '('");
    bad("sqrt(a, b)", 1, "sqrt() takes 1 argument, got 2");
    bad("where(a, b)", 1, "where() takes 3 arguments, got 2");
    bad("max(a)", 1, "max() takes 2 to 64 arguments");
    bad("system('ls')", 1, "unknown name 'system'");
    bad("a + 'ls'", 5, "unexpected character '''");
    bad("a + $HOME", 5, "unexpected character '$'");
    bad("getenv(a)", 1, "unknown name 'getenv'");
    bad("a b", 3, "unexpected 'b' after a complete expression");
    bad("sqrt + 1", 1, "must be followed by '('");
    bad("1e+", 4, "exponent");
    bad("2a", 2, "runs into a name");
    bad("", 0, "empty expression");
    /* Deep nesting fails cleanly instead of exhausting the stack. */
    char deep[2100];
    memset(deep, '(', 1000);
    deep[1000] = 'a';
    memset(deep + 1001, ')', 1000);
    deep[2001] = 0;
    bad(deep, 0, "nested too deeply");
    /* Bad band names are refused before parsing. */
    const char *const reserved[] = {"and"};
    sx_rs_expr_t *e = NULL;
    assert_int_equal(sx_rs_expr_compile("1", reserved, 1, &e), SX_ERR_USAGE);
    const char *const twice[] = {"x", "x"};
    assert_int_equal(sx_rs_expr_compile("x", twice, 2, &e), SX_ERR_USAGE);
    const char *const path[] = {"../etc/passwd"};
    assert_int_equal(sx_rs_expr_compile("1", path, 1, &e), SX_ERR_USAGE);
    /* Long band names (a job's `bands:` keys may be 511 bytes) in the list of
     * an unknown-name message overran its buffer; found by fuzzing. */
    char n1[512], n2[512];
    memset(n1, 'a', 511), n1[511] = 0;
    memset(n2, 'b', 511), n2[511] = 0;
    const char *const longn[] = {n1, n2};
    assert_int_equal(sx_rs_expr_compile("zz", longn, 2, &e), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "unknown name 'zz'; bands are: aaaa"));
    assert_non_null(strstr(sx_err_message(), "; functions: min max"));
    sx_err_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence), cmocka_unit_test(test_constant_folding), cmocka_unit_test(test_values),
        cmocka_unit_test(test_nodata),     cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
