/* test_tls.c - the walk of glibc's TLS structures (fs/source/tls.c,
 * hindsight/tls.h) over a made-up process: glibc's libthread_db
 * descriptors, a struct link_map, a thread's struct pthread and DTV, and
 * ld.so's dtv_slotinfo_list, laid out as glibc 2.36 lays them out on
 * x86-64 (the offsets come from the descriptors, so the walk must follow
 * them, not assume them).  The end-to-end oracles are gdb_server's
 * qGetTLSAddr and src_val_eval's val_tls/val_tls_dl against gdb; this
 * pins the cases a recording rarely shows: a slot list of several nodes,
 * a DTV older than the module, unreadable memory, odd descriptors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hindsight/tls.h"

#define BASE 0x10000u
#define SIZE 0x4000u
#define TP 0x12000u        /* the thread pointer: its struct pthread */
#define LM 0x11000u        /* the module's struct link_map */
#define DTV 0x13000u       /* the thread's dtv (dtv[0]: its generation) */
#define RTLD 0x11800u      /* _rtld_global */
#define LIST1 0x13800u     /* dtv_slotinfo_list nodes */
#define LIST2 0x13c00u

struct proc {
	uint8_t mem[SIZE];
	struct { const char *name; uint64_t addr; } sym[24];
	int nsym;
	uint64_t bad;      /* a read touching this address fails */
	int reads;
};

static struct proc P;

static void put(uint64_t addr, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		P.mem[addr - BASE + i] = (uint8_t)(v >> (8 * i));
}

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct proc *p = ctx;

	p->reads++;
	if (addr < BASE || addr + len > BASE + SIZE || (p->bad >= addr && p->bad < addr + len))
		return -EIO;
	memcpy(buf, p->mem + (addr - BASE), len);
	return 0;
}

static int fake_symbol(void *ctx, const char *name, uint64_t *addr)
{
	struct proc *p = ctx;

	for (int i = 0; i < p->nsym; i++)
		if (strcmp(p->sym[i].name, name) == 0) {
			*addr = p->sym[i].addr;
			return 0;
		}
	return -ENOENT;
}

static const struct hs_tls_target T = { .read = fake_read, .symbol = fake_symbol, .ctx = &P };

static void sym(const char *name, uint64_t addr)
{
	P.sym[P.nsym].name = name;
	P.sym[P.nsym++].addr = addr;
}

/* a descriptor, db_info.c's {size in bits, count, offset}, in the
 * descriptor area from 0x10000, 16 bytes apart */
static void desc(const char *name, uint32_t bits, uint32_t count, uint32_t offset)
{
	uint64_t a = BASE + (uint64_t)P.nsym * 16;

	put(a, bits, 4);
	put(a + 4, count, 4);
	put(a + 8, offset, 4);
	sym(name, a);
}

/* glibc 2.36's shapes: link_map's l_tls_offset and l_tls_modid, the
 * pthread's header.dtv and tid, dtv_t (16 bytes), the slot list */
static int setup(void **state)
{
	memset(&P, 0, sizeof P);
	P.bad = UINT64_MAX;
	desc("_thread_db_link_map_l_tls_offset", 64, 1, 0x470);
	desc("_thread_db_link_map_l_tls_modid", 64, 1, 0x478);
	desc("_thread_db_pthread_dtvp", 64, 1, 8);
	desc("_thread_db_pthread_tid", 32, 1, 0x2d0);
	desc("_thread_db_dtv_dtv", 128, 0, 0);
	desc("_thread_db_dtv_t_counter", 64, 1, 0);
	desc("_thread_db_dtv_t_pointer_val", 64, 1, 0);
	desc("_thread_db_rtld_global__dl_tls_dtv_slotinfo_list", 64, 1, 0x30);
	desc("_thread_db_dtv_slotinfo_list_len", 64, 1, 0);
	desc("_thread_db_dtv_slotinfo_list_next", 64, 1, 8);
	desc("_thread_db_dtv_slotinfo_list_slotinfo", 128, 0, 16);
	desc("_thread_db_dtv_slotinfo_gen", 64, 1, 0);
	sym("_rtld_global", RTLD);
	put(TP + 8, DTV, 8);
	put(TP + 0x2d0, 0xffffffff00003039u, 8); /* tid 12345, then other bytes */
	put(RTLD + 0x30, LIST1, 8);
	put(LIST1, 2, 8);            /* slots 0 and 1 */
	put(LIST1 + 8, LIST2, 8);
	put(LIST2, 4, 8);            /* slots 2 to 5 */
	put(LIST2 + 8, 0, 8);
	return 0;
}

/* module modid, dynamic TLS (dlopen'ed), needing DTV generation gen; the
 * thread's DTV at generation dtvgen with val in the module's slot */
static void dynamic(uint64_t off, uint64_t modid, uint64_t gen, uint64_t dtvgen, uint64_t val)
{
	uint64_t slot = modid < 2 ? LIST1 + 16 + modid * 16 : LIST2 + 16 + (modid - 2) * 16;

	put(LM + 0x470, off, 8);
	put(LM + 0x478, modid, 8);
	put(slot, gen, 8);
	put(DTV, dtvgen, 8);
	put(DTV + modid * 16, val, 8);
}

static void test_static_tls(void **state)
{
	uint64_t b = 0;

	put(LM + 0x470, 0x80, 8);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), 0);
	assert_int_equal(b, TP - 0x80);
}

static void test_dtv_block(void **state)
{
	uint64_t b = 0;

	/* l_tls_offset NO_TLS_OFFSET (0) and FORCED_DYNAMIC_TLS_OFFSET (-1):
	 * both through the DTV; modid 4 is in the second node of the list */
	dynamic(0, 4, 3, 3, 0x7000);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), 0);
	assert_int_equal(b, 0x7000);
	dynamic(UINT64_MAX, 1, 2, 5, 0x9000);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), 0);
	assert_int_equal(b, 0x9000);
}

static void test_deferred(void **state)
{
	uint64_t b = 0x1234;

	/* TLS_DTV_UNALLOCATED, a null and an odd (to-be-freed mark) slot */
	dynamic(0, 3, 2, 2, UINT64_MAX);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	dynamic(0, 3, 2, 2, 0);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	dynamic(0, 3, 2, 2, 0x7001);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	/* a DTV older than the module: its slot is some earlier module's */
	dynamic(0, 3, 6, 5, 0x7000);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	/* modid 0: not a module with TLS */
	dynamic(0, 0, 1, 1, 0x7000);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	assert_int_equal(b, 0x1234);
}

/* no slot list (or a glibc without its descriptors): the slot decides */
static void test_no_slot_list(void **state)
{
	uint64_t b = 0;

	dynamic(0, 3, 6, 5, 0x7000);
	P.sym[7].name = "renamed";   /* the _rtld_global field's descriptor */
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), 0);
	assert_int_equal(b, 0x7000);
}

/* a static executable: no _rtld_global, its own _dl_tls_dtv_slotinfo_list */
static void test_static_executable_list(void **state)
{
	uint64_t b = 0;

	P.sym[12].name = "_dl_tls_dtv_slotinfo_list";
	P.sym[12].addr = RTLD + 0x30;
	dynamic(0, 2, 4, 3, 0x7000);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	dynamic(0, 2, 4, 4, 0x7000);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), 0);
	assert_int_equal(b, 0x7000);
}

static void test_errors(void **state)
{
	uint64_t b = 0x1234, v;

	/* no descriptors at all: -ENOENT, so a caller can tell */
	P.sym[0].name = "renamed";
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENOENT);
	setup(state);
	/* unreadable: the link_map, then the DTV */
	P.bad = LM + 0x470;
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -EIO);
	dynamic(0, 3, 2, 2, 0x7000);
	P.bad = DTV + 3 * 16;
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -EIO);
	assert_int_equal(b, 0x1234);
	/* a descriptor this does not read: not whole bytes, over 64 bits */
	P.bad = UINT64_MAX;
	put(P.sym[0].addr, 12, 4);
	assert_int_equal(hs_tls_block(&T, TP, LM, &b), -ENODATA);
	put(P.sym[0].addr, 128, 4);
	assert_int_equal(hs_tls_field(&T, "_thread_db_link_map_l_tls_offset", LM, &v), -ENODATA);
}

static void test_field(void **state)
{
	uint64_t v = 0;

	/* a 32-bit field, zero-extended: the bytes past it are not its */
	assert_int_equal(hs_tls_field(&T, "_thread_db_pthread_tid", TP, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(hs_tls_field(&T, "_thread_db_no_such", TP, &v), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_static_tls, setup),
		cmocka_unit_test_setup(test_dtv_block, setup),
		cmocka_unit_test_setup(test_deferred, setup),
		cmocka_unit_test_setup(test_no_slot_list, setup),
		cmocka_unit_test_setup(test_static_executable_list, setup),
		cmocka_unit_test_setup(test_errors, setup),
		cmocka_unit_test_setup(test_field, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
