/* sys_tty.c - terminal ioctls as strace decodes them, for ev_tty_strace.sh:
 * struct termios read and set (TCGETS, TCSETS, TCSETSW, TCSETSF; the
 * terminal's own flags, then raw mode at 115200 baud, then flags no
 * terminal has by default), the foreground process group (TIOCGPGRP,
 * TIOCSPGRP), the window size, and the same ioctls on a file that is no
 * terminal (ENOTTY).  Run it with a terminal as its standard input
 * (script -qc); without one the calls fail and print as failed calls.
 * Between getpid() and getppid(), the markers of the comparison. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	struct termios t, raw, odd;
	struct winsize ws;
	pid_t pg;
	int fd, n = 0;

	getpid();
	fd = open("/dev/null", O_RDONLY);
	if (tcgetattr(0, &t) == 0) {
		raw = t;
		cfmakeraw(&raw);
		cfsetspeed(&raw, B115200);
		tcsetattr(0, TCSANOW, &raw);
		tcgetattr(0, &raw);
		odd = t;
		odd.c_iflag |= IGNBRK | INLCR | IUTF8 | IMAXBEL;
		odd.c_oflag |= ONOCR | NL1 | CR2 | XTABS | BS1 | VT1 | FF1;
		odd.c_cflag |= CSTOPB | PARENB | PARODD | HUPCL | CLOCAL;
		odd.c_lflag |= NOFLSH | TOSTOP | ECHONL | ECHOPRT;
		ioctl(0, TCSETSW, &odd);
		tcgetattr(0, &odd);
		tcsetattr(0, TCSADRAIN, &t);
		tcsetattr(0, TCSAFLUSH, &t);
	}
	pg = tcgetpgrp(0);
	if (pg > 0)
		tcsetpgrp(0, pg);
	ioctl(0, TIOCGWINSZ, &ws);
	/* no terminal: TCGETS fails and prints its address, TCSETS its struct */
	tcgetattr(fd, &t);
	ioctl(fd, TCSETS, &t);
	ioctl(fd, TIOCGPGRP, &pg);
	ioctl(fd, FIONREAD, &n);
	isatty(fd);
	close(fd);
	getppid();
	return 0;
}
