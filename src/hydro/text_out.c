/*
 * text_out.c — the one way the hydro writers (forecast tables, bulletins,
 * SVG plots, frequency tables) hand a formatted text to the output layer:
 * a buffer that ran out of memory fails naming the file, otherwise the text
 * goes through sx_write_text_file (temporary name and rename, staged in the
 * running transaction). The buffer is freed either way.
 */
#include "hydro_internal.h"
#include "sanxiang/sx_output.h"

sx_err sx__hydro_write_text(sx_strbuf_t *sb, const char *path)
{
    if (sb->failed) {
        sx_strbuf_fini(sb);
        SX_FAIL(SX_ERR_NOMEM, "cannot format '%s'", path);
    }
    sx_err e = sx_write_text_file(path, sb->data);
    sx_strbuf_fini(sb);
    return e;
}
