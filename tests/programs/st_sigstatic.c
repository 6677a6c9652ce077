/* st_sigstatic.c - built -static: libc has no line info.  The handler of
 * a signal the program sends itself returns (through rt_sigreturn) into
 * kill and raise's code without lines: gdb's step and next stop there
 * ("0x... in kill ()"), and the next one runs that function to its
 * return ("Single stepping until exit from function ..."), which stops
 * again where it returns into code without lines (raise's caller). */
#include <signal.h>
#include <unistd.h>

static volatile int hits;

static void on_sig(int sig)
{
	hits += sig;
}

static int after(int n)
{
	return n + hits;
}

int main(void)
{
	signal(SIGUSR2, on_sig);
	kill(getpid(), SIGUSR2);
	int a = after(1);
	raise(SIGUSR2);
	int b = after(a);
	return b > 1000;
}
