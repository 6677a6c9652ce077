/* nm_wrap.c - libc's syscall wrappers and string functions by gdb's
 * names (src_nm_names.sh): kill, getpid, raise, write and read are
 * assembly or C wrappers with several symbols (and, with libc6-dbg,
 * several DWARF subprograms) at one address; strlen, strchr and memcpy
 * are ifuncs.  Each is called twice, so that the second call of a lazily
 * bound one goes straight to the function. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int got;

static void on_usr1(int s)
{
	got += s;
}

static int once(const char *arg, char *buf)
{
	int n;

	kill(getpid(), SIGUSR1);
	raise(SIGUSR1);
	n = (int)write(1, "hi\n", 3);
	n += (int)read(0, buf, 0);
	n += (int)strlen(arg) + (strchr(arg, '/') != NULL);
	memcpy(buf, arg, n < 32 ? n : 32);
	return n;
}

int main(int argc, char **argv)
{
	char buf[64];
	int n = 0;

	(void)argc;
	signal(SIGUSR1, on_usr1);
	for (int i = 0; i < 2; i++)
		n += once(argv[0], buf);
	printf("%d %d\n", n, got);
	return 0;
}
