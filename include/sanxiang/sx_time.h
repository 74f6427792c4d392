/*
 * sx_time.h — the project's one parser and formatter of calendar times
 * (UTC, proleptic Gregorian), used for forcing tables, CF time origins and
 * forecast CSVs. Not collective, thread-safe, no locale or time zone.
 */
#ifndef SX_TIME_H
#define SX_TIME_H

#include <stddef.h>
#include <stdint.h>
#include "sx_err.h"

/**
 * Parse s into seconds since 1970-01-01 00:00:00 UTC. Accepted (ISO 8601
 * subsets, digits zero-padded): "YYYY-MM-DD", "YYYY-MM-DD HH:MM",
 * "YYYY-MM-DD HH:MM:SS", and the same with 'T' instead of the blank and an
 * optional trailing 'Z'. Fields are range-checked (day within its month,
 * leap years; HH 00-23, or 24:00[:00] for the end of a day; MM 00-59; SS
 * 00-60). Anything else returns SX_ERR_INPUT naming the string (callers
 * probing a label that may be a step number clear it with sx_err_clear).
 */
sx_err sx_time_parse(const char *s, int64_t *unix_seconds);

/** Format as "YYYY-MM-DD HH:MM:SS" (UTC), which sx_time_parse reads back.
 *  len >= 20 (SX_TIME_LEN); SX_ERR_INPUT for years outside 0..9999. */
#define SX_TIME_LEN 20
sx_err sx_time_format(int64_t unix_seconds, char *buf, size_t len);

/**
 * CF time units "<unit> since <origin>" (e.g. "minutes since 2024-06-01
 * 00:00:00", "hours since 2024-06-01T00:00:00Z", "seconds since 1970-01-01
 * 00:00:00.0 UTC"): seconds per unit (seconds/minutes/hours/days, singular,
 * plural or s/min/h/d) and the origin in Unix seconds. Only UTC origins;
 * SX_ERR_INPUT naming the string otherwise.
 */
sx_err sx_time_cf_units(const char *units, double *seconds_per_unit, int64_t *origin);

/**
 * The time to write into output formats that require one (a GeoPackage's
 * last_change, an XLSX workbook's created date): SOURCE_DATE_EPOCH, the
 * reproducible-builds convention, when it is set and not empty. *set = 0
 * when it is unset (the formats then take the current time), 1 with
 * *unix_seconds when it holds a whole number of seconds in 0 .. the end of
 * 9999; SX_ERR_USAGE naming the variable and its value otherwise. With it
 * set, two runs of one command on the same inputs write the same bytes at
 * any number of ranks (COGs hold no time: they always do).
 */
sx_err sx_time_source_date_epoch(int64_t *unix_seconds, int *set);

#endif
