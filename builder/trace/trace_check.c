/* trace_check.c - architectural registers of a guest state, and the check
 * of the decoder's reconstructed state against the recorder's dumps.
 *
 * The comparison covers what a program can observe, not VEX's bookkeeping:
 * the flags are compared as computed rflags, because two different lazy
 * thunks (CC_OP/DEP1/DEP2/NDEP) may stand for the same flags, and
 * host_EvC_*, EMNOTE, CMSTART/CMLEN, NRADDR, IP_AT_SYSCALL and YMM16 (a
 * VEX scratch register) are left out.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "trace_i.h"

/* VEX's AMD64G_CC_OP_NUMBER in valgrind 3.19 (guest_amd64_defs.h is not
 * installed): COPY, 4 sizes each of ADD ADC SUB SBB LOGIC INC DEC SHL SHR
 * ROL ROR UMUL SMUL, 2 each of ANDN BLSI BLSMSK BLSR ADCX ADOX (the jump
 * table of amd64g_calculate_rflags_all_WRK has 65 entries).  libvex panics
 * (and, never initialised here, crashes) on a larger CC_OP, which a
 * damaged recording could hold, so it is never handed one. */
#define TRACE_CC_OP_NUMBER 65
#define TRACE_RFLAGS_INVALID UINT64_MAX
/* bit 1 (reserved, always 1) and IF: set in every user-mode rflags, as
 * the kernel and gdb show it; libvex's flags thunk has neither */
#define TRACE_RFLAGS_USER 0x202u

const char *const hs_trace_gpr_names[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static uint64_t rflags_of(const VexGuestAMD64State *s)
{
	/* libvex also asserts that DFLAG is 1 or -1 */
	if (s->guest_CC_OP >= TRACE_CC_OP_NUMBER ||
	    (s->guest_DFLAG != 1 && s->guest_DFLAG != (ULong)-1))
		return TRACE_RFLAGS_INVALID;
	return LibVEX_GuestAMD64_get_rflags(s);
}

void hs_trace_regs_get(const uint8_t *state, struct hs_trace_regs *out)
{
	VexGuestAMD64State s; /* aligned copy for libvex */

	memcpy(&s, state, sizeof(s));
	memcpy(out->gpr, &s.guest_RAX, sizeof(out->gpr));
	out->rip = s.guest_RIP;
	out->rflags = rflags_of(&s);
	if (out->rflags != TRACE_RFLAGS_INVALID)
		out->rflags |= TRACE_RFLAGS_USER;
	out->fs_base = s.guest_FS_CONST;
	out->gs_base = s.guest_GS_CONST;
	memcpy(out->ymm, &s.guest_YMM0, sizeof(out->ymm));
	out->sseround = s.guest_SSEROUND;
	out->ftop = s.guest_FTOP;
	memcpy(out->fpreg, s.guest_FPREG, sizeof(out->fpreg));
	memcpy(out->fptag, s.guest_FPTAG, sizeof(out->fptag));
	out->fpround = s.guest_FPROUND;
	out->fc3210 = s.guest_FC3210;
}

int hs_trace_state_offset(const char *name, uint32_t *size)
{
	static const char *const ymm[16] = { "ymm0", "ymm1", "ymm2", "ymm3", "ymm4", "ymm5",
					     "ymm6", "ymm7", "ymm8", "ymm9", "ymm10", "ymm11",
					     "ymm12", "ymm13", "ymm14", "ymm15" };
	static const char *const xmm[16] = { "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
					     "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
					     "xmm12", "xmm13", "xmm14", "xmm15" };

	*size = 8;
	/* hs_trace_gpr_names is in hardware order, as guest_RAX.. are */
	for (int i = 0; i < 16; i++)
		if (strcasecmp(name, hs_trace_gpr_names[i]) == 0)
			return (int)(offsetof(VexGuestAMD64State, guest_RAX) + 8 * (size_t)i);
	if (!strcasecmp(name, "rip"))
		return (int)offsetof(VexGuestAMD64State, guest_RIP);
	if (!strcasecmp(name, "fs_base") || !strcasecmp(name, "fs"))
		return (int)offsetof(VexGuestAMD64State, guest_FS_CONST);
	for (int i = 0; i < 16; i++) {
		size_t step = offsetof(VexGuestAMD64State, guest_YMM1) -
			      offsetof(VexGuestAMD64State, guest_YMM0);

		if (!strcasecmp(name, ymm[i]) || !strcasecmp(name, xmm[i])) {
			*size = !strcasecmp(name, ymm[i]) ? 32 : 16;
			return (int)(offsetof(VexGuestAMD64State, guest_YMM0) + step * (size_t)i);
		}
	}
	return -1;
}

uint64_t hs_trace_state_sp(const uint8_t *state)
{
	uint64_t v;

	memcpy(&v, state + offsetof(VexGuestAMD64State, guest_RSP), 8);
	return v;
}

uint64_t hs_trace_state_ip(const uint8_t *state)
{
	uint64_t v;

	memcpy(&v, state + offsetof(VexGuestAMD64State, guest_RIP), 8);
	return v;
}

_Static_assert(offsetof(VexGuestAMD64State, guest_R15) -
	       offsetof(VexGuestAMD64State, guest_RAX) == 15 * 8,
	       "the 16 GPRs are consecutive");
_Static_assert(offsetof(VexGuestAMD64State, guest_YMM15) -
	       offsetof(VexGuestAMD64State, guest_YMM0) == 15 * 32,
	       "YMM0-15 are consecutive");

void trace_note_mismatch(struct hs_trace_decoder *d, uint32_t tid,
			 const char *reg, const void *expected,
			 const void *got, uint32_t size)
{
	struct hs_trace_stats *s = &d->stats;
	struct hs_trace_mismatch *m;

	s->regs_mismatches++;
	if (s->n_kept >= HS_TRACE_MISMATCH_KEEP)
		return;
	m = &s->mismatch[s->n_kept++];
	memset(m, 0, sizeof(*m));
	m->t = d->t;
	m->tid = tid;
	snprintf(m->reg, sizeof(m->reg), "%s", reg);
	m->size = size > sizeof(m->expected) ? (uint32_t)sizeof(m->expected) : size;
	memcpy(m->expected, expected, m->size);
	memcpy(m->got, got, m->size);
}

static unsigned cmp(struct hs_trace_decoder *d, uint32_t tid, const char *reg,
		    const void *dump, const void *mine, uint32_t size)
{
	if (memcmp(dump, mine, size) == 0)
		return 0;
	trace_note_mismatch(d, tid, reg, dump, mine, size);
	return 1;
}

unsigned trace_check_regs(struct hs_trace_decoder *d, uint32_t tid,
			  const VexGuestAMD64State *mine,
			  const VexGuestAMD64State *dump)
{
	const ULong *mg = &mine->guest_RAX, *dg = &dump->guest_RAX;
	uint64_t mf = rflags_of(mine), df = rflags_of(dump);
	unsigned n = 0;
	char name[16];

	for (int i = 0; i < 16; i++)
		n += cmp(d, tid, hs_trace_gpr_names[i], &dg[i], &mg[i], 8);
	n += cmp(d, tid, "rip", &dump->guest_RIP, &mine->guest_RIP, 8);
	n += cmp(d, tid, "rflags", &df, &mf, 8);
	n += cmp(d, tid, "fs_base", &dump->guest_FS_CONST, &mine->guest_FS_CONST, 8);
	for (int i = 0; i < 16; i++) {
		snprintf(name, sizeof(name), "ymm%d", i);
		n += cmp(d, tid, name, (&dump->guest_YMM0) + i,
			 (&mine->guest_YMM0) + i, 32);
	}
	n += cmp(d, tid, "sseround", &dump->guest_SSEROUND, &mine->guest_SSEROUND, 8);
	n += cmp(d, tid, "ftop", &dump->guest_FTOP, &mine->guest_FTOP, 4);
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "fpreg%d", i);
		n += cmp(d, tid, name, &dump->guest_FPREG[i], &mine->guest_FPREG[i], 8);
	}
	n += cmp(d, tid, "fptag", dump->guest_FPTAG, mine->guest_FPTAG, 8);
	n += cmp(d, tid, "fpround", &dump->guest_FPROUND, &mine->guest_FPROUND, 8);
	n += cmp(d, tid, "fc3210", &dump->guest_FC3210, &mine->guest_FC3210, 8);
	return n;
}
