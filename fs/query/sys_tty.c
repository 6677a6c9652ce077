/* sys_tty.c - struct termios as strace (6.1) prints it, for the terminal
 * ioctls (TCGETS, TCSETS, TCSETSW, TCSETSF; sys_misc.c's ioctl argument):
 *
 *   {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR,
 *    c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|..., ...}
 *
 * with strace's own ways, which its tests on this machine showed: a flags
 * field of 0 prints nothing (`c_iflag=`), the fields of c_oflag and c_cflag
 * that hold a value (delays, the speeds, the character size) each print
 * with a '|' after it even when no flag follows (`c_cflag=B0|CS5|`), an
 * input speed as `B9600<<IBSHIFT`, unknown bits in hex at the end.  The
 * names are in strace's order (its xlat files), with x86-64's values.
 */
#include "sys_i.h"

/* the kernel's struct termios: 4 flag words, c_line, c_cc[19] */
#define TERMIOS_SIZE 36

static const struct sys_flag iflags[] = {
	{ 01, "IGNBRK" }, { 02, "BRKINT" }, { 04, "IGNPAR" }, { 010, "PARMRK" },
	{ 020, "INPCK" }, { 040, "ISTRIP" }, { 0100, "INLCR" }, { 0200, "IGNCR" },
	{ 0400, "ICRNL" }, { 01000, "IUCLC" }, { 02000, "IXON" }, { 04000, "IXANY" },
	{ 010000, "IXOFF" }, { 020000, "IMAXBEL" }, { 040000, "IUTF8" },
};

static const struct sys_flag oflags[] = {
	{ 01, "OPOST" }, { 02, "OLCUC" }, { 04, "ONLCR" }, { 010, "OCRNL" },
	{ 020, "ONOCR" }, { 040, "ONLRET" }, { 0100, "OFILL" }, { 0200, "OFDEL" },
};

static const struct sys_flag lflags[] = {
	{ 01, "ISIG" }, { 02, "ICANON" }, { 04, "XCASE" }, { 010, "ECHO" },
	{ 020, "ECHOE" }, { 040, "ECHOK" }, { 0100, "ECHONL" }, { 0200, "NOFLSH" },
	{ 0100000, "IEXTEN" }, { 01000, "ECHOCTL" }, { 02000, "ECHOPRT" }, { 04000, "ECHOKE" },
	{ 010000, "FLUSHO" }, { 040000, "PENDIN" }, { 0400, "TOSTOP" }, { 0200000, "EXTPROC" },
};

static const struct sys_flag cflags[] = {
	{ 0100, "CSTOPB" }, { 0200, "CREAD" }, { 0400, "PARENB" }, { 01000, "PARODD" },
	{ 02000, "HUPCL" }, { 04000, "CLOCAL" }, { 010000000000, "CMSPAR" },
	{ 020000000000, "CRTSCTS" },
};

/* The values of the multi-bit fields; the first name of a value wins
 * (XTABS before TAB3, as strace has them). */
static const struct sys_flag nl[] = { { 0, "NL0" }, { 0400, "NL1" } };
static const struct sys_flag cr[] = { { 0, "CR0" }, { 01000, "CR1" }, { 02000, "CR2" },
				      { 03000, "CR3" } };
static const struct sys_flag tab[] = { { 014000, "XTABS" }, { 0, "TAB0" }, { 04000, "TAB1" },
				       { 010000, "TAB2" }, { 014000, "TAB3" } };
static const struct sys_flag bs[] = { { 0, "BS0" }, { 020000, "BS1" } };
static const struct sys_flag vt[] = { { 0, "VT0" }, { 040000, "VT1" } };
static const struct sys_flag ff[] = { { 0, "FF0" }, { 0100000, "FF1" } };
static const struct sys_flag csize[] = { { 0, "CS5" }, { 020, "CS6" }, { 040, "CS7" },
					 { 060, "CS8" } };
static const struct sys_flag bauds[] = {
	{ 0, "B0" }, { 01, "B50" }, { 02, "B75" }, { 03, "B110" }, { 04, "B134" },
	{ 05, "B150" }, { 06, "B200" }, { 07, "B300" }, { 010, "B600" }, { 011, "B1200" },
	{ 012, "B1800" }, { 013, "B2400" }, { 014, "B4800" }, { 015, "B9600" },
	{ 016, "B19200" }, { 017, "B38400" }, { 010001, "B57600" }, { 010002, "B115200" },
	{ 010003, "B230400" }, { 010004, "B460800" }, { 010005, "B500000" },
	{ 010006, "B576000" }, { 010007, "B921600" }, { 010010, "B1000000" },
	{ 010011, "B1152000" }, { 010012, "B1500000" }, { 010013, "B2000000" },
	{ 010014, "B2500000" }, { 010015, "B3000000" }, { 010016, "B3500000" },
	{ 010017, "B4000000" }, { 010000, "BOTHER" },
};

#define CBAUD 010017u
#define CIBAUD 002003600000u
#define IBSHIFT 16
#define CSIZE 060u

/* A flags word: nothing at all when it is 0. */
static void put_word(struct sys_out *o, const struct sys_flag *t, size_t n, uint32_t v)
{
	if (v)
		sys_put_flags(o, t, n, v);
}

/* A field's value by name, then '|' */
static void put_field(struct sys_out *o, const struct sys_flag *t, size_t n, uint32_t v)
{
	sys_put_const(o, t, n, v);
	sys_put(o, "|", 1);
}

static void put_oflag(struct sys_out *o, uint32_t v)
{
	put_field(o, SYS_XLAT(nl), v & 0400);
	put_field(o, SYS_XLAT(cr), v & 03000);
	put_field(o, SYS_XLAT(tab), v & 014000);
	put_field(o, SYS_XLAT(bs), v & 020000);
	put_field(o, SYS_XLAT(vt), v & 040000);
	put_field(o, SYS_XLAT(ff), v & 0100000);
	put_word(o, SYS_XLAT(oflags), v & ~0177400u);
}

static void put_cflag(struct sys_out *o, uint32_t v)
{
	put_field(o, SYS_XLAT(bauds), v & CBAUD);
	if (v & CIBAUD) {
		sys_put_const(o, SYS_XLAT(bauds), (v & CIBAUD) >> IBSHIFT);
		sys_puts(o, "<<IBSHIFT|");
	}
	put_field(o, SYS_XLAT(csize), v & CSIZE);
	put_word(o, SYS_XLAT(cflags), v & ~(CBAUD | CIBAUD | CSIZE));
}

void sys_put_termios(struct sys_out *o, const uint8_t *p)
{
	sys_puts(o, "{c_iflag=");
	put_word(o, SYS_XLAT(iflags), sys_le32(p));
	sys_puts(o, ", c_oflag=");
	put_oflag(o, sys_le32(p + 4));
	sys_puts(o, ", c_cflag=");
	put_cflag(o, sys_le32(p + 8));
	sys_puts(o, ", c_lflag=");
	put_word(o, SYS_XLAT(lflags), sys_le32(p + 12));
	sys_puts(o, ", ...}");
}

bool sys_tty_ioctl_arg(const struct sys_call *c, int i, struct sys_out *o)
{
	const uint8_t *p;

	switch ((uint32_t)c->a[1]) {
	case 0x5401: /* TCGETS: what the call wrote */
		p = sys_out_mem(c, i, TERMIOS_SIZE);
		break;
	case 0x5402: /* TCSETS, TCSETSW, TCSETSF: what it was given */
	case 0x5403:
	case 0x5404:
		p = sys_in_mem(c, i, TERMIOS_SIZE);
		break;
	default:
		return false;
	}
	if (c->a[i] && p)
		sys_put_termios(o, p);
	else
		sys_put_ptr(o, c->a[i]);
	return true;
}
