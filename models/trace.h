/* models/trace.h: a throughput trace and downloads over it.
 *
 * A trace is a list of periods (duration, bandwidth, latency), played in
 * order from time 0 and looped when a session outlives it. A download that
 * starts at t costs one latency, that of the period it starts in, spread
 * across period boundaries in proportion (a period of latency L that has r
 * seconds left pays r/L of it), then its bits at each period's bandwidth,
 * integrated across period boundaries: the throughput can change during a
 * download. This is the network model of Sabre (Spiteri et al., MMSys
 * 2018). Files are read by sim/trace_load.c. */
#ifndef LASTMILE_TRACE_H
#define LASTMILE_TRACE_H

struct trace {
    int n;
    double *duration_s;             /* > 0 */
    double *bps;                    /* >= 0; not all zero */
    double *latency_s;              /* >= 0 */
    double *start_s;                /* cumulative, for the search */
    double total_s;
};

/* Time from a request at t0_s (seconds since the trace's start, any size:
 * the trace loops) until its last bit arrives; *latency_s gets the time to
 * first bit. extra_latency_s is added to every period's latency. */
double trace_download(const struct trace *t, double t0_s, double bits,
                      double extra_latency_s, double *latency_s);
/* The bits a download requested at t0_s has received dt_s later (its
 * latency paid first, as in trace_download): its progress, for the
 * abandonment checks of `lastmile play`. */
double trace_bits_within(const struct trace *t, double t0_s, double extra_latency_s, double dt_s);
/* The bandwidth at time x (seconds since the start; the trace loops). */
double trace_bps_at(const struct trace *t, double x);
/* Mean bandwidth over one loop of the trace. */
double trace_mean_bps(const struct trace *t);
void trace_free(struct trace *t);

#endif
