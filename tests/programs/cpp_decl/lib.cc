// lib.cc - the shared library of cpp_decl: defines ns::Widget and
// ns::Box<unsigned long> (built by g++: "Box<long unsigned int>").
#include "decl.h"
ns::Widget::Widget(int x) : a(x), b(2L * x) {}
template <typename T> ns::Box<T>::Box(T x) : v(x), p(&v) {}
template struct ns::Box<unsigned long>;
