// cpp_objects.cc - C++ objects for the source-level oracle (src_oracle_cpp):
// single, multiple and virtual inheritance, static members, std::vector and
// std::string members, references, pointers to members, enum class, bool,
// in-class one-line methods and `this`.
#include <cstdio>
#include <string>
#include <vector>

enum class Color : short { Red = 1, Green = 2, Blue = 4 };

struct Base {
	int id;
	static int count;
	bool alive;
	int get() const { return id; }
};
int Base::count = 3;

struct Named {
	const char *name;
	Color color;
};

struct Fruit : Base, Named {
	double weight;
	std::vector<int> seeds;
	std::string label;
	int price() const { return id * 10 + (int)weight; }
};

struct Animal {
	int legs;
	virtual ~Animal() {}
	virtual int speak() const { return legs; }
};
struct Pet : virtual Animal {
	int tame;
	int speak() const override { return tame + legs; }
};
struct Dog : Pet {
	long bones;
};

struct Item {
	int qty;
	float cost;
};

static long quote(const Item &it, long extra)
{
	long total = it.qty * (long)it.cost + extra;
	return total;
}

static int weigh(Fruit &f, int Fruit::*field, double Fruit::*wfield)
{
	int v = f.*field;
	double w = f.*wfield;
	return v + (int)w;
}

int main()
{
	Fruit apple;
	apple.id = 7;
	apple.alive = true;
	apple.name = "apple";
	apple.color = Color::Green;
	apple.weight = 1.5;
	apple.seeds.push_back(3);
	apple.seeds.push_back(5);
	apple.label = "red";
	Fruit &ref = apple;
	Base *bp = &apple;
	Dog rex;
	rex.legs = 4;
	rex.tame = 1;
	rex.bones = 9;
	Item it = {2, 2.5f};
	long q = quote(it, 4);
	int w = weigh(ref, &Fruit::id, &Fruit::weight);
	int p = apple.price() + bp->get() + rex.speak();
	std::printf("%ld %d %d\n", q, w, p);
	return 0;
}
