/* models/device.c: device classes and the per-region device mix.
 *
 * A class says which codecs its decoder handles and the largest picture it
 * shows (its screen or output); scenarios/README.md ("devices") gives the
 * default classes and mix and where they come from. The player uses the
 * best codec the device decodes among those the title has, and only the
 * rungs up to the device's height. */
#include "models/device.h"

#include "sim/rng.h"

const double *device_mix(const struct cfg_devices *d, int region)
{
    return d->mix ? d->mix[region] : d->default_mix;
}

void device_draw(const struct scenario *sc, int region, int64_t session_id,
                 struct device_pick *out)
{
    const struct cfg_devices *d = &sc->devices;
    const double *mix = device_mix(d, region);
    uint64_t key = rng_mix(sc->seed, RNG_DEVICE, (uint64_t)session_id);
    double u = rng_hash_unit(key), acc = 0;
    int k = 0;
    /* Inverse CDF over the classes in scenario order; the last class with a
     * share takes the rounding slack. */
    int last = 0;
    for (int i = 0; i < d->nclasses; i++)
        if (mix[i] > 0)
            last = i;
    for (k = 0; k < last; k++) {
        acc += mix[k];
        if (u < acc && mix[k] > 0)
            break;
    }
    const struct cfg_device_class *c = &d->classes[k];
    out->cls = (uint8_t)k;
    out->codecs = c->codecs;
    out->max_height = c->max_height;
    if (d->av1_capable >= 0) {
        double v = rng_hash_unit(rng_mix(key, RNG_DEVICE, 1));
        if (v < d->av1_capable)
            out->codecs |= 1u << CODEC_AV1;
        else
            out->codecs &= ~(1u << CODEC_AV1);
    }
}
