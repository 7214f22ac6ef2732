/* sim/sweep_mpi.h: the little MPI a sweep uses (`make MPI=1`). In the
 * default build these are stubs that report a single process, so nothing
 * else needs MPI's headers. */
#ifndef LASTMILE_SWEEP_MPI_H
#define LASTMILE_SWEEP_MPI_H

#include <stddef.h>

/* 1 when this is an MPI build started by mpirun (MPI_Init is called only
 * then); fills rank and size. 0 otherwise, with rank 0 and size 1. */
int sweep_mpi_init(int *rank, int *size);
/* 1 when every rank passes ok = 1. A barrier too. */
int sweep_mpi_all_ok(int ok);
/* Rank 0's buf to every rank. */
void sweep_mpi_bcast(char *buf, size_t n);
void sweep_mpi_finalize(void);
/* "MPI" or "no MPI" for messages. */
const char *sweep_mpi_build(void);

#endif
