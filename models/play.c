/* models/play.c: the single-session driver of `lastmile play` (see the header). */
#include "models/play.h"

#include <string.h>

#include "models/abandon.h"

/* How often `lastmile play` checks a download for abandonment (`lastmile
 * run` checks at each share recomputation, network.share_period): about as
 * often as a browser reports a download's progress. */
#define PLAY_ABANDON_CHECK (100 * 1000)

static double seg_bits(const struct play_setup *p, const struct session *s, simtime media)
{
    if (p->segment_bits) {
        int k = (int)(s->segments % (uint32_t)p->nsegments);
        return p->segment_bits[(size_t)k * p->ladder.nrungs + s->rung];
    }
    return p->ladder.bps[s->rung] * simtime_to_s(media);
}

static simtime to_us(double s)
{
    return (simtime)(s * 1e6 + 0.5);
}

/* The abandonment checks of the download requested at *now (latency,
 * bits, done at done): every PLAY_ABANDON_CHECK from the grace on. On an
 * abandonment the session moves to its new rung, *now to the check's time,
 * and the caller requests again; 0 when the download goes on to the end. */
static int abandon_checks(const struct play_setup *p, struct session *s, simtime *now,
                          simtime done, simtime latency, double bits, int *abandons)
{
    for (simtime at = *now + ABANDON_GRACE; at < done; at += PLAY_ABANDON_CHECK) {
        player_drain(s, at);
        double got = trace_bits_within(p->trace, simtime_to_s(*now), p->extra_latency_s,
                                       simtime_to_s(at - *now));
        int rung = player_abandon_rung(s, &p->ladder, at - *now, latency, got, bits);
        if (rung < 0)
            continue;
        struct abr_sample partial = { .bits = got, .transfer = at - *now - latency, .latency = latency };
        player_abandoned(p->rule, &p->params, s, rung, &partial);
        (*abandons)++;
        *now = at;
        return 1;
    }
    return 0;
}

void play_session(const struct play_setup *p, void (*on_row)(void *ctx, const struct play_row *r),
                  void *ctx, struct play_summary *out)
{
    struct session s;
    memset(&s, 0, sizeof s);
    s.watch = p->watch > 0 ? p->watch : 1;
    s.phase = PH_STARTUP;
    s.startup_at = -1;
    s.flow = NONE;
    p->rule->init(&s.abr, &p->params, &p->ladder);
    double quality_media = 0;
    simtime now = 0;
    int abandons = 0;
    while (s.fetched < s.watch) {
        simtime wait = player_wait_for_room(&p->cfg, &s);
        if (wait > 0) {
            now += wait;
            player_drain(&s, now);
        }
        player_choose(&p->cfg, p->rule, &p->params, &p->ladder, &s, now);
        simtime media = player_segment_media(&p->cfg, &s);
        simtime requested = now, rebuffer_before = s.rebuffer;
        double bits, latency_s;
        simtime done, latency;
        for (;;) {
            bits = seg_bits(p, &s, media);
            double took_s = trace_download(p->trace, simtime_to_s(now), bits, p->extra_latency_s,
                                           &latency_s);
            done = now + to_us(took_s);
            latency = to_us(latency_s);
            if (!p->cfg.abandon || !abandon_checks(p, &s, &now, done, latency, bits, &abandons))
                break;
        }
        struct abr_sample d = { .bits = bits, .transfer = done - now - latency, .latency = latency };
        player_arrived(&p->cfg, p->rule, &p->params, &p->ladder, &s, done, &d);
        quality_media += abr_utility(&p->ladder, s.rung) * (double)media;
        if (on_row) {
            struct play_row r = {
                .index = (int)s.segments - 1, .t_s = simtime_to_s(done), .rung = s.rung,
                .bitrate_kbps = p->ladder.bps[s.rung] / 1e3, .buffer_s = simtime_to_s(s.buffer),
                .download_s = simtime_to_s(done - requested),
                .estimate_kbps = p->rule->estimate ? p->rule->estimate(&s.abr, &p->params) / 1e3 : -1,
                .rebuffer_s = simtime_to_s(s.rebuffer - rebuffer_before),
            };
            on_row(ctx, &r);
        }
        now = done;
    }
    /* The buffer plays out. */
    now += s.buffer;
    player_drain(&s, now);
    double play_s = simtime_to_s(now);
    *out = (struct play_summary){
        .startup_s = simtime_to_s(s.startup_at >= 0 ? s.startup_at : now),
        .rebuffer_s = simtime_to_s(s.rebuffer),
        .rebuffer_events = s.rebuffer_count,
        .switches = s.switches,
        .segments = (int)s.segments,
        .mean_bitrate_kbps = play_s > 0 ? s.bitrate_media / 1e6 / play_s : 0,
        .mean_quality = s.fetched > 0 ? quality_media / (double)s.fetched : 0,
        .play_time_s = play_s,
        .abandons = abandons,
    };
}
