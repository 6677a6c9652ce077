/* c2_b.c - see c2_a.c */
#include "c2_h.h"
#include "c2_hb.h"
extern volatile int vs;

int run_b(int n)
{
	int s = 0;

	for (int i = 0; i < n; i++)
		s += hb_twice(hsq(i + vs));
	return s;
}
