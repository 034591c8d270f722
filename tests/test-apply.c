// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The riskiest code of apply and revert (issue 13), in a private network
 * namespace with a veth "phone" interface: a plan of every kernel kind
 * (address, link up, sysctl, an nftables batch of three rules, a host
 * route) is
 *   - rolled back to the exact before-state when any one step fails
 *     (fault injection, and a real refusal of the firewall batch);
 *   - undone by revert from the journal after the process was killed right
 *     after a step's begin record (a child process, SIGKILL'd);
 *   - replayed from begin/done/undo records written by hand: begun-only and
 *     done steps are undone, undone ones left alone;
 *   - reverted whole when the journal ends in a torn record.
 */
#include "tests/testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "core/apply.h"
#include "core/plan.h"
#include "core/util.h"

#define IF "uwt0"

static char rundir[64], jpath[128];

static int setup(void **state)
{
	snprintf(rundir, sizeof(rundir), "/tmp/uw-test-apply.XXXXXX");
	assert_non_null(mkdtemp(rundir));
	setenv("USBNET_WIZARD_RUNDIR", rundir, 1);
	snprintf(jpath, sizeof(jpath), "%s/journal", rundir);
	unsetenv("USBNET_WIZARD_FAULT");
	/* A fresh phone interface, down, with no address. */
	(void)system("ip link del " IF " 2>/dev/null");
	assert_int_equal(system("ip link add " IF " type veth peer name uwt1"), 0);
	assert_int_equal(system("sysctl -qw net.ipv4.ip_forward=0"), 0);
	(void)system("nft delete table ip usbnet-wizard 2>/dev/null");
	return 0;
}

static int teardown(void **state)
{
	char p[160];

	unsetenv("USBNET_WIZARD_FAULT");
	unlink(jpath);
	snprintf(p, sizeof(p), "%s/lock", rundir);
	unlink(p);
	rmdir(rundir);
	(void)system("ip link del " IF " 2>/dev/null");
	(void)system("nft flush ruleset 2>/dev/null");
	return 0;
}

/* Everything the plan can change, as text: two equal snapshots, same state. */
static char *snapshot(void)
{
	return uw_test_capture("ip -o addr show dev " IF "; ip -o link show dev " IF
			       " | grep -o '<[^>]*>'; ip -o route show dev " IF
			       "; sysctl -n net.ipv4.ip_forward; nft list ruleset");
}

/* The namespace exactly as @before and no journal left: all was undone.
 * @when says after what (in the failure's message). */
static void assert_as_before(const char *before, const char *when)
{
	_auto_(free) char *after = snapshot();

	if (strcmp(before, after))
		fail_msg("%s the state differs:\n--- before\n%s--- after\n%s", when, before, after);
	assert_int_equal(access(jpath, F_OK), -1);
}

static void rule(struct uw_action *a, enum uw_fw_rule_kind kind)
{
	memset(a, 0, sizeof(*a));
	a->kind = UW_ACT_FW;
	a->fw = UW_FW_NFTABLES;
	a->rule.kind = kind;
}

/* Seven steps, the firewall ones in the middle (one batch), a route last. */
static void make_plan(struct uw_plan *p)
{
	struct uw_action *a;

	memset(p, 0, sizeof(*p));
	uw_choices_init(&p->choices);
	strcpy(p->choices.iface, IF);
	a = &p->actions[p->n++];
	a->kind = UW_ACT_ADDR;
	strcpy(a->iface, IF);
	inet_pton(AF_INET, "192.168.0.200", &a->addr);
	a->plen = 24;
	a = &p->actions[p->n++];
	a->kind = UW_ACT_LINK_UP;
	strcpy(a->iface, IF);
	a = &p->actions[p->n++];
	a->kind = UW_ACT_SYSCTL;
	strcpy(a->sysctl, "net.ipv4.ip_forward");
	strcpy(a->value, "1");
	a = &p->actions[p->n++];
	rule(a, UW_FW_MASQUERADE);
	inet_pton(AF_INET, "192.168.0.0", &a->rule.src);
	a->rule.src_len = 24;
	a = &p->actions[p->n++];
	rule(a, UW_FW_DNAT);
	inet_pton(AF_INET, "192.168.0.200", &a->rule.dst);
	a->rule.dst_len = 32;
	a->rule.proto = IPPROTO_UDP;
	a->rule.dport = 53;
	inet_pton(AF_INET, "10.255.255.53", &a->rule.to);
	strcpy(a->rule.in_iface, IF);
	a = &p->actions[p->n++];
	rule(a, UW_FW_FORWARD_ACCEPT);
	strcpy(a->rule.in_iface, IF);
	a = &p->actions[p->n++];
	a->kind = UW_ACT_ROUTE;
	strcpy(a->iface, IF);
	inet_pton(AF_INET, "192.168.0.202", &a->addr);
	a->plen = 32;
}

static bool nft_usable(void)
{
	return system("nft list ruleset >/dev/null 2>&1") == 0;
}

#define NEED_NFT()                                                                  \
	do {                                                                        \
		if (!nft_usable()) {                                                \
			fprintf(stderr, "nftables not usable here; skipped\n");    \
			skip();                                                     \
		}                                                                   \
	} while (0)

/* The seven-step plan (nftables must be usable, else the test is skipped),
 * and the namespace's state before it, in *@before. */
static struct uw_plan *nft_plan(char **before)
{
	struct uw_plan *p;

	NEED_NFT();
	p = calloc(1, sizeof(*p));
	make_plan(p);
	*before = snapshot();
	return p;
}

/* Apply, check every change is there, revert, check the before-state. */
static void test_apply_revert_roundtrip(void **state)
{
	_auto_(free) char *before = NULL;
	_auto_(free) struct uw_plan *p = nft_plan(&before);
	_auto_(free) char *during = NULL;
	struct uw_error e;

	uw_error_clear(&e);
	assert_int_equal(uw_apply(p, NULL, NULL, NULL, &e), 0);
	during = snapshot();
	assert_non_null(strstr(during, "192.168.0.200/24"));
	assert_non_null(strstr(during, "UP"));
	assert_non_null(strstr(during, "192.168.0.202"));
	assert_non_null(strstr(during, "masquerade comment \"usbnet-wizard\""));
	assert_non_null(strstr(during, "dnat to 10.255.255.53"));
	assert_int_equal(uw_revert(NULL, NULL, NULL, &e), (int)p->n);
	assert_as_before(before, "after apply and revert");
}

/* Any one step failing: everything before it is undone, the journal goes. */
static void test_rollback_each_step_fails(void **state)
{
	_auto_(free) char *before = NULL;
	_auto_(free) struct uw_plan *p = nft_plan(&before);

	for (size_t k = 1; k <= p->n; k++) {
		struct uw_error e;
		char f[64];

		snprintf(f, sizeof(f), "fail:%zu", k);
		setenv("USBNET_WIZARD_FAULT", f, 1);
		uw_error_clear(&e);
		assert_int_equal(uw_apply(p, NULL, NULL, NULL, &e), -EIO);
		assert_non_null(strstr(e.msg, "simulated failure"));
		snprintf(f, sizeof(f), "after a failure at step %zu", k);
		assert_as_before(before, f);
	}
}

/* The kernel refusing the firewall batch (a foreign chain that does not
 * exist): the steps before it are undone, nothing of the batch stays. */
static void test_rollback_refused_batch(void **state)
{
	_auto_(free) char *before = NULL;
	_auto_(free) struct uw_plan *p = nft_plan(&before);
	struct uw_error e;

	strcpy(p->actions[5].rule.chain, "inet nosuchtable forward");
	uw_error_clear(&e);
	assert_true(uw_apply(p, NULL, NULL, NULL, &e) < 0);
	assert_non_null(strstr(e.msg, "Step "));
	assert_as_before(before, "after the refused batch");
}

/* Killed right after the begin record of step k: revert undoes all. */
static void test_kill_after_begin_then_revert(void **state)
{
	_auto_(free) char *before = NULL;
	_auto_(free) struct uw_plan *p = nft_plan(&before);

	for (size_t k = 1; k <= p->n; k++) {
		struct uw_journal *j = calloc(1, sizeof(*j));
		struct uw_error e;
		char f[64];
		int st;
		pid_t pid;

		snprintf(f, sizeof(f), "kill-after-begin:%zu", k);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			setenv("USBNET_WIZARD_FAULT", f, 1);
			uw_apply(p, NULL, NULL, NULL, NULL);
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		uw_error_clear(&e);
		assert_int_equal(uw_journal_read(j, &e), 0);
		/* Steps 4-6 are one batch, begun together. */
		assert_int_equal(j->n_live, k >= 4 && k <= 6 ? 6 : k);
		assert_false(j->complete[j->n_live - 1]);
		free(j);
		assert_true(uw_revert(NULL, NULL, NULL, &e) >= 0);
		snprintf(f, sizeof(f), "revert after a kill at step %zu:", k);
		assert_as_before(before, f);
	}
}

static void write_journal(const char *content)
{
	int fd = open(jpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static char *netns_line(void)
{
	struct stat st;
	char *s;

	assert_int_equal(stat("/proc/self/ns/net", &st), 0);
	assert_true(asprintf(&s, "usbnet-wizard-journal 1\nnetns %lu\nstarted 1700000000 pid 42\n",
			     (unsigned long)st.st_ino) > 0);
	return s;
}

/*
 * Replay: done (1), begun only (2: the change may or may not have been made),
 * and undone (3) records. Revert undoes 1 and 2, restoring the sysctl's
 * value from before, and leaves 3's address alone: it is not ours any more.
 */
static void test_replay_begin_done_undo(void **state)
{
	_auto_(free) char *hdr = netns_line();
	_auto_(free) char *text = NULL, *after = NULL;
	struct uw_journal *j = calloc(1, sizeof(*j));
	struct uw_error e;

	assert_int_equal(system("ip addr add 192.168.0.200/24 dev " IF), 0);
	assert_int_equal(system("ip addr add 192.168.0.77/32 dev " IF), 0);
	assert_int_equal(system("sysctl -qw net.ipv4.ip_forward=1"), 0);
	assert_true(asprintf(&text,
			     "%s"
			     "B 1 kind=addr iface=" IF " addr=192.168.0.200 plen=24\n"
			     "D 1\n"
			     "B 2 kind=sysctl name=net.ipv4.ip_forward value=1 old=0\n"
			     "B 3 kind=addr iface=" IF " addr=192.168.0.77 plen=32\n"
			     "D 3\n"
			     "U 3\n", hdr) > 0);
	write_journal(text);
	uw_error_clear(&e);
	assert_int_equal(uw_journal_read(j, &e), 0);
	assert_int_equal(j->n_live, 2);
	assert_int_equal(j->seq[0], 1);
	assert_true(j->complete[0]);
	assert_int_equal(j->seq[1], 2);
	assert_false(j->complete[1]);
	assert_int_equal(j->next_seq, 4);
	assert_int_equal(j->damaged, 0);
	free(j);
	assert_int_equal(uw_revert(NULL, NULL, NULL, &e), 2);
	after = snapshot();
	assert_null(strstr(after, "192.168.0.200"));
	assert_non_null(strstr(after, "192.168.0.77/32"));
	assert_non_null(strstr(after, "\n0\n"));      /* ip_forward back to 0 */
	assert_int_equal(access(jpath, F_OK), -1);
}

/*
 * A torn record at the end (a write cut short): it was never acted on and is
 * skipped; every whole record before it is still undone, and a new apply
 * starts on a fresh line.
 */
static void test_torn_record(void **state)
{
	_auto_(free) char *before = NULL;
	_auto_(free) struct uw_plan *p = nft_plan(&before);
	struct uw_journal *j = calloc(1, sizeof(*j));
	struct uw_error e;
	int fd;

	uw_error_clear(&e);
	assert_int_equal(uw_apply(p, NULL, NULL, NULL, &e), 0);
	/* The begin record of a further step, cut short. */
	fd = open(jpath, O_WRONLY | O_APPEND | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "B 99 kind=addr iface=" IF " addr=192.16", 37), 37);
	close(fd);
	assert_int_equal(uw_journal_read(j, &e), 0);
	assert_int_equal(j->n_live, p->n);
	assert_int_equal(j->damaged, 1);
	/* Applying the same plan again: all there, one fresh line after the torn one. */
	assert_int_equal(uw_apply(p, NULL, NULL, NULL, &e), 0);
	assert_int_equal(uw_journal_read(j, &e), 0);
	assert_int_equal(j->n_live, p->n);
	assert_int_equal(j->damaged, 1);
	free(j);
	assert_int_equal(uw_revert(NULL, NULL, NULL, &e), (int)p->n);
	assert_as_before(before, "after the torn record's revert");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_revert_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_each_step_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_refused_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_after_begin_then_revert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_begin_done_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_record, setup, teardown),
	};
	uw_test_private_netns();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
