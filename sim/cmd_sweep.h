/* sim/cmd_sweep.h: `lastmile sweep`. */
#ifndef LASTMILE_CMD_SWEEP_H
#define LASTMILE_CMD_SWEEP_H

extern const char SWEEP_USAGE[];
int cmd_sweep(int argc, char **argv);

#endif
