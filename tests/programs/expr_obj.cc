// expr_obj.cc - expressions in C++ (tests/e2e/src_oracle_expr.sh): an object
// with a base class, members through `this`, a reference, a reference to
// a const array.
#include <cstdio>

struct Shape {
	int id;
	const char *kind;
	Shape(int i, const char *k) : id(i), kind(k) {}
};

struct Box : Shape {
	int w, h;
	Box *inner;
	Box(int i, int ww, int hh, Box *in) : Shape(i, "box"), w(ww), h(hh), inner(in) {}
	int area() const
	{
		int a = w * h;
		return a; // line: area-ret
	}
};

static const int sizes[3] = { 4, 5, 6 };

static int use(Box &b, const Shape &s)
{
	const int (&sz)[3] = sizes;
	int total = b.area() + s.id + sz[1];
	return total; // line: use-ret
}

int main()
{
	Box small(1, 2, 3, nullptr);
	Box big(2, 10, 20, &small);
	int r = use(big, small);
	std::printf("%d\n", r);
	return 0;
}
