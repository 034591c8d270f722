// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interface detection: netlink for the list of links and their state,
 * sysfs for the driver and USB ids, ETHTOOL_GDRVINFO where sysfs has no
 * device (veth, and sysfs of another namespace), link events for waiting.
 */
#include "core/detect.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/env.h"
#include "core/ip4.h"
#include "core/nl.h"
#include "core/nm.h"

#define SCORE_LIKELY 30

static const struct {
	const char *name, *what;
} usb_drivers[] = {
	{ "cdc_ether", "USB networking gadget" },
	{ "rndis_host", "RNDIS USB networking, as Windows-minded gadgets and Android tethering use" },
	{ "cdc_subset", "simple USB networking gadget" },
	{ "cdc_eem", "USB EEM networking gadget" },
	{ "cdc_ncm", "USB NCM networking gadget" },
	{ "cdc_mbim", "USB mobile broadband" },
	{ "ipheth", "iPhone USB tethering" },
};

static const struct {
	unsigned vendor, product;
	const char *name;
} usb_ids[] = {
	{ 0x1457, 0x5122, "Openmoko FreeRunner" },
	{ 0x0525, 0xa4a2, "Linux USB Ethernet/RNDIS gadget (g_ether)" },
	{ 0x0525, 0xa4a1, "Linux USB Ethernet gadget (CDC subset)" },
	{ 0x1d6b, 0x0104, "Linux composite gadget (postmarketOS, Raspberry Pi)" },
	{ 0x18d1, 0x4ee3, "Android phone (USB tethering)" },
	{ 0x18d1, 0x4ee4, "Android phone (USB tethering + adb)" },
};

/* Virtual plumbing that is never a phone. */
static const char *const skip_kinds[] = {
	"bridge", "bond", "team", "vlan", "macvlan", "macvtap", "ipvlan", "vxlan", "geneve",
	"wireguard", "tun", "ifb", "dummy", "gre", "gretap", "ip6gre", "ip6gretap", "ipip",
	"sit", "ip6tnl", "vti", "vti6", "vrf", "openvswitch", "nlmon", "can", "vcan",
};

static const char *sysfs_root(void)
{
	const char *r = uw_env_get(UW_ENV_SYSFS);

	return r && *r ? r : "/sys";
}

static void reason(struct uw_candidate *c, int points, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void reason(struct uw_candidate *c, int points, const char *fmt, ...)
{
	va_list ap;

	c->score += points;
	if (c->n_reasons >= UW_DETECT_MAX_REASONS)
		return;
	va_start(ap, fmt);
	vsnprintf(c->reasons[c->n_reasons++], UW_DETECT_REASON_LEN, fmt, ap);
	va_end(ap);
}

/* Read a small sysfs/proc file into @buf, newline stripped. */
static int read_small(const char *path, char *buf, size_t len)
{
	_auto_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/*
 * sysfs shows the network namespace it was mounted in, not the caller's:
 * in a private namespace, /sys/class/net/eth0 may be the host's eth0. Trust
 * a sysfs entry only if its ifindex agrees with netlink (fake test trees
 * may leave the file out).
 */
static bool sysfs_matches(const char *ifname, int ifindex)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), "%s/class/net/%s", sysfs_root(), ifname);
	if (access(path, F_OK) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/class/net/%s/ifindex", sysfs_root(), ifname);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return true;
	return atoi(buf) == ifindex;
}

static void sysfs_driver(const char *ifname, char *drv, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/class/net/%s/device/driver", sysfs_root(), ifname);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	uw_strlcpy(drv, strrchr(target, '/') ? strrchr(target, '/') + 1 : target, len);
}

/* Walk up from the interface's device to the USB device holding the ids
 * (the interface hangs off a USB interface, e.g. 1-1:1.0, under 1-1). */
static bool sysfs_usb_ids(const char *ifname, unsigned *vendor, unsigned *product)
{
	char path[PATH_MAX + 32], dir[PATH_MAX], root[PATH_MAX], buf[16];

	if (!realpath(sysfs_root(), root))
		return false;
	snprintf(path, sizeof(path), "%s/class/net/%s/device", sysfs_root(), ifname);
	if (!realpath(path, dir))
		return false;
	for (int depth = 0; depth < 8; depth++) {
		char *slash;
		unsigned v, p;

		snprintf(path, sizeof(path), "%s/idVendor", dir);
		if (read_small(path, buf, sizeof(buf)) == 0 && sscanf(buf, "%4x", &v) == 1) {
			snprintf(path, sizeof(path), "%s/idProduct", dir);
			if (read_small(path, buf, sizeof(buf)) == 0 &&
			    sscanf(buf, "%4x", &p) == 1) {
				*vendor = v;
				*product = p;
				return true;
			}
		}
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return false;
		*slash = '\0';
		if (strlen(dir) <= strlen(root))
			return false;
	}
	return false;
}

/* ETHTOOL_GDRVINFO names the driver of any link, device or not. */
static void ethtool_driver(const char *ifname, char *drv, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	_auto_fd_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	uw_strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		uw_strlcpy(drv, info.driver, len);
}

static bool all_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return s[n] == '\0';
}

static bool digits_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n) || !s[n])
		return false;
	for (s += n; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static void score_name(struct uw_candidate *c)
{
	const char *n = c->ifname;

	if (digits_after(n, "usb"))
		reason(c, 30, "name %s is what gadgets get", n);
	else if (!strncmp(n, "enx", 3) && all_hex(n + 3, 12))
		reason(c, 25, "name %s is a predictable name for a USB network device (from its MAC)",
		       n);
	else if (digits_after(n, "rndis"))
		reason(c, 25, "name %s is what RNDIS gadgets get", n);
	else if (!strncmp(n, "en", 2) && strchr(n, 'u') && strchr(n + 2, 'p'))
		reason(c, 20, "name %s is a predictable name with a USB port path", n);
}

/* Is process @pid in our network namespace? (Another namespace's
 * NetworkManager, a test's or a container's, does not manage our links.) */
static bool same_netns(const char *pid)
{
	char path[320], a[64], b[64];
	ssize_t na, nb;

	snprintf(path, sizeof(path), "/proc/%s/ns/net", pid);
	na = readlink(path, a, sizeof(a) - 1);
	nb = readlink("/proc/self/ns/net", b, sizeof(b) - 1);
	if (na <= 0 || nb <= 0)
		return false;
	return na == nb && !memcmp(a, b, (size_t)na);
}

static const char *nm_rundir(void)
{
	const char *r = uw_env_get(UW_ENV_NM_RUNDIR);

	return r && *r ? r : "/run/NetworkManager";
}

/* A process called NetworkManager in this network namespace: a scan of
 * every process's comm in /proc (hundreds of reads). */
static bool nm_process_found(void)
{
	char path[PATH_MAX], buf[64];
	DIR *d;
	struct dirent *de;
	bool found = false;

	d = opendir("/proc");
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		found = read_small(path, buf, sizeof(buf)) == 0 && !strcmp(buf, "NetworkManager") &&
			same_netns(de->d_name);
	}
	closedir(d);
	return found;
}

/* One apply asks several times (facts, detect, each candidate): the scan's
 * answer is reused for a second, which a long-running `watch` sees renewed. */
static bool nm_process_found_cached(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct timespec when;
	static bool known, answer;
	struct timespec now;
	bool r;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&lock);
	if (!known || now.tv_sec - when.tv_sec > 1) {
		answer = nm_process_found();
		when = now;
		known = true;
	}
	r = answer;
	pthread_mutex_unlock(&lock);
	return r;
}

/* The old guess, for when the system bus cannot be asked: a pid file, or a
 * process called NetworkManager in this network namespace. */
static bool nm_running_guess(void)
{
	char path[PATH_MAX], buf[64];

	snprintf(path, sizeof(path), "%s/NetworkManager.pid", nm_rundir());
	if (read_small(path, buf, sizeof(buf)) == 0) {
		int pid = atoi(buf);

		if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
			return true;
	}
	/* Only look at /proc when the run directory is the real one: a test
	 * pointing it elsewhere wants its answer from there alone. And only
	 * when that directory exists: NetworkManager makes it when it starts
	 * (and leaves it when it stops), so without it nothing can be found,
	 * and the scan's hundreds of reads (most of a `plan` without a system
	 * bus) are saved. */
	if (uw_env_get(UW_ENV_NM_RUNDIR) || access(nm_rundir(), F_OK) < 0)
		return false;
	return nm_process_found_cached();
}

bool uw_detect_nm_running(void)
{
	switch (uw_nm_presence(NULL, 0)) {
	case UW_NM_RUNNING:
		return true;
	case UW_NM_NOT_RUNNING:
		return false;
	case UW_NM_UNKNOWN:
		break;
	}
	return nm_running_guess();
}

/*
 * NetworkManager keeps a small keyfile per device in
 * /run/NetworkManager/devices/IFINDEX ("[device]" group, "managed=true" or
 * "managed=false"); reading it is enough to know, without D-Bus.
 */
/* The /run-file guess (no system bus to ask): NetworkManager keeps a small
 * keyfile per device in /run/NetworkManager/devices/IFINDEX. */
static void nm_state_guess(struct uw_candidate *c, bool nm_running, const char *why)
{
	char path[PATH_MAX], line[256];
	FILE *f;
	int managed = -1;

	if (!nm_running) {
		c->manager = UW_MANAGER_NONE;
		snprintf(c->manager_note, sizeof(c->manager_note),
			 "NetworkManager is not running (from its run files; the system bus could not "
			 "be asked): nothing else should reconfigure %s", c->ifname);
		return;
	}
	snprintf(path, sizeof(path), "%s/devices/%d", nm_rundir(), c->ifindex);
	f = fopen(path, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, "managed=", 8))
				managed = !strncmp(line + 8, "true", 4) || line[8] == '1';
		}
		fclose(f);
	}
	if (managed == 1) {
		c->manager = UW_MANAGER_NM_MANAGED;
		snprintf(c->manager_note, sizeof(c->manager_note),
			 "NetworkManager manages %s (from its run files; the system bus could not be "
			 "asked) and may reconfigure it: nmcli device set %s managed no", c->ifname, c->ifname);
	} else if (managed == 0) {
		c->manager = UW_MANAGER_NM_UNMANAGED;
		snprintf(c->manager_note, sizeof(c->manager_note),
			 "NetworkManager runs but leaves %s alone (unmanaged, from its run files)", c->ifname);
	} else {
		c->manager = UW_MANAGER_NM_UNKNOWN;
		snprintf(c->manager_note, sizeof(c->manager_note),
			 "NetworkManager runs; whether it manages %s is unknown (%s): check with "
			 "nmcli device status", c->ifname, why[0] ? why : "the system bus could not be asked");
	}
}

/* Who manages @c, from NetworkManager itself over the system bus; the
 * run-file guess only when the bus cannot be asked. */
static void nm_state(struct uw_candidate *c)
{
	struct uw_nm_dev d;
	struct uw_error e;

	uw_error_clear(&e);
	if (uw_nm_device(c->ifname, &d, &e) < 0) {
		c->manager = UW_MANAGER_NM_UNKNOWN;
		snprintf(c->manager_note, sizeof(c->manager_note),
			 "NetworkManager runs; whether it manages %s is unknown: %.160s", c->ifname, e.msg);
		return;
	}
	if (d.presence == UW_NM_UNKNOWN) {
		nm_state_guess(c, nm_running_guess(), "");
		return;
	}
	uw_nm_describe(c->ifname, &d, c->manager_note, sizeof(c->manager_note));
	if (d.presence == UW_NM_NOT_RUNNING)
		c->manager = UW_MANAGER_NONE;
	else if (d.known && d.managed)
		c->manager = UW_MANAGER_NM_MANAGED;
	else
		c->manager = UW_MANAGER_NM_UNMANAGED;
}

struct scan_ctx {
	const struct uw_nl_dump *d; /* addresses and routes */
	int default_ifindex;
	bool identity_only;    /* uw_detect_identify: who manages it is not asked */
};

/* Fill @c from @link; false if the link is not a candidate at all. */
static bool evaluate(const struct uw_nl_link *link, const struct scan_ctx *ctx, struct uw_candidate *c)
{
	unsigned flags = link->flags;
	bool in_sysfs;

	memset(c, 0, sizeof(*c));
	uw_strlcpy(c->ifname, link->ifname, sizeof(c->ifname));
	c->ifindex = link->ifindex;
	if ((flags & IFF_LOOPBACK) || link->arptype != ARPHRD_ETHER)
		return false;
	/* The kernel takes any byte but '/', ':', white space and NUL in a
	 * name (an ESC too); no phone's interface is named so, and no command
	 * of ours takes such a name (uw_ifname_check): not listed, so it never
	 * reaches a terminal either. */
	if (uw_ifname_check(link->ifname, NULL) < 0)
		return false;
	for (size_t i = 0; link->kind[0] && i < UW_ARRAY_SIZE(skip_kinds); i++)
		if (!strcmp(link->kind, skip_kinds[i]))
			return false;
	if (link->master > 0)
		return false; /* a bridge or bond port, e.g. a container's veth */
	if (c->ifindex == ctx->default_ifindex)
		return false; /* the uplink: never the phone */
	c->admin_up = flags & IFF_UP;
	c->carrier = flags & IFF_LOWER_UP;
	uw_strlcpy(c->operstate, link->operstate, sizeof(c->operstate));
	if (link->has_mac) {
		const unsigned char *m = link->mac;

		snprintf(c->mac, sizeof(c->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
	}
	for (size_t i = 0; i < ctx->d->n_addrs; i++) {
		const struct uw_nl_addr4 *a = &ctx->d->addrs[i];

		if (a->ifindex != c->ifindex || c->n_addrs >= UW_DETECT_MAX_ADDRS)
			continue;
		c->addrs[c->n_addrs] = a->addr;
		c->plens[c->n_addrs++] = a->plen;
	}

	in_sysfs = sysfs_matches(c->ifname, c->ifindex);
	if (in_sysfs)
		sysfs_driver(c->ifname, c->driver, sizeof(c->driver));
	if (!c->driver[0])
		ethtool_driver(c->ifname, c->driver, sizeof(c->driver));
	if (c->driver[0]) {
		bool usbnet = false;

		for (size_t i = 0; i < UW_ARRAY_SIZE(usb_drivers); i++) {
			if (!strcmp(c->driver, usb_drivers[i].name)) {
				reason(c, 50, "driver %s (%s)", c->driver, usb_drivers[i].what);
				usbnet = true;
			}
		}
		if (!usbnet && !strcmp(c->driver, "veth"))
			reason(c, 0, "driver veth (a virtual link, e.g. a simulated phone)");
		else if (!usbnet)
			reason(c, 0, "driver %s (not a USB networking driver)", c->driver);
	}
	if (in_sysfs && sysfs_usb_ids(c->ifname, &c->usb_vendor, &c->usb_product)) {
		c->has_usb_id = true;
		reason(c, 20, "USB device %04x:%04x", c->usb_vendor, c->usb_product);
		for (size_t i = 0; i < UW_ARRAY_SIZE(usb_ids); i++) {
			if (usb_ids[i].vendor == c->usb_vendor && usb_ids[i].product == c->usb_product) {
				uw_strlcpy(c->usb_name, usb_ids[i].name, sizeof(c->usb_name));
				reason(c, 40, "USB id %04x:%04x = %s", c->usb_vendor, c->usb_product,
				       usb_ids[i].name);
			}
		}
	}
	score_name(c);
	if (c->carrier)
		reason(c, 5, "it has a carrier (cable side is up)");
	c->likely = c->score >= SCORE_LIKELY;
	if (!ctx->identity_only) {
		nm_state(c);
	} else {
		c->manager = UW_MANAGER_NM_UNKNOWN;
		snprintf(c->manager_note, sizeof(c->manager_note), "not asked (identification only)");
	}
	return true;
}

static int cmp_candidates(const void *a, const void *b)
{
	const struct uw_candidate *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return strcmp(x->ifname, y->ifname);
}

static void scan_dump(const struct uw_nl_dump *d, bool identity_only, struct uw_candidate **out,
		      size_t *n)
{
	_auto_(free) struct uw_candidate *v = NULL;
	struct scan_ctx ctx = { .d = d, .default_ifindex = uw_nl_dump_default_ifindex(d),
				.identity_only = identity_only };
	size_t count = 0;

	*out = NULL;
	*n = 0;
	v = uw_malloc0((d->n_links + 1) * sizeof(*v));
	for (size_t i = 0; i < d->n_links; i++)
		if (evaluate(&d->links[i], &ctx, &v[count]))
			count++;
	qsort(v, count, sizeof(*v), cmp_candidates);
	if (count) {
		*out = uw_steal_ptr(&v);
		*n = count;
	}
}

static int scan(struct uw_candidate **out, size_t *n, bool identity_only, struct uw_error *err)
{
	struct uw_nl_dump d;
	int r;

	*out = NULL;
	*n = 0;
	r = uw_nl_dump(&d, UW_NL_DUMP_LINKS | UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, err);
	if (r < 0)
		return r;
	scan_dump(&d, identity_only, out, n);
	uw_nl_dump_fini(&d);
	return 0;
}

int uw_detect_scan(struct uw_candidate **out, size_t *n, struct uw_error *err)
{
	return scan(out, n, false, err);
}

int uw_detect_identify(struct uw_candidate **out, size_t *n, struct uw_error *err)
{
	return scan(out, n, true, err);
}

void uw_detect_scan_dump(const struct uw_nl_dump *d, struct uw_candidate **out, size_t *n)
{
	scan_dump(d, false, out, n);
}

void uw_detect_identify_dump(const struct uw_nl_dump *d, struct uw_candidate **out, size_t *n)
{
	scan_dump(d, true, out, n);
}

int uw_detect_identify_one(const struct uw_nl_dump *d, int ifindex, struct uw_candidate *out)
{
	struct scan_ctx ctx = { .d = d, .default_ifindex = uw_nl_dump_default_ifindex(d),
				.identity_only = true };

	for (size_t i = 0; i < d->n_links; i++)
		if (d->links[i].ifindex == ifindex)
			return evaluate(&d->links[i], &ctx, out) ? 1 : 0;
	memset(out, 0, sizeof(*out));
	return -ENODEV;
}

void uw_candidates_free(struct uw_candidate *c)
{
	free(c);
}

struct wait_state {
	int pending[64];
	size_t n_pending;
};

static void on_event(const struct uw_link_event *ev, void *ud)
{
	struct wait_state *w = ud;

	if (ev->type == UW_LINK_DEL)
		return;
	/* NEW, and CHANGED too: a renamed new link (usb0 -> enx...) or one
	 * whose driver shows up late is looked at again. Existing links never
	 * reach here as NEW; for them, CHANGED is filtered by the caller. */
	if (w->n_pending < UW_ARRAY_SIZE(w->pending))
		w->pending[w->n_pending++] = ev->ifindex;
}

static bool excluded(const char *name, const char *const *exclude)
{
	for (size_t i = 0; exclude && exclude[i]; i++)
		if (!strcmp(exclude[i], name))
			return true;
	return false;
}

static bool int_in(const int *v, size_t n, int x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

int uw_detect_wait(int timeout_ms, const char *const *exclude, struct uw_candidate *out,
		   struct uw_error *err)
{
	_auto_(uw_nl_monitor_free) struct uw_nl_monitor *mon = NULL;
	_auto_(free) int *old = NULL;
	struct uw_nl_dump links;
	size_t n_old = 0;
	long long deadline = timeout_ms >= 0 ? uw_now_ms() + timeout_ms : 0;
	int r;

	/* Subscribe first, then list: nothing appears unseen in between. */
	r = uw_nl_monitor_new(&mon, err);
	if (r < 0)
		return r;
	r = uw_nl_dump(&links, UW_NL_DUMP_LINKS, err);
	if (r < 0)
		return r;
	old = uw_malloc0((links.n_links + 1) * sizeof(int));
	for (size_t i = 0; i < links.n_links; i++)
		old[n_old++] = links.links[i].ifindex;
	uw_nl_dump_fini(&links);

	for (;;) {
		struct pollfd p = { .fd = uw_nl_monitor_fd(mon), .events = POLLIN };
		struct wait_state w = { .n_pending = 0 };
		int wait = -1;

		if (timeout_ms >= 0) {
			long long left = deadline - uw_now_ms();

			wait = left > 0 ? (int)left : 0;
		}
		r = poll(&p, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return uw_error_set(err, -errno, "waiting for interface events failed: %s",
					    strerror(errno));
		if (r == 0)
			return uw_error_set(err, -ETIMEDOUT,
					    "no new network interface appeared within %d s: is the phone "
					    "plugged in, switched on and booted, with USB networking "
					    "enabled? (try another cable or port)",
					    (timeout_ms + 999) / 1000);
		r = uw_nl_monitor_dispatch(mon, on_event, &w, err);
		if (r == -ENOBUFS) {
			/* Events were lost: look at every link not there at the start. */
			r = uw_nl_dump(&links, UW_NL_DUMP_LINKS, err);
			if (r < 0)
				return r;
			for (size_t k = 0; k < links.n_links && w.n_pending < UW_ARRAY_SIZE(w.pending); k++)
				w.pending[w.n_pending++] = links.links[k].ifindex;
			uw_nl_dump_fini(&links);
		} else if (r < 0) {
			return r;
		}
		for (size_t i = 0; i < w.n_pending; i++) {
			struct uw_nl_link link;
			struct uw_nl_dump d;
			struct scan_ctx ctx = { .d = &d };
			bool ok;

			if (int_in(old, n_old, w.pending[i]))
				continue;
			/* Read the link afresh by index: the event's name may
			 * already be stale, and the link may be gone again. */
			if (uw_nl_link_get(w.pending[i], &link, NULL) < 0)
				continue;
			r = uw_nl_dump(&d, UW_NL_DUMP_ADDRS | UW_NL_DUMP_ROUTES, err);
			if (r < 0)
				return r;
			ctx.default_ifindex = uw_nl_dump_default_ifindex(&d);
			ok = evaluate(&link, &ctx, out);
			uw_nl_dump_fini(&d);
			if (ok && out->score > 0 && !excluded(out->ifname, exclude))
				return 0;
		}
	}
}
