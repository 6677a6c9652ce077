/* i10_sigtail_o2.c - signal handlers whose last statement gcc -O2 turns
 * into a tail call (jmp write@plt, jmp to a static function): the function
 * jumped to is a call gdb's `break` counts, running on the signal frame
 * (src_i10_sigtail.sh).  With an argument N: N handlers that compute a
 * while before their tail call, so that a build's shards begin inside
 * them (the tail call is then out of a frame of an earlier shard). */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static volatile int hits;

__attribute__((noinline)) static int note(int v)
{
	hits += v;
	return write(1, "note\n", 5) > 0;
}

static void on_usr1(int sig)
{
	hits++;
	write(1, "usr1\n", 5);
}

static void on_usr2(int sig)
{
	hits += sig == SIGUSR2;
	note(2);
}

static void on_alrm(int sig)
{
	(void)sig;
	hits += 4;
}

static volatile unsigned long acc;

__attribute__((noinline)) static void tally(unsigned long v)
{
	acc += v;
}

static void on_busy(int sig)
{
	unsigned long x = (unsigned long)sig;

	for (int i = 0; i < 2000; i++)
		x = x * 6364136223846793005ul + acc;
	tally(x);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		int n = (int)strtol(argv[1], NULL, 10);

		signal(SIGUSR1, on_busy);
		for (int i = 0; i < n; i++)
			raise(SIGUSR1);
		return acc == 0;
	}
	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, on_usr2);
	signal(SIGALRM, on_alrm);
	raise(SIGUSR1);
	raise(SIGUSR2);
	raise(SIGUSR1);
	raise(SIGALRM);
	note(1);
	write(1, "done\n", 5);
	return hits == 10 ? 0 : 1;
}
