// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench/link-stamp: the benchmark's "plug" and "unplug", stamped at the
 * kernel's side. Creates (or deletes) the phone's link over rtnetlink and
 * prints the wall clock (CLOCK_REALTIME, µs since the epoch) twice: just
 * before the request is sent and just after the kernel's acknowledgement
 * came back.
 *
 *   link-stamp add IFNAME PEER PEER_NETNS_PATH   veth IFNAME here, PEER in that namespace
 *   link-stamp del IFNAME
 *
 * prints "BEFORE_US ACK_US". The kernel handles the request inside the
 * send (rtnetlink runs it synchronously), and it sends the RTM_NEWLINK
 * (RTM_DELLINK) event to every listener - `usbnet-wizard watch` among them -
 * before it queues the acknowledgement: when ACK_US is taken the link
 * exists and watch has been told. So ACK_US is the moment the link appeared,
 * taken late by at most the return to user space; this process's own start
 * (fork, exec, loading) is outside it, unlike a clock read before running
 * `ip link add`. BEFORE_US - ACK_US bounds the kernel's own work.
 *
 * libnl (as core/nl.c) builds the messages; nothing here is hand-encoded.
 */
#include <fcntl.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	struct rtnl_link *link = NULL;
	long long t0, t1;
	int r, nsfd = -1;

	if (!(argc == 5 && !strcmp(argv[1], "add")) && !(argc == 3 && !strcmp(argv[1], "del"))) {
		fprintf(stderr, "usage: link-stamp add IFNAME PEER PEER_NETNS_PATH | del IFNAME\n");
		return 2;
	}
	sk = nl_socket_alloc();
	if (!sk || nl_connect(sk, NETLINK_ROUTE) < 0) {
		fprintf(stderr, "link-stamp: cannot open rtnetlink\n");
		return 1;
	}
	if (!strcmp(argv[1], "add")) {
		struct rtnl_link *peer;

		nsfd = open(argv[4], O_RDONLY | O_CLOEXEC);
		if (nsfd < 0) {
			perror(argv[4]);
			return 1;
		}
		link = rtnl_link_veth_alloc();
		peer = link ? rtnl_link_veth_get_peer(link) : NULL;
		if (!peer) {
			fprintf(stderr, "link-stamp: out of memory\n");
			return 1;
		}
		rtnl_link_set_name(link, argv[2]);
		rtnl_link_set_name(peer, argv[3]);
		rtnl_link_set_ns_fd(peer, nsfd);
		rtnl_link_put(peer);
		t0 = now_us();
		r = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
		t1 = now_us();
	} else {
		link = rtnl_link_alloc();
		if (!link) {
			fprintf(stderr, "link-stamp: out of memory\n");
			return 1;
		}
		rtnl_link_set_name(link, argv[2]);
		t0 = now_us();
		r = rtnl_link_delete(sk, link);
		t1 = now_us();
	}
	if (r < 0) {
		fprintf(stderr, "link-stamp: %s %s: %s\n", argv[1], argv[2], nl_geterror(r));
		return 1;
	}
	printf("%lld %lld\n", t0, t1);
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (nsfd >= 0)
		close(nsfd);
	return 0;
}
