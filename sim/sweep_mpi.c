/* sim/sweep_mpi.c: MPI for sweeps, compiled in by `make MPI=1`
 * (LASTMILE_MPI, OpenMPI's mpicc). MPI_Init runs only when the launcher's
 * environment says this process is one of several ranks, so an MPI build
 * run by hand behaves like the default build (no singleton start-up). */
#include "sim/sweep_mpi.h"

#include <stdlib.h>

#ifdef LASTMILE_MPI
#include <mpi.h>

static int active;

/* OpenMPI's mpirun sets OMPI_COMM_WORLD_SIZE; PMI launchers (srun,
 * MPICH's hydra) set PMI_SIZE. */
static int launched(void)
{
    const char *v = getenv("OMPI_COMM_WORLD_SIZE");
    if (!v)
        v = getenv("PMI_SIZE");
    return v != NULL;
}

int sweep_mpi_init(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    if (!launched())
        return 0;
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
        return 0;
    active = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, rank);
    MPI_Comm_size(MPI_COMM_WORLD, size);
    return 1;
}

int sweep_mpi_all_ok(int ok)
{
    if (!active)
        return ok;
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all;
}

void sweep_mpi_bcast(char *buf, size_t n)
{
    if (active)
        MPI_Bcast(buf, (int)n, MPI_CHAR, 0, MPI_COMM_WORLD);
}

void sweep_mpi_finalize(void)
{
    if (active)
        MPI_Finalize();
    active = 0;
}

const char *sweep_mpi_build(void)
{
    return "MPI";
}

#else

int sweep_mpi_init(int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    return 0;
}

int sweep_mpi_all_ok(int ok)
{
    return ok;
}

void sweep_mpi_bcast(char *buf, size_t n)
{
    (void)buf;
    (void)n;
}

void sweep_mpi_finalize(void)
{
}

const char *sweep_mpi_build(void)
{
    return "no MPI";
}

#endif
