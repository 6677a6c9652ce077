/* inl2_util.h - a static inline helper in a header, inlined into the
 * inl2_* test programs at -O2 (its lines are the header's). */
#ifndef INL2_UTIL_H
#define INL2_UTIL_H

extern volatile int inl2_sink;

static inline int inl2_clamp(int v, int lo, int hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	inl2_sink = v;
	return v;
}

#endif
