// u16_std_o2.cc - u16_std.cc at -O2 (the Makefile builds *_o2.cc so): containers
// optimized, kept in memory by use(); src_u16_std.sh compares both with gdb.
#include "u16_std.cc"
