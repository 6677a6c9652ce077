/* plib.c - the private library of tests/e2e/rec_pack.sh (loaded by rpath,
 * its debug info split off into libplib.so.debug). */
#include "plib.h"

int plib_scale(int x)
{
	int k = x * 3;

	k += PLIB_BIAS;
	return k;
}
