/* c2_h.h - a static function in a header that two files include (src_c2_short.sh) */
static inline int hsq(int x)
{
	return x * x + 1;
}
