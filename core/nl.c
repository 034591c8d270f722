// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Netlink handles over libnl-route-3, and sysctls through /proc/sys.
 *
 * Each call opens and closes its own NETLINK_ROUTE socket: a socket is bound
 * to the network namespace it was created in, and the wizard (and its tests)
 * may switch namespaces between calls. Opening a socket costs a few
 * microseconds, nothing next to the work.
 */
#include "core/nl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <endian.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "core/ip4.h"
#include "core/sanitize.h"
#include "core/strbuf.h"
#include "core/sysctlname.h"
#include "core/util.h"

UW_DEFINE_CLEANUP(struct nl_sock, nl_socket_free)
UW_DEFINE_CLEANUP(struct nl_cache, nl_cache_free)
UW_DEFINE_CLEANUP(struct rtnl_link, rtnl_link_put)
UW_DEFINE_CLEANUP(struct rtnl_addr, rtnl_addr_put)
UW_DEFINE_CLEANUP(struct rtnl_route, rtnl_route_put)
UW_DEFINE_CLEANUP(struct nl_addr, nl_addr_put)

/*
 * libnl turns kernel errnos into its own NLE_* codes (and there is no reverse
 * function); our callers speak errno. Several errnos collapse into one NLE
 * code, so the mapping is per context: ESRCH (no such route) and ENOENT both
 * become NLE_OBJ_NOTFOUND, EADDRNOTAVAIL (no such address) NLE_NOADDR, and
 * ENOBUFS (socket overrun) NLE_NOMEM.
 */
static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0: return 0;
	case NLE_INTR: return -EINTR;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_RANGE: return -ERANGE;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT: return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_NOADDR: return -ENOENT;
	case NLE_BUSY: return -EBUSY;
	case NLE_NOACCESS: return -EACCES;
	case NLE_PERM: return -EPERM;
	case NLE_NODEV: return -ENODEV;
	default: return -EIO;
	}
}

/*
 * libnl's errno -> NLE table is lossy (ENETDOWN, EHOSTUNREACH ... all become
 * NLE_FAILURE): keep the kernel's own answer from the NLMSG_ERROR as well.
 * Returning NL_STOP leaves libnl's normal error path unchanged.
 */
static __thread int kernel_errno;

static int remember_errno(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	kernel_errno = e->error < 0 ? -e->error : e->error;
	return NL_STOP;
}

static void nl_drop(void);

/* The negative errno for libnl result @nle: the kernel's if it said one
 * (and the thread's socket is not reused: see nl_get). */
static int kerr(int nle)
{
	int k = kernel_errno;

	nl_drop();
	kernel_errno = 0;
	return k ? -k : nle_to_errno(nle);
}

/* A connected NETLINK_ROUTE socket, with the kernel's own errno kept for our messages. */
static int nl_open(struct nl_sock **out, struct uw_error *err);
static int nfnl_open(struct nl_sock **out, struct uw_error *err);

/*
 * One socket of each kind per thread, reused by every call (an apply makes
 * a dozen routing calls and several nftables ones): opened on first use,
 * and again when the thread has moved to another network namespace (a
 * socket stays in the one it was opened in) or after a failed exchange,
 * which may leave replies unread (thread_sock_drop).
 */
enum { SOCK_ROUTE, SOCK_NETFILTER, SOCK_KINDS };

static int (*const sock_open[SOCK_KINDS])(struct nl_sock **, struct uw_error *) = {
	[SOCK_ROUTE] = nl_open,
	[SOCK_NETFILTER] = nfnl_open,
};

struct thread_socks {
	struct {
		struct nl_sock *sk;
		dev_t dev;
		ino_t ino;
	} s[SOCK_KINDS];
};

static pthread_key_t socks_key;
static pthread_once_t socks_once = PTHREAD_ONCE_INIT;

static void thread_socks_free(void *p)
{
	struct thread_socks *ts = p;

	for (size_t i = 0; ts && i < SOCK_KINDS; i++)
		if (ts->s[i].sk)
			nl_socket_free(ts->s[i].sk);
	free(ts);
}

static void socks_key_make(void)
{
	if (pthread_key_create(&socks_key, thread_socks_free) != 0)
		abort();
}

/* The main thread's, which no thread-exit destructor frees. */
__attribute__((destructor)) static void thread_socks_release(void)
{
	if (socks_once != PTHREAD_ONCE_INIT) {
		thread_socks_free(pthread_getspecific(socks_key));
		pthread_setspecific(socks_key, NULL);
	}
}

static struct thread_socks *thread_socks(void)
{
	struct thread_socks *ts;

	pthread_once(&socks_once, socks_key_make);
	ts = pthread_getspecific(socks_key);
	if (!ts) {
		ts = uw_malloc0(sizeof(*ts));
		pthread_setspecific(socks_key, ts);
	}
	return ts;
}

/* The calling thread's socket of @kind, in its current network namespace. */
static int thread_sock_get(int kind, struct nl_sock **out, struct uw_error *err)
{
	struct thread_socks *ts = thread_socks();
	struct stat st;
	int r;

	/* (without a namespace to compare, never reused) */
	if (stat("/proc/thread-self/ns/net", &st) < 0)
		memset(&st, 0, sizeof(st));
	if (ts->s[kind].sk &&
	    (!st.st_ino || st.st_dev != ts->s[kind].dev || st.st_ino != ts->s[kind].ino)) {
		nl_socket_free(ts->s[kind].sk);
		ts->s[kind].sk = NULL;
	}
	if (!ts->s[kind].sk) {
		r = sock_open[kind](&ts->s[kind].sk, err);
		if (r < 0)
			return r;
		ts->s[kind].dev = st.st_dev;
		ts->s[kind].ino = st.st_ino;
	}
	*out = ts->s[kind].sk;
	return 0;
}

/* After a failed or unfinished exchange: the next call opens a fresh socket. */
static void thread_sock_drop(int kind)
{
	struct thread_socks *ts = thread_socks();

	if (ts->s[kind].sk) {
		nl_socket_free(ts->s[kind].sk);
		ts->s[kind].sk = NULL;
	}
}

static int nl_get(struct nl_sock **out, struct uw_error *err)
{
	int r = thread_sock_get(SOCK_ROUTE, out, err);

	kernel_errno = 0;
	return r;
}

static void nl_drop(void)
{
	thread_sock_drop(SOCK_ROUTE);
}

/* libnl's failure @nle of an exchange on the thread's socket, as an errno. */
static int nl_failed(int nle)
{
	nl_drop();
	return nle_to_errno(nle);
}

static int nl_open(struct nl_sock **out, struct uw_error *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return uw_error_set(err, -ENOMEM, "out of memory opening a netlink socket");
	kernel_errno = 0;
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, remember_errno, NULL);
	r = nl_connect(sk, NETLINK_ROUTE);
	if (r < 0) {
		nl_socket_free(sk);
		return uw_error_set(err, nle_to_errno(r),
				    "cannot talk to the kernel's routing netlink: %s", nl_geterror(r));
	}
	*out = sk;
	return 0;
}

static int nodev_error(struct uw_error *err, const char *ifname)
{
	return uw_error_set(err, -ENODEV,
			    "interface %s does not exist (any more?): plug the phone in again, "
			    "or pick another interface with --iface", ifname);
}

/* Look the link up by name on @sk. */
static int link_get(struct nl_sock *sk, const char *ifname, struct rtnl_link **out,
		    struct uw_error *err)
{
	int r;

	kernel_errno = 0;
	r = rtnl_link_get_kernel(sk, 0, ifname, out);
	if (r < 0) {
		r = kerr(r);
		/* The kernel answers ENODEV for an unknown name. */
		if (r == -ENODEV || r == -ENOENT)
			return nodev_error(err, ifname);
		return uw_error_set(err, r, "cannot read interface %s from the kernel: %s",
				    ifname, strerror(-r));
	}
	return 0;
}

/*
 * The start of every call that names a link: check the name (before it
 * reaches the kernel, or shell text shown to people), take the thread's
 * socket, look the link up. On failure *sk is NULL.
 */
static int link_open(const char *ifname, struct nl_sock **sk, struct rtnl_link **link,
		     struct uw_error *err)
{
	int r;

	*sk = NULL;
	r = uw_ifname_check(ifname, err);
	if (r < 0)
		return r;
	r = nl_get(sk, err);
	if (r < 0)
		return r;
	r = link_get(*sk, ifname, link, err);
	if (r < 0)
		*sk = NULL;
	return r;
}

/* @ifname's link from the kernel (the caller puts it): 0 or a negative errno. */
static int link_fetch(const char *ifname, struct rtnl_link **link, struct uw_error *err)
{
	struct nl_sock *sk;

	return link_open(ifname, &sk, link, err);
}

int uw_nl_link_index(const char *ifname, struct uw_error *err)
{
	_auto_(rtnl_link_put) struct rtnl_link *link = NULL;
	int r = link_fetch(ifname, &link, err);

	return r < 0 ? r : rtnl_link_get_ifindex(link);
}

int uw_nl_link_name(int ifindex, char *buf, size_t len, struct uw_error *err)
{
	struct nl_sock *sk = NULL;
	_auto_(rtnl_link_put) struct rtnl_link *link = NULL;
	int r;

	if (ifindex <= 0)
		return uw_error_set(err, -EINVAL, "interface index %d is not valid", ifindex);
	r = nl_get(&sk, err);
	if (r < 0)
		return r;
	r = rtnl_link_get_kernel(sk, ifindex, NULL, &link);
	if (r < 0) {
		nl_drop();
		return uw_error_set(err, -ENODEV,
				    "interface number %d does not exist (any more?): plug the phone in again",
				    ifindex);
	}
	if (uw_strlcpy(buf, rtnl_link_get_name(link), len) >= len)
		return uw_error_set(err, -E2BIG, "buffer too small for an interface name");
	return 0;
}

int uw_nl_link_is_up(const char *ifname, struct uw_error *err)
{
	_auto_(rtnl_link_put) struct rtnl_link *link = NULL;
	int r = link_fetch(ifname, &link, err);

	return r < 0 ? r : (rtnl_link_get_flags(link) & IFF_UP) ? 1 : 0;
}

int uw_nl_link_set_up(const char *ifname, bool up, struct uw_error *err)
{
	struct nl_sock *sk = NULL;
	_auto_(rtnl_link_put) struct rtnl_link *link = NULL;
	_auto_(rtnl_link_put) struct rtnl_link *change = NULL;
	int r;

	r = link_open(ifname, &sk, &link, err);
	if (r < 0)
		return r;
	change = rtnl_link_alloc();
	if (!change)
		return uw_error_set(err, -ENOMEM, "out of memory");
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	/* rtnl_link_change sends RTM_NEWLINK and falls back to RTM_SETLINK on
	 * old kernels; the change carries only the flag we mean to touch. */
	kernel_errno = 0;
	r = rtnl_link_change(sk, link, change, 0);
	if (r < 0) {
		r = kerr(r);
		if (r == -ENODEV)
			return nodev_error(err, ifname);
		return uw_error_set(err, r, "cannot bring interface %s %s: %s%s", ifname,
				    up ? "up" : "down", strerror(-r),
				    r == -EPERM ? " (run as root)" : "");
	}
	return 0;
}

static int plen_check(unsigned plen, struct uw_error *err)
{
	if (plen > 32)
		return uw_error_set(err, -EINVAL,
				    "prefix length /%u is not valid for IPv4: use 0..32 (e.g. /24 or /29)",
				    plen);
	return 0;
}

static int nladdr_v4(struct in_addr a, unsigned plen, struct nl_addr **out, struct uw_error *err)
{
	struct nl_addr *na = nl_addr_build(AF_INET, &a, sizeof(a));

	if (!na)
		return uw_error_set(err, -ENOMEM, "out of memory");
	nl_addr_set_prefixlen(na, (int)plen);
	*out = na;
	return 0;
}

/* Common start of the address and route calls: validate, open, resolve. */
static int prepare(const char *ifname, unsigned plen, struct nl_sock **sk, int *ifindex,
		   struct uw_error *err)
{
	_auto_(rtnl_link_put) struct rtnl_link *link = NULL;
	int r;

	r = plen_check(plen, err);
	if (r < 0)
		return r;
	r = link_open(ifname, sk, &link, err);
	if (r < 0)
		return r;
	*ifindex = rtnl_link_get_ifindex(link);
	return 0;
}

static int dst_check(struct in_addr dst, unsigned plen, struct uw_error *err);

/*
 * The start of a probe: @ifname's index (prepare), then what the kernel
 * lists into *cache: its addresses, or (@routes) its IPv4 routes, after
 * checking @dst/@plen is a network address.
 */
static int probe_list(const char *ifname, unsigned plen, bool routes, struct in_addr dst,
		      int *ifindex, struct nl_cache **cache, struct uw_error *err)
{
	struct nl_sock *sk;
	int r = prepare(ifname, plen, &sk, ifindex, err);

	if (r >= 0 && routes)
		r = dst_check(dst, plen, err);
	if (r < 0)
		return r;
	r = routes ? rtnl_route_alloc_cache(sk, AF_INET, 0, cache) : rtnl_addr_alloc_cache(sk, cache);
	if (r < 0)
		return uw_error_set(err, nl_failed(r), "cannot list %s: %s", routes ? "routes" : "addresses",
				    nl_geterror(r));
	return 0;
}

int uw_nl_addr_probe(const char *ifname, struct in_addr a, unsigned plen, struct uw_error *err)
{
	_auto_(nl_cache_free) struct nl_cache *cache = NULL;
	int ifindex, r = probe_list(ifname, plen, false, a, &ifindex, &cache, err);

	if (r < 0)
		return r;
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *ra = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(ra);

		if (rtnl_addr_get_family(ra) != AF_INET || rtnl_addr_get_ifindex(ra) != ifindex ||
		    !local || nl_addr_get_len(local) != sizeof(a))
			continue;
		if ((unsigned)rtnl_addr_get_prefixlen(ra) == plen &&
		    !memcmp(nl_addr_get_binary_addr(local), &a, sizeof(a)))
			return 1;
	}
	return 0;
}

/* The sentences for a failed add or delete of one address or route. */
struct change_words {
	char exists[96];   /* an add of what is there */
	char absent[128];  /* a delete of what is not */
	char failed[128];  /* anything else, followed by the reason */
};

/*
 * The answer to a failed add or delete on @ifname, from the kernel's errno
 * @r (@absent: the one it gives for "no such thing"): -EEXIST and -ENOENT
 * are answers the callers expect; a vanished interface says what to do.
 */
static int change_failed(int r, int absent, bool add, const char *ifname,
			 const struct change_words *w, struct uw_error *err)
{
	if (r == absent)
		r = -ENOENT;
	if (r == -ENODEV)
		return nodev_error(err, ifname);
	if (add && r == -EEXIST)
		return uw_error_set(err, -EEXIST, "%s", w->exists);
	if (!add && r == -ENOENT)
		return uw_error_set(err, -ENOENT, "%s", w->absent);
	return uw_error_set(err, r, "%s: %s%s", w->failed, strerror(-r),
			    r == -EPERM ? " (run as root)" : "");
}

/*
 * The start of an add or delete of @a/@plen on @ifname: the thread's socket
 * and the link's index (prepare), @a/@plen checked as a network address for
 * a route, then as libnl's address and as text (INET_ADDRSTRLEN) for the
 * messages.
 */
static int change_start(const char *ifname, struct in_addr a, unsigned plen, bool route,
			struct nl_sock **sk, int *ifindex, struct nl_addr **na, char *txt,
			struct uw_error *err)
{
	int r = prepare(ifname, plen, sk, ifindex, err);

	if (r >= 0 && route)
		r = dst_check(a, plen, err);
	if (r < 0)
		return r;
	inet_ntop(AF_INET, &a, txt, INET_ADDRSTRLEN);
	return nladdr_v4(a, plen, na, err);
}

static int addr_change(const char *ifname, struct in_addr a, unsigned plen, bool add,
		       struct uw_error *err)
{
	struct nl_sock *sk = NULL;
	_auto_(rtnl_addr_put) struct rtnl_addr *ra = NULL;
	_auto_(nl_addr_put) struct nl_addr *local = NULL;
	struct change_words w;
	char txt[INET_ADDRSTRLEN];
	int ifindex, r;

	r = change_start(ifname, a, plen, false, &sk, &ifindex, &local, txt, err);
	if (r < 0)
		return r;
	ra = rtnl_addr_alloc();
	if (!ra)
		return uw_error_set(err, -ENOMEM, "out of memory");
	rtnl_addr_set_family(ra, AF_INET);
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_prefixlen(ra, (int)plen);
	r = rtnl_addr_set_local(ra, local);
	if (r < 0)
		return uw_error_set(err, nle_to_errno(r), "cannot build the address: %s", nl_geterror(r));
	/* NLM_F_EXCL: an existing address is -EEXIST (the kernel says so even
	 * without it unless NLM_F_REPLACE is given; be explicit). */
	kernel_errno = 0;
	r = add ? rtnl_addr_add(sk, ra, NLM_F_EXCL) : rtnl_addr_delete(sk, ra, 0);
	if (r >= 0)
		return 0;
	/* Deleting an absent address: the kernel says EADDRNOTAVAIL. */
	snprintf(w.exists, sizeof(w.exists), "address %s/%u is already on %s", txt, plen, ifname);
	snprintf(w.absent, sizeof(w.absent), "address %s/%u is not on %s (nothing to remove)", txt,
		 plen, ifname);
	snprintf(w.failed, sizeof(w.failed), "cannot %s address %s/%u %s %s", add ? "add" : "remove",
		 txt, plen, add ? "to" : "from", ifname);
	return change_failed(kerr(r), -EADDRNOTAVAIL, add, ifname, &w, err);
}

int uw_nl_addr_add(const char *ifname, struct in_addr a, unsigned plen, struct uw_error *err)
{
	return addr_change(ifname, a, plen, true, err);
}

int uw_nl_addr_del(const char *ifname, struct in_addr a, unsigned plen, struct uw_error *err)
{
	return addr_change(ifname, a, plen, false, err);
}

static int dst_check(struct in_addr dst, unsigned plen, struct uw_error *err)
{
	uint32_t mask = uw_ip4_mask(plen);
	char txt[INET_ADDRSTRLEN];

	/* The kernel refuses a route whose destination has host bits set
	 * ("Invalid prefix for given prefix length"); say it in our words. */
	if (plen <= 32 && (dst.s_addr & ~mask)) {
		struct in_addr net = { .s_addr = dst.s_addr & mask };
		char ntxt[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &dst, txt, sizeof(txt));
		inet_ntop(AF_INET, &net, ntxt, sizeof(ntxt));
		return uw_error_set(err, -EINVAL,
				    "route destination %s/%u has host bits set: did you mean %s/%u?",
				    txt, plen, ntxt, plen);
	}
	return 0;
}

static bool route_matches(struct rtnl_route *rt, int ifindex, struct in_addr dst, unsigned plen)
{
	struct nl_addr *d = rtnl_route_get_dst(rt);
	struct rtnl_nexthop *nh;

	if (rtnl_route_get_family(rt) != AF_INET || rtnl_route_get_table(rt) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(rt) != RTN_UNICAST || rtnl_route_get_scope(rt) != RT_SCOPE_LINK ||
	    rtnl_route_get_nnexthops(rt) != 1)
		return false;
	if (!d || (unsigned)nl_addr_get_prefixlen(d) != plen)
		return false;
	/* A default route's dst has length 0 in libnl. */
	if (plen > 0 && (nl_addr_get_len(d) != sizeof(dst) ||
			 memcmp(nl_addr_get_binary_addr(d), &dst, sizeof(dst))))
		return false;
	nh = rtnl_route_nexthop_n(rt, 0);
	return nh && rtnl_route_nh_get_ifindex(nh) == ifindex;
}

int uw_nl_route_probe(const char *ifname, struct in_addr dst, unsigned plen, struct uw_error *err)
{
	_auto_(nl_cache_free) struct nl_cache *cache = NULL;
	int ifindex, r = probe_list(ifname, plen, true, dst, &ifindex, &cache, err);

	if (r < 0)
		return r;
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o))
		if (route_matches((struct rtnl_route *)o, ifindex, dst, plen))
			return 1;
	return 0;
}

static int route_change(const char *ifname, struct in_addr dst, unsigned plen, bool add,
			struct uw_error *err)
{
	struct nl_sock *sk = NULL;
	_auto_(rtnl_route_put) struct rtnl_route *rt = NULL;
	_auto_(nl_addr_put) struct nl_addr *d = NULL;
	struct rtnl_nexthop *nh;
	struct change_words w;
	char txt[INET_ADDRSTRLEN];
	int ifindex, r;

	r = change_start(ifname, dst, plen, true, &sk, &ifindex, &d, txt, err);
	if (r < 0)
		return r;
	rt = rtnl_route_alloc();
	nh = rtnl_route_nh_alloc();
	if (!rt || !nh) {
		if (nh)
			rtnl_route_nh_free(nh);
		return uw_error_set(err, -ENOMEM, "out of memory");
	}
	rtnl_route_set_family(rt, AF_INET);
	rtnl_route_set_table(rt, RT_TABLE_MAIN);
	rtnl_route_set_type(rt, RTN_UNICAST);
	rtnl_route_set_scope(rt, RT_SCOPE_LINK);
	/* libnl defaults to proto static. `ip route add` (our shell
	 * equivalent) writes proto boot, so add like it; for a delete, proto 0
	 * matches any protocol in the kernel's lookup. */
	rtnl_route_set_protocol(rt, add ? RTPROT_BOOT : 0);
	r = rtnl_route_set_dst(rt, d);
	if (r < 0) {
		rtnl_route_nh_free(nh);
		return uw_error_set(err, nle_to_errno(r), "cannot build the route: %s", nl_geterror(r));
	}
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh); /* the route owns nh from here */
	kernel_errno = 0;
	r = add ? rtnl_route_add(sk, rt, NLM_F_EXCL) : rtnl_route_delete(sk, rt, 0);
	if (r >= 0)
		return 0;
	/* The kernel answers ESRCH for "no such route". */
	snprintf(w.exists, sizeof(w.exists), "route %s/%u is already in the main table", txt, plen);
	snprintf(w.absent, sizeof(w.absent), "there is no route %s/%u dev %s (nothing to remove)", txt,
		 plen, ifname);
	snprintf(w.failed, sizeof(w.failed), "cannot %s route %s/%u dev %s", add ? "add" : "delete",
		 txt, plen, ifname);
	return change_failed(kerr(r), -ESRCH, add, ifname, &w, err);
}

int uw_nl_route_add(const char *ifname, struct in_addr dst, unsigned plen, struct uw_error *err)
{
	return route_change(ifname, dst, plen, true, err);
}

int uw_nl_route_del(const char *ifname, struct in_addr dst, unsigned plen, struct uw_error *err)
{
	return route_change(ifname, dst, plen, false, err);
}

/* ---- sysctl ---- */

/* /proc/sys/... for @name, which must follow the one rule (core/sysctlname.h). */
static int sysctl_path(const char *name, char *path, size_t len, struct uw_error *err)
{
	int r = uw_sysctl_name_check(name, err);

	if (r < 0)
		return r;
	if (snprintf(path, len, "/proc/sys/%s", name) >= (int)len)
		return uw_error_set(err, -EINVAL, "sysctl name \"%.40s...\" is too long", name);
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	return 0;
}

int uw_sysctl_read(const char *name, char *buf, size_t len, struct uw_error *err)
{
	char path[UW_SYSCTL_NAME_MAX + 16];
	_auto_fd_ int fd = -1;
	ssize_t n;
	int r;

	r = sysctl_path(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	if (!buf || len < 2)
		return uw_error_set(err, -EINVAL, "no room to read sysctl %s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			return uw_error_set(err, r,
					    "setting %s does not exist (interface gone, or IPv4 not "
					    "available?)", name);
		return uw_error_set(err, r, "cannot read %s: %s", name, strerror(-r));
	}
	/* Read one byte more than fits to notice truncation. */
	{
		char tmp[4096];
		size_t want = len < sizeof(tmp) ? len : sizeof(tmp);

		do
			n = read(fd, tmp, want);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return uw_error_set(err, -errno, "cannot read %s: %s", name, strerror(errno));
		while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == ' '))
			n--;
		if ((size_t)n >= len)
			return uw_error_set(err, -E2BIG, "value of %s is longer than expected", name);
		memcpy(buf, tmp, (size_t)n);
		buf[n] = '\0';
	}
	return 0;
}

int uw_sysctl_write(const char *name, const char *value, struct uw_error *err)
{
	char path[UW_SYSCTL_NAME_MAX + 16];
	_auto_fd_ int fd = -1;
	size_t vlen;
	ssize_t n;
	int r;

	r = sysctl_path(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	if (!value || !*value)
		return uw_error_set(err, -EINVAL, "no value given for %s", name);
	vlen = strnlen(value, 64);
	if (vlen >= 64)
		return uw_error_set(err, -EINVAL, "value for %s is too long", name);
	for (size_t i = 0; i < vlen; i++)
		if (!isprint((unsigned char)value[i]))
			return uw_error_set(err, -EINVAL,
					    "value for %s contains a control character", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			return uw_error_set(err, r, "setting %s does not exist (interface gone?)", name);
		return uw_error_set(err, r, "cannot change %s: %s%s", name, strerror(-r),
				    (r == -EACCES || r == -EPERM || r == -EROFS) ? " (run as root)" : "");
	}
	do
		n = write(fd, value, vlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		/* The kernel answers EINVAL for a value out of range. */
		return uw_error_set(err, -errno, "cannot set %s to \"%s\": %s", name, value,
				    strerror(errno));
	if ((size_t)n != vlen)
		return uw_error_set(err, -EIO, "short write setting %s", name);
	return 0;
}

/* ---- link monitor ---- */

struct uw_nl_monitor {
	struct nl_sock *sk;
	int *known;       /* ifindexes seen, to tell NEW from CHANGED */
	size_t n_known, cap_known;
	void (*cb)(const struct uw_link_event *ev, void *ud);
	void *ud;
	int delivered;
};

static ssize_t known_find(const struct uw_nl_monitor *m, int ifindex)
{
	for (size_t i = 0; i < m->n_known; i++)
		if (m->known[i] == ifindex)
			return (ssize_t)i;
	return -1;
}

static void known_add(struct uw_nl_monitor *m, int ifindex)
{
	if (known_find(m, ifindex) >= 0)
		return;
	if (m->n_known == m->cap_known) {
		m->cap_known = m->cap_known ? m->cap_known * 2 : 16;
		m->known = uw_realloc(m->known, m->cap_known * sizeof(*m->known));
	}
	m->known[m->n_known++] = ifindex;
}

static void known_del(struct uw_nl_monitor *m, int ifindex)
{
	ssize_t i = known_find(m, ifindex);

	if (i >= 0)
		m->known[i] = m->known[--m->n_known];
}

static int monitor_valid(struct nl_msg *msg, void *arg)
{
	struct uw_nl_monitor *m = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	struct uw_link_event ev = { 0 };
	struct ifinfomsg *ifi;

	if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK)
		return NL_OK;
	/* Parse the message by hand: we need three fields, not a cache. */
	if (nlmsg_parse(h, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_OK;
	ifi = nlmsg_data(h);
	ev.ifindex = ifi->ifi_index;
	ev.admin_up = ifi->ifi_flags & IFF_UP;
	ev.lower_up = ifi->ifi_flags & IFF_LOWER_UP;
	if (tb[IFLA_IFNAME]) {
		uw_strlcpy(ev.ifname, nla_get_string(tb[IFLA_IFNAME]), sizeof(ev.ifname));
		uw_sanitize(ev.ifname, 0);   /* see link_fill */
	}
	if (h->nlmsg_type == RTM_DELLINK) {
		ev.type = UW_LINK_DEL;
		known_del(m, ev.ifindex);
	} else if (known_find(m, ev.ifindex) < 0) {
		ev.type = UW_LINK_NEW;
		known_add(m, ev.ifindex);
	} else {
		ev.type = UW_LINK_CHANGED;
	}
	m->delivered++;
	if (m->cb)
		m->cb(&ev, m->ud);
	return NL_OK;
}

void uw_nl_monitor_free(struct uw_nl_monitor *mon)
{
	if (!mon)
		return;
	if (mon->sk)
		nl_socket_free(mon->sk);
	free(mon->known);
	free(mon);
}

int uw_nl_monitor_new(struct uw_nl_monitor **out, struct uw_error *err)
{
	_auto_(uw_nl_monitor_free) struct uw_nl_monitor *m = uw_malloc0(sizeof(*m));
	struct nl_sock *dump = NULL;
	_auto_(nl_cache_free) struct nl_cache *links = NULL;
	int r;

	m->sk = nl_socket_alloc();
	if (!m->sk)
		return uw_error_set(err, -ENOMEM, "out of memory opening a netlink socket");
	/* Events carry sequence number 0: without this libnl rejects every
	 * one of them as a sequence mismatch. */
	nl_socket_disable_seq_check(m->sk);
	nl_socket_modify_cb(m->sk, NL_CB_VALID, NL_CB_CUSTOM, monitor_valid, m);
	r = nl_connect(m->sk, NETLINK_ROUTE);
	if (r >= 0)
		r = nl_socket_add_membership(m->sk, RTNLGRP_LINK);
	if (r >= 0)
		r = nl_socket_set_nonblocking(m->sk);
	if (r < 0)
		return uw_error_set(err, nle_to_errno(r), "cannot subscribe to link events: %s",
				    nl_geterror(r));
	/* Join first, dump second: a link that appears in between is in the
	 * dump and reported as CHANGED, but none is missed. The dump uses the
	 * thread's request socket so its replies never mix with events. */
	r = nl_get(&dump, err);
	if (r < 0)
		return r;
	r = rtnl_link_alloc_cache(dump, AF_UNSPEC, &links);
	if (r < 0)
		return uw_error_set(err, nl_failed(r), "cannot list interfaces: %s", nl_geterror(r));
	for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o))
		known_add(m, rtnl_link_get_ifindex((struct rtnl_link *)o));
	*out = uw_steal_ptr(&m);
	return 0;
}

int uw_nl_monitor_fd(const struct uw_nl_monitor *mon)
{
	return mon ? nl_socket_get_fd(mon->sk) : -EINVAL;
}

int uw_nl_monitor_dispatch(struct uw_nl_monitor *mon,
			   void (*cb)(const struct uw_link_event *ev, void *ud), void *ud,
			   struct uw_error *err)
{
	int r;

	if (!mon)
		return uw_error_set(err, -EINVAL, "no link monitor");
	mon->cb = cb;
	mon->ud = ud;
	mon->delivered = 0;
	/* Non-blocking socket: read until the kernel has nothing more. */
	for (;;) {
		r = nl_recvmsgs_default(mon->sk);
		if (r >= 0)
			continue;
		if (r == -NLE_AGAIN)
			break;
		if (r == -NLE_INTR)
			continue;
		mon->cb = NULL;
		/* ENOBUFS (receive queue overrun) arrives as NLE_NOMEM. */
		if (r == -NLE_NOMEM)
			return uw_error_set(err, -ENOBUFS,
					    "some interface events were lost (too many at once): rescan");
		return uw_error_set(err, nle_to_errno(r), "cannot read interface events: %s",
				    nl_geterror(r));
	}
	mon->cb = NULL;
	return mon->delivered;
}

/* ---- dumps (core/inventory.c, core/detect.c) ---- */

static void link_fill(struct rtnl_link *l, struct uw_nl_link *o)
{
	const char *kind = rtnl_link_get_type(l);
	struct nl_addr *ll = rtnl_link_get_addr(l);

	memset(o, 0, sizeof(*o));
	uw_strlcpy(o->ifname, rtnl_link_get_name(l) ? rtnl_link_get_name(l) : "", sizeof(o->ifname));
	/* The kernel takes any byte but '/', ':', white space and NUL in a
	 * name, an ESC too, and every listing of ours shows names (routes and
	 * addresses by their link's): made safe to show here, once. Only such
	 * a name changes, and no command of ours takes one (uw_ifname_check). */
	uw_sanitize(o->ifname, 0);
	o->ifindex = rtnl_link_get_ifindex(l);
	o->flags = rtnl_link_get_flags(l);
	o->arptype = rtnl_link_get_arptype(l);
	o->master = rtnl_link_get_master(l);
	uw_strlcpy(o->kind, kind ? kind : "", sizeof(o->kind));
	rtnl_link_operstate2str(rtnl_link_get_operstate(l), o->operstate, sizeof(o->operstate));
	if (ll && nl_addr_get_len(ll) == 6) {
		o->has_mac = true;
		memcpy(o->mac, nl_addr_get_binary_addr(ll), 6);
	}
}

int uw_nl_dump(struct uw_nl_dump *d, unsigned what, struct uw_error *err)
{
	struct nl_sock *sk = NULL;
	_auto_(nl_cache_free) struct nl_cache *links = NULL;
	_auto_(nl_cache_free) struct nl_cache *addrs = NULL;
	_auto_(nl_cache_free) struct nl_cache *routes = NULL;
	int r;

	memset(d, 0, sizeof(*d));
	r = nl_get(&sk, err);
	if (r < 0)
		return r;
	if (what & UW_NL_DUMP_LINKS)
		r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
	if (r >= 0 && (what & UW_NL_DUMP_ADDRS))
		r = rtnl_addr_alloc_cache(sk, &addrs);
	if (r >= 0 && (what & UW_NL_DUMP_ROUTES))
		r = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes);
	if (r < 0)
		return uw_error_set(err, kerr(r), "cannot read the interfaces, addresses and routes "
				    "from the kernel: %s", nl_geterror(r));

	d->links = uw_malloc0(((size_t)(links ? nl_cache_nitems(links) : 0) + 1) * sizeof(*d->links));
	for (struct nl_object *o = links ? nl_cache_get_first(links) : NULL; o; o = nl_cache_get_next(o))
		link_fill((struct rtnl_link *)o, &d->links[d->n_links++]);

	d->addrs = uw_malloc0(((size_t)(addrs ? nl_cache_nitems(addrs) : 0) + 1) * sizeof(*d->addrs));
	for (struct nl_object *o = addrs ? nl_cache_get_first(addrs) : NULL; o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		struct uw_nl_addr4 *ia;

		if (rtnl_addr_get_family(a) != AF_INET || !local || nl_addr_get_len(local) != 4)
			continue;
		ia = &d->addrs[d->n_addrs++];
		ia->ifindex = rtnl_addr_get_ifindex(a);
		memcpy(&ia->addr, nl_addr_get_binary_addr(local), 4);
		ia->plen = (unsigned)rtnl_addr_get_prefixlen(a);
	}

	d->routes = uw_malloc0(((size_t)(routes ? nl_cache_nitems(routes) : 0) + 1) * sizeof(*d->routes));
	for (struct nl_object *o = routes ? nl_cache_get_first(routes) : NULL; o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(rt);
		struct rtnl_nexthop *nh;
		struct nl_addr *gw;
		struct uw_nl_route4 *ir;

		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST)
			continue;
		ir = &d->routes[d->n_routes++];
		if (dst && nl_addr_get_len(dst) == 4)
			memcpy(&ir->dst, nl_addr_get_binary_addr(dst), 4);
		ir->plen = dst ? (unsigned)nl_addr_get_prefixlen(dst) : 0;
		ir->scope = rtnl_route_get_scope(rt);
		ir->metric = rtnl_route_get_priority(rt);
		ir->protocol = rtnl_route_get_protocol(rt);
		nh = rtnl_route_get_nnexthops(rt) > 0 ? rtnl_route_nexthop_n(rt, 0) : NULL;
		if (nh) {
			ir->ifindex = rtnl_route_nh_get_ifindex(nh);
			gw = rtnl_route_nh_get_gateway(nh);
			if (gw && nl_addr_get_len(gw) == 4) {
				ir->has_gateway = true;
				memcpy(&ir->gateway, nl_addr_get_binary_addr(gw), 4);
			}
		}
	}
	return 0;
}

void uw_nl_dump_fini(struct uw_nl_dump *d)
{
	free(d->links);
	free(d->addrs);
	free(d->routes);
	memset(d, 0, sizeof(*d));
}

int uw_nl_dump_default_ifindex(const struct uw_nl_dump *d)
{
	unsigned best_metric = UINT32_MAX;
	int best = 0;

	for (size_t i = 0; i < d->n_routes; i++) {
		const struct uw_nl_route4 *rt = &d->routes[i];

		if (rt->plen == 0 && rt->ifindex > 0 && rt->metric < best_metric) {
			best_metric = rt->metric;
			best = rt->ifindex;
		}
	}
	return best;
}

int uw_nl_link_get(int ifindex, struct uw_nl_link *out, struct uw_error *err)
{
	struct nl_sock *sk = NULL;
	struct rtnl_link *l = NULL;
	int r = nl_get(&sk, err);

	if (r < 0)
		return r;
	r = rtnl_link_get_kernel(sk, ifindex, NULL, &l);
	if (r < 0) {
		r = kerr(r);
		if (r == -ENOENT || r == -ENODEV)
			return uw_error_set(err, -ENODEV, "interface %d is gone", ifindex);
		return uw_error_set(err, r, "cannot read interface %d from the kernel: %s", ifindex,
				    strerror(-r));
	}
	link_fill(l, out);
	rtnl_link_put(l);
	return 0;
}

/* ---- the netfilter netlink socket, one per thread ---- */

/*
 * One NETLINK_NETFILTER socket per thread, shared by every nftables call
 * and closed at exit (or when the thread moved to another namespace, or
 * after a failed exchange). Closing such a socket is not free after a
 * commit that deleted something: the kernel then finishes the commit's
 * deferred work first (nft_rcv_nl_event flushes it, which waits for an RCU
 * grace period: about 4.5 ms in a revert here, measured with strace -r). A
 * revert that kept its socket until exit runs its remaining steps during
 * that grace period instead of after it.
 */
static int nfnl_open(struct nl_sock **out, struct uw_error *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int r;

	if (!sk)
		return uw_error_set(err, -ENOMEM, "out of memory opening a netlink socket");
	nl_socket_disable_auto_ack(sk);
	r = nl_connect(sk, NETLINK_NETFILTER);
	if (r < 0) {
		nl_socket_free(sk);
		return uw_error_set(err, nle_to_errno(r), "cannot talk to the kernel's netfilter "
				    "netlink: %s", nl_geterror(r));
	}
	/* Big reads: a chain of tens of thousands of rules is a long dump. */
	nl_socket_set_buffer_size(sk, 1 << 20, 0);
	nl_socket_set_msg_buf_size(sk, 1 << 16);
	*out = sk;
	return 0;
}

static void nfnl_drop(void)
{
	thread_sock_drop(SOCK_NETFILTER);
}

/* The calling thread's netfilter socket in its current network namespace. */
static int nfnl_get(struct nl_sock **out, struct uw_error *err)
{
	return thread_sock_get(SOCK_NETFILTER, out, err);
}

/* Send @msg (freed) on the thread's netfilter socket; *seq its sequence number. */
static int nfnl_send(struct nl_msg *msg, struct nl_sock **sk, unsigned *seq, struct uw_error *err)
{
	int r = nfnl_get(sk, err);

	if (r < 0) {
		nlmsg_free(msg);
		return r;
	}
	nl_complete_msg(*sk, msg);
	*seq = nlmsg_hdr(msg)->nlmsg_seq;
	r = nl_send(*sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		nfnl_drop();
		return uw_error_set(err, nle_to_errno(r), "cannot send to nftables: %s", nl_geterror(r));
	}
	return 0;
}

/*
 * Send @msg (a request for one object, without NLM_F_ACK) and read its
 * answer: the object (a message of type @reply, given to @fn) gives 1, an
 * error its negative errno (*said false); 0 never. *said is true when the
 * request could not even be made (a sentence is in @err then).
 */
static int nfnl_ask(struct nl_msg *msg, unsigned reply, void (*fn)(struct nlmsghdr *h, void *ud),
		    void *ud, bool *said, struct uw_error *err)
{
	struct nl_sock *sk;
	unsigned seq;
	int r = nfnl_send(msg, &sk, &seq, err);

	*said = true;
	if (r < 0)
		return r;
	*said = false;
	for (;;) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		struct nlmsghdr *nlh;
		int n = nl_recv(sk, &peer, &buf, NULL), ret = 0;

		if (n <= 0) {
			free(buf);
			nfnl_drop();
			return n < 0 ? nle_to_errno(n) : -EIO;
		}
		for (nlh = (struct nlmsghdr *)buf; !ret && nlmsg_ok(nlh, n); nlh = nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq)
				continue;   /* not an answer to this request */
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(nlh);

				ret = e->error < 0 ? e->error : e->error ? -e->error : -EIO;
			} else if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | reply)) {
				if (fn)
					fn(nlh, ud);
				ret = 1;
			}
		}
		free(buf);
		if (ret < 0 && ret != -ENOENT)
			nfnl_drop();
		if (ret)
			return ret;
	}
}

/* A request of @type for @family with @n string attributes (type, value). */
static struct nl_msg *nfnl_request(unsigned type, int flags, int family, size_t n, ...)
{
	struct nfgenmsg g = { .version = NFNETLINK_V0, .nfgen_family = (unsigned char)family };
	struct nl_msg *msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | type, flags);
	va_list ap;
	bool ok = msg && nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) == 0;

	va_start(ap, n);
	for (size_t i = 0; ok && i < n; i++) {
		int t = va_arg(ap, int);
		const char *v = va_arg(ap, const char *);

		ok = nla_put_string(msg, t, v) == 0;
	}
	va_end(ap);
	if (!ok) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* ---- nftables rules, raw (core/fw-nft.c's inventory) ---- */

struct nft_dump {
	unsigned type;                                  /* the replies wanted (NFT_MSG_NEW...) */
	void (*msg)(struct nlmsghdr *nlh, struct nft_dump *d);
	void (*cb)(const struct uw_nl_nft_rule *r, void *ud);
	void *ud;
	int n;
	/* Messages are handed to msg as they come (the inventory's long chain
	 * reads, whose caller reads again itself); otherwise they are held
	 * until the dump is whole, so an interrupted dump can be asked again
	 * without anyone having seen half of it. */
	bool stream;
	struct uw_strbuf held;
	/* uw_nl_nft_tables */
	int our_family;
	const char *our_table;
	bool ours;
};

/* The comment in a rule's user data: TLVs of { u8 type, u8 len, value },
 * type 0 being the comment (libnftnl's NFTNL_UDATA_RULE_COMMENT). */
static void udata_comment(const unsigned char *p, int len, char *out, size_t outlen)
{
	while (len >= 2) {
		unsigned type = p[0], l = p[1];

		if ((int)l + 2 > len)
			return;
		if (type == 0 && l > 0) {
			size_t n = l < outlen ? l : outlen - 1;

			memcpy(out, p + 2, n);
			out[n] = '\0';
			return;
		}
		p += l + 2;
		len -= (int)l + 2;
	}
}

/* A rule message's handle or comment attribute @a, into *@handle or
 * @comment: true when @a was one of those two (every rule reader wants
 * them; the rest of a rule each reads its own way). */
static inline bool rule_id_attr(const struct nlattr *a, unsigned long long *handle, char *comment,
				size_t len)
{
	switch (nla_type(a)) {
	case NFTA_RULE_HANDLE:
		if (nla_len(a) >= 8)
			*handle = be64toh(nla_get_u64(a));
		return true;
	case NFTA_RULE_USERDATA:
		udata_comment(nla_data(a), nla_len(a), comment, len);
		return true;
	}
	return false;
}

/* The first attribute of type @type inside @nest, or NULL. */
static struct nlattr *nested_find(struct nlattr *nest, int type)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == type)
			return a;
	return NULL;
}

/* An immediate expression's data: a drop verdict? (Walked, not parsed into
 * tables: nearly every rule ends in one.) */
static bool immediate_drop(struct nlattr *data)
{
	struct nlattr *d = nested_find(data, NFTA_IMMEDIATE_DATA), *v, *c;

	if (!d || !(v = nested_find(d, NFTA_DATA_VERDICT)) ||
	    !(c = nested_find(v, NFTA_VERDICT_CODE)) || nla_len(c) < 4)
		return false;
	return (int)ntohl(nla_get_u32(c)) == NF_DROP;
}

/* An x_tables target inside an nftables rule (iptables-nft writes
 * "-j MASQUERADE" and "-j REJECT" as a compat "target" expression, not as nft's
 * own masq/reject): its name, or "" when there is none. */
static const char *xt_target_name(struct nlattr *data)
{
	struct nlattr *t;
	int rem;

	nla_for_each_nested(t, data, rem)
		if (nla_type(t) == NFTA_TARGET_NAME && nla_len(t) >= 2 &&
		    memchr(nla_data(t), '\0', nla_len(t)))
			return nla_data(t);
	return "";
}

/*
 * One rule message, its attributes walked in place: a chain may hold tens of
 * thousands of rules, and parsing each into tables (nla_parse) cost five
 * times as much as the walk.
 */
static void nft_rule_msg(struct nlmsghdr *nlh, struct nft_dump *d)
{
	struct uw_nl_nft_rule r;
	struct nlattr *a;
	int rem;

	memset(&r, 0, sizeof(r));
	nla_for_each_attr(a, nlmsg_attrdata(nlh, sizeof(struct nfgenmsg)),
			  nlmsg_attrlen(nlh, sizeof(struct nfgenmsg)), rem) {
		struct nlattr *e;
		int rem2;

		if (rule_id_attr(a, &r.handle, r.comment, sizeof(r.comment)))
			continue;
		switch (nla_type(a)) {
		case NFTA_RULE_EXPRESSIONS:
			nla_for_each_nested(e, a, rem2) {
				struct nlattr *x, *name = NULL, *data = NULL;
				const char *n;
				int rem3;

				if (nla_type(e) != NFTA_LIST_ELEM)
					continue;
				nla_for_each_nested(x, e, rem3) {
					if (nla_type(x) == NFTA_EXPR_NAME)
						name = x;
					else if (nla_type(x) == NFTA_EXPR_DATA)
						data = x;
				}
				if (!name || nla_len(name) < 2)
					continue;
				/* The first letter rules out most (payload, cmp, counter ...). */
				n = nla_data(name);
				if (n[0] == 'm' && !strcmp(n, "masq"))
					r.masquerade = true;
				else if (n[0] == 'r' && !strcmp(n, "reject"))
					r.drop = true;
				else if (n[0] == 'i' && data && !strcmp(n, "immediate") && immediate_drop(data))
					r.drop = true;
				else if (n[0] == 't' && data && !strcmp(n, "target")) {
					const char *t = xt_target_name(data);

					if (!strcmp(t, "MASQUERADE"))
						r.masquerade = true;
					else if (!strcmp(t, "REJECT"))
						r.drop = true;
				}
			}
			break;
		}
	}
	d->n++;
	if (d->cb)
		d->cb(&r, d->ud);
}

/*
 * Read the replies to request @seq until the end of its dump: 0, or a
 * negative errno (the thread's socket is dropped then: a reply may be left
 * unread); -EINTR when the ruleset changed between two rounds of the dump
 * (the kernel marks the messages NLM_F_DUMP_INTR): what came before may then
 * not fit what came after, so the caller must not trust any of it.
 *
 * One buffer for every round, read with recv() directly (no allocation per
 * round). It is 64 KiB because the kernel sizes each round by the largest
 * read the socket has seen, up to 32 KiB: a smaller buffer means more rounds,
 * and each round of a rule dump walks the chain again from its first rule.
 */
#define NFT_DUMP_BUF (64 * 1024)

static int nft_dump_read(struct nl_sock *sk, unsigned seq, struct nft_dump *d)
{
	_auto_(free) unsigned char *buf = malloc(NFT_DUMP_BUF);
	int fd = nl_socket_get_fd(sk);

	if (!buf) {
		nfnl_drop();
		return -ENOMEM;
	}
	for (;;) {
		struct sockaddr_nl peer;
		socklen_t plen = sizeof(peer);
		struct nlmsghdr *nlh;
		ssize_t got = recvfrom(fd, buf, NFT_DUMP_BUF, 0, (struct sockaddr *)&peer, &plen);
		int n, ret = 1;

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			int e = got < 0 ? -errno : -EIO;

			nfnl_drop();
			return e;
		}
		if (peer.nl_pid != 0)
			continue;   /* not the kernel */
		n = (int)got;
		for (nlh = (struct nlmsghdr *)buf; ret > 0 && nlmsg_ok(nlh, n); nlh = nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq)
				continue;   /* not an answer to this request */
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) {
				ret = -EINTR;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				ret = 0;
			} else if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = nlmsg_data(nlh);

				ret = e->error ? (e->error < 0 ? e->error : -e->error) : 0;
			} else if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | d->type)) {
				if (d->stream)
					d->msg(nlh, d);
				else
					uw_strbuf_append_len(&d->held, (const char *)nlh,
							     NLMSG_ALIGN(nlh->nlmsg_len));
			}
		}
		if (ret < 0)
			nfnl_drop();
		if (ret <= 0)
			return ret;
	}
}

/* The messages a whole, uninterrupted dump held back, to their reader. */
static void nft_dump_deliver(struct nft_dump *d)
{
	int n = (int)d->held.len;

	for (struct nlmsghdr *nlh = (struct nlmsghdr *)d->held.s; n > 0 && nlmsg_ok(nlh, n);
	     nlh = nlmsg_next(nlh, &n))
		d->msg(nlh, d);
	uw_strbuf_fini(&d->held);
}

static int nft_family(const char *f)
{
	static const struct { const char *name; int fam; } fams[] = {
		{ "ip", NFPROTO_IPV4 }, { "inet", NFPROTO_INET }, { "ip6", NFPROTO_IPV6 },
		{ "arp", NFPROTO_ARP }, { "bridge", NFPROTO_BRIDGE }, { "netdev", NFPROTO_NETDEV },
	};

	for (size_t i = 0; i < UW_ARRAY_SIZE(fams); i++)
		if (!strcmp(f, fams[i].name))
			return fams[i].fam;
	return -1;
}

static int nft_dump_once(unsigned type, unsigned reply, int family, unsigned attr_table,
			 const char *table, unsigned attr_chain, const char *chain,
			 struct nft_dump *d, bool *said, struct uw_error *err);

/*
 * Send the nftables dump request @type for @family (with @table and @chain
 * as its filter when not NULL) and read its @reply messages into @d: 0 or a
 * negative errno, with a sentence in @err (and *said true) only when the
 * request could not even be made, or the ruleset kept changing under it.
 *
 * A dump longer than one round that another program's commit interrupted
 * (NLM_F_DUMP_INTR) is asked again, up to NFT_DUMP_TRIES times, unless @d
 * streams (then the caller sees -EINTR and decides): a firewall manager
 * busy beside us must not make our apply fail.
 */
#define NFT_DUMP_TRIES 8

/* Tests only (USBNET_WIZARD_FAULT=nft-held-dump-intr:N): the Nth whole
 * held dump of the process is taken as interrupted, as the kernel marks a
 * dump a commit came through. */
static bool fault_dump_intr(void)
{
	static atomic_uint dumps;

	return uw_fault("nft-held-dump-intr", atomic_fetch_add(&dumps, 1) + 1);
}

static int nft_dump(unsigned type, unsigned reply, int family, unsigned attr_table,
		    const char *table, unsigned attr_chain, const char *chain, struct nft_dump *d,
		    bool *said, struct uw_error *err)
{
	int r = -EINTR;

	for (int i = 0; r == -EINTR && i < (d->stream ? 1 : NFT_DUMP_TRIES); i++) {
		uw_strbuf_fini(&d->held);
		r = nft_dump_once(type, reply, family, attr_table, table, attr_chain, chain, d,
				  said, err);
		if (r == 0 && !d->stream && fault_dump_intr())
			r = -EINTR;
	}
	if (r == 0 && !d->stream)
		nft_dump_deliver(d);
	uw_strbuf_fini(&d->held);
	if (r == -EINTR && !d->stream && !*said) {
		*said = true;
		return uw_error_set(err, r, "the nftables ruleset kept changing while it was read "
				    "(%d tries); try again when the program changing it is done",
				    NFT_DUMP_TRIES);
	}
	return r;
}

static int nft_dump_once(unsigned type, unsigned reply, int family, unsigned attr_table,
			 const char *table, unsigned attr_chain, const char *chain,
			 struct nft_dump *d, bool *said, struct uw_error *err)
{
	struct nfgenmsg g = { .version = NFNETLINK_V0, .nfgen_family = (unsigned char)family };
	struct nl_sock *sk;
	struct nl_msg *msg;
	unsigned seq;
	int r;

	*said = true;
	msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | type, NLM_F_DUMP);
	if (!msg)
		return uw_error_set(err, -ENOMEM, "out of memory building a netlink message");
	if (nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) < 0 ||
	    (table && nla_put_string(msg, (int)attr_table, table) < 0) ||
	    (chain && nla_put_string(msg, (int)attr_chain, chain) < 0)) {
		nlmsg_free(msg);
		return uw_error_set(err, -ENOMEM, "out of memory building a netlink message");
	}
	r = nfnl_send(msg, &sk, &seq, err);
	if (r < 0)
		return r;
	*said = false;
	d->type = reply;
	return nft_dump_read(sk, seq, d);
}

int uw_nl_nft_chain_rules(const char *family, const char *table, const char *chain,
			  void (*cb)(const struct uw_nl_nft_rule *r, void *ud), void *ud,
			  struct uw_error *err)
{
	struct nft_dump d = { .msg = nft_rule_msg, .cb = cb, .ud = ud, .stream = true };
	int fam = nft_family(family), r;
	bool said;

	if (fam < 0)
		return uw_error_set(err, -EINVAL, "\"%.16s\" is not an nftables family.", family);
	r = nft_dump(NFT_MSG_GETRULE, NFT_MSG_NEWRULE, fam, NFTA_RULE_TABLE, table, NFTA_RULE_CHAIN,
		     chain, &d, &said, err);
	if (r == -EINTR)
		return uw_error_set(err, r, "the nftables ruleset changed while the rules of chain "
				    "%s %s %s were read; read them again", family, table, chain);
	if (r < 0 && !said)
		return uw_error_set(err, r, "cannot read the rules of nftables chain %s %s %s: %s",
				    family, table, chain, strerror(-r));
	return r < 0 ? r : d.n;
}

/* One table of the dump: ours, or one more of the others. */
static void nft_table_msg(struct nlmsghdr *nlh, struct nft_dump *d)
{
	struct nfgenmsg *g = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, nlmsg_attrdata(nlh, sizeof(*g)), nlmsg_attrlen(nlh, sizeof(*g)), rem)
		if (nla_type(a) == NFTA_TABLE_NAME && g->nfgen_family == d->our_family &&
		    nla_len(a) > 0 && memchr(nla_data(a), '\0', nla_len(a)) &&
		    !strcmp(nla_data(a), d->our_table)) {
			d->ours = true;
			return;
		}
	d->n++;
}

int uw_nl_nft_tables(const char *our_family, const char *our_table, bool *ours,
		     struct uw_error *err)
{
	struct nft_dump d = { .msg = nft_table_msg, .our_family = nft_family(our_family),
			      .our_table = our_table };
	bool said;
	int r;

	*ours = false;
	r = nft_dump(NFT_MSG_GETTABLE, NFT_MSG_NEWTABLE, NFPROTO_UNSPEC, 0, NULL, 0, NULL, &d, &said,
		     err);
	if (r < 0)
		return said ? r : uw_error_set(err, r, "cannot list the nftables tables: %s", strerror(-r));
	*ours = d.ours;
	return d.n;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

struct gen_answer {
	unsigned gen;
	bool found;
};

static void gen_msg(struct nlmsghdr *nlh, void *ud)
{
	struct gen_answer *g = ud;
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, nlmsg_attrdata(nlh, sizeof(struct nfgenmsg)),
			  nlmsg_attrlen(nlh, sizeof(struct nfgenmsg)), rem)
		if (nla_type(a) == NFTA_GEN_ID && nla_len(a) >= 4) {
			g->gen = ntohl(nla_get_u32(a));
			g->found = true;
		}
}

int uw_nl_nft_generation(unsigned *gen, unsigned long long *netns_cookie, struct uw_error *err)
{
	struct gen_answer ga = { 0 };
	struct nl_sock *sk;
	struct nl_msg *msg;
	bool said;
	int r;

	if (netns_cookie) {
		unsigned long long c = 0;
		socklen_t len = sizeof(c);

		r = nfnl_get(&sk, err);
		if (r < 0)
			return r;
		if (getsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_NETNS_COOKIE, &c, &len) < 0 ||
		    len != sizeof(c))
			return uw_error_set(err, -ENOPROTOOPT, "this kernel names no network namespace "
					    "cookie");
		*netns_cookie = c;
	}
	if (!gen)
		return 0;
	msg = nfnl_request(NFT_MSG_GETGEN, 0, AF_UNSPEC, 0);
	if (!msg)
		return uw_error_set(err, -ENOMEM, "out of memory building a netlink message");
	r = nfnl_ask(msg, NFT_MSG_NEWGEN, gen_msg, &ga, &said, err);
	if (r < 0)
		return said ? r : uw_error_set(err, r, "nftables did not tell its generation: %s",
					       strerror(-r));
	if (!ga.found)
		return uw_error_set(err, -EIO, "nftables' answer held no generation");
	*gen = ga.gen;
	return 0;
}

int uw_nl_nft_table_exists(const char *family, const char *table, struct uw_error *err)
{
	int fam = nft_family(family), r;
	struct nl_msg *msg;
	bool said;

	if (fam < 0)
		return uw_error_set(err, -EINVAL, "\"%.16s\" is not an nftables family.", family);
	msg = nfnl_request(NFT_MSG_GETTABLE, 0, fam, 1, NFTA_TABLE_NAME, table);
	if (!msg)
		return uw_error_set(err, -ENOMEM, "out of memory building a netlink message");
	r = nfnl_ask(msg, NFT_MSG_NEWTABLE, NULL, NULL, &said, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return said ? r : uw_error_set(err, r, "cannot ask nftables for table %s %s: %s", family,
					       table, strerror(-r));
	return 1;
}

/* ---- nftables written and read raw (core/fw-nft.c's apply and revert) ---- */

static const char *nft_family_name(int fam)
{
	switch (fam) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_INET: return "inet";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_NETDEV: return "netdev";
	}
	return NULL;
}

/* A hook's name as nft prints it, by family. */
static const char *nft_hook_name(int fam, unsigned num)
{
	static const char *const inet[] = { "prerouting", "input", "forward", "output",
					    "postrouting", "ingress" };
	static const char *const arp[] = { "input", "output", "forward" };
	static const char *const netdev[] = { "ingress", "egress" };

	if (fam == NFPROTO_ARP)
		return num < UW_ARRAY_SIZE(arp) ? arp[num] : "unknown";
	if (fam == NFPROTO_NETDEV)
		return num < UW_ARRAY_SIZE(netdev) ? netdev[num] : "unknown";
	return num < UW_ARRAY_SIZE(inet) ? inet[num] : "unknown";
}

static int nft_hook_num(const char *name)
{
	static const char *const inet[] = { "prerouting", "input", "forward", "output",
					    "postrouting" };

	for (size_t i = 0; i < UW_ARRAY_SIZE(inet); i++)
		if (!strcmp(name, inet[i]))
			return (int)i;
	return -1;
}

/* A NUL-terminated string attribute copied into @out (truncated), false if none. */
static bool nla_str(const struct nlattr *a, char *out, size_t len)
{
	size_t n;

	if (!a || nla_len(a) < 1 || !memchr(nla_data(a), '\0', (size_t)nla_len(a)))
		return false;
	n = strlen(nla_data(a));
	if (n >= len)
		n = len - 1;
	memcpy(out, nla_data(a), n);
	out[n] = '\0';
	return true;
}

static bool nla_be32(const struct nlattr *a, uint32_t *v)
{
	if (!a || nla_len(a) < 4)
		return false;
	*v = ntohl(nla_get_u32((struct nlattr *)a));
	return true;
}

/* uw_nl_nft_chains */
struct chains_dump {
	struct nft_dump d;
	void (*cb)(const struct uw_nl_nft_chain *c, void *ud);
	void *ud;
};

static void nft_chain_msg(struct nlmsghdr *nlh, struct nft_dump *d)
{
	struct chains_dump *cd = (struct chains_dump *)d;
	struct nfgenmsg *g = nlmsg_data(nlh);
	struct nlattr *tb[NFTA_CHAIN_MAX + 1];
	struct uw_nl_nft_chain c;
	const char *fam = nft_family_name(g->nfgen_family);
	uint32_t v;

	memset(&c, 0, sizeof(c));
	if (!fam || nlmsg_parse(nlh, sizeof(*g), tb, NFTA_CHAIN_MAX, NULL) < 0 ||
	    !nla_str(tb[NFTA_CHAIN_TABLE], c.table, sizeof(c.table)) ||
	    !nla_str(tb[NFTA_CHAIN_NAME], c.name, sizeof(c.name)))
		return;
	uw_strlcpy(c.family, fam, sizeof(c.family));
	if (tb[NFTA_CHAIN_HOOK]) {
		struct nlattr *hk[NFTA_HOOK_MAX + 1];

		if (nla_parse_nested(hk, NFTA_HOOK_MAX, tb[NFTA_CHAIN_HOOK], NULL) == 0 &&
		    nla_be32(hk[NFTA_HOOK_HOOKNUM], &v))
			uw_strlcpy(c.hook, nft_hook_name(g->nfgen_family, v), sizeof(c.hook));
		nla_str(tb[NFTA_CHAIN_TYPE], c.type, sizeof(c.type));
		if (nla_be32(tb[NFTA_CHAIN_POLICY], &v))
			c.policy_drop = v == NF_DROP;
	}
	d->n++;
	cd->cb(&c, cd->ud);
}

int uw_nl_nft_chains(void (*cb)(const struct uw_nl_nft_chain *c, void *ud), void *ud,
		     struct uw_error *err)
{
	struct chains_dump cd = { .d = { .msg = nft_chain_msg }, .cb = cb, .ud = ud };
	bool said;
	int r;

	r = nft_dump(NFT_MSG_GETCHAIN, NFT_MSG_NEWCHAIN, NFPROTO_UNSPEC, 0, NULL, 0, NULL, &cd.d,
		     &said, err);
	if (r < 0)
		return said ? r : uw_error_set(err, r, "cannot list the nftables chains: %s",
					       strerror(-r));
	return cd.d.n;
}

int uw_nl_nft_chain_exists(const char *family, const char *table, const char *chain,
			   struct uw_error *err)
{
	int fam = nft_family(family), r;
	struct nl_msg *msg;
	bool said;

	if (fam < 0)
		return uw_error_set(err, -EINVAL, "\"%.16s\" is not an nftables family.", family);
	msg = nfnl_request(NFT_MSG_GETCHAIN, 0, fam, 2, NFTA_CHAIN_TABLE, table, NFTA_CHAIN_NAME,
			   chain);
	if (!msg)
		return uw_error_set(err, -ENOMEM, "out of memory building a netlink message");
	r = nfnl_ask(msg, NFT_MSG_NEWCHAIN, NULL, NULL, &said, err);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return said ? r : uw_error_set(err, r, "cannot ask nftables for chain %s %s %s: %s",
					       family, table, chain, strerror(-r));
	return 1;
}

bool uw_nl_nft_plain_equal(const struct uw_nl_nft_plain *a, const struct uw_nl_nft_plain *b)
{
	return a->kind == b->kind && a->kind != UW_NL_NFT_OTHER && a->src_len == b->src_len &&
	       a->dst_len == b->dst_len && (!a->src_len || a->src.s_addr == b->src.s_addr) &&
	       (!a->dst_len || a->dst.s_addr == b->dst.s_addr) && !strcmp(a->iif, b->iif) &&
	       !strcmp(a->oif, b->oif) && a->proto == b->proto && a->dport == b->dport &&
	       (a->kind != UW_NL_NFT_DNAT || a->to.s_addr == b->to.s_addr);
}

/* ---- decoding a kernel rule into the plain shape ---- */

/* nft's first register (NFT_REG_1 of the 16-byte numbering) and its order of matches. */
#define NFT_LOAD_REG 1u

enum plain_stage { ST_START, ST_NFPROTO, ST_SRC, ST_DST, ST_IIF, ST_OIF, ST_L4, ST_DPORT,
		   ST_IMM, ST_DONE };

enum plain_load { LD_NONE, LD_NFPROTO, LD_SRC, LD_DST, LD_IIF, LD_OIF, LD_L4, LD_DPORT };

struct plain_dec {
	int fam;
	struct uw_nl_nft_plain *p;
	enum plain_stage stage;
	enum plain_load load;   /* what the register holds, waiting for its cmp */
	uint32_t reg;
	unsigned load_len;      /* bytes loaded */
	int masked;             /* prefix length from a bitwise, -1 none */
	uint32_t imm_reg;       /* an address loaded for dnat */
	struct in_addr imm;
	bool have_imm;
	bool nfproto;           /* an inet chain's "meta nfproto ipv4" seen */
};

/* A data attribute's value (NFTA_DATA_VALUE inside @a). */
static const unsigned char *data_value(const struct nlattr *a, int *len)
{
	struct nlattr *dt[NFTA_DATA_MAX + 1];

	if (!a || nla_parse_nested(dt, NFTA_DATA_MAX, (struct nlattr *)a, NULL) < 0 ||
	    !dt[NFTA_DATA_VALUE])
		return NULL;
	*len = nla_len(dt[NFTA_DATA_VALUE]);
	return nla_data(dt[NFTA_DATA_VALUE]);
}

static int mask_plen(const unsigned char *m)
{
	uint32_t v = ((uint32_t)m[0] << 24) | ((uint32_t)m[1] << 16) | ((uint32_t)m[2] << 8) | m[3];
	int n = 0;

	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	return n < 32 && (v << n) != 0 ? -1 : n;
}

/* Start a load of @what into @reg; its place in the order must come next. */
static bool dec_load(struct plain_dec *d, enum plain_load what, enum plain_stage st, uint32_t reg,
		     unsigned len)
{
	if (d->load != LD_NONE || d->stage >= st)
		return false;
	d->load = what;
	d->reg = reg;
	d->load_len = len;
	d->masked = -1;
	return true;
}

static bool dec_payload(struct plain_dec *d, struct nlattr **tb)
{
	uint32_t reg, base, off, len;

	if (!nla_be32(tb[NFTA_PAYLOAD_DREG], &reg) || !nla_be32(tb[NFTA_PAYLOAD_BASE], &base) ||
	    !nla_be32(tb[NFTA_PAYLOAD_OFFSET], &off) || !nla_be32(tb[NFTA_PAYLOAD_LEN], &len) ||
	    tb[NFTA_PAYLOAD_SREG])
		return false;
	if (base == NFT_PAYLOAD_NETWORK_HEADER && (off == 12 || off == 16) && len >= 1 && len <= 4) {
		/* An inet chain matches IPv4 fields only after its nfproto check. */
		if (d->fam == NFPROTO_INET && !d->nfproto)
			return false;
		return dec_load(d, off == 12 ? LD_SRC : LD_DST, off == 12 ? ST_SRC : ST_DST, reg, len);
	}
	if (base == NFT_PAYLOAD_TRANSPORT_HEADER && off == 2 && len == 2 && d->stage == ST_L4)
		return dec_load(d, LD_DPORT, ST_DPORT, reg, len);
	return false;
}

static bool dec_meta(struct plain_dec *d, struct nlattr **tb)
{
	uint32_t reg, key;

	if (!nla_be32(tb[NFTA_META_DREG], &reg) || !nla_be32(tb[NFTA_META_KEY], &key) ||
	    tb[NFTA_META_SREG])
		return false;
	switch (key) {
	case NFT_META_NFPROTO:
		return d->fam == NFPROTO_INET && dec_load(d, LD_NFPROTO, ST_NFPROTO, reg, 1);
	case NFT_META_IIFNAME:
		return dec_load(d, LD_IIF, ST_IIF, reg, UW_NL_IFNAME_MAX);
	case NFT_META_OIFNAME:
		return dec_load(d, LD_OIF, ST_OIF, reg, UW_NL_IFNAME_MAX);
	case NFT_META_L4PROTO:
		return dec_load(d, LD_L4, ST_L4, reg, 1);
	}
	return false;
}

static bool dec_bitwise(struct plain_dec *d, struct nlattr **tb)
{
	uint32_t sreg, dreg, len, op = 0;
	const unsigned char *mask, *xor;
	int ml = 0, xl = 0;

	if ((d->load != LD_SRC && d->load != LD_DST) || d->load_len != 4 || d->masked >= 0 ||
	    !nla_be32(tb[NFTA_BITWISE_SREG], &sreg) || !nla_be32(tb[NFTA_BITWISE_DREG], &dreg) ||
	    !nla_be32(tb[NFTA_BITWISE_LEN], &len) || sreg != d->reg || dreg != d->reg || len != 4 ||
	    (tb[NFTA_BITWISE_OP] && (!nla_be32(tb[NFTA_BITWISE_OP], &op) || op != 0)) ||
	    tb[NFTA_BITWISE_DATA])
		return false;
	mask = data_value(tb[NFTA_BITWISE_MASK], &ml);
	xor = data_value(tb[NFTA_BITWISE_XOR], &xl);
	if (!mask || !xor || ml != 4 || xl != 4 || xor[0] || xor[1] || xor[2] || xor[3])
		return false;
	d->masked = mask_plen(mask);
	return d->masked > 0 && d->masked < 32;
}

static bool dec_cmp(struct plain_dec *d, struct nlattr **tb)
{
	struct uw_nl_nft_plain *p = d->p;
	uint32_t reg, op;
	const unsigned char *v;
	int len = 0;

	if (d->load == LD_NONE || !nla_be32(tb[NFTA_CMP_SREG], &reg) ||
	    !nla_be32(tb[NFTA_CMP_OP], &op) || reg != d->reg || op != NFT_CMP_EQ)
		return false;
	v = data_value(tb[NFTA_CMP_DATA], &len);
	if (!v || len != (int)d->load_len)
		return false;
	switch (d->load) {
	case LD_NFPROTO:
		if (v[0] != NFPROTO_IPV4)
			return false;
		d->stage = ST_NFPROTO;
		d->nfproto = true;
		break;
	case LD_SRC:
	case LD_DST: {
		struct in_addr a = { 0 };
		unsigned plen = d->masked >= 0 ? (unsigned)d->masked : (unsigned)len * 8;

		/* nft loads whole bytes for a prefix on a byte boundary and masks
		 * the rest: anything else would print differently. */
		if ((d->masked >= 0) != (plen % 8 != 0))
			return false;
		memcpy(&a, v, (size_t)len);
		if (d->load == LD_SRC)
			p->src = a, p->src_len = plen, d->stage = ST_SRC;
		else
			p->dst = a, p->dst_len = plen, d->stage = ST_DST;
		break;
	}
	case LD_IIF:
	case LD_OIF: {
		/* An exact name: NUL-padded to IFNAMSIZ (a shorter compare is a
		 * wildcard, "usb*"). */
		size_t n = strnlen((const char *)v, UW_NL_IFNAME_MAX);

		if (n == 0 || n >= UW_NL_IFNAME_MAX)
			return false;
		for (size_t i = n; i < UW_NL_IFNAME_MAX; i++)
			if (v[i])
				return false;
		memcpy(d->load == LD_IIF ? p->iif : p->oif, v, n + 1);
		d->stage = d->load == LD_IIF ? ST_IIF : ST_OIF;
		break;
	}
	case LD_L4:
		if (v[0] != IPPROTO_TCP && v[0] != IPPROTO_UDP)
			return false;
		p->proto = v[0];
		d->stage = ST_L4;
		break;
	case LD_DPORT:
		p->dport = ((unsigned)v[0] << 8) | v[1];
		d->stage = ST_DPORT;
		break;
	case LD_NONE:
		return false;
	}
	d->load = LD_NONE;
	return true;
}

static bool dec_immediate(struct plain_dec *d, struct nlattr **tb)
{
	struct nlattr *dt[NFTA_DATA_MAX + 1], *vt[NFTA_VERDICT_MAX + 1];
	uint32_t reg, code;

	if (d->load != LD_NONE || d->stage >= ST_IMM || !nla_be32(tb[NFTA_IMMEDIATE_DREG], &reg) ||
	    !tb[NFTA_IMMEDIATE_DATA] ||
	    nla_parse_nested(dt, NFTA_DATA_MAX, tb[NFTA_IMMEDIATE_DATA], NULL) < 0)
		return false;
	if (reg == NFT_REG_VERDICT) {
		if (!dt[NFTA_DATA_VERDICT] ||
		    nla_parse_nested(vt, NFTA_VERDICT_MAX, dt[NFTA_DATA_VERDICT], NULL) < 0 ||
		    !nla_be32(vt[NFTA_VERDICT_CODE], &code) || code != NF_ACCEPT || vt[NFTA_VERDICT_CHAIN])
			return false;
		d->p->kind = UW_NL_NFT_ACCEPT;
		d->stage = ST_DONE;
		return true;
	}
	if (!dt[NFTA_DATA_VALUE] || nla_len(dt[NFTA_DATA_VALUE]) != 4 || d->stage != ST_DPORT)
		return false;
	memcpy(&d->imm, nla_data(dt[NFTA_DATA_VALUE]), 4);
	d->imm_reg = reg;
	d->have_imm = true;
	d->stage = ST_IMM;
	return true;
}

static bool dec_nat(struct plain_dec *d, struct nlattr **tb)
{
	uint32_t type, fam, rmin, rmax, flags = 0;

	if (!d->have_imm || d->stage != ST_IMM || !nla_be32(tb[NFTA_NAT_TYPE], &type) ||
	    !nla_be32(tb[NFTA_NAT_FAMILY], &fam) || !nla_be32(tb[NFTA_NAT_REG_ADDR_MIN], &rmin) ||
	    type != NFT_NAT_DNAT || fam != NFPROTO_IPV4 || rmin != d->imm_reg ||
	    (tb[NFTA_NAT_REG_ADDR_MAX] && (!nla_be32(tb[NFTA_NAT_REG_ADDR_MAX], &rmax) || rmax != rmin)) ||
	    tb[NFTA_NAT_REG_PROTO_MIN] || tb[NFTA_NAT_REG_PROTO_MAX] ||
	    (tb[NFTA_NAT_FLAGS] && (!nla_be32(tb[NFTA_NAT_FLAGS], &flags) ||
				    (flags & ~(uint32_t)NF_NAT_RANGE_MAP_IPS))))
		return false;
	d->p->kind = UW_NL_NFT_DNAT;
	d->p->to = d->imm;
	d->stage = ST_DONE;
	return true;
}

static bool dec_masq(struct plain_dec *d, struct nlattr **tb)
{
	uint32_t flags = 0;

	if (d->load != LD_NONE || d->stage >= ST_L4 ||
	    (tb[NFTA_MASQ_FLAGS] && (!nla_be32(tb[NFTA_MASQ_FLAGS], &flags) || flags)) ||
	    tb[NFTA_MASQ_REG_PROTO_MIN] || tb[NFTA_MASQ_REG_PROTO_MAX])
		return false;
	d->p->kind = UW_NL_NFT_MASQ;
	d->stage = ST_DONE;
	return true;
}

/* The expressions of a rule (NFTA_RULE_EXPRESSIONS) into @p; OTHER unless plain. */
static void plain_decode(int fam, struct nlattr *exprs, struct uw_nl_nft_plain *p)
{
	struct plain_dec d = { .fam = fam, .p = p, .masked = -1 };
	struct nlattr *e;
	int rem;

	memset(p, 0, sizeof(*p));
	nla_for_each_nested(e, exprs, rem) {
		struct nlattr *et[NFTA_EXPR_MAX + 1], *tb[16];
		char name[16];
		bool ok = false;

		if (d.stage == ST_DONE || nla_type(e) != NFTA_LIST_ELEM ||
		    nla_parse_nested(et, NFTA_EXPR_MAX, e, NULL) < 0 ||
		    !nla_str(et[NFTA_EXPR_NAME], name, sizeof(name)))
			goto other;
		memset(tb, 0, sizeof(tb));
		if (et[NFTA_EXPR_DATA] && nla_parse_nested(tb, 15, et[NFTA_EXPR_DATA], NULL) < 0)
			goto other;
		if (!strcmp(name, "payload"))
			ok = dec_payload(&d, tb);
		else if (!strcmp(name, "meta"))
			ok = dec_meta(&d, tb);
		else if (!strcmp(name, "bitwise"))
			ok = dec_bitwise(&d, tb);
		else if (!strcmp(name, "cmp"))
			ok = dec_cmp(&d, tb);
		else if (!strcmp(name, "immediate"))
			ok = dec_immediate(&d, tb);
		else if (!strcmp(name, "nat"))
			ok = dec_nat(&d, tb);
		else if (!strcmp(name, "masq"))
			ok = dec_masq(&d, tb);
		if (!ok)
			goto other;
	}
	/* A dnat rule needs its port, the others have none; an inet chain
	 * checks nfproto exactly when it matches an address (as nft does). */
	if (d.stage == ST_DONE && (p->kind == UW_NL_NFT_DNAT) == (p->proto != 0) &&
	    d.nfproto == (fam == NFPROTO_INET && (p->src_len || p->dst_len)))
		return;
other:
	memset(p, 0, sizeof(*p));
}

struct plain_dump {
	struct nft_dump d;
	const char *comment;
	void (*cb)(const char *family, const char *table, const struct uw_nl_nft_plain_rule *r,
		   void *ud);
	void *ud;
};

static void nft_plain_msg(struct nlmsghdr *nlh, struct nft_dump *d)
{
	struct plain_dump *pd = (struct plain_dump *)d;
	struct nfgenmsg *g = nlmsg_data(nlh);
	struct nlattr *a, *exprs = NULL;
	struct uw_nl_nft_plain_rule r;
	char table[64] = "";
	const char *fam = nft_family_name(g->nfgen_family);
	int rem;

	memset(&r, 0, sizeof(r));
	nla_for_each_attr(a, nlmsg_attrdata(nlh, sizeof(*g)), nlmsg_attrlen(nlh, sizeof(*g)), rem) {
		if (rule_id_attr(a, &r.handle, r.comment, sizeof(r.comment)))
			continue;
		switch (nla_type(a)) {
		case NFTA_RULE_TABLE:
			nla_str(a, table, sizeof(table));
			break;
		case NFTA_RULE_CHAIN:
			nla_str(a, r.chain, sizeof(r.chain));
			break;
		case NFTA_RULE_EXPRESSIONS:
			exprs = a;
			break;
		}
	}
	if (!fam)
		return;
	/* Only a rule with the comment asked for is decoded: a foreign chain
	 * may hold thousands of others. */
	if (exprs && pd->comment && !strcmp(r.comment, pd->comment))
		plain_decode(g->nfgen_family, exprs, &r.r);
	d->n++;
	pd->cb(fam, table, &r, pd->ud);
}

int uw_nl_nft_rules_plain(const char *family, const char *table, const char *chain,
			  const char *comment,
			  void (*cb)(const char *family, const char *table,
				     const struct uw_nl_nft_plain_rule *r, void *ud),
			  void *ud, struct uw_error *err)
{
	struct plain_dump pd = { .d = { .msg = nft_plain_msg }, .comment = comment, .cb = cb,
				 .ud = ud };
	int fam = family ? nft_family(family) : NFPROTO_UNSPEC, r;
	bool said;

	if (fam < 0)
		return uw_error_set(err, -EINVAL, "\"%.16s\" is not an nftables family.", family);
	r = nft_dump(NFT_MSG_GETRULE, NFT_MSG_NEWRULE, fam, NFTA_RULE_TABLE, table, NFTA_RULE_CHAIN,
		     table ? chain : NULL, &pd.d, &said, err);
	if (r < 0 && !said)
		return uw_error_set(err, r, "cannot read the nftables rules of %s %s%s%s: %s",
				    family ? family : "every family", table ? table : "",
				    chain ? " " : "", chain ? chain : "", strerror(-r));
	return r < 0 ? r : pd.d.n;
}

/* ---- encoding the plain shape, as nft 1.0.6 does ---- */

struct uw_nl_nft_batch {
	struct uw_strbuf buf;        /* the messages, back to back */
	size_t n;                    /* changes (begin and end not counted) */
	struct batch_msg {
		int tag;
		char what[200];      /* "add a rule to ip usbnet-wizard postrouting" */
	} *msgs;
	bool nomem;
};

struct uw_nl_nft_batch *uw_nl_nft_batch_new(void)
{
	return uw_malloc0(sizeof(struct uw_nl_nft_batch));
}

void uw_nl_nft_batch_free(struct uw_nl_nft_batch *b)
{
	if (!b)
		return;
	uw_strbuf_fini(&b->buf);
	free(b->msgs);
	free(b);
}

size_t uw_nl_nft_batch_count(const struct uw_nl_nft_batch *b)
{
	return b->n;
}

static struct nl_msg *batch_msg_start(int fam, unsigned type, int flags)
{
	struct nfgenmsg g = { .version = NFNETLINK_V0, .nfgen_family = (unsigned char)fam };
	struct nl_msg *msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | type,
						NLM_F_REQUEST | NLM_F_ACK | flags);

	if (msg && nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Append @msg (built without error: @ok) to the batch as change @what. */
static void batch_msg_end(struct uw_nl_nft_batch *b, struct nl_msg *msg, bool ok, int tag,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void batch_msg_end(struct uw_nl_nft_batch *b, struct nl_msg *msg, bool ok, int tag,
			  const char *fmt, ...)
{
	struct nlmsghdr *h;
	va_list ap;

	if (!msg || !ok) {
		b->nomem = true;
		nlmsg_free(msg);
		return;
	}
	h = nlmsg_hdr(msg);
	b->msgs = uw_realloc(b->msgs, (b->n + 1) * sizeof(*b->msgs));
	b->msgs[b->n].tag = tag;
	va_start(ap, fmt);
	vsnprintf(b->msgs[b->n].what, sizeof(b->msgs[b->n].what), fmt, ap);
	va_end(ap);
	b->n++;
	uw_strbuf_append_len(&b->buf, (const char *)h, NLMSG_ALIGN(h->nlmsg_len));
	nlmsg_free(msg);
}

void uw_nl_nft_batch_add_table(struct uw_nl_nft_batch *b, const char *family, const char *table,
			       int tag)
{
	struct nl_msg *msg = batch_msg_start(nft_family(family), NFT_MSG_NEWTABLE, NLM_F_CREATE);

	batch_msg_end(b, msg, msg && nla_put_string(msg, NFTA_TABLE_NAME, table) == 0, tag,
		      "add table %s %s", family, table);
}

void uw_nl_nft_batch_add_chain(struct uw_nl_nft_batch *b, const char *family, const char *table,
			       const char *chain, const char *type, const char *hook, int prio,
			       int tag)
{
	struct nl_msg *msg = batch_msg_start(nft_family(family), NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	struct nlattr *nest;
	bool ok = msg && nft_hook_num(hook) >= 0 &&
		  nla_put_string(msg, NFTA_CHAIN_TABLE, table) == 0 &&
		  nla_put_string(msg, NFTA_CHAIN_NAME, chain) == 0;

	if (ok) {
		nest = nla_nest_start(msg, NFTA_CHAIN_HOOK);
		ok = nest && nla_put_u32(msg, NFTA_HOOK_HOOKNUM, htonl((uint32_t)nft_hook_num(hook))) == 0 &&
		     nla_put_u32(msg, NFTA_HOOK_PRIORITY, htonl((uint32_t)prio)) == 0;
		if (ok)
			nla_nest_end(msg, nest);
	}
	ok = ok && nla_put_u32(msg, NFTA_CHAIN_POLICY, htonl(NF_ACCEPT)) == 0 &&
	     nla_put_string(msg, NFTA_CHAIN_TYPE, type) == 0;
	batch_msg_end(b, msg, ok, tag, "add chain %s %s %s", family, table, chain);
}

/* One expression: NFTA_LIST_ELEM { NAME, DATA { attrs put by @fill } }. */
struct expr_attr {
	int type;
	const void *data;   /* NULL: a be32 */
	uint32_t v;
	int len;
	int nest;           /* > 0: wrap in NFTA_*_DATA nest @nest of NFTA_DATA_VALUE */
};

static bool put_expr(struct nl_msg *msg, const char *name, const struct expr_attr *at, size_t n)
{
	struct nlattr *elem = nla_nest_start(msg, NFTA_LIST_ELEM), *data;

	if (!elem || nla_put_string(msg, NFTA_EXPR_NAME, name) < 0 ||
	    !(data = nla_nest_start(msg, NFTA_EXPR_DATA)))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (at[i].nest) {
			struct nlattr *d = nla_nest_start(msg, at[i].type);

			if (!d || nla_put(msg, NFTA_DATA_VALUE, at[i].len, at[i].data) < 0)
				return false;
			nla_nest_end(msg, d);
		} else if (at[i].data) {
			if (nla_put(msg, at[i].type, at[i].len, at[i].data) < 0)
				return false;
		} else if (nla_put_u32(msg, at[i].type, htonl(at[i].v)) < 0) {
			return false;
		}
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, elem);
	return true;
}

#define BE32(t, val) { .type = (t), .v = (val) }
#define VAL(t, p, l) { .type = (t), .data = (p), .len = (l), .nest = 1 }

static bool put_load_cmp_payload(struct nl_msg *msg, unsigned base, unsigned off, unsigned len)
{
	struct expr_attr ld[] = { BE32(NFTA_PAYLOAD_DREG, NFT_LOAD_REG), BE32(NFTA_PAYLOAD_BASE, base),
				  BE32(NFTA_PAYLOAD_OFFSET, off), BE32(NFTA_PAYLOAD_LEN, len) };

	return put_expr(msg, "payload", ld, UW_ARRAY_SIZE(ld));
}

static bool put_cmp(struct nl_msg *msg, const void *v, int len)
{
	struct expr_attr c[] = { BE32(NFTA_CMP_SREG, NFT_LOAD_REG), BE32(NFTA_CMP_OP, NFT_CMP_EQ),
				 VAL(NFTA_CMP_DATA, v, len) };

	return put_expr(msg, "cmp", c, UW_ARRAY_SIZE(c));
}

static bool put_meta(struct nl_msg *msg, unsigned key)
{
	struct expr_attr m[] = { BE32(NFTA_META_DREG, NFT_LOAD_REG), BE32(NFTA_META_KEY, key) };

	return put_expr(msg, "meta", m, UW_ARRAY_SIZE(m));
}

/* ip saddr/daddr A/L: whole bytes loaded and compared, a partial byte masked. */
static bool put_addr(struct nl_msg *msg, unsigned off, struct in_addr a, unsigned plen)
{
	uint32_t mask = htonl(plen ? 0xffffffffu << (32 - plen) : 0), zero = 0;
	struct in_addr m = { a.s_addr & mask };
	unsigned len = plen % 8 ? 4 : plen / 8;

	if (!put_load_cmp_payload(msg, NFT_PAYLOAD_NETWORK_HEADER, off, len))
		return false;
	if (plen % 8) {
		struct expr_attr bw[] = { BE32(NFTA_BITWISE_SREG, NFT_LOAD_REG),
					  BE32(NFTA_BITWISE_DREG, NFT_LOAD_REG), BE32(NFTA_BITWISE_LEN, 4),
					  VAL(NFTA_BITWISE_MASK, &mask, 4), VAL(NFTA_BITWISE_XOR, &zero, 4) };

		if (!put_expr(msg, "bitwise", bw, UW_ARRAY_SIZE(bw)))
			return false;
	}
	return put_cmp(msg, &m, (int)len);
}

static bool put_ifname(struct nl_msg *msg, unsigned key, const char *name)
{
	char v[UW_NL_IFNAME_MAX] = { 0 };

	uw_strlcpy(v, name, sizeof(v));
	return put_meta(msg, key) && put_cmp(msg, v, (int)sizeof(v));
}

static bool put_plain(struct nl_msg *msg, int fam, const struct uw_nl_nft_plain *r)
{
	unsigned char u8;

	if ((r->src_len || r->dst_len) && fam == NFPROTO_INET) {
		u8 = NFPROTO_IPV4;
		if (!put_meta(msg, NFT_META_NFPROTO) || !put_cmp(msg, &u8, 1))
			return false;
	}
	if ((r->src_len && !put_addr(msg, 12, r->src, r->src_len)) ||
	    (r->dst_len && !put_addr(msg, 16, r->dst, r->dst_len)) ||
	    (r->iif[0] && !put_ifname(msg, NFT_META_IIFNAME, r->iif)) ||
	    (r->oif[0] && !put_ifname(msg, NFT_META_OIFNAME, r->oif)))
		return false;
	if (r->proto) {
		uint16_t port = htons((uint16_t)r->dport);

		u8 = (unsigned char)r->proto;
		if (!put_meta(msg, NFT_META_L4PROTO) || !put_cmp(msg, &u8, 1) ||
		    !put_load_cmp_payload(msg, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2) ||
		    !put_cmp(msg, &port, 2))
			return false;
	}
	switch (r->kind) {
	case UW_NL_NFT_ACCEPT: {
		struct nlattr *elem = nla_nest_start(msg, NFTA_LIST_ELEM), *data, *d, *v;

		if (!elem || nla_put_string(msg, NFTA_EXPR_NAME, "immediate") < 0 ||
		    !(data = nla_nest_start(msg, NFTA_EXPR_DATA)) ||
		    nla_put_u32(msg, NFTA_IMMEDIATE_DREG, htonl(NFT_REG_VERDICT)) < 0 ||
		    !(d = nla_nest_start(msg, NFTA_IMMEDIATE_DATA)) ||
		    !(v = nla_nest_start(msg, NFTA_DATA_VERDICT)) ||
		    nla_put_u32(msg, NFTA_VERDICT_CODE, htonl(NF_ACCEPT)) < 0)
			return false;
		nla_nest_end(msg, v);
		nla_nest_end(msg, d);
		nla_nest_end(msg, data);
		nla_nest_end(msg, elem);
		return true;
	}
	case UW_NL_NFT_MASQ:
		return put_expr(msg, "masq", NULL, 0);
	case UW_NL_NFT_DNAT: {
		struct expr_attr imm[] = { BE32(NFTA_IMMEDIATE_DREG, NFT_LOAD_REG),
					   VAL(NFTA_IMMEDIATE_DATA, &r->to, 4) };
		struct expr_attr nat[] = { BE32(NFTA_NAT_TYPE, NFT_NAT_DNAT),
					   BE32(NFTA_NAT_FAMILY, NFPROTO_IPV4),
					   BE32(NFTA_NAT_REG_ADDR_MIN, NFT_LOAD_REG) };

		return put_expr(msg, "immediate", imm, UW_ARRAY_SIZE(imm)) &&
		       put_expr(msg, "nat", nat, UW_ARRAY_SIZE(nat));
	}
	case UW_NL_NFT_OTHER:
		break;
	}
	return false;
}

void uw_nl_nft_batch_add_rule(struct uw_nl_nft_batch *b, const char *family, const char *table,
			      const char *chain, bool insert, const struct uw_nl_nft_plain *r,
			      const char *comment, int tag)
{
	int fam = nft_family(family);
	struct nl_msg *msg = batch_msg_start(fam, NFT_MSG_NEWRULE,
					     NLM_F_CREATE | (insert ? 0 : NLM_F_APPEND));
	struct nlattr *ex;
	bool ok = msg && fam >= 0 && nla_put_string(msg, NFTA_RULE_TABLE, table) == 0 &&
		  nla_put_string(msg, NFTA_RULE_CHAIN, chain) == 0 &&
		  (ex = nla_nest_start(msg, NFTA_RULE_EXPRESSIONS)) && put_plain(msg, fam, r);

	if (ok) {
		/* The comment as libnftnl's user data: { type 0, length, text with its NUL }. */
		unsigned char ud[2 + 128];
		size_t n = strlen(comment) + 1;

		nla_nest_end(msg, ex);
		ok = n < 128;
		if (ok) {
			ud[0] = 0;
			ud[1] = (unsigned char)n;
			memcpy(ud + 2, comment, n);
			ok = nla_put(msg, NFTA_RULE_USERDATA, (int)n + 2, ud) == 0;
		}
	}
	batch_msg_end(b, msg, ok, tag, "%s a rule %s %s %s %s", insert ? "insert" : "add",
		      insert ? "at the top of" : "into", family, table, chain);
}

void uw_nl_nft_batch_del_rule(struct uw_nl_nft_batch *b, const char *family, const char *table,
			      const char *chain, unsigned long long handle, int tag)
{
	struct nl_msg *msg = batch_msg_start(nft_family(family), NFT_MSG_DELRULE, 0);

	batch_msg_end(b, msg, msg && nla_put_string(msg, NFTA_RULE_TABLE, table) == 0 &&
		      nla_put_string(msg, NFTA_RULE_CHAIN, chain) == 0 &&
		      nla_put_u64(msg, NFTA_RULE_HANDLE, htobe64(handle)) == 0, tag,
		      "delete rule %s %s %s handle %llu", family, table, chain, handle);
}

void uw_nl_nft_batch_del_table(struct uw_nl_nft_batch *b, const char *family, const char *table,
			       int tag)
{
	struct nl_msg *msg = batch_msg_start(nft_family(family), NFT_MSG_DELTABLE, 0);

	batch_msg_end(b, msg, msg && nla_put_string(msg, NFTA_TABLE_NAME, table) == 0, tag,
		      "delete table %s %s", family, table);
}

/* The batch's begin (@type NFNL_MSG_BATCH_BEGIN) or end message. */
static void batch_mark(struct uw_strbuf *out, unsigned type, uint32_t seq)
{
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
	} m;

	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.g));
	m.h.nlmsg_type = (uint16_t)type;
	m.h.nlmsg_flags = NLM_F_REQUEST;
	m.h.nlmsg_seq = seq;
	m.g.nfgen_family = AF_UNSPEC;
	m.g.version = NFNETLINK_V0;
	m.g.res_id = htons(NFNL_SUBSYS_NFTABLES);
	uw_strbuf_append_len(out, (const char *)&m, NLMSG_ALIGN(m.h.nlmsg_len));
}

int uw_nl_nft_batch_commit(struct uw_nl_nft_batch *b, int *bad_tag, struct uw_error *err)
{
	_auto_strbuf_ struct uw_strbuf out = UW_STRBUF_INIT;
	struct nl_sock *sk;
	int r, fd, fl, failed = 0;
	size_t bad = SIZE_MAX;
	uint32_t base;

	if (bad_tag)
		*bad_tag = -1;
	if (b->n == 0)
		return 0;
	if (b->nomem)
		return uw_error_set(err, -ENOMEM, "out of memory building an nftables change");
	r = nfnl_get(&sk, err);
	if (r < 0)
		return r;
	/* Sequence numbers of this socket's own, past any earlier request's. */
	base = nl_socket_use_seq(sk);
	for (size_t i = 0; i < b->n; i++)
		nl_socket_use_seq(sk);
	nl_socket_use_seq(sk);
	batch_mark(&out, NFNL_MSG_BATCH_BEGIN, base);
	for (size_t off = 0, i = 0; off < b->buf.len; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(b->buf.s + off);

		h->nlmsg_seq = base + 1 + (uint32_t)i;
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	uw_strbuf_append_len(&out, b->buf.s, b->buf.len);
	batch_mark(&out, NFNL_MSG_BATCH_END, base + (uint32_t)b->n + 1);
	/* The kernel handles the whole batch inside this send, commit or
	 * abort included: every answer is waiting when it returns. */
	r = nl_sendto(sk, out.s, out.len);
	if (r < 0) {
		nfnl_drop();
		return uw_error_set(err, nle_to_errno(r), "cannot send the change to nftables: %s",
				    nl_geterror(r));
	}
	fd = nl_socket_get_fd(sk);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		nfnl_drop();
		return uw_error_set(err, -errno, "cannot read nftables' answer: %s", strerror(errno));
	}
	for (;;) {
		struct sockaddr_nl peer;
		unsigned char *buf = NULL;
		struct nlmsghdr *nlh;
		int n = nl_recv(sk, &peer, &buf, NULL);

		if (n <= 0) {
			free(buf);
			if (n == -NLE_AGAIN || n == 0)
				break;
			nfnl_drop();
			return uw_error_set(err, nle_to_errno(n), "no answer from nftables: %s",
					    nl_geterror(n));
		}
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, n); nlh = nlmsg_next(nlh, &n)) {
			struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq < base ||
			    nlh->nlmsg_seq > base + b->n + 1)
				continue;
			e = nlmsg_data(nlh);
			if (!e->error || failed)
				continue;
			failed = e->error < 0 ? e->error : -e->error;
			/* (the begin's sequence number: the commit itself failed) */
			if (nlh->nlmsg_seq > base && nlh->nlmsg_seq <= base + b->n)
				bad = nlh->nlmsg_seq - base - 1;
		}
		free(buf);
	}
	fcntl(fd, F_SETFL, fl);
	if (!failed)
		return 0;
	if (bad != SIZE_MAX) {
		if (bad_tag)
			*bad_tag = b->msgs[bad].tag;
		return uw_error_set(err, failed, "nftables refused to %s: %s; nothing was changed.",
				    b->msgs[bad].what, strerror(-failed));
	}
	return uw_error_set(err, failed, "nftables refused the change (%zu step(s)): %s; nothing "
			    "was changed.", b->n, strerror(-failed));
}
