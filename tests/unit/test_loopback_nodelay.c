/*
 * test_loopback_nodelay.c — sx_loopback_nodelay sets TCP_NODELAY on the
 * process's TCP connections to a loopback peer (both ends of a 127.0.0.1
 * and of a ::1 connection), and on nothing else: not on a UDP socket, not
 * on a Unix socket, not on a listening socket, not on a TCP connection to
 * one of the machine's own non-loopback addresses.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "sanxiang/sx_mpi.h"

static int nodelay(int fd)
{
    int on = -1;
    socklen_t len = sizeof on;
    assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
    return on != 0;
}

/* A connected pair over TCP to the address a (port 0: the kernel picks);
 * fd[2] is the listener. Returns 0 when the family is not available. */
static int tcp_pair(struct sockaddr_storage *a, socklen_t alen, int fd[3])
{
    fd[2] = socket(a->ss_family, SOCK_STREAM, 0);
    if (fd[2] < 0) return 0;
    if (bind(fd[2], (struct sockaddr *)a, alen) != 0 || listen(fd[2], 1) != 0) {
        close(fd[2]);
        return 0;
    }
    assert_int_equal(getsockname(fd[2], (struct sockaddr *)a, &alen), 0);
    fd[0] = socket(a->ss_family, SOCK_STREAM, 0);
    assert_true(fd[0] >= 0);
    assert_int_equal(connect(fd[0], (struct sockaddr *)a, alen), 0);
    fd[1] = accept(fd[2], NULL, NULL);
    assert_true(fd[1] >= 0);
    return 1;
}

static socklen_t addr4(struct sockaddr_storage *s, in_addr_t host_order)
{
    memset(s, 0, sizeof *s);
    struct sockaddr_in *a = (struct sockaddr_in *)s;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(host_order);
    return sizeof *a;
}

/* One of the machine's own IPv4 addresses that is not loopback, or 0. */
static in_addr_t own_address(void)
{
    struct ifaddrs *all = NULL, *i;
    in_addr_t found = 0;
    if (getifaddrs(&all) != 0) return 0;
    for (i = all; i && !found; i = i->ifa_next)
        if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
            !(i->ifa_flags & IFF_LOOPBACK))
            found = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
    freeifaddrs(all);
    return found;
}

static void test_only_loopback_connections(void **state)
{
    (void)state;
    struct sockaddr_storage a;
    int v4[3], v6[3] = {-1, -1, -1}, far[3] = {-1, -1, -1}, unix_pair[2];

    assert_true(tcp_pair(&a, addr4(&a, INADDR_LOOPBACK), v4));
    int want = 2;

    memset(&a, 0, sizeof a);
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;
    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_loopback;
    if (tcp_pair(&a, sizeof *a6, v6)) want += 2;
    else print_message("no IPv6 loopback here: ::1 not checked\n");

    in_addr_t own = own_address();
    if (own && tcp_pair(&a, addr4(&a, own), far)) {
        /* the peer of this pair is the machine's own address, not loopback */
    } else {
        print_message("no non-loopback IPv4 address here: that case not checked\n");
    }

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(udp >= 0);
    socklen_t alen = addr4(&a, INADDR_LOOPBACK);
    ((struct sockaddr_in *)&a)->sin_port = htons(9); /* any port: a UDP connect sends nothing */
    assert_int_equal(connect(udp, (struct sockaddr *)&a, alen), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, unix_pair), 0);

    assert_false(nodelay(v4[0]));
    assert_int_equal(sx_loopback_nodelay(), want);
    assert_true(nodelay(v4[0]));
    assert_true(nodelay(v4[1]));
    assert_false(nodelay(v4[2])); /* the listener is not connected */
    if (v6[0] >= 0) {
        assert_true(nodelay(v6[0]));
        assert_true(nodelay(v6[1]));
    }
    if (far[0] >= 0) {
        assert_false(nodelay(far[0]));
        assert_false(nodelay(far[1]));
    }
    /* nothing left to change: a second call changes nothing */
    assert_int_equal(sx_loopback_nodelay(), 0);

    for (int k = 0; k < 3; k++) {
        close(v4[k]);
        if (v6[k] >= 0) close(v6[k]);
        if (far[k] >= 0) close(far[k]);
    }
    close(udp);
    close(unix_pair[0]);
    close(unix_pair[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_only_loopback_connections)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
