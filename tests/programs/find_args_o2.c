/* find_args_o2.c - find_args.c at -O2 (the Makefile builds *_o2.c so). */
#include "find_args.c"
