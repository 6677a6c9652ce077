/* flow_uaf_o2.c - flow_uaf.c at -O2 (flow_heap_gdb.sh). */
#include "flow_uaf.c"
