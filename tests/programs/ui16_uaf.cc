/* ui16_uaf.cc - a use after free through a std::vector iterator: `it`
 * points into the vector's first buffer, which push_back frees when it
 * grows (the PUSH line); the read through it (the USE line) reads freed
 * memory.  `stock` lies past the 16 bytes a free()d chunk's tcache links
 * overwrite, so its stale value is the program's own (7), natively and
 * recorded.
 * The expression box's *it, it->stock and items[2].qty, and the heap
 * history of the freed block (tests/browser/flow_ui.mjs, ui_flow.sh). */
#include <cstdio>
#include <vector>

struct Item {
	int id;
	int qty;
	double price;
	long pad[2];
	int stock;
};

static int total(const std::vector<Item> &v)
{
	int s = 0;

	for (const Item &i : v)
		s += i.qty;
	return s;
}

int main()
{
	std::vector<Item> items;

	items.push_back({ 1, 5, 2.5, { 0, 0 }, 7 });
	auto it = items.begin();
	for (int k = 2; k < 6; k++)
		items.push_back({ k, k * 3, k * 1.5, { 0, 0 }, k }); /* PUSH_LINE */
	int stale = it->stock; /* USE_LINE */
	std::printf("%d %d\n", stale, total(items));
	return 0;
}
