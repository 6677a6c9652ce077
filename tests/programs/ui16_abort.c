/* ui16_abort.c - a failed assert() in check(): SIGABRT is raised inside
 * the C library (pthread_kill), so the crash banner also names the
 * program's own frame, check() on the ASSERT line, and the assertion's message
 * (tests/browser/flow_ui.mjs, ui_flow.sh). */
#include <assert.h>
#include <stdio.h>

static int check(int n)
{
	assert(n < 3); /* ASSERT_LINE */
	return n;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 5; i++)
		s += check(i);
	printf("%d\n", s);
	return 0;
}
