/* step_oneline_o2.c - step_oneline.c built at -O2 (the Makefile's *_o2 rule). */
#include "step_oneline.c"
