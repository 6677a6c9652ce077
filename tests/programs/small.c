/* small.c - a few hundred thousand instructions of plain stores, for exact comparison with lackey. */
#include <stdio.h>
#include <string.h>

struct point {
	int x, y;
	double weight;
	char tag[12];
};

static int squares[256];
static unsigned char bytes[1000];
static struct point points[16];

int main(void)
{
	char copy[1000];
	struct point p;
	unsigned long check = 0;

	for (int i = 0; i < 256; i++)
		squares[i] = i * i;
	for (int i = 0; i < 1000; i++)
		bytes[i] = (unsigned char)(i * 31 + 7);
	for (int i = 0; i < 16; i++) {
		points[i].x = i;
		points[i].y = -i;
		points[i].weight = i / 4.0;
		memset(points[i].tag, 'a' + i, sizeof points[i].tag - 1);
		points[i].tag[sizeof points[i].tag - 1] = '\0';
	}
	memcpy(copy, bytes, sizeof copy);
	p = points[5];		/* a struct copy */
	points[0] = p;
	for (int i = 0; i < 1000; i++)
		check = check * 33 + copy[i];
	for (int i = 0; i < 256; i++)
		check += (unsigned long)squares[i];
	printf("check %lu, p.x %d, p.tag %s, weight %.2f\n", check, points[0].x,
	       points[0].tag, points[0].weight);
	return 0;
}
