/*
 * fuzz_time.c — libFuzzer harness for the calendar-time parser and formatter
 * (src/core/time.c: sx_time_parse, sx_time_format, sx_time_cf_units) and the
 * hydro tables' time labels (sx_hydro_time_parse: step number or date).
 *
 * Input: a time text; its first 8 bytes are also taken as a number of
 * seconds for the formatter.
 *
 * Properties, besides no crash or undefined behaviour:
 *  - parse(format(t)) == t for every t that formats (years 0000-9999);
 *  - format(parse(s)) == s for every s in the canonical form
 *    "YYYY-MM-DD HH:MM:SS" with HH < 24 and SS < 60;
 *  - CF units give one of the four unit lengths and an origin that formats;
 *  - a date label of a hydro table means what sx_time_parse says;
 *  - refusals are one line naming the text.
 */
#include <string.h>

#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_time.h"
#include "fuzz_util.h"

static void round_trip_seconds(int64_t t)
{
    char buf[SX_TIME_LEN];
    sx_err e = sx_time_format(t, buf, sizeof buf);
    if (e != SX_OK) {
        fz_check_refusal(e, NULL);
        return;
    }
    int64_t back;
    e = sx_time_parse(buf, &back);
    FZ_REQUIRE(e == SX_OK && back == t, "%lld formats as '%s', which parses to %lld (%s)", (long long)t, buf,
               (long long)back, sx_err_message());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256) return -1;
    int64_t raw = 0;
    memcpy(&raw, data, size < sizeof raw ? size : sizeof raw);
    round_trip_seconds(raw);

    char *s = fz_cstr(data, size);
    int64_t t;
    sx_err e = sx_time_parse(s, &t);
    if (e == SX_OK) {
        round_trip_seconds(t);
        int h = 0, sec = 0;
        int canonical = strlen(s) == 19 && s[10] == ' ' && sscanf(s + 11, "%2d:%*2d:%2d", &h, &sec) == 2 && h < 24 &&
                        sec < 60;
        if (canonical) {
            char buf[SX_TIME_LEN];
            FZ_REQUIRE(sx_time_format(t, buf, sizeof buf) == SX_OK && !strcmp(buf, s), "'%s' parses to %lld, which "
                       "formats as '%s'", s, (long long)t, buf);
        }
        double ht;
        int is_date;
        if (sx_hydro_time_parse(s, &ht, &is_date))
            FZ_REQUIRE(ht == (double)t && is_date, "'%s': hydro label %.17g (date %d), time %lld", s, ht, is_date,
                       (long long)t);
    } else {
        fz_check_refusal(e, NULL);
    }

    double spu;
    int64_t origin;
    e = sx_time_cf_units(s, &spu, &origin);
    if (e == SX_OK) {
        FZ_REQUIRE(spu == 1 || spu == 60 || spu == 3600 || spu == 86400, "'%s': %g s per unit", s, spu);
        round_trip_seconds(origin);
    } else {
        fz_check_refusal(e, "time units");
    }
    sx_err_clear();
    free(s);
    return 0;
}
