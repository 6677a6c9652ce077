// cpp_chars.cc - C++ character types for src_oracle_cpp: wchar_t, char16_t,
// char32_t (and char8_t when built -std=c++20, as the test does) as
// characters, arrays and pointers: 65 L'A', L"ab", u"xy", U"z".
#include <cstdio>

int main()
{
	const wchar_t *w = L"hi";
	wchar_t wa[4] = L"ab";
	const char16_t *u16 = u"xy";
	char32_t u32[3] = U"z";
	char16_t c16 = u'B';
	wchar_t wn = L'\n';
#if __cplusplus > 201703L
	const char8_t *u8 = u8"q";
	char8_t c8 = u8'r';
#else
	const char *u8 = "q";
	char c8 = 'r';
#endif
	signed char sca[3] = "k";
	unsigned char uca[3] = "m";
	std::printf("%p\n", (const void *)w);
	return (wa[0] + u16[0] + u32[0] + c16 + wn + u8[0] + c8 + sca[0] + uca[0]) == 0;
}
