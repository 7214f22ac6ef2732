/* sim/cmd_play.h: `lastmile play`, one session over one trace. */
#ifndef LASTMILE_CMD_PLAY_H
#define LASTMILE_CMD_PLAY_H

extern const char PLAY_USAGE[];
int cmd_play(int argc, char **argv);

#endif
