/* threads.c - four pthreads update shared data under a mutex; the result is deterministic. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 4
#define PER_THREAD 2000

struct shared {
	pthread_mutex_t lock;
	long sum;		/* sum of every value any thread produced */
	long hist[8];		/* how many values fell in each bucket */
};

static struct shared shared = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void *worker(void *arg)
{
	long id = (long)arg;

	for (long i = 0; i < PER_THREAD; i++) {
		long v = (i * 7 + id * 13) % 1000;

		pthread_mutex_lock(&shared.lock);
		shared.sum += v;
		shared.hist[v % 8]++;
		pthread_mutex_unlock(&shared.lock);
	}
	return (void *)(id * 100);
}

int main(void)
{
	pthread_t tid[NTHREADS];
	long rets = 0;

	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&tid[i], NULL, worker, (void *)i) != 0) {
			perror("pthread_create");
			return 1;
		}
	for (int i = 0; i < NTHREADS; i++) {
		void *ret;

		pthread_join(tid[i], &ret);
		rets += (long)ret;
	}
	printf("threads: %d\n", NTHREADS);
	printf("sum: %ld\n", shared.sum);
	for (int b = 0; b < 8; b++)
		printf("bucket %d: %ld\n", b, shared.hist[b]);
	printf("joined, return values sum to %ld\n", rets);
	return 0;
}
