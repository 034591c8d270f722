// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rescue search: the phone by its IPv6 link-local address, when its IPv4
 * address does not answer (uw_phone_find_link_local). Needs no libssh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/phone.h"
#include "core/util.h"

static bool is_own_address(const struct in6_addr *a)
{
	struct ifaddrs *ifa, *i;
	bool own = false;

	if (getifaddrs(&ifa) < 0)
		return false;
	for (i = ifa; i && !own; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
		    !memcmp(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, a, sizeof(*a)))
			own = true;
	freeifaddrs(ifa);
	return own;
}

int uw_phone_find_link_local(const char *iface, unsigned wait_ms, char (*addrs)[64],
			     size_t max, struct uw_error *err)
{
	unsigned ifindex = if_nametoindex(iface);
	_auto_fd_ int fd = -1;
	struct icmp6_filter filt;
	struct icmp6_hdr req = { .icmp6_type = ICMP6_ECHO_REQUEST };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6, .sin6_scope_id = ifindex };
	int hops = 1, loop = 0;
	uint16_t id = (uint16_t)(getpid() ^ uw_now_ms());
	long long deadline;
	size_t n = 0;

	if (!ifindex)
		return uw_error_set(err, -ENODEV, "There is no interface '%s'. Plug the phone in "
				    "and check the name (e.g. usb0, enx...).", iface);
	/*
	 * A raw ICMPv6 socket: the kernel fills in the checksum for us and
	 * hands us only echo replies through the filter. Root (or CAP_NET_RAW)
	 * is needed, as for ping.
	 */
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return uw_error_set(err, -errno, "Cannot open an ICMPv6 socket: %s. The rescue "
				    "search needs root.", strerror(errno));
	ICMP6_FILTER_SETBLOCKALL(&filt);
	ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
	setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex));
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	/* Our own echo of the request would make us "find" ourselves. */
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop));
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface)) < 0)
		return uw_error_set(err, -errno, "Cannot bind to %s: %s.", iface, strerror(errno));
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	req.icmp6_id = htons(id);
	req.icmp6_seq = htons(1);
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		return uw_error_set(err, -errno, "Cannot send the IPv6 search on %s: %s. The "
				    "interface must be up (ip link set %s up) and have its "
				    "fe80:: address.", iface, strerror(errno), iface);
	deadline = uw_now_ms() + wait_ms;
	for (;;) {
		long long left = deadline - uw_now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_in6 src;
		socklen_t slen = sizeof(src);
		unsigned char buf[1500];
		struct icmp6_hdr *rep = (struct icmp6_hdr *)buf;
		ssize_t len;
		char txt[INET6_ADDRSTRLEN];
		bool dup = false;

		if (left <= 0 || n >= max)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			break;
		len = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&src, &slen);
		if (len < (ssize_t)sizeof(*rep) || rep->icmp6_type != ICMP6_ECHO_REPLY ||
		    rep->icmp6_id != htons(id))
			continue;
		if (!IN6_IS_ADDR_LINKLOCAL(&src.sin6_addr) || is_own_address(&src.sin6_addr))
			continue;
		inet_ntop(AF_INET6, &src.sin6_addr, txt, sizeof(txt));
		for (size_t i = 0; i < n; i++)
			if (!strncmp(addrs[i], txt, strlen(txt)) && addrs[i][strlen(txt)] == '%')
				dup = true;
		if (!dup)
			snprintf(addrs[n++], 64, "%s%%%s", txt, iface);
	}
	return (int)n;
}
