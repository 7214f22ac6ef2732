/* sim/cmd_ladder.h: `lastmile ladder`, one title's hull and ladder. */
#ifndef LASTMILE_CMD_LADDER_H
#define LASTMILE_CMD_LADDER_H

extern const char LADDER_USAGE[];
/* argv[0] is "ladder". Returns the exit status (0, or 2 on bad usage or input). */
int cmd_ladder(int argc, char **argv);

#endif
