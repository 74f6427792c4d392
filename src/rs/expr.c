/*
 * expr.c — the band-math language: tokenizer, recursive-descent parser to a
 * postfix program, constant folding, and the row evaluator.
 *
 * The parser is a precedence-climbing recursive descent (one function per
 * level, see sx_rs_expr.h for the table); it emits postfix instructions as it
 * reduces, so the program is in evaluation order when parsing ends. Nesting
 * is bounded so a hostile expression cannot exhaust the C stack.
 *
 * Evaluation keeps a stack of row operands. Each operand is a pointer and a
 * stride: 1 for band rows and work rows, 0 for constants, so constants cost no
 * memory pass. An instruction writes its result into the work row of the
 * stack slot it occupies (elementwise, so reading and writing the same row is
 * safe). Every operation propagates NaN, and comparisons and logic on NaN give
 * NaN rather than 0, so nodata never turns into a valid "false".
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_rs_expr.h"

typedef enum {
    OP_BAND, OP_CONST,
    /* unary */
    OP_NEG, OP_NOT, OP_ABS, OP_SQRT, OP_LOG, OP_EXP,
    /* binary */
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR, OP_MIN, OP_MAX,
    /* ternary */
    OP_WHERE
} op_t;

static const char *const op_names[] = {"band", "const", "neg", "not", "abs", "sqrt", "log", "exp", "+", "-", "*",
                                       "/", "^", "<", "<=", ">", ">=", "==", "!=", "and", "or", "min", "max", "where"};

static int op_arity(op_t op)
{
    if (op <= OP_CONST) return 0;
    if (op <= OP_EXP) return 1;
    if (op <= OP_MAX) return 2;
    return 3;
}

typedef struct {
    op_t op;
    int band;
    double value;
} instr_t;

struct sx_rs_expr {
    instr_t *code;
    int ncode, cap;
    int depth;
    int nbands;
    unsigned char *uses; /* nbands flags */
    char **names;        /* copies, for the postfix listing */
};

/* ---------------------------------------------------------------- kernels */

typedef struct {
    const double *p;
    int64_t s; /* stride: 1 row, 0 constant */
} operand_t;

#define NANV ((double)NAN)
/* Rows of cells (stride 1) get loops of their own, which the compiler
 * vectorises; a constant operand (stride 0) takes the general loop. The
 * result may be the operand's own row (r == a.p), never a shifted part of it,
 * so no iteration reads what another wrote (ivdep). */
#define LOOP1(EXPR)                                       \
    if (a.s == 1) {                                       \
        _Pragma("GCC ivdep")                              \
        for (int64_t i = 0; i < n; i++) {                 \
            double x = a.p[i];                            \
            r[i] = (EXPR);                                \
        }                                                 \
    } else {                                              \
        for (int64_t i = 0; i < n; i++) {                 \
            double x = a.p[i * a.s];                      \
            r[i] = (EXPR);                                \
        }                                                 \
    }
#define LOOP2(EXPR)                                       \
    if (a.s == 1 && b.s == 1) {                           \
        _Pragma("GCC ivdep")                              \
        for (int64_t i = 0; i < n; i++) {                 \
            double x = a.p[i], y = b.p[i];                \
            r[i] = (EXPR);                                \
        }                                                 \
    } else {                                              \
        for (int64_t i = 0; i < n; i++) {                 \
            double x = a.p[i * a.s], y = b.p[i * b.s];    \
            r[i] = (EXPR);                                \
        }                                                 \
    }
#define EITHER_NAN (isnan(x) || isnan(y))

/* x / y, NaN where y is 0. The quotient is formed for every cell and then
 * selected (x / 0 is inf or NaN, never a trap), so the loop vectorises. */
static inline double div_or_nan(double x, double y)
{
    const double q = x / y;
    return y == 0 ? NANV : q;
}

/* r may alias a.p, b.p or c.p (elementwise). AVX2 where the CPU has it
 * (the same IEEE operations, so the same values). */
__attribute__((target_clones("avx2", "default"))) static void apply(op_t op, operand_t a, operand_t b, operand_t c, int64_t n, double *r)
{
    switch (op) {
    case OP_NEG: LOOP1(-x); break;
    case OP_NOT: LOOP1(isnan(x) ? NANV : (double)(x == 0)); break;
    case OP_ABS: LOOP1(fabs(x)); break;
    case OP_SQRT: LOOP1(sqrt(x)); break;
    case OP_LOG: LOOP1(log(x)); break;
    case OP_EXP: LOOP1(exp(x)); break;
    case OP_ADD: LOOP2(x + y); break;
    case OP_SUB: LOOP2(x - y); break;
    case OP_MUL: LOOP2(x * y); break;
    case OP_DIV: LOOP2(div_or_nan(x, y)); break; /* x/0 is nodata, not inf */
    case OP_POW: LOOP2(EITHER_NAN ? NANV : pow(x, y)); break;
    case OP_LT: LOOP2(EITHER_NAN ? NANV : (double)(x < y)); break;
    case OP_LE: LOOP2(EITHER_NAN ? NANV : (double)(x <= y)); break;
    case OP_GT: LOOP2(EITHER_NAN ? NANV : (double)(x > y)); break;
    case OP_GE: LOOP2(EITHER_NAN ? NANV : (double)(x >= y)); break;
    case OP_EQ: LOOP2(EITHER_NAN ? NANV : (double)(x == y)); break;
    case OP_NE: LOOP2(EITHER_NAN ? NANV : (double)(x != y)); break;
    case OP_AND: LOOP2(EITHER_NAN ? NANV : (double)(x != 0 && y != 0)); break;
    case OP_OR: LOOP2(EITHER_NAN ? NANV : (double)(x != 0 || y != 0)); break;
    case OP_MIN: LOOP2(EITHER_NAN ? NANV : (x < y ? x : y)); break;
    case OP_MAX: LOOP2(EITHER_NAN ? NANV : (x > y ? x : y)); break;
    case OP_WHERE:
        for (int64_t i = 0; i < n; i++) {
            double x = a.p[i * a.s];
            r[i] = isnan(x) ? NANV : (x != 0 ? b.p[i * b.s] : c.p[i * c.s]);
        }
        break;
    default: break; /* OP_BAND / OP_CONST never reach apply */
    }
}

void sx_rs_expr_eval(const sx_rs_expr_t *e, const double *const *bands, int64_t n, double *work, double *out)
{
    operand_t st[SX_RS_EXPR_MAX_STACK];
    int sp = 0;
    for (int k = 0; k < e->ncode; k++) {
        const instr_t *in = &e->code[k];
        int ar = op_arity(in->op);
        if (in->op == OP_BAND) {
            st[sp++] = (operand_t){bands[in->band], 1};
        } else if (in->op == OP_CONST) {
            st[sp++] = (operand_t){&in->value, 0};
        } else {
            int base = sp - ar;
            double *r = work + (int64_t)base * n;
            operand_t none = {NULL, 0};
            apply(in->op, st[base], ar > 1 ? st[base + 1] : none, ar > 2 ? st[base + 2] : none, n, r);
            st[base] = (operand_t){r, 1};
            sp = base + 1;
        }
    }
    operand_t res = st[0];
    if (res.s == 1) {
        for (int64_t i = 0; i < n; i++) out[i] = isfinite(res.p[i]) ? res.p[i] : NANV;
    } else {
        for (int64_t i = 0; i < n; i++) {
            double v = res.p[i * res.s];
            out[i] = isfinite(v) ? v : NANV;
        }
    }
    for (int b = 0; b < e->nbands; b++) {
        if (!e->uses[b]) continue;
        const double *p = bands[b];
        for (int64_t i = 0; i < n; i++) out[i] = isnan(p[i]) ? NANV : out[i]; /* a select: vectorises */
    }
}

/* ----------------------------------------------------------------- parser */

typedef enum { T_END, T_NUM, T_ID, T_OP } tok_kind;

typedef struct {
    tok_kind kind;
    size_t start, len;
    double num;
} token_t;

typedef struct {
    const char *s;
    size_t pos;
    token_t tok;
    int depth;
    sx_rs_expr_t *e;
    const char *const *names;
    int nnames;
} parser_t;

static sx_err fail_at(parser_t *p, size_t at, const char *what)
{
    size_t len = strlen(p->s);
    return sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "expression column %zu: %s in '%.*s'%s", at + 1, what,
                      len > 200 ? 200 : (int)len, p->s, len > 200 ? "..." : "");
}

static int tok_is(const parser_t *p, const char *text)
{
    size_t l = strlen(text);
    return (p->tok.kind == T_OP || p->tok.kind == T_ID) && p->tok.len == l && !memcmp(p->s + p->tok.start, text, l);
}

static sx_err next(parser_t *p)
{
    const char *s = p->s;
    while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r') p->pos++;
    size_t st = p->pos;
    p->tok = (token_t){T_END, st, 0, 0};
    char c = s[st];
    if (!c) return SX_OK;
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[st + 1]))) {
        size_t q = st;
        while (isdigit((unsigned char)s[q])) q++;
        if (s[q] == '.') {
            q++;
            while (isdigit((unsigned char)s[q])) q++;
        }
        if (s[q] == 'e' || s[q] == 'E') {
            size_t r = q + 1;
            if (s[r] == '+' || s[r] == '-') r++;
            if (!isdigit((unsigned char)s[r])) return fail_at(p, r, "exponent of a number needs digits");
            while (isdigit((unsigned char)s[r])) r++;
            q = r;
        }
        if (isalpha((unsigned char)s[q]) || s[q] == '_') return fail_at(p, q, "a number runs into a name");
        char buf[64];
        if (q - st >= sizeof buf) return fail_at(p, st, "number too long");
        memcpy(buf, s + st, q - st);
        buf[q - st] = 0;
        double v = strtod(buf, NULL);
        if (!isfinite(v)) return fail_at(p, st, "number out of range");
        p->tok = (token_t){T_NUM, st, q - st, v};
        p->pos = q;
        return SX_OK;
    }
    if (isalpha((unsigned char)c) || c == '_') {
        size_t q = st;
        while (isalnum((unsigned char)s[q]) || s[q] == '_') q++;
        p->tok = (token_t){T_ID, st, q - st, 0};
        p->pos = q;
        return SX_OK;
    }
    static const char *const two[] = {"**", "<=", ">=", "==", "!=", "&&", "||"};
    for (size_t k = 0; k < sizeof two / sizeof *two; k++)
        if (c == two[k][0] && s[st + 1] == two[k][1]) {
            p->tok = (token_t){T_OP, st, 2, 0};
            p->pos = st + 2;
            return SX_OK;
        }
    if (strchr("+-*/^<>!(),", c)) {
        p->tok = (token_t){T_OP, st, 1, 0};
        p->pos = st + 1;
        return SX_OK;
    }
    if (c == '=') return fail_at(p, st, "'=' is not an operator (assignments do not exist); use '==' to compare");
    char what[80];
    if (isprint((unsigned char)c)) snprintf(what, sizeof what, "unexpected character '%c'", c);
    else snprintf(what, sizeof what, "unexpected byte 0x%02x", (unsigned char)c);
    return fail_at(p, st, what);
}

/* Append an instruction, folding it into a constant when all its operands are
 * constants (so "2.75e-5 * 10000" costs nothing per pixel). */
static sx_err emit(parser_t *p, op_t op, int band, double value)
{
    sx_rs_expr_t *e = p->e;
    int ar = op_arity(op);
    if (ar > 0 && e->ncode >= ar) {
        int allc = 1;
        for (int k = e->ncode - ar; k < e->ncode; k++) allc &= e->code[k].op == OP_CONST;
        if (allc) {
            operand_t o[3] = {{NULL, 0}, {NULL, 0}, {NULL, 0}};
            for (int k = 0; k < ar; k++) o[k] = (operand_t){&e->code[e->ncode - ar + k].value, 0};
            double r;
            apply(op, o[0], o[1], o[2], 1, &r);
            e->ncode -= ar;
            op = OP_CONST;
            value = r;
        }
    }
    if (e->ncode == e->cap) {
        int cap = e->cap ? 2 * e->cap : 32;
        instr_t *c = realloc(e->code, (size_t)cap * sizeof *c);
        SX_FAIL_IF(!c, SX_ERR_NOMEM, "cannot grow an expression program to %d instructions", cap);
        e->code = c;
        e->cap = cap;
    }
    e->code[e->ncode++] = (instr_t){op, band, value};
    return SX_OK;
}

static sx_err parse_or(parser_t *p);

static sx_err enter(parser_t *p)
{
    if (++p->depth > SX_RS_EXPR_MAX_DEPTH) return fail_at(p, p->tok.start, "expression nested too deeply");
    return SX_OK;
}

static const struct {
    const char *name;
    op_t op;
    int min_args, max_args;
} funcs[] = {
    {"min", OP_MIN, 2, 64}, {"max", OP_MAX, 2, 64}, {"abs", OP_ABS, 1, 1},       {"sqrt", OP_SQRT, 1, 1},
    {"log", OP_LOG, 1, 1},  {"exp", OP_EXP, 1, 1},  {"where", OP_WHERE, 3, 3},
};

static sx_err parse_call(parser_t *p, size_t at, int f)
{
    const int minmax = funcs[f].op == OP_MIN || funcs[f].op == OP_MAX;
    SX_CHECK(next(p)); /* '(' */
    SX_CHECK(next(p));
    int nargs = 0;
    if (!tok_is(p, ")")) {
        for (;;) {
            SX_CHECK(parse_or(p));
            nargs++;
            /* min/max of many: combine pairwise as arguments arrive */
            if (nargs >= 2 && minmax) SX_CHECK(emit(p, funcs[f].op, 0, 0));
            if (tok_is(p, ",")) {
                SX_CHECK(next(p));
                continue;
            }
            break;
        }
    }
    if (!tok_is(p, ")")) return fail_at(p, p->tok.start, "expected ',' or ')' in the argument list");
    char what[160];
    if (nargs < funcs[f].min_args || nargs > funcs[f].max_args) {
        if (funcs[f].min_args == funcs[f].max_args)
            snprintf(what, sizeof what, "%s() takes %d argument%s, got %d", funcs[f].name, funcs[f].min_args,
                     funcs[f].min_args == 1 ? "" : "s", nargs);
        else
            snprintf(what, sizeof what, "%s() takes %d to %d arguments, got %d", funcs[f].name, funcs[f].min_args,
                     funcs[f].max_args, nargs);
        return fail_at(p, at, what);
    }
    if (!minmax) SX_CHECK(emit(p, funcs[f].op, 0, 0));
    return next(p);
}

static sx_err parse_primary(parser_t *p)
{
    SX_CHECK(enter(p));
    size_t at = p->tok.start;
    if (p->tok.kind == T_NUM) {
        SX_CHECK(emit(p, OP_CONST, 0, p->tok.num));
        SX_CHECK(next(p));
    } else if (tok_is(p, "(")) {
        SX_CHECK(next(p));
        SX_CHECK(parse_or(p));
        if (!tok_is(p, ")")) {
            char what[96];
            snprintf(what, sizeof what, "expected ')' to close the '(' at column %zu", at + 1);
            return fail_at(p, p->tok.start, what);
        }
        SX_CHECK(next(p));
    } else if (p->tok.kind == T_ID) {
        const char *id = p->s + at;
        size_t len = p->tok.len;
        for (int b = 0; b < p->nnames; b++)
            if (strlen(p->names[b]) == len && !memcmp(p->names[b], id, len)) {
                p->e->uses[b] = 1;
                SX_CHECK(emit(p, OP_BAND, b, 0));
                SX_CHECK(next(p));
                p->depth--;
                return SX_OK;
            }
        for (size_t f = 0; f < sizeof funcs / sizeof *funcs; f++)
            if (strlen(funcs[f].name) == len && !memcmp(funcs[f].name, id, len)) {
                size_t q = p->pos;
                while (p->s[q] == ' ' || p->s[q] == '\t') q++;
                if (p->s[q] != '(') return fail_at(p, at, "a function name must be followed by '('");
                SX_CHECK(parse_call(p, at, (int)f));
                p->depth--;
                return SX_OK;
            }
        char what[SX_RS_EXPR_MAX_LEN / 4];
        int w = snprintf(what, sizeof what, "unknown name '%.*s'; bands are:", (int)(len > 64 ? 64 : len), id);
        for (int b = 0; b < p->nnames && w < (int)sizeof what - 80; b++)
            w += snprintf(what + w, sizeof what - (size_t)w, "%s %.64s", b ? "," : "", p->names[b]); /* bounded: w stays in what */
        if (!p->nnames) w += snprintf(what + w, sizeof what - (size_t)w, " (none)");
        snprintf(what + w, sizeof what - (size_t)w, "; functions: min max abs sqrt log exp where");
        return fail_at(p, at, what);
    } else if (p->tok.kind == T_END) {
        return fail_at(p, at, "expression ends where a value was expected");
    } else {
        char what[64];
        snprintf(what, sizeof what, "expected a number, band or '(' but got '%.*s'", (int)p->tok.len, p->s + at);
        return fail_at(p, at, what);
    }
    p->depth--;
    return SX_OK;
}

static sx_err parse_unary(parser_t *p);

static sx_err parse_power(parser_t *p)
{
    SX_CHECK(parse_primary(p));
    if (tok_is(p, "^") || tok_is(p, "**")) { /* ** as in Python (the spectral-index catalogue's formulas) */
        SX_CHECK(next(p));
        SX_CHECK(parse_unary(p)); /* right-associative: 2^3^2 = 2^9; 2^-1 allowed; -x^2 = -(x^2) */
        SX_CHECK(emit(p, OP_POW, 0, 0));
    }
    return SX_OK;
}

static sx_err parse_unary(parser_t *p)
{
    SX_CHECK(enter(p));
    if (tok_is(p, "-") || tok_is(p, "+")) {
        int neg = tok_is(p, "-");
        SX_CHECK(next(p));
        SX_CHECK(parse_unary(p));
        if (neg) SX_CHECK(emit(p, OP_NEG, 0, 0));
    } else {
        SX_CHECK(parse_power(p));
    }
    p->depth--;
    return SX_OK;
}

static sx_err parse_mul(parser_t *p)
{
    SX_CHECK(parse_unary(p));
    while (tok_is(p, "*") || tok_is(p, "/")) {
        op_t op = tok_is(p, "*") ? OP_MUL : OP_DIV;
        SX_CHECK(next(p));
        SX_CHECK(parse_unary(p));
        SX_CHECK(emit(p, op, 0, 0));
    }
    return SX_OK;
}

static sx_err parse_add(parser_t *p)
{
    SX_CHECK(parse_mul(p));
    while (tok_is(p, "+") || tok_is(p, "-")) {
        op_t op = tok_is(p, "+") ? OP_ADD : OP_SUB;
        SX_CHECK(next(p));
        SX_CHECK(parse_mul(p));
        SX_CHECK(emit(p, op, 0, 0));
    }
    return SX_OK;
}

static int cmp_op(const parser_t *p, op_t *op)
{
    static const struct { const char *t; op_t op; } ops[] = {
        {"<", OP_LT}, {"<=", OP_LE}, {">", OP_GT}, {">=", OP_GE}, {"==", OP_EQ}, {"!=", OP_NE}};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (p->tok.kind == T_OP && tok_is(p, ops[k].t)) {
            *op = ops[k].op;
            return 1;
        }
    return 0;
}

static sx_err parse_cmp(parser_t *p)
{
    SX_CHECK(parse_add(p));
    op_t op;
    if (cmp_op(p, &op)) {
        SX_CHECK(next(p));
        SX_CHECK(parse_add(p));
        SX_CHECK(emit(p, op, 0, 0));
        if (cmp_op(p, &op))
            return fail_at(p, p->tok.start, "comparisons do not chain; write (a < b) and (b < c)");
    }
    return SX_OK;
}

static sx_err parse_not(parser_t *p)
{
    SX_CHECK(enter(p));
    if (tok_is(p, "not") || tok_is(p, "!")) {
        SX_CHECK(next(p));
        SX_CHECK(parse_not(p));
        SX_CHECK(emit(p, OP_NOT, 0, 0));
    } else {
        SX_CHECK(parse_cmp(p));
    }
    p->depth--;
    return SX_OK;
}

static sx_err parse_and(parser_t *p)
{
    SX_CHECK(parse_not(p));
    while (tok_is(p, "and") || tok_is(p, "&&")) {
        SX_CHECK(next(p));
        SX_CHECK(parse_not(p));
        SX_CHECK(emit(p, OP_AND, 0, 0));
    }
    return SX_OK;
}

static sx_err parse_or(parser_t *p)
{
    SX_CHECK(enter(p));
    SX_CHECK(parse_and(p));
    while (tok_is(p, "or") || tok_is(p, "||")) {
        SX_CHECK(next(p));
        SX_CHECK(parse_and(p));
        SX_CHECK(emit(p, OP_OR, 0, 0));
    }
    p->depth--;
    return SX_OK;
}

static int is_reserved(const char *n)
{
    static const char *const words[] = {"and", "or", "not", "min", "max", "abs", "sqrt", "log", "exp", "where"};
    for (size_t k = 0; k < sizeof words / sizeof *words; k++)
        if (!strcmp(n, words[k])) return 1;
    return 0;
}

static sx_err check_names(const char *const *names, int nnames)
{
    for (int b = 0; b < nnames; b++) {
        const char *n = names[b];
        int ok = n && (isalpha((unsigned char)n[0]) || n[0] == '_');
        for (const char *c = n; ok && *c; c++) ok = isalnum((unsigned char)*c) || *c == '_';
        SX_FAIL_IF(!ok, SX_ERR_USAGE, "band name '%s' is not a name: use letters, digits and '_', starting with a letter",
                   n ? n : "(null)");
        SX_FAIL_IF(is_reserved(n), SX_ERR_USAGE, "band name '%s' is a reserved word of the expression language", n);
        for (int c = 0; c < b; c++)
            SX_FAIL_IF(!strcmp(names[c], n), SX_ERR_USAGE, "band name '%s' is given twice", n);
    }
    return SX_OK;
}

static sx_err compile(parser_t *p)
{
    sx_rs_expr_t *e = p->e;
    SX_CHECK(next(p));
    SX_CHECK(parse_or(p));
    if (p->tok.kind != T_END) {
        char what[96];
        snprintf(what, sizeof what, "unexpected '%.*s' after a complete expression", (int)(p->tok.len > 40 ? 40 : p->tok.len),
                 p->s + p->tok.start);
        return fail_at(p, p->tok.start, what);
    }
    int sp = 0;
    for (int k = 0; k < e->ncode; k++) {
        sp += 1 - op_arity(e->code[k].op);
        if (sp > e->depth) e->depth = sp;
    }
    SX_FAIL_IF(sp != 1, SX_ERR_INTERNAL, "expression program is unbalanced (stack %d) for '%s'", sp, p->s);
    SX_FAIL_IF(e->depth > SX_RS_EXPR_MAX_STACK, SX_ERR_USAGE,
               "expression needs %d intermediate rows; the limit is %d: simplify it", e->depth, SX_RS_EXPR_MAX_STACK);
    return SX_OK;
}

sx_err sx_rs_expr_compile(const char *text, const char *const *names, int nnames, sx_rs_expr_t **out)
{
    *out = NULL;
    SX_FAIL_IF(!text || !*text, SX_ERR_USAGE, "empty expression: give --expr 'EXPR', for example '(nir - red) / (nir + red)'");
    SX_FAIL_IF(strlen(text) > SX_RS_EXPR_MAX_LEN, SX_ERR_USAGE, "expression is %zu characters long; the limit is %d",
               strlen(text), SX_RS_EXPR_MAX_LEN);
    SX_FAIL_IF(nnames < 0 || nnames > 1024, SX_ERR_USAGE, "%d band names given; 0 to 1024 are allowed", nnames);
    SX_CHECK(check_names(names, nnames));
    sx_rs_expr_t *e = calloc(1, sizeof *e);
    SX_FAIL_IF(!e, SX_ERR_NOMEM, "cannot allocate an expression");
    e->nbands = nnames;
    e->uses = calloc((size_t)nnames + 1, 1);
    e->names = calloc((size_t)nnames + 1, sizeof *e->names);
    sx_err err = (!e->uses || !e->names) ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate an expression") : SX_OK;
    for (int b = 0; b < nnames && !err; b++)
        if (!(e->names[b] = strdup(names[b]))) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot copy band names");
    if (!err) {
        parser_t p = {.s = text, .e = e, .names = names, .nnames = nnames};
        err = compile(&p);
    }
    if (err) {
        sx_rs_expr_destroy(&e);
        return err;
    }
    *out = e;
    return SX_OK;
}

void sx_rs_expr_destroy(sx_rs_expr_t **pe)
{
    if (!pe || !*pe) return;
    sx_rs_expr_t *e = *pe;
    for (int b = 0; e->names && b < e->nbands; b++) free(e->names[b]);
    free(e->names);
    free(e->uses);
    free(e->code);
    free(e);
    *pe = NULL;
}

int sx_rs_expr_depth(const sx_rs_expr_t *e) { return e->depth; }
int sx_rs_expr_length(const sx_rs_expr_t *e) { return e->ncode; }
int sx_rs_expr_uses(const sx_rs_expr_t *e, int b) { return b >= 0 && b < e->nbands && e->uses[b]; }

void sx_rs_expr_postfix(const sx_rs_expr_t *e, char *buf, size_t len)
{
    size_t w = 0;
    if (len) buf[0] = 0;
    for (int k = 0; k < e->ncode && w < len; k++) {
        const instr_t *in = &e->code[k];
        const char *sep = k ? " " : "";
        int n;
        if (in->op == OP_BAND) n = snprintf(buf + w, len - w, "%s%s", sep, e->names[in->band]);
        else if (in->op == OP_CONST) n = snprintf(buf + w, len - w, "%s%.17g", sep, in->value);
        else n = snprintf(buf + w, len - w, "%s%s", sep, op_names[in->op]);
        if (n < 0) break;
        w += (size_t)n;
    }
}
