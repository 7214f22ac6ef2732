/* models/control_plane.h: the control plane that steers clients (DESIGN §4).
 *
 * It sees the world only through health reports: every health_period each
 * OCA and link reports up/down and its egress utilization, and the control
 * plane decides from the last report it has, so it acts on stale data. A
 * request for a file gets a ranked list of places that hold it (models/
 * steering.h orders it by policy); a cluster whose clients' telemetry falls
 * off a cliff is drained (moved down every list) until it recovers. Play
 * requests go through a request queue of finite capacity (live events use
 * control_plane_play to model a thundering herd). */
#ifndef LASTMILE_CONTROL_PLANE_H
#define LASTMILE_CONTROL_PLANE_H

#include "models/world.h"

/* A resource's state as the control plane last heard it: bit flags. */
enum { VIEW_OVERLOADED = 1, VIEW_DRAINED = 2, VIEW_DOWN = 4 };
/* Up, but its recent error rate (downloads it failed over the downloads
 * asked of it since its last report) is above steering.errors.max_rate. */
enum { VIEW_ERRORS = 8 };

/* One URL of a ranked list: where a download goes and over what. */
struct steer_entry {
    uint32_t res0, res1;            /* OCA (or origin, CDN) and link, NONE when none */
    uint8_t tier;
    uint8_t flags;                  /* VIEW_* of res0 | res1 as last reported */
    float util;                     /* reported utilization of res0 */
};

/* session.url: the low bits are not 0 while a URL of the list failed for
 * the download in hand (the fault it is charged to is session.episode);
 * STEER_REROUTE asks for a new list at the
 * next download; STEER_PARITY is the parity of the health report under
 * which the session last asked, so a session on a drained place asks again
 * at most once per report; STEER_SWITCH the parity of its rung switches
 * then, so a session asks again whenever its file changes (a new rung is
 * a new file, which per-file holdings may put elsewhere), as a client
 * does. */
#define STEER_REROUTE 0x80
#define STEER_PARITY 0x40
#define STEER_SWITCH 0x20
#define STEER_URL_MASK 0x1f

#define STEER_LIST_MAX 16
#define STEER_PER_SITE 4            /* holders of a file one cluster puts on a list */

struct steer_list {
    int n;
    struct steer_entry e[STEER_LIST_MAX];
};

/* Marker kinds written to the markers table (fault markers on time series). */
enum marker_kind {
    MARK_FAULT_START = 0, MARK_FAULT_END, MARK_REPORTED_DOWN, MARK_REPORTED_UP, MARK_DRAIN,
    MARK_UNDRAIN, MARK_REPORTED_ERRORS, MARK_REPORTED_CLEAN, MARK_KIND_COUNT
};
extern const char *const marker_kind_name[MARK_KIND_COUNT];

struct control_plane {
    uint8_t *view;                  /* per resource: VIEW_* as last reported */
    uint32_t nflagged;              /* resources whose view is not 0 */
    uint32_t reports;               /* health reports so far */
    float *util;                    /* per resource: utilization as last reported */
    uint8_t *down;                  /* per resource: down now (faults), whatever was reported */
    double *nominal_bps;            /* per resource: capacity before faults */
    double *reported_bps;           /* per resource: the capacity the OCA believes it has */
    int16_t *res_fault;             /* per resource: fault that holds it down or degraded, -1 */
    uint32_t cdn_res;               /* NONE without a CDN */
    int control_down;               /* no play answered */
    simtime next_free;              /* request queue: when the next answer can go out */
    int *evacuated_to;              /* per region: IX site taking it, or -1 */
    /* QoE telemetry per site over the current window. */
    double *tel_bytes, *tel_us;
    uint32_t *tel_n, *tel_stalled;
    simtime *drained_at;            /* per site; -1 when not drained */
    uint64_t *requests;             /* per site: downloads sent to it so far */
    simtime window_start;
    uint64_t plays_timed_out;
    int marker_seq;
    /* Recent errors (health reports carry them): per resource, downloads
     * asked of it and downloads it failed (gave no bytes while up) since
     * its last report, and the rate that report carried. */
    uint32_t *rep_downloads, *rep_errors;
    float *error_rate;
    simtime *errors_at;             /* when its VIEW_ERRORS began */
    /* Per resource: the share of downloads that get no bytes now
     * (oca_errors faults), and how many resources have one above 0. */
    float *fail_share;
    uint32_t nfailing;
};

int control_plane_init(struct world *w);
void control_plane_destroy(struct world *w);

/* The ranked list for a session of ISP isp asking for file (title, codec,
 * rung: models/placement.h), in the order
 * of the scenario's steering policy. Only the first `need` entries are
 * guaranteed (STEER_LIST_MAX: all): when the policy cannot reorder the list
 * (nearest, or nearest-healthy while every report is clean) building stops
 * there, which keeps a session's first request as cheap as steering v1. */
void control_plane_rank(const struct world *w, int isp, uint32_t file, int need,
                        struct steer_list *out);

/* A play request arriving now. Returns 0 with *answer_at (>= now) when the
 * control plane answers it, or -1 when it never will (down, or the queue
 * would make the client wait past control_plane.timeout): the client gives
 * up at now + timeout. Requests are answered first come first served at
 * control_plane.capacity per second (0: at once). */
int control_plane_play(struct world *w, simtime now, simtime *answer_at);

/* Telemetry of one finished download (the QoE drain's input). */
static inline void control_plane_telemetry(struct world *w, uint32_t res0, double bytes,
                                           simtime took, int stalled)
{
    struct control_plane *cp = w->cp;
    if (res0 >= w->nocas || !w->sc->steer.drain)
        return;
    uint32_t site = w->ocas[res0].site;
    cp->tel_bytes[site] += bytes;
    cp->tel_us[site] += (double)took;
    cp->tel_n[site]++;
    cp->tel_stalled[site] += (uint32_t)stalled;
}

/* The EV_HEALTH handler: reports arrive, leaks progress, drains are judged. */
void control_plane_on_health(void *ctx, const struct event *ev);

/* Marks every live session of region r (all regions: -1) to ask for a new
 * list at its next download. */
void control_plane_reroute_region(struct world *w, int r);

/* Appends a marker row (kind, what it is about, the fault or -1). */
void control_plane_mark(struct world *w, enum marker_kind kind, const char *target, int fault);

/* The first entry of the session's list as if every report were clean and
 * no region evacuated: proximity order (embedded, IX, origin), the holder
 * a healthy world would send it to. Impact rows measure moves against it. */
void control_plane_home(const struct world *w, int isp, uint32_t title, struct steer_entry *out);

#endif
