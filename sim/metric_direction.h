/* sim/metric_direction.h: which way is good for each summary metric (the
 * table `lastmile compare` judges by; scenarios/README.md "Compare" lists
 * it). */
#ifndef LASTMILE_METRIC_DIRECTION_H
#define LASTMILE_METRIC_DIRECTION_H

enum metric_dir { DIR_NONE = 0, DIR_UP = 1, DIR_DOWN = -1 };

/* DIR_UP when a higher value is better, DIR_DOWN when lower is, DIR_NONE
 * when the metric describes the load rather than judges it (bytes.total,
 * peak.concurrent, sim.events). */
enum metric_dir metric_direction(const char *name);
const char *metric_dir_name(enum metric_dir d);     /* "up", "down", "-" */

#endif
