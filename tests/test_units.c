/* tests/test_units.c: every unit form of sim/units.c, good and bad, and
 * the formatters' promise that parse(format(x)) == x bit for bit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/units.h"

static struct error err;

#define RATE_OK(s, want) do { double v_; memset(&err, 0, sizeof err); \
    cr_assert_eq(units_parse_rate(s, &v_, &err), 0, "%s: %s", s, err.msg); \
    cr_assert_eq(v_, (want), "%s gave %.17g", s, v_); } while (0)
#define BYTES_OK(s, want) do { double v_; memset(&err, 0, sizeof err); \
    cr_assert_eq(units_parse_bytes(s, &v_, &err), 0, "%s: %s", s, err.msg); \
    cr_assert_eq(v_, (want), "%s gave %.17g", s, v_); } while (0)
#define DUR_OK(s, want) do { simtime v_; memset(&err, 0, sizeof err); \
    cr_assert_eq(units_parse_duration(s, &v_, &err), 0, "%s: %s", s, err.msg); \
    cr_assert_eq(v_, (simtime)(want), "%s gave %lld", s, (long long)v_); } while (0)
/* A bad string fails, and the message names what was found and contains
 * the given fragment (the accepted forms). */
#define BAD(fn, T, s, fragment) do { T v_; memset(&err, 0, sizeof err); \
    cr_assert_eq(fn(s, &v_, &err), -1, "%s was accepted", s); \
    cr_assert(strstr(err.msg, fragment), "%s: %s", s, err.msg); } while (0)

Test(units, rates_in_every_prefix)
{
    RATE_OK("1bps", 1);
    RATE_OK("800kbps", 800e3);
    RATE_OK("25Mbps", 25e6);
    RATE_OK("100Gbps", 100e9);
    RATE_OK("10Tbps", 10e12);
    RATE_OK("0bps", 0);
    RATE_OK("0.5bps", 0.5);
}

Test(units, decimal_rates_are_correctly_rounded)
{
    /* 1.2 x 1e9 in two roundings is not always the double nearest 1.2e9;
     * the parser must give the nearest. */
    RATE_OK("1.2Gbps", 1.2e9);
    RATE_OK("2.35Mbps", 2.35e6);
    RATE_OK("0.1Tbps", 0.1e12);
    RATE_OK("4.3Mbps", 4.3e6);
}

Test(units, bad_rates_name_the_string_and_the_forms)
{
    BAD(units_parse_rate, double, "100GBps", "did you mean \"100Gbps\"");
    BAD(units_parse_rate, double, "100GBps", "\"100GBps\"");
    BAD(units_parse_rate, double, "100gbps", "case-sensitive");
    BAD(units_parse_rate, double, "100", "bps, kbps, Mbps, Gbps, Tbps");
    BAD(units_parse_rate, double, "Gbps", "found \"Gbps\"");
    BAD(units_parse_rate, double, "100 Gbps", "found \"100 Gbps\"");
    BAD(units_parse_rate, double, "-5Gbps", "negative");
    BAD(units_parse_rate, double, "1e9bps", "found \"1e9bps\"");
    BAD(units_parse_rate, double, "1.Gbps", "found");
    BAD(units_parse_rate, double, ".5Gbps", "found");
    BAD(units_parse_rate, double, "100Kbps", "case-sensitive");
    BAD(units_parse_rate, double, "100MB", "found \"100MB\"");
    BAD(units_parse_rate, double, "", "found \"\"");
    BAD(units_parse_rate, double, "12345678901234567890123456789012345678901234567890Gbps",
        "more than");
}

Test(units, sizes_si_and_iec)
{
    BYTES_OK("1B", 1);
    BYTES_OK("1kB", 1e3);
    BYTES_OK("1KB", 1e3);
    BYTES_OK("1.5GB", 1.5e9);
    BYTES_OK("250TB", 250e12);
    BYTES_OK("2PB", 2e15);
    BYTES_OK("120MB", 120e6);
    BYTES_OK("1KiB", 1024);
    BYTES_OK("512MiB", 512.0 * 1024 * 1024);
    BYTES_OK("1GiB", 1073741824.0);
    BYTES_OK("1.5TiB", 1.5 * 1099511627776.0);
    BYTES_OK("1PiB", 1125899906842624.0);
}

Test(units, bad_sizes)
{
    BAD(units_parse_bytes, double, "10Gb", "did you mean \"10GB\"");
    BAD(units_parse_bytes, double, "10 GB", "KiB, MiB, GiB, TiB, PiB");
    BAD(units_parse_bytes, double, "10Kib", "did you mean \"10KiB\"");
    BAD(units_parse_bytes, double, "10EB", "found \"10EB\"");
    BAD(units_parse_bytes, double, "-1TB", "negative");
    BAD(units_parse_bytes, double, "10", "found \"10\"");
}

Test(units, durations_simple_and_compound)
{
    DUR_OK("500ms", 500 * 1000);
    DUR_OK("4s", 4 * SIM_US_PER_S);
    DUR_OK("0.5s", SIM_US_PER_S / 2);
    DUR_OK("30m", 30 * SIM_US_PER_MIN);
    DUR_OK("2h", 2 * SIM_US_PER_H);
    DUR_OK("1d", 24 * SIM_US_PER_H);
    DUR_OK("1h30m", 90 * SIM_US_PER_MIN);
    DUR_OK("1d2h3m4s5ms", 86400 * SIM_US_PER_S + 2 * SIM_US_PER_H + 3 * SIM_US_PER_MIN
                          + 4 * SIM_US_PER_S + 5000);
    DUR_OK("1.5h", 90 * SIM_US_PER_MIN);
    DUR_OK("0.1h", 6 * SIM_US_PER_MIN);
    DUR_OK("0.25ms", 250);
    DUR_OK("0s", 0);
    DUR_OK("1m0.5s", 60 * SIM_US_PER_S + SIM_US_PER_S / 2);
}

Test(units, bad_durations)
{
    BAD(units_parse_duration, simtime, "4", "found \"4\"");
    BAD(units_parse_duration, simtime, "4 s", "1h30m");
    BAD(units_parse_duration, simtime, "4sec", "found \"4sec\"");
    BAD(units_parse_duration, simtime, "4S", "found");
    BAD(units_parse_duration, simtime, "-4s", "negative");
    BAD(units_parse_duration, simtime, "30m1h", "largest unit to the smallest");
    BAD(units_parse_duration, simtime, "1h1h", "each once");
    BAD(units_parse_duration, simtime, "1h30", "found \"1h30\"");
    BAD(units_parse_duration, simtime, "h", "found");
    BAD(units_parse_duration, simtime, "", "found \"\"");
    BAD(units_parse_duration, simtime, "99999999999999999999d", "too long");
    BAD(units_parse_duration, simtime, "1us", "found \"1us\"");
}

Test(units, instants_are_utc_and_calendar_checked)
{
    int64_t t;
    cr_assert_eq(units_parse_instant("1970-01-01T00:00:00Z", &t, &err), 0);
    cr_assert_eq(t, 0);
    cr_assert_eq(units_parse_instant("2026-11-20T20:00:00Z", &t, &err), 0);
    cr_assert_eq(t, INT64_C(1795204800));
    cr_assert_eq(units_parse_instant("2000-02-29T12:00:00Z", &t, &err), 0);  /* 400-year leap */
    cr_assert_eq(t, INT64_C(951825600));
    cr_assert_eq(units_parse_instant("2024-12-31T23:59:59Z", &t, &err), 0);
    cr_assert_eq(t, INT64_C(1735689599));
    cr_assert_eq(units_parse_instant("2038-01-19T03:14:08Z", &t, &err), 0);  /* past 2^31 */
    cr_assert_eq(t, INT64_C(2147483648));
}

Test(units, bad_instants)
{
    BAD(units_parse_instant, int64_t, "2026-02-29T00:00:00Z", "not a leap year");
    BAD(units_parse_instant, int64_t, "1900-02-29T00:00:00Z", "before 1970");
    BAD(units_parse_instant, int64_t, "2100-02-29T00:00:00Z", "not a leap year");
    BAD(units_parse_instant, int64_t, "2026-04-31T00:00:00Z", "30 days");
    BAD(units_parse_instant, int64_t, "2026-13-01T00:00:00Z", "month");
    BAD(units_parse_instant, int64_t, "2026-00-01T00:00:00Z", "month");
    BAD(units_parse_instant, int64_t, "2026-11-20T24:00:00Z", "time of day");
    BAD(units_parse_instant, int64_t, "2026-11-20T23:59:60Z", "leap seconds");
    BAD(units_parse_instant, int64_t, "2026-11-20T20:00:00", "YYYY-MM-DDTHH:MM:SSZ");
    BAD(units_parse_instant, int64_t, "2026-11-20 20:00:00Z", "YYYY-MM-DDTHH:MM:SSZ");
    BAD(units_parse_instant, int64_t, "2026-11-20T20:00:00+01:00", "found");
    BAD(units_parse_instant, int64_t, "2026-1-20T20:00:00Z", "found");
    BAD(units_parse_instant, int64_t, "20x6-11-20T20:00:00Z", "found");
}

Test(units, instants_ignore_the_tz_environment)
{
    /* Computed without mktime: TZ must not matter. */
    int64_t a, b;
    setenv("TZ", "America/Sao_Paulo", 1);
    cr_assert_eq(units_parse_instant("2026-11-20T20:00:00Z", &a, &err), 0);
    setenv("TZ", "Asia/Kolkata", 1);
    cr_assert_eq(units_parse_instant("2026-11-20T20:00:00Z", &b, &err), 0);
    cr_assert_eq(a, b);
}

Test(units, clocks_offsets_and_percents)
{
    int32_t v;
    double f;
    cr_assert_eq(units_parse_clock("02:00", &v, &err), 0);
    cr_assert_eq(v, 7200);
    cr_assert_eq(units_parse_clock("23:59:30", &v, &err), 0);
    cr_assert_eq(v, 86370);
    cr_assert_eq(units_parse_clock("00:00", &v, &err), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(units_parse_offset("-03:00", &v, &err), 0);
    cr_assert_eq(v, -10800);
    cr_assert_eq(units_parse_offset("+05:30", &v, &err), 0);
    cr_assert_eq(v, 19800);
    cr_assert_eq(units_parse_offset("+14:00", &v, &err), 0);
    cr_assert_eq(v, 50400);
    cr_assert_eq(units_parse_offset("-14:00", &v, &err), 0);
    cr_assert_eq(v, -50400);
    cr_assert_eq(units_parse_offset("-00:00", &v, &err), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(units_parse_percent("30%", &f, &err), 0);
    cr_assert_eq(f, 0.3);
    cr_assert_eq(units_parse_percent("12.5%", &f, &err), 0);
    cr_assert_eq(f, 0.125);
    cr_assert_eq(units_parse_percent("0.3", &f, &err), 0);
    cr_assert_eq(f, 0.3);
    cr_assert_eq(units_parse_percent("150%", &f, &err), 0);
    cr_assert_eq(f, 1.5);
}

Test(units, bad_clocks_offsets_and_percents)
{
    BAD(units_parse_clock, int32_t, "24:00", "no such time");
    BAD(units_parse_clock, int32_t, "12:60", "no such time");
    BAD(units_parse_clock, int32_t, "2:00", "HH:MM");
    BAD(units_parse_clock, int32_t, "02:00:0", "HH:MM:SS");
    BAD(units_parse_clock, int32_t, "0200", "found \"0200\"");
    BAD(units_parse_offset, int32_t, "03:00", "+HH:MM");
    BAD(units_parse_offset, int32_t, "+15:00", "-14:00..+14:00");
    BAD(units_parse_offset, int32_t, "+14:30", "-14:00..+14:00");
    BAD(units_parse_offset, int32_t, "+05:60", "outside");
    BAD(units_parse_offset, int32_t, "Z", "found \"Z\"");
    BAD(units_parse_offset, int32_t, "-3", "found \"-3\"");
    BAD(units_parse_percent, double, "-5%", "30%");
    BAD(units_parse_percent, double, "30 %", "found \"30 %\"");
    BAD(units_parse_percent, double, "%", "found");
    BAD(units_parse_percent, double, "thirty", "found");
}

Test(units, format_picks_the_largest_unit)
{
    char b[64];
    cr_assert_str_eq(units_format_rate(100e9, b, sizeof b), "100Gbps");
    cr_assert_str_eq(units_format_rate(25e6, b, sizeof b), "25Mbps");
    cr_assert_str_eq(units_format_rate(1.2e9, b, sizeof b), "1.2Gbps");
    cr_assert_str_eq(units_format_rate(800e3, b, sizeof b), "800kbps");
    cr_assert_str_eq(units_format_rate(1100e9, b, sizeof b), "1.1Tbps");
    cr_assert_str_eq(units_format_rate(5e15, b, sizeof b), "5000Tbps");
    cr_assert_str_eq(units_format_rate(1, b, sizeof b), "1bps");
    cr_assert_str_eq(units_format_rate(0, b, sizeof b), "0bps");
    cr_assert_str_eq(units_format_rate(0.25, b, sizeof b), "0.25bps");
    cr_assert_str_eq(units_format_bytes(120e12, b, sizeof b), "120TB");
    cr_assert_str_eq(units_format_bytes(1e3, b, sizeof b), "1kB");
    cr_assert_str_eq(units_format_bytes(1024, b, sizeof b), "1KiB");
    cr_assert_str_eq(units_format_bytes(512.0 * 1024 * 1024, b, sizeof b), "512MiB");
    cr_assert_str_eq(units_format_bytes(3e15, b, sizeof b), "3PB");
    cr_assert_str_eq(units_format_bytes(1.5e9, b, sizeof b), "1.5GB");
    cr_assert_str_eq(units_format_bytes(12, b, sizeof b), "12B");
}

Test(units, format_durations)
{
    char b[64];
    cr_assert_str_eq(units_format_duration(4 * SIM_US_PER_S, b, sizeof b), "4s");
    cr_assert_str_eq(units_format_duration(90 * SIM_US_PER_MIN, b, sizeof b), "1h30m");
    cr_assert_str_eq(units_format_duration(500000, b, sizeof b), "500ms");
    cr_assert_str_eq(units_format_duration(250, b, sizeof b), "0.25ms");
    cr_assert_str_eq(units_format_duration(1500000, b, sizeof b), "1.5s");
    cr_assert_str_eq(units_format_duration(86400 * SIM_US_PER_S, b, sizeof b), "1d");
    cr_assert_str_eq(units_format_duration(86400 * SIM_US_PER_S + 5 * SIM_US_PER_S, b, sizeof b),
                     "1d5s");
    cr_assert_str_eq(units_format_duration(60 * SIM_US_PER_S + 1, b, sizeof b), "1m0.000001s");
    cr_assert_str_eq(units_format_duration(0, b, sizeof b), "0s");
}

Test(units, format_instants_clocks_offsets)
{
    char b[64];
    cr_assert_str_eq(units_format_instant(0, b, sizeof b), "1970-01-01T00:00:00Z");
    cr_assert_str_eq(units_format_instant(1795204800, b, sizeof b), "2026-11-20T20:00:00Z");
    cr_assert_str_eq(units_format_instant(951825600, b, sizeof b), "2000-02-29T12:00:00Z");
    cr_assert_str_eq(units_format_instant(-1, b, sizeof b), "1969-12-31T23:59:59Z");
    cr_assert_str_eq(units_format_instant(253402300799, b, sizeof b), "9999-12-31T23:59:59Z");
    cr_assert_str_eq(units_format_clock(7200, b, sizeof b), "02:00");
    cr_assert_str_eq(units_format_clock(86370, b, sizeof b), "23:59:30");
    cr_assert_str_eq(units_format_offset(-10800, b, sizeof b), "-03:00");
    cr_assert_str_eq(units_format_offset(19800, b, sizeof b), "+05:30");
    cr_assert_str_eq(units_format_offset(0, b, sizeof b), "+00:00");
}

Test(units, format_truncates_to_the_buffer)
{
    char b[4] = "xyz";
    units_format_rate(100e9, b, sizeof b);
    cr_assert_str_eq(b, "100");
    cr_assert_str_eq(units_format_duration(1, b, 0), "100");    /* n = 0 writes nothing */
}

/* A deterministic spread of values: integers, decimals, awkward doubles. */
static double sample_value(int i)
{
    static const double base[] = { 1, 1.2, 2.35, 0.1, 3.3333333333333335, 7, 123456789, 0.3,
                                   1e-3, 999.999, 1.7976931348623157e-5, 42.42 };
    int nb = (int)(sizeof base / sizeof base[0]);
    return base[i % nb] * pow(10, i / nb % 17);
}

Test(units, rate_and_size_formats_round_trip_bit_for_bit)
{
    char b[64];
    for (int i = 0; i < 12 * 17; i++) {
        double x = sample_value(i), y;
        units_format_rate(x, b, sizeof b);
        cr_assert_eq(units_parse_rate(b, &y, &err), 0, "%.17g -> %s: %s", x, b, err.msg);
        cr_assert_eq(x, y, "%.17g -> %s -> %.17g", x, b, y);
        units_format_bytes(x, b, sizeof b);
        cr_assert_eq(units_parse_bytes(b, &y, &err), 0, "%.17g -> %s: %s", x, b, err.msg);
        cr_assert_eq(x, y, "%.17g -> %s -> %.17g", x, b, y);
    }
    for (int k = 0; k <= 50; k++) {
        double x = ldexp(3, k), y;
        units_format_bytes(x, b, sizeof b);
        cr_assert_eq(units_parse_bytes(b, &y, &err), 0, "%s", err.msg);
        cr_assert_eq(x, y, "%.17g -> %s", x, b);
    }
}

Test(units, duration_instant_clock_offset_formats_round_trip)
{
    char b[64];
    simtime durs[] = { 1, 999, 1000, 1001, 250000, SIM_US_PER_S, 61 * SIM_US_PER_S + 7,
                       3 * SIM_US_PER_H + 1, 30 * 86400 * SIM_US_PER_S, 123456789012345 };
    for (size_t i = 0; i < sizeof durs / sizeof durs[0]; i++) {
        simtime y;
        units_format_duration(durs[i], b, sizeof b);
        cr_assert_eq(units_parse_duration(b, &y, &err), 0, "%s: %s", b, err.msg);
        cr_assert_eq(durs[i], y, "%lld -> %s -> %lld", (long long)durs[i], b, (long long)y);
    }
    for (int64_t t = 0; t < INT64_C(253402300800); t += INT64_C(86400) * 997 + 3607) {
        int64_t y;
        units_format_instant(t, b, sizeof b);
        cr_assert_eq(units_parse_instant(b, &y, &err), 0, "%s: %s", b, err.msg);
        cr_assert_eq(t, y, "%lld -> %s", (long long)t, b);
    }
    for (int32_t s = 0; s < 86400; s += 997) {
        int32_t y;
        units_format_clock(s, b, sizeof b);
        cr_assert_eq(units_parse_clock(b, &y, &err), 0);
        cr_assert_eq(s, y);
    }
    for (int32_t s = -14 * 3600; s <= 14 * 3600; s += 15 * 60) {
        int32_t y;
        units_format_offset(s, b, sizeof b);
        cr_assert_eq(units_parse_offset(b, &y, &err), 0, "%s: %s", b, err.msg);
        cr_assert_eq(s, y);
    }
}
