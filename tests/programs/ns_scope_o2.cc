// ns_scope_o2.cc - ns_scope.cc at -O2
#include "ns_scope.cc"
