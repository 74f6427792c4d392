/*
 * sx_rs_expr.h — band-math expressions: parsed once, evaluated over whole rows.
 *
 * The language (for `sanxiang rs calc` and the spectral indices):
 *   numbers         1, 0.5, 2.75e-5
 *   band names      identifiers given by the caller (nir, red, b4, ...)
 *   arithmetic      + - * / ^ (power, right-associative; ** is the same, as in
 *                   Python), unary -
 *   comparisons     < <= > >= == !=          (give 1 or 0)
 *   logic           and or not  (also && || !)  (non-zero is true)
 *   functions       min(a, b, ...) max(a, b, ...) abs(x) sqrt(x) log(x) exp(x)
 *                   where(cond, a, b)
 * Precedence, loosest first: or, and, not, comparisons, + -, * /, unary -, ^.
 *
 * It is a closed arithmetic language: there are no strings, no assignments,
 * no names other than the caller's bands and the functions above, so an
 * expression cannot reach files, the environment or commands. Length and
 * nesting are bounded (SX_RS_EXPR_MAX_LEN, SX_RS_EXPR_MAX_DEPTH,
 * SX_RS_EXPR_MAX_STACK).
 *
 * The text is compiled to a postfix program (constants folded) whose stack
 * slots are whole rows, so evaluation costs one tight loop per instruction
 * per row and never looks at the text again.
 *
 * Nodata: bands carry nodata as NaN. The output is NaN wherever any band the
 * expression names is NaN (even in the branch where() does not take), where
 * it divides by zero, and wherever the result is not finite (log(-1), overflow).
 */
#ifndef SX_RS_EXPR_H
#define SX_RS_EXPR_H

#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

#define SX_RS_EXPR_MAX_LEN 4096
#define SX_RS_EXPR_MAX_DEPTH 200 /* parser recursion (about 3 per level of parentheses) */
#define SX_RS_EXPR_MAX_STACK 256 /* intermediate rows */

typedef struct sx_rs_expr sx_rs_expr_t;

/**
 * Compile text against the band names names[0..nnames-1]. On a syntax error
 * or unknown name fails with SX_ERR_USAGE and a message giving the column
 * (1-based) and what was expected. Not collective. Caller owns *out.
 */
sx_err sx_rs_expr_compile(const char *text, const char *const *names, int nnames, sx_rs_expr_t **out);
void sx_rs_expr_destroy(sx_rs_expr_t **e);

/** Rows of scratch the evaluator needs: pass work of depth * n doubles. */
int sx_rs_expr_depth(const sx_rs_expr_t *e);
/** True if the expression reads band b. */
int sx_rs_expr_uses(const sx_rs_expr_t *e, int b);
/** Number of instructions (after constant folding). */
int sx_rs_expr_length(const sx_rs_expr_t *e);
/** The program in postfix notation ("nir red - nir red + /"), for tests and logs. */
void sx_rs_expr_postfix(const sx_rs_expr_t *e, char *buf, size_t len);

/**
 * Evaluate over n pixels: bands[b] points at n values of band b (NULL for
 * bands the expression does not use), work holds depth * n doubles, out
 * receives n values. Not collective; thread-safe (the program is read-only),
 * each thread passing its own work and out.
 */
void sx_rs_expr_eval(const sx_rs_expr_t *e, const double *const *bands, int64_t n, double *work, double *out);

#endif
