/* sim/units.c: parsing and printing the unit strings of scenarios.
 *
 * Every parser is strict: a plain decimal number ("100", "1.25", no sign, no
 * exponent, no spaces) followed by exactly one of the listed unit spellings.
 * Strictness is on purpose: "100GBps" could mean bytes or bits, and a
 * planner who typed it should be told, not guessed for.
 *
 * Exactness: a decimal times a power of ten is converted by strtod on the
 * text "<number>e<power>", which glibc rounds correctly, so "1.2Gbps" is the
 * double nearest 1.2e9, not 1.2 (already rounded) times 1e9 (rounded again).
 * IEC sizes multiply by a power of two, which is exact. The formatters
 * choose the shortest decimal that strtod maps back to the same double, so
 * parse(format(x)) == x bit for bit: resolved scenarios round-trip.
 *
 * Calendar arithmetic is done here (proleptic Gregorian, no leap seconds)
 * rather than with timegm/mktime, so no TZ variable can change a result. */
#include "sim/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NUM_MAX 40          /* longest number text accepted */

/* Quotes s for a message, cutting it at 48 bytes so that a pasted
 * paragraph does not fill the whole error. */
static const char *quoted(const char *s, char *buf, size_t n)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (len > 48)
        snprintf(buf, n, "\"%.48s...\"", s);
    else
        snprintf(buf, n, "\"%s\"", s);
    return buf;
}

/* Reads "digits[.digits]" at s into num. Returns the bytes consumed, 0 when
 * there is no number there, -1 when it is longer than NUM_MAX. */
static int scan_decimal(const char *s, char *num)
{
    int i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return 0;
    if (s[i] == '.') {
        int j = i + 1;
        while (s[j] >= '0' && s[j] <= '9')
            j++;
        if (j == i + 1)
            return 0;           /* "1." is not a number here */
        i = j;
    }
    if (i > NUM_MAX)
        return -1;
    memcpy(num, s, (size_t)i);
    num[i] = '\0';
    return i;
}

/* The double nearest num x 10^exp10, correctly rounded by strtod. */
static double decimal_times_pow10(const char *num, int exp10)
{
    char buf[NUM_MAX + 16];
    snprintf(buf, sizeof buf, "%se%d", num, exp10);
    return strtod(buf, NULL);
}

struct unit {
    const char *name;
    int exp10;              /* value = number x 10^exp10 ... */
    int exp2;               /* ... x 2^exp2 */
};

static const struct unit rate_units[] = {
    { "bps", 0, 0 }, { "kbps", 3, 0 }, { "Mbps", 6, 0 }, { "Gbps", 9, 0 }, { "Tbps", 12, 0 },
};
static const struct unit byte_units[] = {
    { "B", 0, 0 }, { "kB", 3, 0 }, { "KB", 3, 0 }, { "MB", 6, 0 }, { "GB", 9, 0 },
    { "TB", 12, 0 }, { "PB", 15, 0 }, { "KiB", 0, 10 }, { "MiB", 0, 20 }, { "GiB", 0, 30 },
    { "TiB", 0, 40 }, { "PiB", 0, 50 },
};
#define NUNITS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The shared parser of "<number><unit>" quantities. what/example/forms only
 * shape the message. */
static int parse_scaled(const char *s, const struct unit *units, int nunits, const char *what,
                        const char *example, const char *forms, double *out, struct error *err)
{
    char q[64], num[NUM_MAX + 1];
    if (!s)
        s = "";
    if (s[0] == '-') {
        error_set(err, "a %s cannot be negative, found %s", what, quoted(s, q, sizeof q));
        return -1;
    }
    int n = scan_decimal(s, num);
    if (n < 0) {
        error_set(err, "the number in %s has more than %d characters", quoted(s, q, sizeof q),
                  NUM_MAX);
        return -1;
    }
    if (n > 0) {
        const char *suffix = s + n;
        for (int i = 0; i < nunits; i++) {
            if (strcmp(suffix, units[i].name) != 0)
                continue;
            double v = units[i].exp10 ? decimal_times_pow10(num, units[i].exp10)
                                      : ldexp(strtod(num, NULL), units[i].exp2);
            if (!isfinite(v)) {
                error_set(err, "%s is too large for a %s", quoted(s, q, sizeof q), what);
                return -1;
            }
            *out = v;
            return 0;
        }
        /* Units are case-sensitive ("MB" bytes, "Mbps" bits per second);
         * a case-only slip gets its own hint. */
        for (int i = 0; i < nunits; i++) {
            if (strcasecmp(suffix, units[i].name) == 0) {
                error_set(err, "expected a %s like \"%s\" (a number then one of %s), found %s;"
                          " units are case-sensitive: did you mean \"%s%s\"?",
                          what, example, forms, quoted(s, q, sizeof q), num, units[i].name);
                return -1;
            }
        }
    }
    error_set(err, "expected a %s like \"%s\" (a number then one of %s), found %s", what, example,
              forms, quoted(s, q, sizeof q));
    return -1;
}

int units_parse_rate(const char *s, double *bps, struct error *err)
{
    return parse_scaled(s, rate_units, NUNITS(rate_units), "rate", "100Gbps",
                        "bps, kbps, Mbps, Gbps, Tbps", bps, err);
}

int units_parse_bytes(const char *s, double *bytes, struct error *err)
{
    return parse_scaled(s, byte_units, NUNITS(byte_units), "size", "120TB",
                        "B, kB, KB, MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB"
                        " (powers of 1024)", bytes, err);
}

/* Durations: components from the largest unit to the smallest, each at
 * most once ("1h30m", "1m30.5s"). Each component is rounded to the nearest
 * microsecond, the resolution of simtime. */
static const struct { const char *name; int64_t us; } dur_units[] = {
    { "d", 86400 * SIM_US_PER_S }, { "h", SIM_US_PER_H }, { "m", SIM_US_PER_MIN },
    { "s", SIM_US_PER_S }, { "ms", 1000 },
};
#define DUR_FORMS "a number then ms, s, m, h or d, or a compound like \"1h30m\""
/* Beyond this the sum of components could overflow int64 (~73 000 years). */
#define DUR_LIMIT_US 2.0e18

int units_parse_duration(const char *s, simtime *us, struct error *err)
{
    char q[64], num[NUM_MAX + 1];
    if (!s)
        s = "";
    if (s[0] == '-') {
        error_set(err, "a duration cannot be negative, found %s", quoted(s, q, sizeof q));
        return -1;
    }
    const char *p = s;
    int last = -1;
    simtime total = 0;
    do {
        int n = scan_decimal(p, num);
        if (n < 0) {
            error_set(err, "the number in %s has more than %d characters", quoted(s, q, sizeof q),
                      NUM_MAX);
            return -1;
        }
        if (n == 0)
            goto bad;
        p += n;
        char unit[4];
        int ul = 0;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
            if (ul == 3)
                goto bad;
            unit[ul++] = *p++;
        }
        unit[ul] = '\0';
        int k = -1;
        for (int i = 0; i < (int)(sizeof dur_units / sizeof dur_units[0]); i++)
            if (strcmp(unit, dur_units[i].name) == 0)
                k = i;
        if (k < 0)
            goto bad;
        if (k <= last) {
            error_set(err, "the parts of a duration go from the largest unit to the smallest,"
                      " each once (like \"1h30m\"), found %s", quoted(s, q, sizeof q));
            return -1;
        }
        last = k;
        double v = strtod(num, NULL) * (double)dur_units[k].us;
        if (!(v < DUR_LIMIT_US) || (double)total + v >= DUR_LIMIT_US) {
            error_set(err, "duration %s is too long", quoted(s, q, sizeof q));
            return -1;
        }
        total += (simtime)llround(v);
    } while (*p);
    *us = total;
    return 0;
bad:
    error_set(err, "expected a duration like \"4s\" (%s), found %s", DUR_FORMS,
              quoted(s, q, sizeof q));
    return -1;
}

/* Reads exactly n digits at s; -1 when one is not a digit. */
static int fixed_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Leap years in [1, y): the Gregorian rule counted, not iterated. */
static int64_t leaps_before(int64_t y)
{
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
}

#define INSTANT_FORM "\"YYYY-MM-DDTHH:MM:SSZ\" in UTC, like \"2026-11-20T20:00:00Z\""

int units_parse_instant(const char *s, int64_t *unix_s, struct error *err)
{
    char q[64];
    if (!s)
        s = "";
    /* Positions: YYYY-MM-DDTHH:MM:SSZ */
    if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':'
        || s[16] != ':' || s[19] != 'Z') {
        error_set(err, "expected a UTC instant %s, found %s", INSTANT_FORM, quoted(s, q, sizeof q));
        return -1;
    }
    int y = fixed_digits(s, 4), mo = fixed_digits(s + 5, 2), d = fixed_digits(s + 8, 2);
    int h = fixed_digits(s + 11, 2), mi = fixed_digits(s + 14, 2), sec = fixed_digits(s + 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) {
        error_set(err, "expected a UTC instant %s, found %s", INSTANT_FORM, quoted(s, q, sizeof q));
        return -1;
    }
    if (y < 1970) {
        error_set(err, "instant %s is before 1970", quoted(s, q, sizeof q));
        return -1;
    }
    if (mo < 1 || mo > 12) {
        error_set(err, "no month %02d in %s (months are 01..12)", mo, quoted(s, q, sizeof q));
        return -1;
    }
    if (d < 1 || d > month_days(y, mo)) {
        error_set(err, "no such day in %s: %04d-%02d has %d days%s", quoted(s, q, sizeof q), y, mo,
                  month_days(y, mo), mo == 2 && !is_leap(y) ? " (not a leap year)" : "");
        return -1;
    }
    if (h > 23 || mi > 59 || sec > 59) {
        error_set(err, "no such time of day in %s (00:00:00..23:59:59; leap seconds are not"
                  " accepted)", quoted(s, q, sizeof q));
        return -1;
    }
    int64_t days = 365 * (int64_t)(y - 1970) + leaps_before(y) - leaps_before(1970);
    for (int m = 1; m < mo; m++)
        days += month_days(y, m);
    days += d - 1;
    *unix_s = days * 86400 + h * 3600 + mi * 60 + sec;
    return 0;
}

int units_parse_clock(const char *s, int32_t *seconds, struct error *err)
{
    char q[64];
    if (!s)
        s = "";
    size_t len = strlen(s);
    int h = -1, m = -1, sec = 0;
    if ((len == 5 || len == 8) && s[2] == ':') {
        h = fixed_digits(s, 2);
        m = fixed_digits(s + 3, 2);
        if (len == 8)
            sec = s[5] == ':' ? fixed_digits(s + 6, 2) : -1;
    }
    if (h < 0 || m < 0 || sec < 0) {
        error_set(err, "expected a local clock time \"HH:MM\" or \"HH:MM:SS\" like \"02:00\","
                  " found %s", quoted(s, q, sizeof q));
        return -1;
    }
    if (h > 23 || m > 59 || sec > 59) {
        error_set(err, "no such time of day: %s (00:00..23:59:59)", quoted(s, q, sizeof q));
        return -1;
    }
    *seconds = h * 3600 + m * 60 + sec;
    return 0;
}

int units_parse_offset(const char *s, int32_t *seconds, struct error *err)
{
    char q[64];
    if (!s)
        s = "";
    int h = -1, m = -1;
    if (strlen(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':') {
        h = fixed_digits(s + 1, 2);
        m = fixed_digits(s + 4, 2);
    }
    if (h < 0 || m < 0) {
        error_set(err, "expected a UTC offset \"+HH:MM\" or \"-HH:MM\" like \"-03:00\" (\"+00:00\""
                  " for UTC), found %s", quoted(s, q, sizeof q));
        return -1;
    }
    if (m > 59 || h * 60 + m > 14 * 60) {
        error_set(err, "UTC offset %s is outside -14:00..+14:00", quoted(s, q, sizeof q));
        return -1;
    }
    *seconds = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

int units_parse_percent(const char *s, double *fraction, struct error *err)
{
    char q[64], num[NUM_MAX + 1];
    if (!s)
        s = "";
    int n = s[0] == '-' ? 0 : scan_decimal(s, num);
    if (n > 0 && strcmp(s + n, "%") == 0) {
        *fraction = decimal_times_pow10(num, -2);
        return 0;
    }
    if (n > 0 && s[n] == '\0') {
        *fraction = strtod(num, NULL);
        return 0;
    }
    error_set(err, "expected a percentage like \"30%%\" or a fraction like \"0.3\", found %s",
              quoted(s, q, sizeof q));
    return -1;
}

/* ---- formatting ---- */

/* The shortest significant digits of x > 0 (no trailing zeros) that strtod
 * maps back to x, and the decimal exponent of the first digit: x is
 * d[0].d[1]d[2]... x 10^exp10. */
static void shortest_digits(double x, char *digits, int *exp10)
{
    char tmp[40];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, x);
        if (strtod(tmp, NULL) == x)
            break;
    }
    int nd = 0;
    const char *p = tmp;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    *exp10 = atoi(p + 1);
}

/* Writes x / 10^shift as a plain decimal (no exponent) from its shortest
 * digits: a shift of the decimal point, so the text is exactly the decimal
 * that strtod read back as x. */
static void plain_decimal(double x, int shift, char *out, size_t n)
{
    char d[24];
    int e;
    if (x == 0 || !isfinite(x)) {
        snprintf(out, n, "%g", x);      /* "0", or "inf" that no parser takes */
        return;
    }
    size_t o = 0;
#define PUT(c) do { if (o + 1 < n) out[o++] = (c); } while (0)
    if (x < 0) {
        PUT('-');
        x = -x;
    }
    shortest_digits(x, d, &e);
    int nd = (int)strlen(d), point = e - shift + 1;     /* digits before the point */
    if (point <= 0) {
        PUT('0');
        PUT('.');
        for (int i = 0; i < -point; i++)
            PUT('0');
        for (int i = 0; i < nd; i++)
            PUT(d[i]);
    } else {
        for (int i = 0; i < point; i++)
            PUT(i < nd ? d[i] : '0');
        if (point < nd) {
            PUT('.');
            for (int i = point; i < nd; i++)
                PUT(d[i]);
        }
    }
#undef PUT
    if (n)
        out[o] = '\0';
}

/* The largest power-of-ten unit whose value is at least 1. */
static const char *format_si(double x, const struct unit *units, int nunits, char *buf, int n)
{
    static const double pow1000[] = { 1, 1e3, 1e6, 1e9, 1e12, 1e15 };
    int k = 0;
    for (int i = 0; i < nunits; i++)
        if (units[i].exp2 == 0 && x >= pow1000[units[i].exp10 / 3]
            && units[i].exp10 > units[k].exp10)
            k = i;      /* strictly greater: "kB" wins over its alias "KB" */
    char num[64];
    plain_decimal(x, units[k].exp10, num, sizeof num);
    snprintf(buf, (size_t)n, "%s%s", num, units[k].name);
    return buf;
}

const char *units_format_rate(double bps, char *buf, int n)
{
    if (n <= 0)
        return buf;
    return format_si(bps, rate_units, NUNITS(rate_units), buf, n);
}

/* SI unless an IEC form is exact and shorter ("512MiB" rather than
 * "536.870912MB"; "1KiB" rather than "1.024kB"). */
const char *units_format_bytes(double bytes, char *buf, int n)
{
    if (n <= 0)
        return buf;
    char si[64], iec[64] = "";
    format_si(bytes, byte_units, NUNITS(byte_units), si, sizeof si);
    for (int i = NUNITS(byte_units) - 1; i >= 0; i--) {
        if (byte_units[i].exp2 == 0)
            continue;
        double q = ldexp(bytes, -byte_units[i].exp2);
        if (q >= 1 && q == floor(q)) {
            char num[64];
            plain_decimal(q, 0, num, sizeof num);
            snprintf(iec, sizeof iec, "%s%s", num, byte_units[i].name);
            break;
        }
    }
    snprintf(buf, (size_t)n, "%s", iec[0] && strlen(iec) < strlen(si) ? iec : si);
    return buf;
}

/* "1h30m", "4s", "500ms", "1m0.5s", "0.25ms": whole days, hours and minutes,
 * then seconds with up to six decimals; under a second, milliseconds. */
const char *units_format_duration(simtime us, char *buf, int n)
{
    if (n <= 0)
        return buf;
    char out[96];
    size_t o = 0;
    uint64_t u = us < 0 ? 0 - (uint64_t)us : (uint64_t)us;
    if (us < 0)
        out[o++] = '-';
    if (u == 0) {
        snprintf(out + o, sizeof out - o, "0s");
    } else if (u < (uint64_t)SIM_US_PER_S) {
        uint64_t frac = u % 1000;
        if (frac == 0) {
            snprintf(out + o, sizeof out - o, "%llums", (unsigned long long)(u / 1000));
        } else {
            char f[8];
            snprintf(f, sizeof f, "%03llu", (unsigned long long)frac);
            for (int i = 2; i > 0 && f[i] == '0'; i--)
                f[i] = '\0';
            snprintf(out + o, sizeof out - o, "%llu.%sms", (unsigned long long)(u / 1000), f);
        }
    } else {
        static const struct { char unit; uint64_t us; } parts[] = {
            { 'd', 86400ULL * 1000000 }, { 'h', 3600ULL * 1000000 }, { 'm', 60ULL * 1000000 },
        };
        for (int i = 0; i < 3; i++) {
            if (u >= parts[i].us) {
                o += (size_t)snprintf(out + o, sizeof out - o, "%llu%c",
                                      (unsigned long long)(u / parts[i].us), parts[i].unit);
                u %= parts[i].us;
            }
        }
        if (u > 0) {
            uint64_t frac = u % 1000000;
            if (frac == 0) {
                snprintf(out + o, sizeof out - o, "%llus", (unsigned long long)(u / 1000000));
            } else {
                char f[8];
                snprintf(f, sizeof f, "%06llu", (unsigned long long)frac);
                for (int i = 5; i > 0 && f[i] == '0'; i--)
                    f[i] = '\0';
                snprintf(out + o, sizeof out - o, "%llu.%ss", (unsigned long long)(u / 1000000), f);
            }
        }
    }
    snprintf(buf, (size_t)n, "%s", out);
    return buf;
}

const char *units_format_instant(int64_t unix_s, char *buf, int n)
{
    if (n <= 0)
        return buf;
    int64_t days = unix_s / 86400, rem = unix_s % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    /* Whole 400-year cycles (146097 days) first, so the loops below run at
     * most 400 and 12 times whatever the instant. */
    int64_t y = 1970 + 400 * (days / 146097);
    days %= 146097;
    if (days < 0) {
        days += 146097;
        y -= 400;
    }
    while (days >= (is_leap(y) ? 366 : 365)) {
        days -= is_leap(y) ? 366 : 365;
        y++;
    }
    int m = 1;
    while (days >= month_days(y, m)) {
        days -= month_days(y, m);
        m++;
    }
    snprintf(buf, (size_t)n, "%04lld-%02d-%02lldT%02lld:%02lld:%02lldZ", (long long)y, m,
             (long long)days + 1, (long long)(rem / 3600), (long long)(rem / 60 % 60),
             (long long)(rem % 60));
    return buf;
}

const char *units_format_clock(int32_t seconds, char *buf, int n)
{
    if (n <= 0)
        return buf;
    int32_t s = ((seconds % 86400) + 86400) % 86400;
    if (s % 60)
        snprintf(buf, (size_t)n, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, (size_t)n, "%02d:%02d", s / 3600, s / 60 % 60);
    return buf;
}

const char *units_format_offset(int32_t seconds, char *buf, int n)
{
    if (n <= 0)
        return buf;
    int32_t a = seconds < 0 ? -seconds : seconds;
    snprintf(buf, (size_t)n, "%c%02d:%02d", seconds < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    return buf;
}
