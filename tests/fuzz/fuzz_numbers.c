/*
 * fuzz_numbers.c — libFuzzer harness for the whole-text number parsers
 * (src/core/parse.c: sx_parse_double, sx_parse_int64), which the command
 * line and the tables use to turn text into numbers.
 *
 * Input: the text.
 *
 * Properties, besides no crash or undefined behaviour:
 *  - an accepted double is finite, and its shortest exact text ("%.17g")
 *    parses back to the same bits;
 *  - an accepted integer prints and parses back to itself, and the same text
 *    read as a double gives the integer correctly rounded;
 *  - a rejected text leaves the output untouched.
 */
#include <math.h>
#include <string.h>

#include "sanxiang/sx_parse.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512) return -1;
    char *s = fz_cstr(data, size);
    char buf[64];

    double v = 12345.5;
    if (sx_parse_double(s, &v)) {
        FZ_REQUIRE(isfinite(v), "'%s' gave %g", s, v);
        snprintf(buf, sizeof buf, "%.17g", v);
        double w = 0;
        FZ_REQUIRE(sx_parse_double(buf, &w) && memcmp(&v, &w, sizeof v) == 0, "'%s' -> %s -> %.17g", s, buf, w);
    } else {
        FZ_REQUIRE(v == 12345.5, "a refused '%s' changed the output to %g", s, v);
    }

    int64_t i = 77;
    if (sx_parse_int64(s, &i)) {
        snprintf(buf, sizeof buf, "%lld", (long long)i);
        int64_t j = 0;
        FZ_REQUIRE(sx_parse_int64(buf, &j) && i == j, "'%s' -> %s -> %lld", s, buf, (long long)j);
        double d = 0;
        FZ_REQUIRE(sx_parse_double(s, &d) && d == (double)i, "'%s' is the integer %lld but the double %.17g", s,
                   (long long)i, d);
    } else {
        FZ_REQUIRE(i == 77, "a refused '%s' changed the output to %lld", s, (long long)i);
    }
    free(s);
    return 0;
}
