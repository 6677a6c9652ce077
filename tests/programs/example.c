/* example.c - Hindsight's demo: a small ledger whose books do not balance (a real bug). */
/*
 * The program opens four accounts, applies a list of transactions, renames
 * one account holder, and then checks that the ledger's total equals the
 * sum of every transaction.  It does not: the total is off by a few cents.
 *
 * The bug (for the demo; do not fix it): copy_name() truncates a long name
 * to sizeof owner bytes and then writes the terminating NUL one byte past
 * the end of `owner`.  That byte is the lowest byte of `balance`, the
 * neighbouring field, so renaming "Alexandria Okonkwo-Smith" silently
 * clears the low byte of her balance.  Ask Hindsight where the balance's
 * value was last written and it points at the `dst[n] = '\0'` line.
 */
#include <stdio.h>
#include <string.h>

struct account {
	char owner[16];
	long balance;		/* in cents */
	int id;
};

struct txn {
	int account;		/* index into the ledger */
	long amount;		/* cents; negative for a withdrawal */
};

static struct account ledger[4];

/* Copy a name into a fixed-size field, truncating it if it is too long. */
static void copy_name(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n > size)
		n = size;	/* BUG: leaves no room for the terminator */
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
	dst[n] = '\0';		/* writes dst[size] for a long name */
}

static void open_account(int i, const char *owner, long deposit)
{
	ledger[i].id = 1001 + i;
	copy_name(ledger[i].owner, sizeof ledger[i].owner, owner);
	ledger[i].balance = deposit;
}

static void rename_account(int i, const char *owner)
{
	copy_name(ledger[i].owner, sizeof ledger[i].owner, owner);
}

static long apply(const struct txn *t, int n)
{
	long sum = 0;

	for (int i = 0; i < n; i++) {
		ledger[t[i].account].balance += t[i].amount;
		sum += t[i].amount;
	}
	return sum;
}

static void print_ledger(void)
{
	for (int i = 0; i < 4; i++)
		printf("  %d  %-16s %8ld.%02ld\n", ledger[i].id, ledger[i].owner,
		       ledger[i].balance / 100, ledger[i].balance % 100);
}

int main(void)
{
	static const struct txn txns[] = {
		{ 0, 125075 }, { 1, -2250 }, { 2, 98010 }, { 3, 4420 },
		{ 0, -13999 }, { 2, 10101 }, { 1, 77777 }, { 3, -1200 },
	};
	long expected, total = 0;

	open_account(0, "Ada Lovelace", 5000);
	open_account(1, "Grace Hopper", 12000);
	open_account(2, "Alan Turing", 700);
	open_account(3, "Edsger Dijkstra", 3300);
	expected = 5000 + 12000 + 700 + 3300;
	expected += apply(txns, (int)(sizeof txns / sizeof txns[0]));

	/* A legal name change: the new name is longer than the field. */
	rename_account(0, "Alexandria Okonkwo-Smith");

	print_ledger();
	for (int i = 0; i < 4; i++)
		total += ledger[i].balance;
	printf("ledger total:      %8ld.%02ld\n", total / 100, total % 100);
	printf("transactions sum:  %8ld.%02ld\n", expected / 100, expected % 100);
	if (total != expected)
		fprintf(stderr, "warning: the books do not balance (off by %ld cents)\n",
			expected - total);
	return 0;
}
