// main.cc - cpp_decl: values of classes this unit only declares, whose
// definitions are in another unit (Gadget) and in a library (ns::Widget,
// ns::Box<unsigned long>): gdb finds them there.
#include "decl.h"
int main()
{
	ns::Widget w(3);
	ns::Box<unsigned long> bx(7);
	Gadget g(5);
	g.w = &w;
	return w.a + (int)bx.v + g.s == 0;
}
