/* sim/cmd_merge.h: `lastmile merge`. */
#ifndef LASTMILE_CMD_MERGE_H
#define LASTMILE_CMD_MERGE_H

extern const char MERGE_USAGE[];
int cmd_merge(int argc, char **argv);

#endif
