/* sim/cmd_cache.h: `lastmile cache`, one reactive cache over a request stream. */
#ifndef LASTMILE_CMD_CACHE_H
#define LASTMILE_CMD_CACHE_H

extern const char CACHE_USAGE[];
int cmd_cache(int argc, char **argv);

#endif
