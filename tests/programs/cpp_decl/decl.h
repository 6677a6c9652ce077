// decl.h - classes whose DWARF clang writes only where their constructor
// (or their explicit instantiation) is: for cpp_decl (src_oracle_cpp).
namespace ns {
struct Widget { Widget(int); int a; long b; };
template <typename T> struct Box { Box(T); T v; const T *p; };
extern template struct Box<unsigned long>;
}
struct Gadget { Gadget(short); short s; ns::Widget *w; };
