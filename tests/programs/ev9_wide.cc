// ev9_wide.cc - wide char arrays in eval/ under gdb's default print
// settings (src_ev9_eval.sh): NULs inside, runs, the L/u/U prefix once.
#include <wchar.h>

static wchar_t wa[20] = L"hello";
static char16_t u16[16] = u"ab\0cd";
static char32_t u32[24] = U"xyz";
static wchar_t wr[30];

int main()
{
	for (int i = 0; i < 15; i++)
		wr[i] = L'q';
	wr[16] = L'z';
	return wa[0] == 0; // line: wide
}
