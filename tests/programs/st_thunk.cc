// st_thunk.cc - step-into a virtual call through C++ thunks: a secondary
// base's non-virtual thunk, a virtual base's virtual thunk and a
// covariant return's thunk; gdb's step skips them (gnuv3_skip_trampoline).
struct Shape {
	virtual ~Shape() {}
	virtual int area() const = 0;
};
struct Named {
	virtual ~Named() {}
	virtual int id() const { return 1; }
};
struct Box : Named, Shape {
	int w = 3, h = 4;
	int area() const override
	{
		return w * h;
	}
};
struct Base {
	int legs = 4;
	virtual ~Base() {}
	virtual int speak() const { return legs; }
	virtual Base *self() { return this; }
};
struct Mid : virtual Base {
	int extra = 2;
	int speak() const override
	{
		return legs + extra;
	}
};
struct Leaf : Named, Mid {
	Leaf *self() override
	{
		return this;
	}
};

static int total(const Shape &s)
{
	return s.area();
}

int main()
{
	Box b;
	Leaf l;
	Base &a = l;
	int n = total(b);
	n += a.speak();
	Base *p = a.self();
	n += p->legs;
	return n > 100;
}
