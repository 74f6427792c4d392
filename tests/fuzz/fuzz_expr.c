/*
 * fuzz_expr.c — libFuzzer harness for the band-math language (src/rs/expr.c):
 * compile an expression, then evaluate the program on a few rows that hold
 * the awkward values (0, negatives, huge, tiny, NaN nodata).
 *
 * Input: the expression text. If the first line starts with '@', the rest of
 * that line lists the band names (blank-separated) and the expression
 * follows; otherwise the bands are the Landsat roles and qa.
 *
 * Properties, besides no crash, leak or undefined behaviour:
 *  - a refusal is one line that names the expression;
 *  - a compiled program needs 1..SX_RS_EXPR_MAX_STACK rows of scratch;
 *  - every output is finite or NaN, and NaN wherever a band it uses is NaN;
 *  - evaluating all rows at once equals evaluating them one by one (bit for
 *    bit: the row loop must not mix pixels);
 *  - "(" text ")" compiles to the same program.
 */
#include <math.h>
#include <string.h>

#include "sanxiang/sx_rs_expr.h"
#include "fuzz_util.h"

#define NROW 11
#define MAXB 16

static const double values[NROW] = {0, 0.05, 0.3, 1, -1, 1e300, -1e-310, 2.5, 1e-5, 255, 7};

static int same(double a, double b) { return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0; }

static void evaluate(const sx_rs_expr_t *e, int nb)
{
    static double band[MAXB][NROW];
    const double *rows[MAXB];
    for (int b = 0; b < nb; b++) {
        for (int i = 0; i < NROW; i++) band[b][i] = values[(i + 3 * b) % NROW];
        band[b][(b + 5) % NROW] = NAN; /* nodata somewhere different in each band */
        rows[b] = band[b];
    }
    int depth = sx_rs_expr_depth(e);
    FZ_REQUIRE(depth >= 1 && depth <= SX_RS_EXPR_MAX_STACK, "depth %d", depth);
    double *work = malloc(sizeof *work * (size_t)depth * NROW), out[NROW], one[NROW];
    FZ_REQUIRE(work != NULL, "malloc");
    sx_rs_expr_eval(e, rows, NROW, work, out);
    for (int i = 0; i < NROW; i++) {
        const double *r1[MAXB];
        for (int b = 0; b < nb; b++) r1[b] = band[b] + i;
        sx_rs_expr_eval(e, r1, 1, work, &one[i]);
        FZ_REQUIRE(same(out[i], one[i]), "row %d: %.17g at once, %.17g alone", i, out[i], one[i]);
        FZ_REQUIRE(isnan(out[i]) || isfinite(out[i]), "row %d: %g is not finite", i, out[i]);
        for (int b = 0; b < nb; b++)
            if (sx_rs_expr_uses(e, b) && isnan(band[b][i]))
                FZ_REQUIRE(isnan(out[i]), "row %d: band %d is nodata but the result is %g", i, b, out[i]);
    }
    free(work);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SX_RS_EXPR_MAX_LEN + 512) return -1; /* longer text is refused by length alone */
    char *in = fz_cstr(data, size), *text = in;
    const char *names[MAXB] = {"blue", "green", "red", "nir", "swir1", "swir2", "qa"};
    int nb = 7;
    if (in[0] == '@') {
        char *nl = strchr(in, '\n');
        text = nl ? nl + 1 : in + strlen(in);
        if (nl) *nl = '\0';
        nb = 0;
        for (char *save = NULL, *t = strtok_r(in + 1, " ", &save); t && nb < MAXB; t = strtok_r(NULL, " ", &save))
            names[nb++] = t;
    }
    sx_rs_expr_t *e = NULL, *e2 = NULL;
    sx_err err = sx_rs_expr_compile(text, names, nb, &e);
    if (err != SX_OK) {
        FZ_REQUIRE(e == NULL, "a refused expression returned a program");
        const char *m = sx_err_message();
        FZ_REQUIRE(strstr(m, "expression") || strstr(m, "band name"), "refusal names neither: %s", m);
        fz_check_refusal(err, NULL);
        free(in);
        return 0;
    }
    FZ_REQUIRE(sx_rs_expr_length(e) >= 1, "empty program");
    evaluate(e, nb);

    char post[8192], post2[8192], small[24];
    sx_rs_expr_postfix(e, post, sizeof post);
    sx_rs_expr_postfix(e, small, sizeof small); /* truncates, never overruns */
    size_t len = strlen(text);
    char *paren = malloc(len + 3);
    FZ_REQUIRE(paren != NULL, "malloc");
    paren[0] = '(';
    memcpy(paren + 1, text, len);
    paren[len + 1] = ')';
    paren[len + 2] = '\0';
    err = sx_rs_expr_compile(paren, names, nb, &e2);
    if (err == SX_OK) {
        sx_rs_expr_postfix(e2, post2, sizeof post2);
        FZ_REQUIRE(!strcmp(post, post2), "'%s' and its parenthesised form compile differently:\n  %s\n  %s", text, post,
                   post2);
    } else { /* only the nesting or length limit may refuse it now */
        const char *m = sx_err_message();
        FZ_REQUIRE(strstr(m, "nested too deeply") || strstr(m, "the limit is"), "'(%s)' refused: %s", text, m);
        sx_err_clear();
    }
    free(paren);
    sx_rs_expr_destroy(&e2);
    sx_rs_expr_destroy(&e);
    free(in);
    return 0;
}
