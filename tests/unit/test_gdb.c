/* test_gdb.c - server/gdb without a recording: framing (checksums,
 * escapes, acks), the target description, and the packets that need no
 * database (qSupported, refused writes, malformed and unknown packets,
 * breakpoint bookkeeping). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hindsight/gdbserver_test.h"

/* The reply to pkt, valid until the next call. */
static char *ask(struct hs_gdb *g, const char *pkt, int *rc)
{
	static char *last;

	free(last);
	last = hs_gdb_test_packet(g, pkt, rc);
	assert_non_null(last);
	return last;
}

static void test_gdb_send_escapes_and_checksums(void **state)
{
	struct hs_gdb *g;
	int sv[2];
	char got[64] = { 0 };

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	g = hs_gdb_test_new(sv[0], true);
	assert_non_null(g);
	assert_int_equal(hs_gdb_test_send(g, "a#b$c}d*", 8), 0);
	assert_true(read(sv[1], got, sizeof got - 1) > 0);
	/* the checksum covers the bytes as sent, escapes included */
	assert_memory_equal(got, "$a}\x03" "b}\x04" "c}]d}\x0a#ec", 16);
	hs_gdb_test_free(g);
	close(sv[0]);
	close(sv[1]);
}

static void test_gdb_send_resends_after_nak(void **state)
{
	struct hs_gdb *g;
	int sv[2];
	char got[64] = { 0 };

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	g = hs_gdb_test_new(sv[0], false);
	assert_non_null(g);
	/* the peer says '-' once, then '+' */
	assert_int_equal(write(sv[1], "-+", 2), 2);
	assert_int_equal(hs_gdb_test_send(g, "OK", 2), 0);
	assert_int_equal(read(sv[1], got, sizeof got - 1), 12);
	assert_string_equal(got, "$OK#9a$OK#9a");
	hs_gdb_test_free(g);
	close(sv[0]);
	close(sv[1]);
}

static void test_gdb_target_xml_numbers_every_register_once(void **state)
{
	char *xml = hs_gdb_test_target_xml();
	char key[32];

	assert_non_null(xml);
	assert_non_null(strstr(xml, "<architecture>i386:x86-64</architecture>"));
	for (int i = 0; i < 76; i++) {
		const char *first;

		snprintf(key, sizeof key, "regnum=\"%d\"", i);
		first = strstr(xml, key);
		assert_non_null(first);
		assert_null(strstr(first + 1, key));
	}
	assert_null(strstr(xml, "regnum=\"76\""));
	assert_non_null(strstr(xml, "name=\"ymm15h\""));
	free(xml);
}

static void test_gdb_packets_refuse_writes_and_answer_unknown_empty(void **state)
{
	struct hs_gdb *g = hs_gdb_test_new(-1, false);
	int rc;

	assert_non_null(g);

	assert_string_equal(ask(g, "M1000,1:cc", &rc), "E1e");
	assert_string_equal(ask(g, "X1000,1:c", &rc), "E1e");
	assert_string_equal(ask(g, "G00", &rc), "E1e");
	assert_string_equal(ask(g, "P0=00", &rc), "E1e");
	assert_string_equal(ask(g, "qNoSuchThing", &rc), "");
	assert_int_equal(rc, 0);
	assert_string_equal(ask(g, "m12zz,4", &rc), "E01");
	assert_string_equal(ask(g, "Z0,zz,1", &rc), "E01");
	assert_string_equal(ask(g, "vCont;q", &rc), "E01");
	assert_string_equal(ask(g, "vCont?", &rc), "vCont;c;C;s;S;r");
	assert_string_equal(ask(g, "vCont;r1000", &rc), "E01");
	assert_string_equal(ask(g, "qXfer:features:read:target.xml:zz,10", &rc), "E00");
	assert_string_equal(ask(g, "qXfer:features:write:target.xml:0,10", &rc), "E00");
	assert_string_equal(ask(g, "qXfer:nosuch:read::0,10", &rc), "");
	assert_string_equal(ask(g, "qRcmd,7", &rc), "E01");
	assert_string_equal(ask(g, "qRcmd,zz", &rc), "E01");
	assert_string_equal(ask(g, "pzz", &rc), "E01");
	assert_string_equal(ask(g, "p12345678901234567", &rc), "E01");
	assert_string_equal(ask(g, "Hgzz", &rc), "E01");
	assert_string_equal(ask(g, "T", &rc), "E01");
	assert_string_equal(ask(g, "m1000", &rc), "E01");
	assert_string_equal(ask(g, "Z0,1000", &rc), "E01");
	assert_string_equal(ask(g, "QPassSignals:e;zz", &rc), "E01");
	assert_string_equal(ask(g, "QPassSignals:e;1e", &rc), "OK");
	assert_true(hs_gdb_test_passes(g, 0xe) && hs_gdb_test_passes(g, 0x1e) &&
		    !hs_gdb_test_passes(g, 5));
	assert_non_null(strstr(ask(g, "qSupported:swbreak+", &rc), "ReverseContinue+"));
	ask(g, "k", &rc);
	assert_int_equal(rc, 2);
	ask(g, "D", &rc);
	assert_int_equal(rc, 1);
	hs_gdb_test_free(g);
}

static void test_gdb_breakpoints_and_watchpoints_are_kept(void **state)
{
	struct hs_gdb *g = hs_gdb_test_new(-1, false);
	int rc;

	assert_non_null(g);

	assert_string_equal(ask(g, "Z0,401000,1", &rc), "OK");
	assert_string_equal(ask(g, "Z0,401000,1", &rc), "OK");
	assert_string_equal(ask(g, "Z1,402000,1", &rc), "OK");
	assert_int_equal(hs_gdb_test_n_breakpoints(g), 2);
	assert_string_equal(ask(g, "z0,401000,1", &rc), "OK");
	assert_int_equal(hs_gdb_test_n_breakpoints(g), 1);
	assert_int_equal(hs_gdb_test_breakpoint(g, 0), 0x402000);
	assert_string_equal(ask(g, "Z2,10c028,4", &rc), "OK");
	assert_int_equal(hs_gdb_test_n_watchpoints(g), 1);
	assert_int_equal(hs_gdb_test_watch_len(g, 0), 4);
	/* read and access watchpoints, kept apart from the write one */
	assert_string_equal(ask(g, "Z3,10c028,4", &rc), "OK");
	assert_string_equal(ask(g, "Z4,10c028,4", &rc), "OK");
	assert_int_equal(hs_gdb_test_n_watchpoints(g), 3);
	assert_string_equal(ask(g, "Z3,10c028,0", &rc), "E16");
	assert_string_equal(ask(g, "Z2,10c028,0", &rc), "E16");
	assert_string_equal(ask(g, "z2,10c028,4", &rc), "OK");
	assert_int_equal(hs_gdb_test_n_watchpoints(g), 2);
	assert_string_equal(ask(g, "z3,10c028,4", &rc), "OK");
	assert_string_equal(ask(g, "z4,10c028,4", &rc), "OK");
	assert_int_equal(hs_gdb_test_n_watchpoints(g), 0);
	hs_gdb_test_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gdb_send_escapes_and_checksums),
		cmocka_unit_test(test_gdb_send_resends_after_nak),
		cmocka_unit_test(test_gdb_target_xml_numbers_every_register_once),
		cmocka_unit_test(test_gdb_packets_refuse_writes_and_answer_unknown_empty),
		cmocka_unit_test(test_gdb_breakpoints_and_watchpoints_are_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
