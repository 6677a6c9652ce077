/* plib2.c - another build of libplib.so: rec_pack.sh puts it over the
 * packed one, which must change no answer. */
#include "plib.h"

static int twice(int v)
{
	return v + v;
}

int plib_scale(int x)
{
	int k = twice(x) - 1;
	int unused = 5;

	return k + unused;
}
