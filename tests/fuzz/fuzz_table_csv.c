/*
 * fuzz_table_csv.c — libFuzzer harness for the CSV table reader
 * (src/io/table.c: RFC 4180 fields, quotes, CRLF, BOM; numbers on demand).
 *
 * Input: the bytes of a CSV file, parsed from memory (sx_table_parse), and
 * once through a file (sx_table_read) which must give the same table.
 *
 * Properties, besides no crash, leak or undefined behaviour:
 *  - a refusal is one line naming the file;
 *  - every cell converts with sx_table_num to a finite number, NaN (missing)
 *    or a refusal naming the file, row and column;
 *  - writing the table back as CSV with every field quoted and reading that
 *    gives the same header and cells (the writer every tool would use).
 */
#include <math.h>
#include <string.h>

#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_table.h"
#include "fuzz_util.h"

#define SOURCE "fuzz.csv"

static void put_quoted(sx_strbuf_t *sb, const char *s)
{
    sx_strbuf_puts(sb, "\"");
    for (; *s; s++) sx_strbuf_puts(sb, *s == '"' ? "\"\"" : (char[]){*s, 0});
    sx_strbuf_puts(sb, "\"");
}

static void same_table(const sx_table_t *a, const sx_table_t *b, const char *what)
{
    FZ_REQUIRE(a->nrow == b->nrow && a->ncol == b->ncol, "%s: %dx%d became %dx%d", what, a->nrow, a->ncol, b->nrow,
               b->ncol);
    for (int c = 0; c < a->ncol; c++)
        FZ_REQUIRE(!strcmp(a->head[c], b->head[c]), "%s: header %d '%s' became '%s'", what, c, a->head[c], b->head[c]);
    for (int r = 0; r < a->nrow; r++)
        for (int c = 0; c < a->ncol; c++)
            FZ_REQUIRE(!strcmp(sx_table_at(a, r, c), sx_table_at(b, r, c)), "%s: cell %d,%d '%s' became '%s'", what, r,
                       c, sx_table_at(a, r, c), sx_table_at(b, r, c));
}

static void round_trip(const sx_table_t *t)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    for (int r = -1; r < t->nrow; r++) {
        for (int c = 0; c < t->ncol; c++) {
            if (c) sx_strbuf_puts(&sb, ",");
            put_quoted(&sb, r < 0 ? t->head[c] : sx_table_at(t, r, c));
        }
        sx_strbuf_puts(&sb, "\r\n");
    }
    FZ_REQUIRE(!sb.failed, "out of memory");
    sx_table_t *back = NULL;
    sx_err e = sx_table_parse(sb.data, sb.len, SOURCE, &back);
    FZ_REQUIRE(e == SX_OK, "the table written back does not parse: %s", sx_err_message());
    same_table(t, back, "written back");
    sx_table_destroy(&back);
    sx_strbuf_fini(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sx_table_t *t = NULL;
    sx_err e = sx_table_parse((const char *)data, size, SOURCE, &t);
    if (e != SX_OK) {
        FZ_REQUIRE(t == NULL, "a refused table was returned");
        fz_check_refusal(e, SOURCE);
        return 0;
    }
    fz_check_cells(t, SOURCE);
    (void)sx_table_col(t, "time|id|code|名称");
    round_trip(t);

    const char *path = fz_scratch_path(".csv");
    fz_write_file(path, data, size);
    sx_table_t *f = NULL;
    e = sx_table_read(path, &f);
    FZ_REQUIRE(e == SX_OK, "parses from memory but not from a file: %s", sx_err_message());
    same_table(t, f, "read from a file");
    sx_table_destroy(&f);
    sx_table_destroy(&t);
    sx_err_clear();
    return 0;
}
