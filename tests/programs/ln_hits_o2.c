/* ln_hits_o2.c - ln_hits.c at -O2. */
#include "ln_hits.c"
