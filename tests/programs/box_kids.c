/* box_kids.c - N children (argv[1], default 20), each touching MB MiB
 * (argv[2], default 50; one byte a page, so that every page is resident)
 * and holding it for 3 s: each child stays far under any per-process
 * limit (RLIMIT_AS), all of them together do not.  Prints how many
 * children touched their share. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20, mb = argc > 2 ? atoi(argv[2]) : 50, ok = 0;
	size_t len = (size_t)mb << 20;

	for (int i = 0; i < n; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("fork");
			break;
		}
		if (p == 0) {
			char *m = malloc(len);

			if (!m)
				_exit(2);
			for (size_t o = 0; o < len; o += 4096)
				m[o] = 1;
			sleep(3);
			_exit(0);
		}
	}
	for (int i = 0; i < n; i++) {
		int st;

		if (wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	printf("children that touched %d MiB: %d of %d\n", mb, ok, n);
	return 0;
}
