/* sim/metric_direction.c: the direction table of the summary metrics.
 *
 * Up is good for what viewers and the network gain from the embedded tier
 * (offload to it, hit ratios, bitrate, quality, completed sessions); down
 * is good for what costs (origin, transit and CDN bytes and money, fill
 * traffic and churn, peaks on paid links) and what viewers suffer
 * (rebuffering, startup, switches, failures). Metrics that measure the
 * demand or the model itself (bytes.total, bytes.embedded, offload.ix,
 * peak.concurrent, storage.*, sim.*) have no direction: a change there is
 * shown, never judged, unless --metric NAME:TOL:up|down gives one. A metric
 * missing from the table has none. */
#include "sim/metric_direction.h"

#include <string.h>

static const struct { const char *name; enum metric_dir dir; } table[] = {
    { "offload.embedded", DIR_UP },
    { "cache.byte_hit_ratio", DIR_UP },
    { "cache.hit_ratio", DIR_UP },
    { "qoe.bitrate_mean_kbps", DIR_UP },
    { "qoe.vmaf_mean", DIR_UP },
    { "sessions.completed", DIR_UP },
    { "encoding.bits_saved_vs_fixed", DIR_UP },
    { "encoding.vmaf_per_title", DIR_UP },
    { "live.joins", DIR_UP },
    { "offload.origin", DIR_DOWN },
    { "offload.cdn", DIR_DOWN },
    { "bytes.origin", DIR_DOWN },
    { "bytes.transit", DIR_DOWN },
    { "bytes.cdn", DIR_DOWN },
    { "bytes.fill", DIR_DOWN },
    { "bytes.abandoned", DIR_DOWN },
    { "cost.transit_usd", DIR_DOWN },
    { "cost.cdn_usd", DIR_DOWN },
    { "peak.transit_gbps", DIR_DOWN },
    { "peak.peering_utilization", DIR_DOWN },
    { "placement.files_evicted", DIR_DOWN },
    { "qoe.rebuffer_ratio", DIR_DOWN },
    { "qoe.startup_p50_s", DIR_DOWN },
    { "qoe.startup_p95_s", DIR_DOWN },
    { "qoe.switches_per_hour", DIR_DOWN },
    { "qoe.abandons", DIR_DOWN },
    { "sessions.failed", DIR_DOWN },
    { "sessions.failovers", DIR_DOWN },
    { "sessions.play_timeouts", DIR_DOWN },
    { "live.join_p50_s", DIR_DOWN },
    { "live.join_p99_s", DIR_DOWN },
    { "live.failed_joins", DIR_DOWN },
    { "live.retries_per_join", DIR_DOWN },
    { "live.cp_queue_peak", DIR_DOWN },
    { "live.offered_to_admitted", DIR_DOWN },
    { "live.refused", DIR_DOWN },
    { "live.origin_peak_gbps", DIR_DOWN },
    { "live.origin_bytes", DIR_DOWN },
    { "live.origin_fetches_per_file_max", DIR_DOWN },
    { "live.rebuffer_ratio", DIR_DOWN },
};

enum metric_dir metric_direction(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return table[i].dir;
    return DIR_NONE;
}

const char *metric_dir_name(enum metric_dir d)
{
    return d == DIR_UP ? "up" : d == DIR_DOWN ? "down" : "-";
}
