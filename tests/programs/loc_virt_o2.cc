// loc_virt_o2.cc - locals at -O2 (src_locals_gdb): a loop over virtual
// calls inlined into main (gdb lists the copy's nested-block variables
// its abstract origin holds as <optimized out>), shadowed names, a
// constant gdb keeps as bytes (not in info locals), a value at a
// function's entry from an empty location-list entry, a double computed
// by a typed DWARF expression (DW_OP_regval_type, DW_OP_deref_type).
#include <cstdio>
#include <vector>

struct Shape {
	virtual ~Shape() {}
	virtual double area() const = 0;
	virtual const char *name() const = 0;
};
struct Sq : Shape {
	double s;
	Sq(double x) : s(x) {}
	double area() const override { return s * s; }
	const char *name() const override { return "sq"; }
};
struct Ci : Shape {
	double r;
	Ci(double x) : r(x) {}
	double area() const override { double k = 3.0; return k * r * r; }
	const char *name() const override { return "ci"; }
};

static double total(const std::vector<Shape *> &v, double scale)
{
	double sum = 0;
	for (int i = 0; i < (int)v.size(); i++) {
		double a = v[i]->area();
		if (a > 2) {
			double big = a * scale;
			printf("%s big %g\n", v[i]->name(), big); // BIG
			sum += big;
		} else {
			double sum = a;
			printf("%s small %g\n", v[i]->name(), sum); // SMALL
		}
	}
	return sum;
}

__attribute__((noinline)) static double calc(int n)
{
	const int ci = 7;
	const double cd = 2.5;
	double acc = 0;
	for (int i = 0; i < n; i++) {
		const long big = -5;
		acc += ci * i + cd + big;
		printf("calc %g\n", acc); // CALC
	}
	return acc;
}

int main()
{
	std::vector<Shape *> v;
	v.push_back(new Sq(2));
	v.push_back(new Ci(0.5));
	v.push_back(new Sq(3));
	double t = total(v, 2.0);
	t += calc(3); // at calc's return t is xmm0 plus a double in memory
	printf("total %g\n", t); // TOTAL
	for (Shape *s : v)
		delete s;
	return 0;
}
