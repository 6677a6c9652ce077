/* cpp_enums.c - enum values no enumerator names, for src_oracle_cpp: gdb
 * takes a "flag enum" (no negative values, disjoint bits) apart,
 * "(GREEN | BLUE)", "(FA | unknown: 0x8)", and prints others as numbers. */
#include <stdio.h>

enum color { RED, GREEN, BLUE };
enum flags { FA = 1, FB = 2, FC = 4 };
enum seq { S1 = 1, S2 = 2, S3 = 3 };
enum neg { NA = -1, NB = 2 };

int main(void)
{
	enum color c = (enum color)3, c5 = (enum color)5, c0 = RED;
	enum flags f = (enum flags)3, f8 = (enum flags)8, f0 = (enum flags)0;
	enum flags f9 = (enum flags)9, fall = (enum flags)-1;
	enum seq s = (enum seq)7;
	enum neg n = (enum neg)5, nn = (enum neg)-7;

	printf("%d\n", c + c5 + c0 + f + f8 + f0 + f9 + fall + s + n + nn);
	return 0;
}
