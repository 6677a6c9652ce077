/* step_hinline.h - static inline helpers in a header, inlined at -O2 by
 * step_hinline.c: sq's two copies in mix interleave, so the first one's
 * code starts again after the second one's (gdb shows mix there, the
 * copy hidden, and its `step` goes on). */
static inline int clampi(int v, int lo, int hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

static inline int sq(int x)
{
	return x * x;
}

static inline int mix(int a, int b)
{
	int s = sq(a) + sq(b);
	return clampi(s, 0, 1000);
}
