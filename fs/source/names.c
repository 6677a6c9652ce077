/* names.c - fs/source: C++ names as gdb shows them and as users type them.
 *
 * Symbols of C++ functions are mangled ("_ZNK5Fruit5priceEv").  gdb shows
 * three forms of one function, and so do we:
 *   - the signature, the demangled symbol: "Fruit::price() const"
 *     (gdb's name of a function without debug info, in bt and <sym+off>);
 *   - the break name, the signature without return type, parameters and
 *     qualifiers: "Fruit::price" (gdb's frame name of a function with
 *     DWARF, and what a user types to `break`);
 *   - the linkage name, the symbol itself.
 * Demangling is the C++ ABI's __cxa_demangle from libstdc++ (the runtime
 * every C++ program uses; gdb uses the same libiberty code).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_i.h"
#include "hindsight/util.h"
#include "cexpr_i.h" /* cx_gdb_names */

/* libstdc++'s demangler (cxxabi.h; C linkage).  Returns a malloc'd string
 * or NULL with *status != 0. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

static bool ident_char(char ch);

/* gdb demangles with DMGL_VERBOSE: the ABI's abbreviations of the
 * standard streams and the old string ("So", "Ss") are spelled out, where
 * __cxa_demangle writes "std::ostream".  Returns d or a new string (d
 * freed); NULL on ENOMEM. */
static char *verbose_std(char *d)
{
	static const char *const abbr[][2] = {
		{ "std::string", "std::basic_string<char, std::char_traits<char>, "
				 "std::allocator<char> >" },
		{ "std::istream", "std::basic_istream<char, std::char_traits<char> >" },
		{ "std::ostream", "std::basic_ostream<char, std::char_traits<char> >" },
		{ "std::iostream", "std::basic_iostream<char, std::char_traits<char> >" },
	};
	size_t i;

	for (i = 0; i < sizeof abbr / sizeof abbr[0]; i++) {
		size_t k = strlen(abbr[i][0]), v = strlen(abbr[i][1]);
		char *p = d;

		while ((p = strstr(p, abbr[i][0]))) {
			char *nd;
			size_t sp;
			size_t at = (size_t)(p - d), len = strlen(d);

			if ((at && (ident_char(p[-1]) || p[-1] == ':')) || ident_char(p[k])) {
				p += k;
				continue;
			}
			/* "> >", as the demangler writes two closing brackets */
			sp = p[k] == '>';
			nd = malloc(len - k + v + sp + 1);
			if (!nd) {
				free(d);
				return NULL;
			}
			memcpy(nd, d, at);
			memcpy(nd + at, abbr[i][1], v);
			if (sp)
				nd[at + v] = ' ';
			memcpy(nd + at + v + sp, p + k, len - at - k + 1);
			free(d);
			d = nd;
			p = d + at + v + sp;
		}
	}
	return d;
}

char *src_demangle(const char *name)
{
	int status = 0;
	char *d;

	if (!name || strncmp(name, "_Z", 2))
		return NULL;
	d = __cxa_demangle(name, NULL, NULL, &status);
	if (status) {
		free(d);
		return NULL;
	}
	return verbose_std(d);
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_';
}

/* At p, right after the word "operator": the length of the operator's
 * symbol ("()", "<<=", "[]", " new"), so that its brackets are not taken
 * for a template or a parameter list. */
static size_t operator_len(const char *p)
{
	/* longest first: "operator-<int*>" is operator- and a template
	 * argument list (the demangler writes "operator< <int>") */
	static const char *const ops[] = {
		"<<=", ">>=", "<=>", "->*", "<<", ">>", "<=", ">=", "==", "!=",
		"&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "^=", "&=",
		"|=", "->", "()", "[]", "<", ">", "=", "!", "+", "-", "*", "/",
		"%", "^", "&", "|", "~", ",",
	};
	size_t i;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strncmp(p, ops[i], strlen(ops[i])))
			return strlen(ops[i]);
	return 0;
}

/* True when the name before p ends with the word "operator". */
static bool after_operator(const char *start, const char *p)
{
	return p - start >= 8 && !strncmp(p - 8, "operator", 8) &&
	       (p - start == 8 || !ident_char(p[-9]));
}

/* At p, right after the word "operator": the length of the operator's
 * own characters, its symbol and the space the demangler writes between
 * it and a template argument list ("operator< <char>", "operator<< <T>");
 * a user-defined literal's quotes and suffix ("operator\"\" _km").  0 for
 * a conversion operator or new/delete (" int", " new[]": a space and a
 * type or word, name_bounds keeps them). */
static size_t operator_symbol_len(const char *p)
{
	size_t k = operator_len(p);

	if (k)
		return k + (p[k] == ' ' && p[k + 1] == '<');
	if (strncmp(p, "\"\"", 2))
		return 0;
	k = 2 + (p[2] == ' ');
	while (ident_char(p[k]))
		k++;
	return k;
}

/* At p, a "decltype" return type's operand (after "decltype" and its
 * space, '(' at p: "decltype ((f<T>)(0)) std::operator<=><...>(...)"):
 * its length, 0 when p is no such operand. */
static size_t decltype_len(const char *start, const char *p)
{
	const char *q = p;
	int depth = 0;

	if (*p != '(')
		return 0;
	if (q > start && q[-1] == ' ')
		q--;
	if (q - start < 8 || strncmp(q - 8, "decltype", 8) || (q - start > 8 && ident_char(q[-9])))
		return 0;
	for (q = p; *q; q++) {
		depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
		if (!depth)
			return (size_t)(q - p) + 1;
	}
	return 0;
}

/* Where the name in a demangled signature starts (after a template
 * function's return type) and where it ends (its parameter list, or the
 * end).  A function of a local class or a lambda is named in its
 * function's scope ("f(int)::L::g(int)", "f(int)::{lambda(int)#1}::
 * operator()(int) const"): gdb's `break` takes what follows that scope,
 * with a lambda's class left out ("L::g", "operator()"); *local says the
 * name had such a scope (its frame name may be the whole signature:
 * src_name_local's callers). */
static const char *name_bounds(const char *sig, const char **endp, bool *local,
			       const char **after_ret)
{
	/* the demangler's special names keep their words: "virtual thunk
	 * to Pet::speak" is no return type and a name (gdb's `break speak`
	 * finds the thunk, `break Pet::speak` does not) */
	static const char *const special[] = {
		"virtual thunk to ", "non-virtual thunk to ",
		"covariant return thunk to ", "construction vtable for ",
		"vtable for ", "VTT for ", "typeinfo for ", "typeinfo name for ",
		"guard variable for ", "TLS init function for ",
		"TLS wrapper function for ", "transaction clone for ",
	};
	const char *p, *name = sig, *end = NULL, *open = NULL;
	int angle = 0, paren = 0, brace = 0;
	bool conv = false;
	size_t i, skip = 0;

	for (i = 0; i < sizeof special / sizeof special[0] && !skip; i++)
		if (!strncmp(sig, special[i], strlen(special[i])))
			skip = strlen(special[i]);
	/* main's mangled name has no parameters, nor its local scope:
	 * "main::{lambda(int)#1}::operator()(int) const" */
	p = sig + skip;
	if (!strncmp(p, "main::", 6)) {
		*local = true;
		name = p = p + 6;
	}
	for (; *p && !end; p++) {
		if (!strncmp(p, "(anonymous namespace)", 21)) {
			p += 20;
			continue;
		}
		if (after_operator(sig, p)) {
			size_t k = operator_symbol_len(p);

			/* a conversion operator's type or new/delete's
			 * word: its spaces are the name's ("operator char
			 * const*", "operator new[]") */
			conv = !k && *p == ' ';
			if (k) {
				p += k - 1;
				continue;
			}
		}
		if (!angle && !paren && !brace) {
			size_t k = decltype_len(sig, p);

			if (k) { /* a return type's "decltype (...)" */
				p += k - 1;
				continue;
			}
		}
		switch (*p) {
		case '<': angle++; break;
		case '>': if (angle) angle--; break;
		case '{': brace++; break;
		case '}': if (brace) brace--; break;
		case '(':
			if (!angle && !paren && !brace)
				open = p;
			paren++;
			break;
		case ')':
			if (paren)
				paren--;
			if (!angle && !paren && !brace && open) {
				if (conv && p[1] == '(') {
					/* a conversion to a function (or member)
					 * pointer: "operator void (C::*)()() const" */
					open = NULL;
				} else if (strncmp(p + 1, "::", 2)) {
					end = open; /* the parameter list */
				} else {    /* a function's local scope */
					*local = true;
					name = p + 3;
					p += 2;
					open = NULL;
				}
			}
			break;
		case ' ':
			/* a return type ends at a space outside brackets
			 * ("int add<int>(int, int)"); "operator new" and
			 * conversion operators keep theirs */
			if (!angle && !paren && !brace && !conv) {
				name = p + 1;
				if (after_ret)
					*after_ret = p + 1;
				/* a template in main's scope ("auto main::
				 * {lambda(auto:1)#1}::operator()<int>(int)") */
				if (!strncmp(name, "main::", 6)) {
					*local = true;
					name += 6;
					p += 6;
				}
			}
			break;
		}
	}
	if (!end && open)
		end = open;
	/* a lambda's (or an unnamed class's) own class has no name for gdb */
	while (name[0] == '{') {
		const char *close = strchr(name, '}');

		if (!close || strncmp(close + 1, "::", 2))
			break;
		name = close + 3;
	}
	*endp = end ? end : sig + strlen(sig);
	return name;
}

char *src_break_name(const char *sig)
{
	const char *name, *end;
	bool local = false;

	if (!sig)
		return NULL;
	name = name_bounds(sig, &end, &local, NULL);
	return strndup(name, (size_t)(end - name));
}

const char *src_sig_name(const char *sig)
{
	const char *end, *after = NULL;
	bool local = false;

	if (!sig)
		return NULL;
	name_bounds(sig, &end, &local, &after);
	return after ? after : sig;
}

bool src_name_local(const char *sig)
{
	const char *end;
	bool local = false;

	if (sig)
		name_bounds(sig, &end, &local, NULL);
	return local;
}

/* Is the space at p the one between an operator's symbol and its
 * template arguments ("operator< <int>": without it the name would read
 * "operator<<int>")? */
static bool op_space(const char *in, const char *p)
{
	for (size_t k = 1; k <= 3 && p - in >= (ptrdiff_t)k; k++)
		if (after_operator(in, p - k) && operator_len(p - k) == k)
			return p[1] == '<';
	return false;
}

bool src_name_unparsed(const char *sig)
{
	const char *p;
	int angle = 0;

	if (!sig)
		return false;
	sig = src_sig_name(sig);
	/* gdb 13's C++ name parser (cp-name-parser.y) reads neither a
	 * lambda's or unnamed type's "{lambda(int)#1}", nor a function's
	 * local scope "f(int)::", nor the three-way comparison or a literal
	 * operator: cp_remove_params fails and bt shows the print name */
	for (p = sig; *p; p++) {
		if (!strncmp(p, "(anonymous namespace)", 21)) {
			p += 20;
			continue;
		}
		if (after_operator(sig, p) && operator_len(p)) {
			p += operator_len(p) - 1;
			continue;
		}
		angle += *p == '<' ? 1 : *p == '>' && angle ? -1 : 0;
		/* ... nor a function type in template arguments
		 * ("std::function<int (int, int)>::operator()"), nor an
		 * empty argument list ("std::forward<std::tuple<> >") */
		if (*p == '{' || !strncmp(p, ")::", 3) || (*p == '(' && angle) ||
		    !strncmp(p, "<>", 2))
			return true;
		if (!strncmp(p, "operator", 8) && (p == sig || !ident_char(p[-1])) &&
		    (!strncmp(p + 8, "<=>", 3) || !strncmp(p + 8, "\"\"", 2)))
			return true;
	}
	return false;
}

char *src_frame_name(const char *sig)
{
	const char *end, *after = NULL, *name;
	bool local = false;

	if (!sig)
		return NULL;
	name = src_sig_name(sig);
	if (src_name_unparsed(sig))
		return strdup(name);
	name_bounds(sig, &end, &local, &after);
	return strndup(name, end > name ? (size_t)(end - name) : strlen(name));
}

/* The type of parameter par (through its abstract origin) as gdb prints
 * it in a name; appended to b. */
static void param_type(Dwarf_Die *par, struct src_sbuf *b)
{
	Dwarf_Attribute a;
	Dwarf_Die t;
	char *n = NULL;

	/* with C++'s integer names as gdb canonicalizes every DWARF name
	 * it reads ("long int" -> "long") */
	if (dwarf_formref_die(dwarf_attr_integrate(par, DW_AT_type, &a), &t) &&
	    (n = src_type_name(&t)))
		n = cx_gdb_names(n);
	src_sb_str(b, n ? n : "void");
	free(n);
}

/* Is par (an artificial `this`) a pointer to const (a const method)? */
static bool const_this(Dwarf_Die *par)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	return dwarf_formref_die(dwarf_attr_integrate(par, DW_AT_type, &a), &t) &&
	       dwarf_tag(&t) == DW_TAG_pointer_type &&
	       dwarf_formref_die(dwarf_attr_integrate(&t, DW_AT_type, &a), &t) &&
	       dwarf_tag(&t) == DW_TAG_const_type;
}

char *src_dwarf_computed_name(Dwarf_Die *die)
{
	struct src_sbuf *b = calloc(1, sizeof *b);
	Dwarf_Die fn = *die, origin, par;
	Dwarf_Attribute a;
	const char *name;
	bool any = false, is_const = false;
	char *out = NULL;

	/* gdb's dwarf2_compute_name (physname): the scopes of the classes
	 * and namespaces (none for an unnamed class, a lambda's, nor for a
	 * function's local scope), DW_AT_name (g++ writes an instance's
	 * template arguments there: "sort<..., main()::<lambda(int, int)> >"),
	 * then the parameters, `this` left out, and " const" */
	while (dwarf_attr(&fn, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin) &&
	       dwarf_dieoffset(&origin) != dwarf_dieoffset(&fn))
		fn = origin;
	name = dwarf_formstring(dwarf_attr_integrate(&fn, DW_AT_name, &a));
	if (!b || !name)
		goto out;
	src_scope_prefix(&fn, false, b);
	src_sb_str(b, name);
	src_sb_str(b, "(");
	if (dwarf_child(die, &par) == 0) {
		do {
			bool art = false;

			if (dwarf_tag(&par) != DW_TAG_formal_parameter)
				continue;
			if (dwarf_attr_integrate(&par, DW_AT_artificial, &a))
				dwarf_formflag(&a, &art);
			if (art) {
				is_const |= const_this(&par);
				continue;
			}
			if (any)
				src_sb_str(b, ", ");
			param_type(&par, b);
			any = true;
		} while (dwarf_siblingof(&par, &par) == 0);
	}
	/* c_type_print_args: C++'s empty list is "(void)" */
	src_sb_str(b, any ? ")" : "void)");
	if (is_const)
		src_sb_str(b, " const");
	if (!b->full)
		out = strdup(b->buf);
out:
	free(b);
	return out;
}

/* name without spaces, except one between two identifier characters
 * or after an operator's symbol before its template arguments:
 * "std::vector<int, std::allocator<int> >" and
 * "std::vector<int,std::allocator<int>>" are the same to gdb's break. */
static void squeeze(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	const char *p;

	for (p = in; *p && n + 1 < cap; p++) {
		if (*p == ' ') {
			if (n && ((ident_char(out[n - 1]) && ident_char(p[1])) || op_space(in, p)))
				out[n++] = ' ';
			continue;
		}
		out[n++] = *p;
	}
	out[n] = 0;
}

size_t hs_src_name_untemplated_len(const char *name)
{
	size_t len = strlen(name), open = 0;
	int angle = 0;
	const char *p;

	/* gdb's linespec ignores the template arguments of the function
	 * itself when the user gives none: "V<int>::emplace_back<int>" is
	 * found as "V<int>::emplace_back", "X::operator()<int>" as
	 * "X::operator()", "operator< <int>" as "operator<" */
	if (!len || name[len - 1] != '>')
		return len;
	for (p = name; *p; p++) {
		if (after_operator(name, p)) {
			size_t k = operator_len(p);

			if (!k)
				return len; /* a conversion operator's type */
			p += k - 1;
			continue;
		}
		if (*p == '<' && !angle++)
			open = (size_t)(p - name);
		else if (*p == '>' && angle)
			angle--;
	}
	if (angle || !open || name[open - 1] == ':')
		return len;
	if (name[open - 1] == ' ' && open >= 2 && !ident_char(name[open - 2]))
		open--; /* "operator< <int>" */
	return open;
}

/* name with its template argument lists left out ("add<int>" -> "add"):
 * gdb's break finds every instance of a template by its bare name. */
static void drop_templates(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	int angle = 0;
	const char *p;

	/* whole: the operator copy below reads as possibly short to the
	 * analyser, and callers scan out up to its strlen */
	memset(out, 0, cap);

	for (p = in; *p && n + 1 < cap; p++) {
		if (after_operator(in, p) && operator_symbol_len(p)) {
			/* the symbol, not the space before its template
			 * arguments ("operator< <int>" -> "operator<") */
			size_t all = operator_symbol_len(p), k = operator_len(p);

			for (size_t j = 0; j < (k ? k : all) && n + 1 < cap; j++)
				out[n++] = p[j];
			p += all - 1;
			continue;
		}
		if (*p == '<')
			angle++;
		else if (*p == '>' && angle)
			angle--;
		else if (!angle)
			out[n++] = *p;
	}
	out[n] = 0;
}

bool hs_src_name_strip_templates(const char *name, char *out, size_t cap)
{
	char tmp[1024];
	const char *p;

	for (p = name; (p = strstr(p, "operator")); p += 8)
		if (after_operator(name, p + 8) && !operator_len(p + 8))
			return false; /* new, delete, a conversion's type */
	if (strlen(name) >= sizeof tmp)
		return false;
	drop_templates(name, tmp, sizeof tmp);
	if (!strcmp(tmp, name) || strlen(tmp) >= cap || !tmp[0])
		return false;
	memcpy(out, tmp, strlen(tmp) + 1);
	return true;
}

/* gdb's wild matching: want names the whole of have, or its last
 * components after a "::" outside template brackets ("price" matches
 * "Fruit::price", "push_back" "std::vector<int>::push_back"). */
static bool wild_match(const char *have, const char *want)
{
	size_t hl = strlen(have), wl = strlen(want);
	const char *p;
	int angle = 0;

	if (hl < wl || strcmp(have + hl - wl, want))
		return false;
	if (hl == wl)
		return true;
	if (hl - wl < 2 || strncmp(have + hl - wl - 2, "::", 2))
		return false;
	for (p = have; p < have + hl - wl; p++)
		angle += *p == '<' ? 1 : *p == '>' ? -1 : 0;
	return angle == 0;
}

/* ---- gdb's Ada decoding of minimal symbols ---------------------------------
 * gdb gives a minimal symbol (an ELF symbol) the language of the first
 * demangler that claims it; C++'s takes "_Z" names, and Ada's, last,
 * every name that ada_decode changes and does not give up on.  Its print
 * name is then the decoded one: a compiler's suffix in brackets ("f.cold"
 * -> "f[cold]", clang's C static local "bump.calls" -> "bump[calls]"),
 * ".<digits>" and GNAT's encodings left out or spelled out ("a__b" ->
 * "a.b", "Oadd" -> "\"+\"", "xU61" -> "xa", a trailing "B", "TB", "TKB"
 * dropped).  It gives up (the symbol stays) on a name that starts with '_'
 * or '<', or whose decoded name has an upper-case letter or a space. */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

/* A compiler's suffix (".cold": letters after the last '.'): cuts *len
 * before the '.' and returns the suffix's offset; -1 when none. */
static int ada_compiler_suffix(const char *e, int *len)
{
	int at = *len - 1;

	while (at > 0 && is_alpha(e[at]))
		at--;
	if (at > 0 && e[at] == '.') {
		*len = at;
		return at + 1;
	}
	return -1;
}

/* Cuts ".<digits>", "$<digits>", "___<digits>" or "__<digits>" off the
 * end of e[0..*len). */
static void ada_trailing_digits(const char *e, int *len)
{
	int i = *len - 2;

	if (*len <= 1 || !is_digit(e[*len - 1]))
		return;
	while (i > 0 && is_digit(e[i]))
		i--;
	if (i >= 0 && (e[i] == '.' || e[i] == '$'))
		*len = i;
	else if (i >= 2 && !strncmp(e + i - 2, "___", 3))
		*len = i - 2;
	else if (i >= 1 && !strncmp(e + i - 1, "__", 2))
		*len = i - 1;
}

/* The GNAT suffixes of e[0..*len) that ada_decode drops before decoding:
 * a protected subprogram's 'N', "___X...", "TKB", "TB", "B", and "__"
 * or '$' digits.  False when it gives up ("___" not followed by 'X'). */
static bool ada_drop_suffixes(const char *e, int *len)
{
	const char *p;
	int i;

	if (*len > 1 && e[*len - 1] == 'N' &&
	    (is_digit(e[*len - 2]) || (e[*len - 2] >= 'a' && e[*len - 2] <= 'z')))
		(*len)--;
	p = strstr(e, "___");
	if (p && p - e < *len - 3) {
		if (p[3] != 'X')
			return false;
		*len = (int)(p - e);
	}
	if (*len > 3 && !strncmp(e + *len - 3, "TKB", 3))
		*len -= 3;
	if (*len > 2 && !strncmp(e + *len - 2, "TB", 2))
		*len -= 2;
	if (*len > 1 && e[*len - 1] == 'B')
		*len -= 1;
	if (*len > 1 && is_digit(e[*len - 1])) {
		i = *len - 2;
		while ((i >= 0 && is_digit(e[i])) || (i >= 1 && e[i] == '_' && is_digit(e[i - 1])))
			i--;
		if (i > 1 && e[i] == '_' && e[i - 1] == '_')
			*len = i - 1;
		else if (i >= 0 && e[i] == '$')
			*len = i;
	}
	return true;
}

/* GNAT's wide characters "U<2 hex>", "W<4 hex>", "WW<8 hex>" at e:
 * written to b (NUL-terminated), and the length read; 0 when e is none.  gdb converts
 * the code point to the host's charset; ASCII only here (gdb's charset in
 * the C locale: it fails on the others and copies the letter). */
static int ada_wide(const char *e, char *b)
{
	int n = e[0] == 'U' ? 2 : e[0] == 'W' && e[1] == 'W' ? 8 : e[0] == 'W' ? 4 : 0;
	int skip = n == 8 ? 2 : 1;
	unsigned long v = 0;

	if (!n || hs_hexval(e[skip]) < 0)
		return 0;
	for (int k = 0; k < n; k++) {
		int h = hs_hexval(e[skip + k]);

		if (h < 0)
			return 0;
		v = v << 4 | (unsigned long)h;
	}
	if (v >= 0x80)
		return 0;
	b[0] = (char)v; /* (NUL: gdb appends nothing) */
	b[1] = 0;
	return skip + n;
}

/* GNAT's operator names at the start of a name's component: its decoded
 * name into b (NUL-terminated), and the length read; 0 when none. */
static int ada_operator(const char *e, char *b)
{
	static const char *const ops[][2] = {
		{ "Oadd", "\"+\"" }, { "Osubtract", "\"-\"" }, { "Omultiply", "\"*\"" },
		{ "Odivide", "\"/\"" }, { "Omod", "\"mod\"" }, { "Orem", "\"rem\"" },
		{ "Oexpon", "\"**\"" }, { "Olt", "\"<\"" }, { "Ole", "\"<=\"" },
		{ "Ogt", "\">\"" }, { "Oge", "\">=\"" }, { "Oeq", "\"=\"" },
		{ "One", "\"/=\"" }, { "Oand", "\"and\"" }, { "Oor", "\"or\"" },
		{ "Oxor", "\"xor\"" }, { "Oconcat", "\"&\"" }, { "Oabs", "\"abs\"" },
		{ "Onot", "\"not\"" },
	};

	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		size_t n = strlen(ops[k][0]);

		if (!strncmp(e, ops[k][0], n) && !is_alnum(e[n])) {
			memcpy(b, ops[k][1], strlen(ops[k][1]) + 1);
			return (int)n;
		}
	}
	return 0;
}

/* At e[i] (i < len): GNAT's markers that decode to nothing, "TK__"
 * (before "__"), "__B_<digits>" (an anonymous block's, before "__"),
 * "_E<digits>b" or "_E<digits>s" (an entry's), the 'N' of "xN__": the
 * index decoding goes on from. */
static int ada_skip_markers(const char *e, int i, int len)
{
	int k;

	if (i < len - 4 && !strncmp(e + i, "TK__", 4))
		i += 2;
	if (len - i > 5 && !strncmp(e + i, "__B_", 4) && is_digit(e[i + 4])) {
		for (k = i + 5; k < len && is_digit(e[k]); k++)
			;
		if (len - k > 2 && e[k] == '_' && e[k + 1] == '_')
			i = k;
	}
	if (len - i > 3 && e[i] == '_' && e[i + 1] == 'E' && is_digit(e[i + 2])) {
		for (k = i + 3; k < len && is_digit(e[k]); k++)
			;
		if (k < len && (e[k] == 'b' || e[k] == 's') && (k + 1 == len || e[k + 1] == '_'))
			i = k + 1;
	}
	if (e[i] == 'N' && e[i + 1] == '_' && e[i + 2] == '_') {
		const char *q = e + i - 1;

		while (q >= e && (is_digit(*q) || (*q >= 'a' && *q <= 'z')))
			q--;
		if (q < e || (q > e && q[0] == '_' && q[-1] == '_'))
			i++;
	}
	return i;
}

/* ada_decode's main loop over e[0..len) into b (room for 2 * len + 1:
 * an operator's name grows by a third at most); false when it gives up
 * (an 'X' marker before the end). */
static bool ada_decode_body(const char *e, int len, char *b)
{
	bool at_start = true;
	size_t n = 0;
	int i, k;

	for (i = 0; i < len && !is_alpha(e[i]); i++)
		b[n++] = e[i];
	while (i < len) {
		if (at_start && e[i] == 'O' && (k = ada_operator(e + i, b + n))) {
			at_start = false;
			n += strlen(b + n);
			i += k;
			continue;
		}
		at_start = false;
		i = ada_skip_markers(e, i, len);
		if ((k = ada_wide(e + i, b + n))) {
			n += strlen(b + n);
			i += k;
			continue;
		}
		if (e[i] == 'X' && i && is_alnum(e[i - 1])) {
			do
				i++;
			while (i < len && (e[i] == 'b' || e[i] == 'n'));
			if (i < len)
				return false;
		} else if (i < len - 2 && e[i] == '_' && e[i + 1] == '_') {
			b[n++] = '.';
			at_start = true;
			i += 2;
		} else {
			b[n++] = e[i++];
		}
	}
	b[n] = 0;
	return true;
}

char *src_minsym_name(const char *name)
{
	const char *e = name;
	char *b;
	int len, suffix;
	size_t n;

	if (!name)
		return NULL;
	if (e[0] == '.') /* PPC64's function descriptors */
		e++;
	if (!strncmp(e, "_ada_", 5))
		e += 5;
	if (!strncmp(e, "___ghost_", 9))
		e += 9;
	len = (int)strlen(e);
	if (e[0] == '_' || e[0] == '<' || !(b = malloc(2 * (size_t)len + 4)))
		return NULL;
	suffix = ada_compiler_suffix(e, &len);
	ada_trailing_digits(e, &len);
	if (!ada_drop_suffixes(e, &len) || !ada_decode_body(e, len, b))
		goto none;
	for (const char *p = b; *p; p++)
		if ((*p >= 'A' && *p <= 'Z') || *p == ' ')
			goto none;
	n = strlen(b);
	if (suffix >= 0) {
		/* room: the suffix was cut off the encoded length */
		char *nb = realloc(b, n + strlen(e + suffix) + 3);

		if (!nb)
			goto none;
		b = nb;
		snprintf(b + n, strlen(e + suffix) + 3, "[%s]", e + suffix);
	}
	if (strcmp(b, name))
		return b;
none:
	free(b);
	return NULL;
}

size_t src_unversioned_len(const char *name)
{
	const char *at = strchr(name, '@');

	/* "name@plt" is gdb's stub, a name of its own */
	if (!at || at == name || !strcmp(at, "@plt"))
		return strlen(name);
	return (size_t)(at - name);
}

#define NAME_MAX_Q 1024

/* Does q (squeezed) have ch ('<': a template argument list, '(': a
 * parameter list) that is no operator's symbol ("add<int>", not
 * "operator<"; "f(int)", not "operator()")? */
static bool has_bracket(const char *q, char ch)
{
	for (const char *p = q; *p; p++) {
		if (after_operator(q, p) && operator_len(p)) {
			p += operator_len(p) - 1;
			continue;
		}
		if (*p == ch)
			return true;
	}
	return false;
}

static bool template_args(const char *q)
{
	return has_bracket(q, '<');
}

/* Does q (squeezed), a name with a parameter list or a scope with one,
 * name the function of signature sig, as gdb's `break` takes it: its
 * signature without return type ("quote(Item const&, long)",
 * "add<long>(long, long)"), or, from its name on (a function's local
 * scope left out), the name and parameters ("operator()(int) const"), or
 * the name in its function's local scope, whole or its last components
 * ("main::{lambda(int, int)#1}::operator()", "{lambda(int, int)#1}::
 * operator()", "ns::K::go(int)::{lambda(int)#1}::operator()(int) const").
 * buf: room for the squeezed forms. */
static bool local_matches(const char *sig, const char *q, char *buf, size_t cap)
{
	const char *end, *after = NULL, *name;
	bool local = false;
	char cut[NAME_MAX_Q];
	size_t n;

	name = name_bounds(sig, &end, &local, &after);
	squeeze(name, buf, cap);
	if (wild_match(buf, q))
		return true;
	/* an instance by its template's signature: "operator<(M const&,
	 * int)" for "operator< <int>(M const&, int)" */
	if (!template_args(q)) {
		drop_templates(buf, cut, sizeof cut);
		if (wild_match(cut, q))
			return true;
	}
	if (!local)
		return false;
	name = after && after < end ? after : sig;
	squeeze(name, buf, cap);
	if (wild_match(buf, q))
		return true;
	n = (size_t)(end - name) < sizeof cut ? (size_t)(end - name) : sizeof cut - 1;
	memcpy(cut, name, n);
	cut[n] = 0;
	squeeze(cut, buf, cap);
	return wild_match(buf, q);
}

bool src_sym_matches(const struct src_sym *sym, const char *query)
{
	char q[NAME_MAX_Q], h[NAME_MAX_Q], t[NAME_MAX_Q];
	const char *bname = sym->bname ? sym->bname : sym->name;

#ifdef __clang_analyzer__
	/* squeeze() ends each with a NUL that wild_match()'s strlen finds;
	 * the analyser does not tie the two and reads past it */
	memset(h, 0, sizeof h);
	memset(t, 0, sizeof t);
#endif
	if (!strcmp(sym->name, query))
		return true;
	if (!sym->dname) {
		size_t k = src_unversioned_len(sym->name);

		return (k < strlen(sym->name) && strlen(query) == k &&
			!strncmp(sym->name, query, k)) ||
		       (sym->mname && !strcmp(sym->mname, query));
	}
	squeeze(query, q, sizeof q);
	if ((strchr(q, '(') || strchr(q, '{')) && local_matches(sym->dname, q, h, sizeof h))
		return true;
	squeeze(bname, h, sizeof h);
	if (wild_match(h, q))
		return true;
	if (hs_src_name_untemplated_len(q) == strlen(q)) {
		/* the function's own template arguments left out (before
		 * the test for a parameter list: a '(' in a scope's template
		 * arguments, "X<main()::<lambda(int)> >::operator()") */
		size_t k = hs_src_name_untemplated_len(h);

		memcpy(t, h, k);
		t[k] = 0;
		if (wild_match(t, q))
			return true;
	}
	if (has_bracket(q, '(') || template_args(q))
		return false;
	drop_templates(h, t, sizeof t);
	return wild_match(t, q);
}

/* Is file (gdb's FILE of `break FILE:FUNCTION`) path, or a tail of it
 * that starts after a '/'? */
static bool path_has_tail(const char *path, const char *file)
{
	size_t n = strlen(file), m = strlen(path);

	return m >= n && !strcmp(path + m - n, file) && (m == n || path[m - n - 1] == '/');
}

/* Is a file of the CU's line header named file (a relative name also
 * with the CU's directory before it)? */
static bool cu_has_file(Dwarf_Die *cu, const char *file)
{
	Dwarf_Attribute a;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
	Dwarf_Files *files;
	size_t nf;
	char buf[4096];

	if (dwarf_getsrcfiles(cu, &files, &nf) != 0)
		return false;
	for (size_t i = 0; i < nf; i++) {
		const char *f = dwarf_filesrc(files, i, NULL, NULL);

		if (!f || !*f)
			continue;
		if (path_has_tail(f, file))
			return true;
		if (f[0] != '/' && dir &&
		    (size_t)snprintf(buf, sizeof buf, "%s/%s", dir, f) < sizeof buf &&
		    path_has_tail(buf, file))
			return true;
	}
	return false;
}

/* Does a DWARF subprogram of cu start at pc (a function's own code, not
 * an inlined copy)? */
static bool cu_function_at(Dwarf_Die *cu, Dwarf_Addr pc)
{
	Dwarf_Die *scopes = NULL;
	Dwarf_Addr e;
	int n = dwarf_getscopes(cu, pc, &scopes);
	bool ok = false;

	/* past an inlined copy dwarf_getscopes goes on with the abstract
	 * function's scopes: the copy's own DIE knows the real ones */
	for (int i = 0; i < n; i++)
		if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine) {
			Dwarf_Die *up = NULL, copy = scopes[i];

			free(scopes);
			n = dwarf_getscopes_die(&copy, &up);
			scopes = up;
			break;
		}
	for (int i = 0; i < n && !ok; i++)
		ok = dwarf_tag(&scopes[i]) == DW_TAG_subprogram && dwarf_entrypc(&scopes[i], &e) == 0 &&
		     e == pc;
	free(scopes);
	return ok;
}

/* gdb's `break FILE:FUNCTION` looks FUNCTION up in the global and static
 * blocks of each compilation unit with a symtab named FILE, and it makes a
 * symtab of every file of a CU's line header (the .c, each header it
 * includes): a function is "in" every file of its CU, whichever file its
 * first line row names (a method whose first row is inlined header code),
 * and a function only inlined is in none (its copies are in nested blocks
 * only: "Function ... not defined in ..."). */
int hs_src_function_in_file(struct hs_src *s, uint64_t entry, const char *file)
{
	struct src_mod *m;
	Dwarf_Addr bias;
	Dwarf_Die *cu;
	int ret = -ENODATA;

	if (!s || !file || !s->finished)
		return -EINVAL;
	if (!(m = src_mod_find(s, entry)))
		return -ENOENT;
	if (!m->dw || !m->dm)
		return -ENODATA;
	pthread_mutex_lock(&s->dw_lock);
	cu = src_cu_at(m, entry, &bias);
	if (cu && cu_function_at(cu, entry - bias))
		ret = cu_has_file(cu, file);
	pthread_mutex_unlock(&s->dw_lock);
	return ret;
}

/* Is t, an artificial `this`'s type, a pointer to const (a const method)? */
static bool method_of_const(Dwarf_Die *t)
{
	Dwarf_Die to;

	return dwarf_tag(t) == DW_TAG_pointer_type && src_die_type(t, &to) &&
	       dwarf_tag(&to) == DW_TAG_const_type;
}

/* One parameter's type as gdb's c_type_print_args writes it into a
 * function's name: without its own const or volatile. */
static void physname_param(Dwarf_Die *pt, struct src_sbuf *b)
{
	char *tn;

	while ((dwarf_tag(pt) == DW_TAG_const_type || dwarf_tag(pt) == DW_TAG_volatile_type) &&
	       src_die_type(pt, pt))
		;
	tn = cx_gdb_names(src_type_name(pt));
	src_sb_str(b, tn ? tn : "?");
	free(tn);
}

/* ---- gdb's canonical form of a computed name ------------------------------------
 * gdb canonicalizes the name it computes for a C++ function without a
 * linkage name (dwarf2_compute_name, cp_canonicalize_string): its C++ name
 * parser reads the c_type_print_args text and prints it back the way the
 * demangler writes types, qualifiers after what they qualify and no space
 * before '*' or '&' ("main(int, char**)", "f(char const*, S const&,
 * int (*)(int))"); a name its parser fails on stays as computed. */

static bool canon_type(Dwarf_Die *t, struct src_sbuf *b, int depth);

/* The parameters of function (or function type) fn: "(int, char**)",
 * " const" after them for a method whose `this` points to const; top
 * level qualifiers left out (gdb: make_cv_type (0, 0, ...)). */
static bool canon_params(Dwarf_Die *fn, struct src_sbuf *b, int depth)
{
	Dwarf_Die ch, pt;
	bool first = true, cnst = false;

	src_sb_str(b, "(");
	if (dwarf_child(fn, &ch) == 0) {
		do {
			int tag = dwarf_tag(&ch);

			if (tag == DW_TAG_unspecified_parameters) {
				src_sb_str(b, first ? "..." : ", ...");
				first = false;
				continue;
			}
			if (tag != DW_TAG_formal_parameter)
				continue;
			if (!src_die_type(&ch, &pt))
				return false;
			if (dwarf_hasattr_integrate(&ch, DW_AT_artificial)) {
				cnst = method_of_const(&pt);
				continue;
			}
			while ((dwarf_tag(&pt) == DW_TAG_const_type ||
				dwarf_tag(&pt) == DW_TAG_volatile_type) && src_die_type(&pt, &pt))
				;
			if (!first)
				src_sb_str(b, ", ");
			if (!canon_type(&pt, b, depth + 1))
				return false;
			first = false;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	src_sb_str(b, cnst ? ") const" : ")");
	return true;
}

/* The text of modifier m (a pointer, reference, qualifier, pointer to
 * member) applied to what is written before it; in_paren: inside a
 * function pointer's parentheses ("S::*", not " S::*"). */
static bool canon_mod(Dwarf_Die *m, bool in_paren, struct src_sbuf *b)
{
	Dwarf_Attribute a;
	Dwarf_Die cls;

	switch (dwarf_tag(m)) {
	case DW_TAG_pointer_type: src_sb_str(b, "*"); return true;
	case DW_TAG_reference_type: src_sb_str(b, "&"); return true;
	case DW_TAG_rvalue_reference_type: src_sb_str(b, "&&"); return true;
	case DW_TAG_const_type: src_sb_str(b, " const"); return true;
	case DW_TAG_volatile_type: src_sb_str(b, " volatile"); return true;
	case DW_TAG_ptr_to_member_type:
		if (!dwarf_formref_die(dwarf_attr(m, DW_AT_containing_type, &a), &cls) ||
		    !dwarf_diename(&cls))
			return false;
		if (!in_paren)
			src_sb_str(b, " ");
		src_qualified_name(&cls, true, b);
		src_sb_str(b, "::*");
		return true;
	}
	return false;
}

/* Type t as the demangler writes it; false where this does not know how
 * (arrays, unnamed types: the caller keeps gdb's computed text). */
static bool canon_type(Dwarf_Die *t, struct src_sbuf *b, int depth)
{
	Dwarf_Die mods[16], base = *t, rt;
	int n = 0, tag;
	bool have = true;
	char *tn;

	if (depth > 8)
		return false;
	for (tag = dwarf_tag(&base);
	     tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
	     tag == DW_TAG_rvalue_reference_type || tag == DW_TAG_const_type ||
	     tag == DW_TAG_volatile_type || tag == DW_TAG_ptr_to_member_type;
	     tag = dwarf_tag(&base)) {
		if (n == 16)
			return false;
		mods[n++] = base;
		if (!src_die_type(&base, &base)) {
			have = false; /* void */
			break;
		}
	}
	if (have && dwarf_tag(&base) == DW_TAG_subroutine_type) {
		if (!src_die_type(&base, &rt))
			src_sb_str(b, "void");
		else if (!canon_type(&rt, b, depth + 1))
			return false;
		src_sb_str(b, n ? " (" : " ");
		while (n > 0)
			if (!canon_mod(&mods[--n], true, b))
				return false;
		if (b->len && b->buf[b->len - 1] != ' ')
			src_sb_str(b, ")");
		return canon_params(&base, b, depth);
	}
	if (!have) {
		src_sb_str(b, "void");
	} else {
		tag = dwarf_tag(&base);
		if (tag == DW_TAG_base_type) {
			tn = dwarf_diename(&base) ? strdup(dwarf_diename(&base)) : NULL;
			if (!tn)
				return false;
			tn = cx_gdb_names(tn);
			src_sb_str(b, tn);
			free(tn);
		} else if ((tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
			    tag == DW_TAG_union_type || tag == DW_TAG_enumeration_type ||
			    tag == DW_TAG_typedef) && dwarf_diename(&base)) {
			src_qualified_name(&base, true, b);
		} else {
			return false;
		}
	}
	while (n > 0)
		if (!canon_mod(&mods[--n], false, b))
			return false;
	return true;
}

/* gdb's computed name of die (scope, name, parameters) into b, in the
 * demangler's form (canon) or as c_type_print_args writes it. */
static bool physname_text(Dwarf_Die *die, Dwarf_Die *d, const char *name, bool canon,
			  struct src_sbuf *b)
{
	Dwarf_Die ch, pt;
	bool first = true, cnst = false;

	src_scope_prefix(d, false, b);
	src_sb_str(b, name);
	if (canon)
		return canon_params(die, b, 0) && !b->full;
	src_sb_str(b, "(");
	if (dwarf_child(die, &ch) == 0) {
		do {
			if (dwarf_tag(&ch) == DW_TAG_unspecified_parameters) {
				src_sb_str(b, first ? "..." : ", ...");
				first = false;
				continue;
			}
			if (dwarf_tag(&ch) != DW_TAG_formal_parameter || !src_die_type(&ch, &pt))
				continue;
			if (dwarf_hasattr_integrate(&ch, DW_AT_artificial)) {
				cnst = method_of_const(&pt);
				continue;
			}
			if (!first)
				src_sb_str(b, ", ");
			physname_param(&pt, b);
			first = false;
		} while (dwarf_siblingof(&ch, &ch) == 0);
	}
	src_sb_str(b, cnst ? ") const" : ")");
	return !b->full;
}

char *src_cplus_physname(Dwarf_Die *die)
{
	struct src_sbuf *b = calloc(1, sizeof *b);
	Dwarf_Die origin, *d = die;
	Dwarf_Attribute a;
	const char *name;
	char *r = NULL;

	if (!b)
		return NULL;
	/* an out-of-line copy's names are its abstract origin's */
	if (dwarf_attr(d, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
		d = &origin;
	name = dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
	if (!name)
		goto out;
	if (physname_text(die, d, name, true, b) && !src_name_unparsed(b->buf)) {
		r = strdup(b->buf);
		goto out;
	}
	memset(b, 0, sizeof *b);
	if (physname_text(die, d, name, false, b))
		r = strdup(b->buf);
out:
	free(b);
	return r;
}
