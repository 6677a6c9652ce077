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

#include "../../server/gdb/gdb_i.h"

static char *ask(struct hs_gdb *g, const char *pkt, int *rc)
{
	static struct gdb_buf r;
	char *p = strdup(pkt);

	assert_non_null(p);
	r.len = 0;
	r.err = 0;
	gdb_buf_add(&r, "", 0);
	*rc = gdb_packet(g, p, strlen(p), &r);
	free(p);
	return r.p;
}

static void test_gdb_send_escapes_and_checksums(void **state)
{
	struct hs_gdb g = { .noack = true };
	int sv[2];
	char got[64] = { 0 };

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	g.fd = sv[0];
	assert_int_equal(gdb_send(&g, "a#b$c}d*", 8), 0);
	assert_true(read(sv[1], got, sizeof got - 1) > 0);
	/* the checksum covers the bytes as sent, escapes included */
	assert_memory_equal(got, "$a}\x03" "b}\x04" "c}]d}\x0a#ec", 16);
	close(sv[0]);
	close(sv[1]);
}

static void test_gdb_send_resends_after_nak(void **state)
{
	struct hs_gdb g = { 0 };
	int sv[2];
	char got[64] = { 0 };

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	g.fd = sv[0];
	/* the peer says '-' once, then '+' */
	assert_int_equal(write(sv[1], "-+", 2), 2);
	assert_int_equal(gdb_send(&g, "OK", 2), 0);
	assert_int_equal(read(sv[1], got, sizeof got - 1), 12);
	assert_string_equal(got, "$OK#9a$OK#9a");
	close(sv[0]);
	close(sv[1]);
}

static void test_gdb_target_xml_numbers_every_register_once(void **state)
{
	struct gdb_buf b = { 0 };
	char key[32];

	gdb_target_xml(&b);
	assert_int_equal(b.err, 0);
	assert_non_null(strstr(b.p, "<architecture>i386:x86-64</architecture>"));
	for (int i = 0; i < 76; i++) {
		const char *first;

		snprintf(key, sizeof key, "regnum=\"%d\"", i);
		first = strstr(b.p, key);
		assert_non_null(first);
		assert_null(strstr(first + 1, key));
	}
	assert_null(strstr(b.p, "regnum=\"76\""));
	assert_non_null(strstr(b.p, "name=\"ymm15h\""));
	free(b.p);
}

static void test_gdb_packets_refuse_writes_and_answer_unknown_empty(void **state)
{
	struct hs_gdb g = { 0 };
	int rc;

	assert_string_equal(ask(&g, "M1000,1:cc", &rc), "E1e");
	assert_string_equal(ask(&g, "X1000,1:c", &rc), "E1e");
	assert_string_equal(ask(&g, "G00", &rc), "E1e");
	assert_string_equal(ask(&g, "P0=00", &rc), "E1e");
	assert_string_equal(ask(&g, "qNoSuchThing", &rc), "");
	assert_int_equal(rc, 0);
	assert_string_equal(ask(&g, "m12zz,4", &rc), "E01");
	assert_string_equal(ask(&g, "Z0,zz,1", &rc), "E01");
	assert_string_equal(ask(&g, "vCont;q", &rc), "E01");
	assert_string_equal(ask(&g, "vCont?", &rc), "vCont;c;C;s;S;r");
	assert_string_equal(ask(&g, "vCont;r1000", &rc), "E01");
	assert_string_equal(ask(&g, "qXfer:features:read:target.xml:zz,10", &rc), "E00");
	assert_string_equal(ask(&g, "qXfer:features:write:target.xml:0,10", &rc), "E00");
	assert_string_equal(ask(&g, "qXfer:nosuch:read::0,10", &rc), "");
	assert_string_equal(ask(&g, "qRcmd,7", &rc), "E01");
	assert_string_equal(ask(&g, "qRcmd,zz", &rc), "E01");
	assert_string_equal(ask(&g, "pzz", &rc), "E01");
	assert_string_equal(ask(&g, "p12345678901234567", &rc), "E01");
	assert_string_equal(ask(&g, "Hgzz", &rc), "E01");
	assert_string_equal(ask(&g, "T", &rc), "E01");
	assert_string_equal(ask(&g, "m1000", &rc), "E01");
	assert_string_equal(ask(&g, "Z0,1000", &rc), "E01");
	assert_string_equal(ask(&g, "QPassSignals:e;zz", &rc), "E01");
	assert_string_equal(ask(&g, "QPassSignals:e;1e", &rc), "OK");
	assert_true(g.pass[0xe] && g.pass[0x1e] && !g.pass[5]);
	assert_non_null(strstr(ask(&g, "qSupported:swbreak+", &rc), "ReverseContinue+"));
	ask(&g, "k", &rc);
	assert_int_equal(rc, 2);
	ask(&g, "D", &rc);
	assert_int_equal(rc, 1);
}

static void test_gdb_breakpoints_and_watchpoints_are_kept(void **state)
{
	struct hs_gdb g = { 0 };
	int rc;

	assert_string_equal(ask(&g, "Z0,401000,1", &rc), "OK");
	assert_string_equal(ask(&g, "Z0,401000,1", &rc), "OK");
	assert_string_equal(ask(&g, "Z1,402000,1", &rc), "OK");
	assert_int_equal(g.n_bps, 2);
	assert_string_equal(ask(&g, "z0,401000,1", &rc), "OK");
	assert_int_equal(g.n_bps, 1);
	assert_int_equal(g.bps[0], 0x402000);
	assert_string_equal(ask(&g, "Z2,10c028,4", &rc), "OK");
	assert_int_equal(g.n_wps, 1);
	assert_int_equal(g.wps[0].len, 4);
	/* read and access watchpoints: not supported (empty) */
	assert_string_equal(ask(&g, "Z3,10c028,4", &rc), "");
	assert_string_equal(ask(&g, "Z4,10c028,4", &rc), "");
	assert_string_equal(ask(&g, "Z2,10c028,0", &rc), "E16");
	assert_string_equal(ask(&g, "z2,10c028,4", &rc), "OK");
	assert_int_equal(g.n_wps, 0);
	free(g.bps);
	free(g.wps);
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
