// ev10_casts.cc - C++ objects with a virtual base, a non-primary base and
// a non-polymorphic one: members of the virtual base by name, casts to
// base and derived classes (objects, references, pointers) as gdb's print
// evaluates them (src_ev10_eval.sh; ev10_casts_o2.cc is this at -O2).
#include <cstdio>
struct Animal {
	int legs = 4;
	virtual ~Animal() {}
	virtual int speak() const { return legs; }
};
struct Pet : virtual Animal {
	int tag = 7;
	int speak() const override
	{
		return 1 + legs; /* line: pet-speak */
	}
};
struct Worker : virtual Animal {
	int jobs = 3;
};
struct Dog : Pet, Worker {
	double weight = 12.5;
	int speak() const override { return Pet::speak() * 2; }
};
struct Named {
	const char *name;
	Named(const char *n) : name(n) {}
	virtual ~Named() {}
};
struct Sized {
	int size;
	Sized(int s) : size(s) {}
	virtual ~Sized() {}
};
struct Box : Named, Sized {
	int w, h;
	Box(int w_, int h_) : Named("box"), Sized(w_ * h_), w(w_), h(h_) {}
};
struct Cube : Box {
	int d;
	Cube(int s) : Box(s, s), d(s) {}
};
struct P0 { int z = 1; };
struct P1 { int a = 2; };
struct Both : P0, P1 { int b = 3; };
struct Holder {
	int pad;
	Dog d;
};

static Dog *g_dog;

__attribute__((noipa)) static int legs_of(const Worker &w, Sized *s)
{
	return w.legs * 10 + s->size; /* line: legs-of */
}

int main()
{
	Dog d;
	Box b(2, 3);
	Cube c(4);
	Both both;
	Holder h;
	h.d.legs = 6;
	g_dog = &h.d;
	Animal &a = d;
	Sized *ps = &b, *pc = &c, *pnull = 0;
	P1 *p1 = &both;
	Pet *pp = &h.d;
	int s = a.speak() + legs_of(h.d, pc) + g_dog->tag;
	std::printf("%d %d %d %d\n", s, pnull != 0, p1->a, pp->tag); /* line: main-print */
	return 0;
}
