/* sim/simtime.h: simulated time. int64 microseconds from the scenario's
 * start instant. Integer time makes ties exact (a premiere puts a million
 * joins on one instant) and arithmetic identical on every platform; convert
 * to seconds only at the edges (scenario, results). */
#ifndef LASTMILE_SIMTIME_H
#define LASTMILE_SIMTIME_H

#include <stdint.h>

typedef int64_t simtime;

#define SIM_US_PER_S   INT64_C(1000000)
#define SIM_US_PER_MIN (60 * SIM_US_PER_S)
#define SIM_US_PER_H   (3600 * SIM_US_PER_S)
#define SIM_TIME_MAX   INT64_MAX

static inline double simtime_to_s(simtime t) { return (double)t / 1e6; }
/* Rounds to the nearest microsecond. */
static inline simtime simtime_from_s(double s)
{
    double us = s * 1e6;
    return (simtime)(us < 0 ? us - 0.5 : us + 0.5);
}

#endif
