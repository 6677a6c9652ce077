/* c2_hb.h - a header only c2_b.c includes (src_c2_short.sh) */
static inline int hb_twice(int x)
{
	return 2 * x;
}
