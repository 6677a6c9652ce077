// ev10_casts_o2.cc - ev10_casts.cc at -O2 (src_ev10_eval.sh)
#include "ev10_casts.cc"
