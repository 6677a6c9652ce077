/* ln_hdr.h - a line in a header used by two functions (ln_hits.c). */
static inline int ln_twice(int v)
{
	return v * 2 + 1;
}
