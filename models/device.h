/* models/device.h: device classes (codecs decoded, largest picture) and the
 * draw of a session's device from its region's mix. */
#ifndef LASTMILE_DEVICE_H
#define LASTMILE_DEVICE_H

#include <stdint.h>

#include "models/config.h"

/* What a session's device gives the player. */
struct device_pick {
    uint8_t cls;                    /* index into devices.classes */
    unsigned codecs;                /* bit (1 << enum codec): decodes */
    int max_height;
};

/* The device of session number session_id (its database id) in region:
 * the class from the region's mix, then, when devices.av1_capable is set,
 * AV1 support with that probability. Counter-based draws keyed by (seed,
 * RNG_DEVICE, session id): no other stream moves, so two runs that differ
 * only in their devices or ladders see the same demand. */
void device_draw(const struct scenario *sc, int region, int64_t session_id,
                 struct device_pick *out);
/* The region's mix (the default mix for regions the scenario leaves out). */
const double *device_mix(const struct cfg_devices *d, int region);

#endif
