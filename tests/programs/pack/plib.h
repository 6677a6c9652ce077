#define PLIB_BIAS 7
int plib_scale(int x);
