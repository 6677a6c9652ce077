/* flow_threads.c - main and two workers take turns (a mutex and a
 * condition variable pass a token round the three threads), so their
 * time slices interleave: switching threads in the UI shows each one's
 * own registers, stack and memory at its rsp. */
#include <pthread.h>
#include <stdio.h>

#define ROUNDS 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_cv = PTHREAD_COND_INITIALIZER;
static int turn;
static long sums[3];

static void take_turns(int me)
{
	for (int r = 0; r < ROUNDS; r++) {
		volatile long local = 1000 * (me + 1) + r; /* on this thread's stack */

		pthread_mutex_lock(&lock);
		while (turn % 3 != me)
			pthread_cond_wait(&turn_cv, &lock);
		sums[me] += local;
		turn++;
		pthread_cond_broadcast(&turn_cv);
		pthread_mutex_unlock(&lock);
	}
}

static void *worker(void *arg)
{
	take_turns((int)(long)arg);
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;

	pthread_create(&t1, NULL, worker, (void *)1L);
	pthread_create(&t2, NULL, worker, (void *)2L);
	take_turns(0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	printf("%ld %ld %ld\n", sums[0], sums[1], sums[2]);
	return 0;
}
