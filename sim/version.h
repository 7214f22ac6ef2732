/* sim/version.h: the version stored with every run. */
#ifndef LASTMILE_VERSION_H
#define LASTMILE_VERSION_H
#define LASTMILE_VERSION "0.1.0"
#endif
