/* ui16_forkcrash.c - the parent exits 0, its fork child dies of SIGSEGV
 * inside strlen(NULL), called from bad(): viewing the parent, the banner
 * says another process was killed and links to it; there it names the
 * fault address (NULL: 0x0) and bad()'s line (tests/browser/flow_ui.mjs). */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int bad(const char *s)
{
	return (int)strlen(s); /* BAD_LINE */
}

int main(void)
{
	int st = 0;
	pid_t p = fork();

	if (p == 0)
		return bad(NULL);
	waitpid(p, &st, 0);
	printf("child status %d\n", st);
	return 0;
}
