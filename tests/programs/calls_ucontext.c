/* calls_ucontext.c - coroutines on their own stacks (ucontext): a generator
 * that yields from inside recursion by swapcontext, then a scheduler that
 * runs three workers round-robin, each returning through uc_link, a
 * worker started again on a finished worker's stack, and one entered by
 * setcontext whose uc_link is a context getcontext saved in main.  gdb's `break f`
 * hits a makecontext'd function once per start (entered by swapcontext's
 * `ret`), its bt shows only the stack it runs on, and frames suspended by
 * a switch return normally when resumed (src_calls_gdb.sh). */
#include <stdio.h>
#include <ucontext.h>

static ucontext_t main_ctx, gen_ctx, sched_ctx, co_ctx[3], back_ctx;
static char gen_stack[64 * 1024], co_stacks[3][32 * 1024];
static int cur_value, gen_done, cur, alive[3];
static volatile int back_done;
static volatile unsigned long spin;

/* enough work between switches that they fall in different chunks */
static __attribute__((noinline)) void busy(int n)
{
	for (int i = 0; i < n * 2000; i++)
		spin += (unsigned long)i;
}

static void yield_value(int v)
{
	cur_value = v;
	swapcontext(&gen_ctx, &main_ctx);
}

static void produce(int depth, int base)
{
	if (depth == 0) {
		busy(base);
		yield_value(base);
		return;
	}
	produce(depth - 1, base * 2);
	produce(depth - 1, base * 2 + 1);
}

static void generator(void)
{
	produce(2, 1);
	gen_done = 1;
}

static void co_yield(void)
{
	swapcontext(&co_ctx[cur], &sched_ctx);
}

static void step(int id, int k)
{
	busy(id + k + 1);
	printf("co %d step %d\n", id, k);
	co_yield();
}

static void worker(int id)
{
	for (int k = 0; k < id + 1; k++)
		step(id, k);
	alive[id] = 0;
}

static void start(int i)
{
	getcontext(&co_ctx[i]);
	co_ctx[i].uc_stack.ss_sp = co_stacks[i];
	co_ctx[i].uc_stack.ss_size = sizeof co_stacks[i];
	co_ctx[i].uc_link = &sched_ctx;
	makecontext(&co_ctx[i], (void (*)(void))worker, 1, i);
	alive[i] = 1;
}

/* entered by setcontext; returns to main's getcontext through uc_link */
static void once(void)
{
	busy(1);
}

static __attribute__((noinline)) void after(void)
{
	busy(2);
}

static void schedule(void)
{
	for (int round = 0; alive[0] || alive[1] || alive[2]; round++)
		for (cur = 0; cur < 3; cur++)
			if (alive[cur])
				swapcontext(&sched_ctx, &co_ctx[cur]);
}

int main(void)
{
	int sum = 0;

	getcontext(&gen_ctx);
	gen_ctx.uc_stack.ss_sp = gen_stack;
	gen_ctx.uc_stack.ss_size = sizeof gen_stack;
	gen_ctx.uc_link = &main_ctx;
	makecontext(&gen_ctx, generator, 0);
	while (!gen_done) {
		swapcontext(&main_ctx, &gen_ctx);
		if (!gen_done)
			sum += cur_value;
	}
	printf("sum %d\n", sum);
	for (int i = 0; i < 3; i++)
		start(i);
	schedule();
	/* worker 0 again, on its finished stack */
	start(0);
	schedule();
	getcontext(&back_ctx);
	if (!back_done) {
		back_done = 1;
		getcontext(&co_ctx[1]);
		co_ctx[1].uc_stack.ss_sp = co_stacks[1];
		co_ctx[1].uc_stack.ss_size = sizeof co_stacks[1];
		co_ctx[1].uc_link = &back_ctx;
		makecontext(&co_ctx[1], once, 0);
		setcontext(&co_ctx[1]);
	}
	after();
	puts("done");
	return 0;
}
