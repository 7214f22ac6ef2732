/* sim/cmd_compare.h: `lastmile compare`. */
#ifndef LASTMILE_CMD_COMPARE_H
#define LASTMILE_CMD_COMPARE_H

extern const char COMPARE_USAGE[];
int cmd_compare(int argc, char **argv);

#endif
