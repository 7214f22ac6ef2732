/* sim/cmd_plot.h: `lastmile plot`, a run's figures as PNG files. */
#ifndef LASTMILE_CMD_PLOT_H
#define LASTMILE_CMD_PLOT_H

extern const char PLOT_USAGE[];
/* argv[0] is "plot". Returns the exit status: 0, 1 when gnuplot is missing
 * or fails, 2 on bad usage or input. */
int cmd_plot(int argc, char **argv);

#endif
