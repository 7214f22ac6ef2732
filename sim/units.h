/* sim/units.h: the units of scenario strings.
 *
 * Rates in bits per second ("100Gbps", "25Mbps", "1.2Gbps", "800kbps",
 * "1bps"), sizes in bytes ("250TB", "1.5GB", "512MiB": SI prefixes are
 * powers of 1000, IEC prefixes Ki/Mi/Gi/Ti/Pi powers of 1024; "B" bytes, no
 * bits), durations ("500ms", "4s", "30m", "2h", "1d", "1h30m"), UTC instants
 * ("2026-11-20T20:00:00Z"), local clock times ("02:00", "23:59:30"), UTC
 * offsets ("-03:00", "+05:30"), percentages ("30%"). Each parser returns 0,
 * or -1 with a message in err (path left to the caller). */
#ifndef LASTMILE_UNITS_H
#define LASTMILE_UNITS_H

#include <stdint.h>
#include "sim/error.h"
#include "sim/simtime.h"

int units_parse_rate(const char *s, double *bps, struct error *err);
int units_parse_bytes(const char *s, double *bytes, struct error *err);
int units_parse_duration(const char *s, simtime *us, struct error *err);
/* Seconds since 1970-01-01T00:00:00Z. */
int units_parse_instant(const char *s, int64_t *unix_s, struct error *err);
/* Seconds after local midnight, 0 <= x < 86400. */
int units_parse_clock(const char *s, int32_t *seconds, struct error *err);
/* Seconds east of UTC, -14h..+14h. */
int units_parse_offset(const char *s, int32_t *seconds, struct error *err);
/* "30%" -> 0.30; a plain number string "0.3" is also accepted. */
int units_parse_percent(const char *s, double *fraction, struct error *err);

/* Formatting for printing resolved values: "100Gbps", "250TB", "4s". The
 * result is written to buf and returned. */
const char *units_format_rate(double bps, char *buf, int n);
const char *units_format_bytes(double bytes, char *buf, int n);
const char *units_format_duration(simtime us, char *buf, int n);
const char *units_format_instant(int64_t unix_s, char *buf, int n);
const char *units_format_clock(int32_t seconds, char *buf, int n);
const char *units_format_offset(int32_t seconds, char *buf, int n);

#endif
