/* recursive.c - recursion for the source-level oracle tests (gdb vs Hindsight).
 *
 * Builds a binary search tree by recursive insertion (the key 43 goes 7
 * levels deep), measures its height and the sum of its nodes' depths
 * recursively, and computes 10! recursively.  Deterministic, no address
 * or environment in any value that the tests compare (the nodes live in
 * a static pool; pointers are only compared as "a pointer").
 */
#include <stdio.h>

struct node {
	int key;
	struct node *left;
	struct node *right;
};

static struct node pool[16];
static int n_used;

static struct node *insert(struct node *root, int key)
{
	if (root == NULL) {
		struct node *n = &pool[n_used++];
		n->key = key;
		n->left = NULL;
		n->right = NULL;
		return n;
	}
	if (key < root->key)
		root->left = insert(root->left, key);
	else
		root->right = insert(root->right, key);
	return root;
}

static int height(const struct node *n)
{
	if (n == NULL)
		return 0;
	int l = height(n->left);
	int r = height(n->right);
	return 1 + (l > r ? l : r);
}

static long sum_depths(const struct node *n, int depth)
{
	if (n == NULL)
		return 0;
	long s = depth;
	s += sum_depths(n->left, depth + 1);
	s += sum_depths(n->right, depth + 1);
	return s;
}

static unsigned long factorial(unsigned int k)
{
	if (k <= 1)
		return 1;
	return k * factorial(k - 1);
}

int main(void)
{
	static const int keys[] = { 50, 30, 70, 20, 40, 60, 80, 45, 42, 44, 43 };
	int n_keys = sizeof keys / sizeof keys[0];
	struct node *root = NULL;

	for (int i = 0; i < n_keys; i++)
		root = insert(root, keys[i]);
	int h = height(root);
	long total = sum_depths(root, 0);
	unsigned long f = factorial(10);
	printf("height %d, depth sum %ld, 10! = %lu\n", h, total, f);
	return h == 7 ? 0 : 1;
}
