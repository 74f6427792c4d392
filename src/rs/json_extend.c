/*
 * json_extend.c — provenance records of the rs verbs that add their own
 * object (index, sar) to the job's provenance JSON.
 */
#include <string.h>

#include "rs/rs_internal.h"

void sx__rs_json_extend(sx_strbuf_t *sb, const char *base_json)
{
    size_t blen = base_json ? strlen(base_json) : 0;
    while (blen && base_json[blen - 1] != '}') blen--;
    if (blen > 1 && strchr(base_json, ':')) {
        sx_strbuf_putn(sb, base_json, blen - 1);
        sx_strbuf_puts(sb, ",");
    } else {
        sx_strbuf_puts(sb, "{");
    }
}
