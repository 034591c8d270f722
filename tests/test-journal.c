// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The journal after a crash (issue 10, finding 6): torn lines are skipped and
 * counted, records after them kept; apply starts a torn file on a fresh line
 * and begins a file holding only a torn header again; sequence numbers are
 * range-checked; a huge line is never read into memory. And (finding 4) its
 * encoding tells every value from "empty". The apply/revert cases run in a
 * private network namespace (an address on its lo).
 */
#include "tests/testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/resource.h>

#include "core/apply.h"
#include "core/journal.h"
#include "core/plan.h"
#include "core/util.h"

static char rundir[64], jpath[128];

static int setup(void **state)
{
	snprintf(rundir, sizeof(rundir), "/tmp/uw-test-journal.XXXXXX");
	assert_non_null(mkdtemp(rundir));
	setenv("USBNET_WIZARD_RUNDIR", rundir, 1);
	snprintf(jpath, sizeof(jpath), "%s/journal", rundir);
	return 0;
}

static int teardown(void **state)
{
	char p[160];

	unlink(jpath);
	snprintf(p, sizeof(p), "%s/lock", rundir);
	unlink(p);
	rmdir(rundir);
	return 0;
}

static void write_journal(const char *content, size_t len)
{
	FILE *f = fopen(jpath, "we");

	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
}
#define WRITE(s) write_journal(s, sizeof(s) - 1)

static char *read_all(void)
{
	FILE *f = fopen(jpath, "re");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

#define HDR "usbnet-wizard-journal 1\nstarted 1700000000 pid 42\n"
#define REC(seq, ip) "B " #seq " kind=addr iface=lo addr=" ip " plen=32\n"

static void test_torn_line_keeps_later_records(void **state)
{
	struct uw_journal j;
	struct uw_error e;

	/* A record cut short by a crash, then two whole ones on a fresh line. */
	WRITE(HDR REC(1, "10.99.0.1") "B 2 kind=addr ifa\n" REC(3, "10.99.0.3") "D 3\n");
	uw_error_clear(&e);
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 2);
	assert_int_equal(j.seq[0], 1);
	assert_int_equal(j.seq[1], 3);
	assert_true(j.complete[1]);
	assert_int_equal(j.damaged, 1);
	assert_int_equal(j.damaged_line, 4);
	assert_int_equal(j.next_seq, 4);
	assert_int_equal(j.pid, 42);

	/* Garbage in the middle, and a torn last line: both skipped, counted. */
	WRITE(HDR "\x01\xff garbage\n" REC(5, "10.99.0.5") "U 5\n" REC(6, "10.99.0.6") "B 7 kind=ad");
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 1);
	assert_int_equal(j.seq[0], 6);
	assert_int_equal(j.damaged, 2);
	assert_int_equal(j.damaged_line, 3);

	/* A header cut short, records after it (apply started a fresh line). */
	WRITE("usbnet-wizard-jou\n" REC(1, "10.99.0.1"));
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 1);
	assert_int_equal(j.damaged, 1);

	/* Not a journal at all: refused, as before. */
	WRITE("hello world\n" REC(1, "10.99.0.1"));
	assert_int_equal(uw_journal_read(&j, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "not a usbnet-wizard journal"));
}

static void test_sequence_numbers_range_checked(void **state)
{
	struct uw_journal j;
	struct uw_error e;

	/* These overflowed next_seq (UBSan aborted status, revert and apply). */
	WRITE(HDR "B 9223372036854775807 kind=addr iface=lo addr=10.99.0.1 plen=32\n"
	      "B 99999999999999999999999 kind=addr iface=lo addr=10.99.0.2 plen=32\n"
	      "B -5 kind=addr iface=lo addr=10.99.0.3 plen=32\n"
	      "B 0 kind=addr iface=lo addr=10.99.0.4 plen=32\n"
	      "B 1000000001 kind=addr iface=lo addr=10.99.0.5 plen=32\n"
	      "D 9223372036854775808\nU -1\nD 1x\n"
	      REC(1000000000, "10.99.0.6"));
	uw_error_clear(&e);
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 1);
	assert_int_equal(j.seq[0], UW_JOURNAL_SEQ_MAX);
	assert_int_equal(j.next_seq, UW_JOURNAL_SEQ_MAX + 1);
	assert_int_equal(j.damaged, 8);
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_huge_line_not_read_into_memory(void **state)
{
	struct uw_journal j;
	struct uw_error e;
	FILE *f = fopen(jpath, "we");
	char chunk[65536];
	long before;

	assert_non_null(f);
	fputs(HDR "B 1 kind=addr iface=lo addr=", f);
	memset(chunk, '7', sizeof(chunk));
	for (int i = 0; i < 1024; i++)          /* a 64 MiB line */
		assert_int_equal(fwrite(chunk, 1, sizeof(chunk), f), sizeof(chunk));
	fputs("\n" REC(2, "10.99.0.2"), f);
	fclose(f);
	before = maxrss_kb();
	uw_error_clear(&e);
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 1);
	assert_int_equal(j.seq[0], 2);
	assert_int_equal(j.damaged, 1);
	/* The line was skipped, not held: far less than its 64 MiB came in. */
	assert_true(maxrss_kb() - before < 8 * 1024);
}

static void test_values_distinct_from_empty(void **state)
{
	struct uw_action a = { .kind = UW_ACT_FW, .fw = UW_FW_NFTABLES }, b;
	char line[1024];

	a.rule.kind = UW_FW_MASQUERADE;
	inet_pton(AF_INET, "192.168.0.0", &a.rule.src);
	a.rule.src_len = 24;
	strcpy(a.rule.out_iface, "-");
	assert_int_equal(uw_action_to_line(&a, line, sizeof(line)), 0);
	assert_non_null(strstr(line, " out=%2D "));
	assert_int_equal(uw_action_from_line(line, &b, NULL), 0);
	assert_string_equal(b.rule.out_iface, "-");
	/* Empty is written as nothing, and reads back empty. */
	a.rule.out_iface[0] = '\0';
	assert_int_equal(uw_action_to_line(&a, line, sizeof(line)), 0);
	assert_non_null(strstr(line, " out= "));
	assert_int_equal(uw_action_from_line(line, &b, NULL), 0);
	assert_string_equal(b.rule.out_iface, "");
	/* A journal written before: a bare "-" was its empty. */
	assert_int_equal(uw_action_from_line("kind=fw backend=nftables rule=masquerade src=192.168.0.0 "
					     "src_len=24 dst=0.0.0.0 dst_len=0 in=- out=- proto=0 dport=0 "
					     "to=0.0.0.0 chain=-", &b, NULL), 0);
	assert_string_equal(b.rule.out_iface, "");
	assert_string_equal(b.rule.chain, "");
	/* A sysctl's old value: empty stays empty, either way. */
	struct uw_action s = { .kind = UW_ACT_SYSCTL };
	strcpy(s.sysctl, "net.ipv4.ip_forward");
	strcpy(s.value, "1");
	assert_int_equal(uw_action_to_line(&s, line, sizeof(line)), 0);
	assert_int_equal(uw_action_from_line(line, &b, NULL), 0);
	assert_string_equal(b.old_value, "");
	assert_int_equal(uw_action_from_line("kind=sysctl name=net.ipv4.ip_forward value=1 old=-", &b, NULL), 0);
	assert_string_equal(b.old_value, "");
}

/* A plan of one step: an address on this private namespace's lo. */
static void lo_plan(struct uw_plan *p, const char *ip)
{
	memset(p, 0, sizeof(*p));
	uw_choices_init(&p->choices);
	strcpy(p->choices.iface, "lo");
	p->n = 1;
	p->actions[0].kind = UW_ACT_ADDR;
	strcpy(p->actions[0].iface, "lo");
	inet_pton(AF_INET, ip, &p->actions[0].addr);
	p->actions[0].plen = 32;
}

static void test_apply_after_torn_write(void **state)
{
	struct uw_plan *p = calloc(1, sizeof(*p));
	struct uw_journal j;
	struct uw_error e;
	_auto_(free) char *text = NULL;

	lo_plan(p, "10.99.0.1");
	/* A torn header alone: it holds nothing, apply begins the file again. */
	WRITE("usbnet-wizard-jour");
	uw_error_clear(&e);
	assert_int_equal(uw_apply(p, NULL, NULL, NULL, &e), 0);
	text = read_all();
	assert_true(!strncmp(text, "usbnet-wizard-journal 1\n", 24));
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 1);
	assert_int_equal(j.damaged, 0);
	assert_int_equal(uw_revert(NULL, NULL, NULL, &e), 1);
	assert_int_equal(access(jpath, F_OK), -1);

	/* A torn last record: apply starts on a fresh line, revert undoes all. */
	WRITE(HDR REC(1, "10.99.0.1") "D 1\nB 2 kind=addr ifa");
	assert_int_equal(system("ip addr add 10.99.0.1/32 dev lo"), 0);
	lo_plan(p, "10.99.0.1");
	p->n = 2;
	p->actions[1] = p->actions[0];
	inet_pton(AF_INET, "10.99.0.2", &p->actions[1].addr);
	assert_int_equal(uw_apply(p, NULL, NULL, NULL, &e), 0);
	free(text);
	text = read_all();
	/* (the choices record comes first, on the fresh line) */
	assert_non_null(strstr(text, "B 2 kind=addr ifa\nC "));
	assert_non_null(strstr(text, "\nB 2 kind=addr iface=lo addr=10.99.0.2"));
	assert_int_equal(uw_journal_read(&j, &e), 0);
	assert_int_equal(j.n_live, 2);
	assert_int_equal(j.damaged, 1);
	assert_int_equal(uw_revert(NULL, NULL, NULL, &e), 2);
	_auto_(free) char *addrs = uw_test_capture("ip -o addr show dev lo");
	assert_null(strstr(addrs, "10.99.0."));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_torn_line_keeps_later_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_numbers_range_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_line_not_read_into_memory, setup, teardown),
		cmocka_unit_test(test_values_distinct_from_empty),
		cmocka_unit_test_setup_teardown(test_apply_after_torn_write, setup, teardown),
	};
	uw_test_private_netns();
	return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
