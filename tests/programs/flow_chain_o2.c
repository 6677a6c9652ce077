/* flow_chain_o2.c - flow_chain.c at -O2 (values passed in registers). */
#include "flow_chain.c"
