// other.cc - cpp_decl's second unit: defines Gadget.
#include "decl.h"
Gadget::Gadget(short x) : s(x), w(nullptr) {}
