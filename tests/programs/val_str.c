/* val_str.c - char * and wchar_t * strings as gdb's print shows them:
 * runs of more than 10 equal chars as <repeats N times>, the 200-char
 * limit, "..." (tests/e2e/src_val_eval.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <wchar.h>

static char big[400];
static wchar_t wbig[300];
const char *g_msg = "hello";

int main(void)
{
	char *p50 = big, *p250 = big + 100, *mixed = malloc(64), *edge = malloc(256);
	char *r10 = malloc(32), *r11 = malloc(32), *p200 = malloc(256), *p201 = malloc(256);
	wchar_t *w = wbig, *wmix = malloc(64 * sizeof(wchar_t));
	const char *empty = "";
	/* strings that run into unmapped memory: gdb prints what it read,
	 * then the error, and no "..." when the 200th char is the last */
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *end5 = m + 4096 - 5, *end30 = m + 4096 - 30, *end200 = m + 4096 - 200;
	char *end230 = m + 4096 - 230, *unmapped = m + 4096;

	munmap(m + 4096, 4096);
	memset(m, 'b', 4096 - 30);
	memset(m + 4096 - 30, 'a', 30);

	memset(big, 'x', 50);
	memset(big + 100, 'y', 250);
	strcpy(mixed, "ab");
	memset(mixed + 2, '-', 20);
	strcpy(mixed + 22, "cd");
	memset(mixed + 24, 'z', 12);
	mixed[36] = 0;
	memset(r10, 'q', 10);
	r10[10] = 0;
	memset(r11, 'q', 11);
	r11[11] = 0;
	memset(p200, 'a', 200);
	p200[200] = 0;
	memset(p201, 'b', 190);
	memcpy(p201 + 190, "0123456789X", 12);
	for (int i = 0; i < 199; i++)
		edge[i] = (char)('a' + i % 3);
	memset(edge + 199, 'k', 20);
	edge[219] = 0;
	for (int i = 0; i < 250; i++)
		wbig[i] = L'w';
	wcscpy(wmix, L"AB");
	for (int i = 2; i < 30; i++)
		wmix[i] = L'.';
	wmix[30] = L'Z';
	wmix[31] = 0;
	printf("%s %s %s %s %s %ls %ls %s %s %s %s %c%c%c%c %p\n", p50, p250, mixed, /* line: str-stop */
	       r10, r11, w, wmix, p200, p201, edge, empty, *end5, *end30, *end200, *end230,
	       (void *)unmapped);
	return 0;
}
