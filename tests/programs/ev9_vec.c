/* ev9_vec.c - $xmm registers in eval/ (src_ev9_eval.sh): known bytes put
 * in xmm2 (floats) and xmm3 (halves, an infinity, a NaN) before a line. */
static float f[4] = { 1.5f, -2.25f, 3.1f, 1e-3f };
static unsigned char h[16] = { 0x00, 0x3c, 0x55, 0x35, 0xff, 0x7b, 0x01, 0x80,
			       0x80, 0x3f, 0x49, 0x40, 0x00, 0x7c, 0x00, 0xff };

int main(void)
{
	__asm__ volatile("movups %0, %%xmm2\n\tmovups %1, %%xmm3" : : "m"(f), "m"(h)
			 : "xmm2", "xmm3");
	__asm__ volatile("nop"); /* line: vec */
	return 0;
}
