// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Persistence: golden files for every target from fixed plans, the system's
 * own tools where this machine has them, install/uninstall round trips in a
 * temp root, and the generated hook script run against the kernel in a
 * private network namespace (last, since it moves the process there).
 *
 * UW_UPDATE_GOLDEN=1 rewrites tests/golden/persist/ from the generators.
 */
/* testutil.h's uw_test_private_netns trips gcc's maybe-uninitialized
 * analysis once inlined here (its inode reads are checked before use). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "tests/testutil.h"
#pragma GCC diagnostic pop

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/wait.h>

#include "core/persist.h"
#include "core/plan.h"
#include "core/util.h"

#define FIXED_TIME ((time_t)1718000000) /* 2024-06-10T06:13:20Z */

static char golden_dir[1024];

struct variant {
	const char *name;
	const char *fw;          /* "nft" / "iptables" */
	bool overlap;            /* the LAN is 192.168.0.0/24 too: /32 + host route */
	const char *iface;       /* NULL = usb0 */
};

static const struct variant variants[] = {
	{ "freerunner-nft", "nft", false, NULL },
	{ "freerunner-legacy", "iptables", false, NULL },
	{ "overlap32-nft", "nft", true, NULL },
	/* systemd's MAC-based name: a gadget with a new MAC each plug gets a new one */
	{ "macname-nft", "nft", false, "enx02a1b2c3d4e5" },
};

static void add_addr(struct uw_facts *f, const char *dev, const char *addr, unsigned plen)
{
	struct uw_facts_route *r = &f->routes[f->n_routes++];

	uw_strlcpy(r->dev, dev, sizeof(r->dev));
	inet_pton(AF_INET, addr, &r->address);
	r->is_address = true;
	r->net.plen = plen;
	r->net.addr = uw_ip4_network(r->address, plen);
}

static void build_plan(const struct variant *v, struct uw_plan *plan)
{
	struct uw_facts *f = calloc(1, sizeof(*f));
	struct uw_choices c;
	struct uw_error err;

	assert_non_null(f);
	uw_strlcpy(f->default_iface, "eth0", sizeof(f->default_iface));
	inet_pton(AF_INET, "198.51.100.1", &f->default_gw);
	add_addr(f, "eth0", "198.51.100.10", 24);
	if (v->overlap)
		add_addr(f, "wlan0", "192.168.0.10", 24);
	inet_pton(AF_INET, "203.0.113.53", &f->dns[0]);
	f->n_dns = 1;
	f->ip_forward = 0;

	uw_choices_init(&c);
	assert_int_equal(uw_choices_set_iface(&c, v->iface ? v->iface : "usb0", &err), 0);
	assert_int_equal(uw_choices_set_fw(&c, v->fw, &err), 0);
	if (uw_plan_build(&c, f, plan, &err) < 0)
		fail_msg("plan: %s", err.msg);
	free(f);
	if (v->overlap)
		assert_int_equal(plan->choices.plen, 32);
}

/* The files of @target made from variant @v's plan at @when (*n of them). */
static struct uw_persist_file *generate(const struct variant *v, enum uw_persist_target target,
					time_t when, size_t *n)
{
	_auto_(free) struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_persist_file *files = NULL;
	struct uw_error err;

	build_plan(v, plan);
	uw_error_clear(&err);
	if (uw_persist_generate(target, plan, when, &files, n, &err) < 0)
		fail_msg("%s for %s: %s", uw_persist_target_name(target), v->name, err.msg);
	return files;
}

/* "/etc/a/b" -> "etc_a_b" */
static void flat_name(const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s", path + 1);
	for (char *s = out; *s; s++)
		if (*s == '/')
			*s = '_';
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_all(const char *path, const char *s)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

/* The golden text of one target: an index of paths/modes/links, then each file. */
static void check_golden(const char *vname, enum uw_persist_target t, struct uw_persist_file *files, size_t n)
{
	char dir[PATH_MAX], p[PATH_MAX + 300], flat[256];
	bool update = getenv("UW_UPDATE_GOLDEN") != NULL;
	char *index = NULL;
	size_t ilen = 0;
	FILE *mf = open_memstream(&index, &ilen);

	snprintf(dir, sizeof(dir), "%s/%s/%s", golden_dir, vname, uw_persist_target_name(t));
	for (size_t i = 0; i < n; i++) {
		if (files[i].link_target[0])
			fprintf(mf, "link %s -> %s\n", files[i].path, files[i].link_target);
		else
			fprintf(mf, "file %04o %s\n", files[i].mode, files[i].path);
	}
	fclose(mf);
	if (update) {
		snprintf(p, sizeof(p), "mkdir -p '%s'", dir);
		uw_test_sh(p);
	}
	snprintf(p, sizeof(p), "%s/INDEX", dir);
	if (update)
		write_all(p, index);
	char *want = read_all(p);
	if (!want)
		fail_msg("missing golden %s (run with UW_UPDATE_GOLDEN=1)", p);
	if (strcmp(want, index))
		fail_msg("%s differs:\n--- want\n%s--- got\n%s", p, want, index);
	free(want);
	free(index);
	for (size_t i = 0; i < n; i++) {
		if (files[i].link_target[0])
			continue;
		flat_name(files[i].path, flat, sizeof(flat));
		snprintf(p, sizeof(p), "%s/%s", dir, flat);
		if (update)
			write_all(p, files[i].content);
		want = read_all(p);
		if (!want)
			fail_msg("missing golden %s", p);
		if (strcmp(want, files[i].content))
			fail_msg("%s differs from the generated text:\n%s", p, files[i].content);
		free(want);
	}
}

static void test_golden(void **state)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_persist_file *files;
	struct uw_error err;
	size_t n;

	for (size_t v = 0; v < UW_ARRAY_SIZE(variants); v++) {
		build_plan(&variants[v], plan);
		for (int t = 0; t < UW_PERSIST__COUNT; t++) {
			if (uw_persist_generate((enum uw_persist_target)t, plan, FIXED_TIME, &files, &n, &err) < 0)
				fail_msg("%s: %s", uw_persist_target_name(t), err.msg);
			assert_true(n >= 1);
			for (size_t i = 0; i < n; i++) {
				if (files[i].link_target[0])
					continue;
				/* Each file says it was generated, when, and from what. */
				assert_non_null(strstr(files[i].content, "# Generated by usbnet-wizard"));
				assert_non_null(strstr(files[i].content, "# Generated at 2024-06-10T06:13:20Z.\n"));
				assert_non_null(strstr(files[i].content, "# Choices: interface "));
				assert_non_null(strstr(files[i].content, "; desktop 192.168.0.200/"));
				if (files[i].mode & 0111)
					assert_memory_equal(files[i].content, "#!/bin/sh\n", 10);
			}
			check_golden(variants[v].name, (enum uw_persist_target)t, files, n);
			uw_persist_files_free(files, n);
		}
	}
	free(plan);
}

/* The firewall lines use the plan's backend and our tag; stop undoes start. */
static void test_hook_content(void **state)
{
	struct uw_persist_file *files;
	const char *hook = NULL;
	size_t n;

	files = generate(&variants[1], UW_PERSIST_IFUPDOWN, FIXED_TIME, &n); /* legacy */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(files[i].path, "/etc/usbnet-wizard/hook-usb0"))
			hook = files[i].content;
	assert_non_null(hook);
	/* Issue 12 item 26: no outgoing interface and no DNS server of the day
	 * the files were made: the hook follows the default route and upstream. */
	assert_non_null(strstr(hook, "iptables-legacy -t nat -A POSTROUTING -s 192.168.0.0/24 "
				     "-m comment --comment usbnet-wizard -j MASQUERADE"));
	assert_null(strstr(hook, "-o eth0"));
	assert_non_null(strstr(hook, "--to-destination \"$DNS_UP\""));
	assert_null(strstr(hook, "--to-destination 203.0.113.53"));
	assert_non_null(strstr(hook, "iptables-legacy -t nat -D POSTROUTING"));
	assert_null(strstr(hook, "nft "));
	assert_null(strstr(hook, "ip addr")); /* ifupdown sets the address itself */
	assert_null(strstr(hook, " -F")); /* never a flush */
	uw_persist_files_free(files, n);

	files = generate(&variants[0], UW_PERSIST_UDEV, FIXED_TIME, &n); /* nft */
	assert_int_equal(n, 2);
	assert_non_null(strstr(files[1].content, "nft 'add rule ip usbnet-wizard"));
	assert_null(strstr(files[1].content, "iptables"));
	assert_non_null(strstr(files[1].content, "ip addr replace 192.168.0.200/24 dev usb0"));
	assert_non_null(strstr(files[0].content, "ATTRS{idVendor}==\"1457\", ATTRS{idProduct}==\"5122\""));
	uw_persist_files_free(files, n);
}

static const char *content_of(struct uw_persist_file *files, size_t n, const char *suffix);

/* Issue 12 item 4: nm, ifupdown, ifcfg and openrc bound their files to the
 * MAC-based name. Every target now names the gadget by its USB ids and binds
 * to that name; the MAC-based one is left only in a comment saying why. */
static void test_mac_name_not_bound(void **state)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_persist_file *files;
	struct uw_error err;
	size_t n;

	build_plan(&variants[3], plan);
	assert_string_equal(plan->choices.iface, "enx02a1b2c3d4e5");
	for (int t = 0; t < UW_PERSIST__COUNT; t++) {
		bool named = false;

		if (t == UW_PERSIST_DEVD)
			continue;
		assert_int_equal(uw_persist_generate(t, plan, FIXED_TIME, &files, &n, &err), 0);
		for (size_t i = 0; i < n; i++) {
			const char *s = files[i].content ? files[i].content : files[i].link_target;

			if (strstr(files[i].path, "enx02a1b2c3d4e5"))
				fail_msg("%s: the file name is the MAC-based interface name", files[i].path);
			for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
				const char *e = strchr(l, '\n');
				size_t len = e ? (size_t)(e - l) : strlen(l);
				char line[1024];

				snprintf(line, sizeof(line), "%.*s", (int)(len < 1000 ? len : 1000), l);
				if (line[0] != '#' && strstr(line, "enx02a1b2c3d4e5"))
					fail_msg("%s (%s) binds to the MAC-based name: %s", files[i].path,
						 uw_persist_target_name(t), line);
				if (strstr(line, "ATTRS{idVendor}==\"1457\", ATTRS{idProduct}==\"5122\"") &&
				    strstr(line, "NAME=\"usbnet0\""))
					named = true;
				if (strstr(line, "Property=ID_VENDOR_ID=1457 ID_MODEL_ID=5122"))
					named = true;
			}
		}
		if (!named)
			fail_msg("%s: nothing names the gadget usbnet0 by its USB ids", uw_persist_target_name(t));
		if (t == UW_PERSIST_NM)
			assert_non_null(strstr(content_of(files, n, ".nmconnection"), "interface-name=usbnet0\n"));
		uw_persist_files_free(files, n);
	}
	free(plan);
}

static void test_bad_input(void **state)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_persist_file *files = (void *)1;
	enum uw_persist_target t;
	struct uw_error err;
	size_t n = 7;

	build_plan(&variants[0], plan);
	uw_strlcpy(plan->choices.iface, "usb0:1", sizeof(plan->choices.iface));
	assert_int_equal(uw_persist_generate(UW_PERSIST_NM, plan, 0, &files, &n, &err), -EINVAL);
	assert_null(files);
	assert_int_equal(n, 0);
	uw_strlcpy(plan->choices.iface, "usb0;rm", sizeof(plan->choices.iface));
	assert_int_equal(uw_persist_generate(UW_PERSIST_NM, plan, 0, &files, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "interface name"));
	uw_strlcpy(plan->choices.iface, "usb1", sizeof(plan->choices.iface));
	assert_int_equal(uw_persist_generate(UW_PERSIST_NM, plan, 0, &files, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "build it again"));
	uw_strlcpy(plan->choices.iface, "usb0", sizeof(plan->choices.iface));
	plan->n = 0;
	assert_int_equal(uw_persist_generate(UW_PERSIST_NM, plan, 0, &files, &n, &err), -EINVAL);
	assert_int_equal(uw_persist_generate(UW_PERSIST__COUNT, plan, 0, &files, &n, &err), -EINVAL);

	for (int i = 0; i < UW_PERSIST__COUNT; i++) {
		assert_int_equal(uw_persist_target_parse(uw_persist_target_name(i), &t, &err), 0);
		assert_int_equal(t, i);
	}
	assert_int_equal(uw_persist_target_parse("NetworkManager", &t, &err), 0);
	assert_int_equal(t, UW_PERSIST_NM);
	assert_int_equal(uw_persist_target_parse("windows", &t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "ifupdown"));
	free(plan);
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rm_rf(const char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static char *mk_root(void)
{
	char tmpl[] = "/tmp/uw-persist-root.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	return strdup(tmpl);
}

/* Each step adds what a system's own tool leaves behind; the target detected
 * after it. */
static void test_detect(void **state)
{
	static const struct {
		const char *make;
		enum uw_persist_target want;
	} steps[] = {
		{ NULL, UW_PERSIST_UDEV },
		{ "mkdir -p etc/conf.d && touch etc/conf.d/net", UW_PERSIST_OPENRC },
		{ "mkdir -p etc/sysconfig/network-scripts", UW_PERSIST_IFCFG },
		{ "mkdir -p etc/network && touch etc/network/interfaces", UW_PERSIST_IFUPDOWN },
		{ "mkdir -p run/systemd/netif/links", UW_PERSIST_NETWORKD },
		/* NetworkManager installed but not running does not count ... */
		{ "mkdir -p etc/NetworkManager", UW_PERSIST_NETWORKD },
		/* ... running does. */
		{ "mkdir -p run/NetworkManager/devices", UW_PERSIST_NM },
	};
	char *root = mk_root(), why[200];
	enum uw_persist_target t;

	for (size_t i = 0; i < UW_ARRAY_SIZE(steps); i++) {
		if (steps[i].make)
			uw_test_shf("cd '%s' && %s", root, steps[i].make);
		uw_persist_detect(root, &t, why, sizeof(why));
		if (t != steps[i].want)
			fail_msg("after '%s': %s, not %s", steps[i].make ? steps[i].make : "nothing",
				 uw_persist_target_name(t), uw_persist_target_name(steps[i].want));
	}
	assert_non_null(strstr(why, "NetworkManager"));
	rm_rf(root);
	free(root);
}

/* The whole tree under @root as text: type, mode, path, content or link. */
static char *tree(const char *root)
{
	char cmd[PATH_MAX + 200];

	snprintf(cmd, sizeof(cmd), "cd '%s' && find . -printf '%%y %%m %%p %%l\\n' | sort && "
		 "find . -type f | sort | xargs -r md5sum", root);
	return uw_test_capture(cmd);
}

static void test_install_roundtrip(void **state)
{
	struct uw_persist_file *files;
	char *root = mk_root(), p[PATH_MAX + 200], *before, *after, *s;
	struct uw_error err;
	struct stat st;
	size_t n;

	/* Someone's own ifup-local, and an unrelated file in a dir we write to. */
	snprintf(p, sizeof(p), "mkdir -p %s/sbin %s/etc/sysconfig/network-scripts && "
		 "printf '#!/bin/sh\\necho mine\\n' > %s/sbin/ifup-local && chmod 0700 %s/sbin/ifup-local && "
		 "echo keep > %s/etc/sysconfig/network-scripts/ifcfg-eth0", root, root, root, root, root);
	uw_test_sh(p);
	before = tree(root);

	files = generate(&variants[0], UW_PERSIST_IFCFG, FIXED_TIME, &n);
	if (uw_persist_install(files, n, root, &err) < 0)
		fail_msg("install: %s", err.msg);
	assert_true(uw_persist_installed(root));
	for (size_t i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s%s", root, files[i].path);
		assert_int_equal(lstat(p, &st), 0);
		assert_int_equal(st.st_mode & 07777, files[i].mode);
		s = read_all(p);
		assert_string_equal(s, files[i].content);
		free(s);
	}
	snprintf(p, sizeof(p), "%s/var/lib/usbnet-wizard/backup/sbin/ifup-local", root);
	s = read_all(p);
	assert_string_equal(s, "#!/bin/sh\necho mine\n");
	free(s);
	/* A second install is refused and changes nothing. */
	assert_int_equal(uw_persist_install(files, n, root, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "--uninstall"));
	uw_persist_files_free(files, n);

	assert_int_equal(uw_persist_uninstall(root, &err), 0);
	after = tree(root);
	assert_string_equal(before, after); /* byte for byte, modes too, nothing left */
	free(after);
	assert_int_equal(uw_persist_uninstall(root, &err), -ENOENT);

	/* networkd: a symlink, directories created and removed again. */
	files = generate(&variants[0], UW_PERSIST_NETWORKD, FIXED_TIME, &n);
	assert_int_equal(uw_persist_install(files, n, root, &err), 0);
	snprintf(p, sizeof(p), "%s/etc/systemd/system/sys-subsystem-net-devices-usb0.device.wants/"
		 "usbnet-wizard-usb0.service", root);
	char lt[256];
	ssize_t l = readlink(p, lt, sizeof(lt) - 1);
	assert_true(l > 0);
	lt[l] = '\0';
	assert_string_equal(lt, "/etc/systemd/system/usbnet-wizard-usb0.service");
	assert_int_equal(uw_persist_uninstall(root, &err), 0);
	after = tree(root);
	assert_string_equal(before, after);
	free(after);
	uw_persist_files_free(files, n);

	free(before);
	rm_rf(root);
	free(root);
}

static void test_install_refusals(void **state)
{
	struct uw_persist_file f = { .path = "/etc/../etc/passwd", .mode = 0644, .content = "x" };
	char *root = mk_root(), p[PATH_MAX + 200], *s;
	struct uw_error err;

	assert_int_equal(uw_persist_install(&f, 1, root, &err), -EINVAL);
	uw_strlcpy(f.path, "etc/x", sizeof(f.path));
	assert_int_equal(uw_persist_install(&f, 1, root, &err), -EINVAL);
	uw_strlcpy(f.path, "/var/lib/usbnet-wizard/persist.manifest", sizeof(f.path));
	assert_int_equal(uw_persist_install(&f, 1, root, &err), -EINVAL);
	assert_int_equal(uw_persist_install(&f, 1, "relative", &err), -EINVAL);
	assert_false(uw_persist_installed(root));

	/* A parent that is a file: nothing is left behind. */
	snprintf(p, sizeof(p), "mkdir -p %s/etc && touch %s/etc/blocker", root, root);
	uw_test_sh(p);
	uw_strlcpy(f.path, "/etc/blocker/x.conf", sizeof(f.path));
	assert_int_equal(uw_persist_install(&f, 1, root, &err), -ENOTDIR);
	assert_false(uw_persist_installed(root));
	snprintf(p, sizeof(p), "test ! -e %s/var", root);
	uw_test_sh(p);

	/* A manifest that names something outside our files is refused whole. */
	snprintf(p, sizeof(p), "mkdir -p %s/var/lib/usbnet-wizard && echo keep > %s/etc/keep && "
		 "printf 'file /etc/keep\\nfile ../../etc/shadow\\n' > %s/var/lib/usbnet-wizard/persist.manifest",
		 root, root, root);
	uw_test_sh(p);
	assert_int_equal(uw_persist_uninstall(root, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not ours"));
	snprintf(p, sizeof(p), "%s/etc/keep", root);
	s = read_all(p);
	assert_string_equal(s, "keep\n");
	free(s);
	rm_rf(root);
	free(root);
}

/* ---- the system's own tools, where this machine has them ---------------- */

static bool have(const char *tool)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static const char *content_of(struct uw_persist_file *files, size_t n, const char *suffix)
{
	for (size_t i = 0; i < n; i++) {
		size_t a = strlen(files[i].path), b = strlen(suffix);
		if (a >= b && !strcmp(files[i].path + a - b, suffix))
			return files[i].content;
	}
	return NULL;
}

static void test_ifupdown_tool(void **state)
{
	struct uw_persist_file *files;
	char path[] = "/tmp/uw-ifq.XXXXXX", cmd[300], *out;
	size_t n;
	int fd;

	/* ifquery from PATH, or unpacked (not installed) by scripts/tools.sh */
	const char *ifquery = have("ifquery") ? "ifquery" :
			      access("build/tools/sbin/ifquery", X_OK) == 0 ? "build/tools/sbin/ifquery" : NULL;
	if (!ifquery) {
		skip(); /* needs Debian's ifupdown package's ifquery */
	}
	for (size_t v = 0; v < UW_ARRAY_SIZE(variants); v++) {
		files = generate(&variants[v], UW_PERSIST_IFUPDOWN, 0, &n);
		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_true(write(fd, files[0].content, strlen(files[0].content)) > 0);
		close(fd);
		/* the stanza's own name: usb0, or the stable name a MAC-named gadget gets */
		const char *st = strstr(files[0].content, "\niface ");
		char ifname[32] = "";
		char hook[96];
		assert_non_null(st);
		assert_int_equal(sscanf(st, "\niface %31s inet", ifname), 1);
		snprintf(hook, sizeof(hook), "up: /etc/usbnet-wizard/hook-%s start", ifname);
		snprintf(cmd, sizeof(cmd), "%s -i %s %s 2>&1", ifquery, path, ifname);
		out = uw_test_capture(cmd);
		unlink(path);
		strcpy(path, "/tmp/uw-ifq.XXXXXX");
		/* ifquery prints the stanza as ifupdown understood it: the
		 * address split into address + netmask, post-up as up, pre-down
		 * as down. */
		assert_non_null(strstr(out, "address: 192.168.0.200\n"));
		assert_non_null(strstr(out, "netmask: 255.255.255."));
		assert_non_null(strstr(out, hook));
		snprintf(hook, sizeof(hook), "down: /etc/usbnet-wizard/hook-%s stop", ifname);
		assert_non_null(strstr(out, hook));
		free(out);
		uw_persist_files_free(files, n);
	}
}

/*
 * systemd 252 has no verifier for .network files; its parser table is the set
 * of "Section.Key" strings compiled into systemd-networkd, so every key we
 * write must be one of them (an unknown key is ignored there with a warning,
 * i.e. silently wrong for the user). The unit file goes through
 * `systemd-analyze verify`.
 */
static void test_networkd_tool(void **state)
{
	struct uw_persist_file *files;
	struct uw_error err;
	const char *bin = "/lib/systemd/systemd-networkd";
	char section[64] = "", cmd[600], *out, *copy;
	size_t n, checked = 0;

	if (access(bin, X_OK) != 0 || !have("systemd-analyze")) {
		skip(); /* needs the systemd package */
	}
	files = generate(&variants[2], UW_PERSIST_NETWORKD, 0, &n); /* with [Route] */
	copy = strdup(content_of(files, n, ".network"));
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		if (line[0] == '[') {
			snprintf(section, sizeof(section), "%.*s", (int)strcspn(line + 1, "]"), line + 1);
			continue;
		}
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)strcspn(line, "="), line);
		snprintf(cmd, sizeof(cmd), "grep -caF '%s.%s' %s >/dev/null", section, key, bin);
		if (system(cmd) != 0)
			fail_msg("systemd-networkd does not know %s.%s", section, key);
		checked++;
	}
	free(copy);
	assert_true(checked >= 7);
	/* The same check must be able to fail. */
	assert_int_not_equal(system("grep -caF 'Network.NoSuchKeyAtAll' /lib/systemd/systemd-networkd "
				    ">/dev/null"), 0);

	/* The unit: systemd-analyze verify in a temp root with the hook in place. */
	char *root = mk_root();
	assert_int_equal(uw_persist_install(files, n, root, &err), 0);
	snprintf(cmd, sizeof(cmd), "SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root=%s "
		 "%s/etc/systemd/system/usbnet-wizard-usb0.service 2>&1 | "
		 "grep -v -e 'sys-subsystem-net-devices' -e 'Cannot add dependency' -e 'Failed to' "
		 "-e 'is not a valid unit name' -e '^$' || true", root, root);
	out = uw_test_capture(cmd);
	if (out && *out)
		fail_msg("systemd-analyze verify complained:\n%s", out);
	free(out);
	assert_int_equal(uw_persist_uninstall(root, &err), 0);
	rm_rf(root);
	free(root);
	uw_persist_files_free(files, n);
}

/*
 * udev rules: Debian 12's udevadm (252) has no `verify`; a strict parser of
 * the rule grammar instead: KEY[{ATTR}]OP"VALUE" separated by ", ", only keys
 * and operators udev knows, match operators on match keys.
 */
static bool udev_line_ok(const char *line)
{
	static const char *const match_keys[] = { "SUBSYSTEM", "ACTION", "KERNEL", "ATTRS", "ENV", "DRIVERS" };
	static const char *const assign_keys[] = { "NAME", "RUN", "ENV" };
	const char *s = line;

	while (*s) {
		char key[32];
		size_t k = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
		bool is_match, known = false;

		if (k == 0 || k >= sizeof(key))
			return false;
		memcpy(key, s, k);
		key[k] = '\0';
		s += k;
		if (*s == '{') {
			size_t a = strspn(s + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
			if (a == 0 || s[1 + a] != '}')
				return false;
			s += a + 2;
		}
		if (!strncmp(s, "==", 2) || !strncmp(s, "!=", 2))
			is_match = true, s += 2;
		else if (!strncmp(s, "+=", 2))
			is_match = false, s += 2;
		else if (*s == '=')
			is_match = false, s += 1;
		else
			return false;
		for (size_t i = 0; i < (is_match ? UW_ARRAY_SIZE(match_keys) : UW_ARRAY_SIZE(assign_keys)); i++)
			known |= !strcmp(key, is_match ? match_keys[i] : assign_keys[i]);
		if (!known || *s != '"')
			return false;
		const char *end = strchr(s + 1, '"');
		if (!end)
			return false;
		s = end + 1;
		if (!*s)
			break;
		if (strncmp(s, ", ", 2))
			return false;
		s += 2;
	}
	return true;
}

static void test_udev_rule_syntax(void **state)
{
	struct uw_persist_file *files;
	struct uw_error err;
	char *copy;
	size_t n, rules = 0;

	/* The parser must be able to say no. */
	assert_false(udev_line_ok("SUBSYSTEM==\"net\" ACTION==\"add\""));
	assert_false(udev_line_ok("SUBSYSTEM=\"net\""));        /* assignment to a match key */
	assert_false(udev_line_ok("ATTRS{idVendor==\"1457\""));
	assert_false(udev_line_ok("RUN+=\"/x start"));
	assert_true(udev_line_ok("SUBSYSTEM==\"net\", RUN+=\"/x start\""));

	for (int t = 0; t < UW_PERSIST__COUNT; t++) {
		if (t != UW_PERSIST_UDEV && t != UW_PERSIST_NM_UNMANAGED)
			continue;
		files = generate(&variants[0], t, 0, &n);
		copy = strdup(content_of(files, n, ".rules"));
		for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
			if (line[0] == '#')
				continue;
			if (!udev_line_ok(line))
				fail_msg("bad udev rule: %s", line);
			rules++;
		}
		free(copy);
		uw_persist_files_free(files, n);
	}
	assert_int_equal(rules, 4);
	if (have("udevadm") && system("udevadm verify --help >/dev/null 2>&1") == 0) {
		/* systemd >= 253: the real verifier too. */
		files = generate(&variants[0], UW_PERSIST_UDEV, 0, &n);
		char *root = mk_root(), cmd[PATH_MAX + 100];
		assert_int_equal(uw_persist_install(files, n, root, &err), 0);
		snprintf(cmd, sizeof(cmd), "udevadm verify --no-style %s%s", root, files[0].path);
		uw_test_sh(cmd);
		uw_persist_uninstall(root, &err);
		rm_rf(root);
		free(root);
		uw_persist_files_free(files, n);
	}
}

/* ---- the hook against the kernel, in a private namespace ----------------- */

static void run_hook_cycle(const struct variant *v, const char *statedir, const char *hookpath)
{
	struct uw_plan *plan = calloc(1, sizeof(*plan));
	struct uw_persist_file *files;
	char cmd[PATH_MAX + 300], *out;
	size_t n;

	files = generate(v, UW_PERSIST_UDEV, FIXED_TIME, &n);
	write_all(hookpath, files[1].content);
	chmod(hookpath, 0755);
	uw_persist_files_free(files, n);
	free(plan);

	/* The desktop's upstream when the hook runs: not the stub, not an address on
	 * the USB link, not the plan's 203.0.113.53 (issue 12 item 26). */
	char resolv[PATH_MAX + 20];
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", statedir);
	write_all(resolv, "nameserver 127.0.0.53\nnameserver 192.168.0.9\nnameserver 198.51.100.53\n");
	setenv("USBNET_WIZARD_RESOLV_CONF", resolv, 1);
	setenv("USBNET_WIZARD_RESOLVED_CONF", "/nonexistent", 1);
	uw_test_sh("echo 0 > /proc/sys/net/ipv4/ip_forward");
	for (int i = 0; i < 2; i++) { /* twice: start must not duplicate anything */
		snprintf(cmd, sizeof(cmd), "USBNET_WIZARD_STATE_DIR=%s %s start", statedir, hookpath);
		uw_test_sh(cmd);
	}
	out = uw_test_capture(!strcmp(v->fw, "nft") ? "nft list table ip usbnet-wizard" :
			      "iptables-legacy-save -t nat");
	assert_non_null(strstr(out, "198.51.100.53"));
	assert_null(strstr(out, "203.0.113.53"));
	assert_null(strstr(out, "eth0"));       /* masquerade through whatever the default route uses */
	free(out);
	/* The upstream changed (another network): the next start follows it and
	 * leaves nothing of the old one behind. */
	write_all(resolv, "nameserver 203.0.113.77\n");
	snprintf(cmd, sizeof(cmd), "USBNET_WIZARD_STATE_DIR=%s %s start", statedir, hookpath);
	uw_test_sh(cmd);
	out = uw_test_capture(!strcmp(v->fw, "nft") ? "nft list table ip usbnet-wizard" :
			      "iptables-legacy-save -t nat");
	assert_non_null(strstr(out, "203.0.113.77"));
	assert_null(strstr(out, "198.51.100.53"));
	free(out);
	out = uw_test_capture("ip -4 -o addr show dev usb0");
	assert_non_null(strstr(out, "192.168.0.200/24"));
	free(out);
	out = uw_test_capture("cat /proc/sys/net/ipv4/ip_forward");
	assert_string_equal(out, "1\n");
	free(out);
	if (!strcmp(v->fw, "nft"))
		out = uw_test_capture("nft list table ip usbnet-wizard | grep -c 'comment \"usbnet-wizard\"'");
	else
		out = uw_test_capture("iptables-legacy-save -t nat | grep -c 'usbnet-wizard'");
	assert_string_equal(out, "3\n"); /* masquerade + DNAT tcp + DNAT udp, once each */
	free(out);

	snprintf(cmd, sizeof(cmd), "USBNET_WIZARD_STATE_DIR=%s %s stop", statedir, hookpath);
	uw_test_sh(cmd);
	out = uw_test_capture("ip -4 -o addr show dev usb0");
	assert_string_equal(out, "");
	free(out);
	unlink(resolv);
	out = uw_test_capture("cat /proc/sys/net/ipv4/ip_forward");
	assert_string_equal(out, "0\n"); /* the value from before, not a guess */
	free(out);
	if (!strcmp(v->fw, "nft"))
		out = uw_test_capture("nft list ruleset | grep -c usbnet-wizard");
	else
		out = uw_test_capture("iptables-legacy-save -t nat | grep -c usbnet-wizard");
	assert_string_equal(out, "0\n");
	free(out);
}

static void test_hook_in_netns(void **state)
{
	char statedir[] = "/tmp/uw-persist-state.XXXXXX", hookpath[PATH_MAX];

	uw_test_private_netns();
	uw_test_sh("ip link add usb0 type veth peer name phone0 && ip link add eth0 type veth peer name up0");
	assert_non_null(mkdtemp(statedir));
	snprintf(hookpath, sizeof(hookpath), "%s/hook-usb0", statedir);
	run_hook_cycle(&variants[0], statedir, hookpath);
	if (system("iptables-legacy -t nat -L -n >/dev/null 2>&1") == 0)
		run_hook_cycle(&variants[1], statedir, hookpath);
	unlink(hookpath);
	assert_int_equal(rmdir(statedir), 0); /* the state file went with stop */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_hook_content),
		cmocka_unit_test(test_mac_name_not_bound),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_install_roundtrip),
		cmocka_unit_test(test_install_refusals),
		cmocka_unit_test(test_ifupdown_tool),
		cmocka_unit_test(test_networkd_tool),
		cmocka_unit_test(test_udev_rule_syntax),
		cmocka_unit_test(test_hook_in_netns), /* last: moves the process into a new netns */
	};
	uw_test_src_path(golden_dir, sizeof(golden_dir), "tests/golden/persist");
	return cmocka_run_group_tests_name("persist", tests, NULL, NULL);
}
