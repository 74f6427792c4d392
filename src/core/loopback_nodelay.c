/*
 * loopback_nodelay.c — TCP_NODELAY on this process's loopback TCP sockets.
 *
 * Open MPI 4.1 talks to its node-local launcher (mpirun's or Slurm's PMIx
 * server) through PMIx, and Debian 12's PMIx 4.2 client uses a TCP socket
 * on 127.0.0.1 without TCP_NODELAY. MPI_Finalize's fence sends a few small
 * messages back to back: Nagle's algorithm holds the second one until the
 * first is acknowledged, and the server acknowledges after the kernel's
 * delayed-ACK timer (40 ms on Linux). Every run paid 41 ms in MPI_Finalize
 * for that (2.5 ms with the option set; measured on the 2-core machine, an
 * MPI program doing nothing but MPI_Init and MPI_Finalize, 1 and 2 ranks).
 *
 * Only sockets whose peer is a loopback address are touched: they can only
 * lead to a process on this node (the launcher), where coalescing small
 * writes saves nothing. Sockets to other hosts keep what their owner chose.
 */
#include "sanxiang/sx_mpi.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* 1 if fd is a connected TCP stream whose peer is 127.0.0.0/8 or ::1. */
static int is_loopback_tcp(int fd)
{
    int type = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return 0;
    struct sockaddr_storage peer;
    len = sizeof peer;
    if (getpeername(fd, (struct sockaddr *)&peer, &len) != 0) return 0;
    if (peer.ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)&peer;
        return (ntohl(a->sin_addr.s_addr) >> 24) == 127;
    }
    if (peer.ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&peer;
        if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr)) return 1;
        /* ::ffff:127.x.y.z, an IPv4 loopback peer on a dual-stack socket */
        return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr) && a->sin6_addr.s6_addr[12] == 127;
    }
    return 0;
}

int sx_loopback_nodelay(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return -1;
    int changed = 0, self = dirfd(d);
    for (struct dirent *e; (e = readdir(d));) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || end == e->d_name || fd == self || !is_loopback_tcp((int)fd)) continue;
        int on = 0;
        socklen_t len = sizeof on;
        if (getsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0 && on) continue;
        on = 1;
        if (setsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0) changed++;
    }
    closedir(d);
    return changed;
}
