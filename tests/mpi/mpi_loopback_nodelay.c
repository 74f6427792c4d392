/*
 * mpi_loopback_nodelay.c — after sx_mpi_init no TCP connection of the rank
 * to a loopback peer (the MPI library's link to its node-local PMIx server)
 * is left with Nagle's algorithm on; with it on, MPI_Finalize waited 40 ms
 * for a delayed ACK. Also times MPI_Finalize and prints it (not asserted:
 * times are not asserted in tests).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "sanxiang/sx_mpi.h"

/* Loopback TCP connections of this process, and how many lack NODELAY. */
static void count(int *loopback, int *nagle)
{
    *loopback = *nagle = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return;
    for (struct dirent *e; (e = readdir(d));) {
        int fd = atoi(e->d_name), type = 0, on = 0;
        socklen_t len = sizeof type;
        struct sockaddr_storage peer;
        if (fd == dirfd(d) || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
            continue;
        len = sizeof peer;
        if (getpeername(fd, (struct sockaddr *)&peer, &len) != 0) continue;
        int lo = (peer.ss_family == AF_INET &&
                  ntohl(((struct sockaddr_in *)&peer)->sin_addr.s_addr) >> 24 == 127) ||
                 (peer.ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&peer)->sin6_addr));
        if (!lo) continue;
        (*loopback)++;
        len = sizeof on;
        if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0 && !on) (*nagle)++;
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    int rank = sx_mpi_rank(), loopback, nagle;
    count(&loopback, &nagle);
    if (nagle) fprintf(stderr, "[rank %d] %d of %d loopback TCP connections still use Nagle's algorithm\n", rank, nagle, loopback);
    else if (rank == 0) printf("%d loopback TCP connection(s) per rank, all with TCP_NODELAY\n", loopback);
    int fail = nagle != 0, any = 0;
    MPI_Allreduce(&fail, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sx_mpi_finalize();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rank == 0)
        printf("MPI_Finalize: %.1f ms\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) * 1e-6);
    return any;
}
