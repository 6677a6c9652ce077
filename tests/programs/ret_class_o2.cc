// ret_class_o2.cc - ret_class.cc at -O2 (the constructors inlined into the
// functions that return the objects).
#include "ret_class.cc"
