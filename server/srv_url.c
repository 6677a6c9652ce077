/* srv_url.c - the request target, decoded exactly once and checked.
 *
 * libmicrohttpd would decode the path itself (and a %00 would cut it
 * short), so the server takes the raw target from MHD's URI log callback
 * and decodes it here: the path, then each query argument on its own.
 * A path may not leave the tree: no "." or ".." component (however it was
 * spelled: %2e%2e decodes to ".." and is refused the same way), no encoded
 * "/" (it would hide a component from this check), no NUL, no control
 * characters, only valid shortest-form UTF-8.  Links inside the tree are
 * the tree's own business (hs_tree_resolve follows them from the root).
 */
#include "srv_i.h"

#include "hindsight/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Decodes %XX in place (and '+' as a space when plus is true); *len gets
 * the decoded length, which may hold NULs.  -EINVAL for a bad escape. */
static int pct_decode(char *s, bool plus, size_t *len, bool *had_slash)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (*r == '%') {
			int hi = hs_hexval((unsigned char)r[1]);
			int lo = hi < 0 ? -1 : hs_hexval((unsigned char)r[2]);

			if (lo < 0)
				return -EINVAL;
			*w = (char)(hi * 16 + lo);
			if (*w == '/' && had_slash)
				*had_slash = true;
			w++;
			r += 2;
		} else if (*r == '+' && plus) {
			*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*len = (size_t)(w - s);
	*w = 0;
	return 0;
}

/* Valid UTF-8 in its shortest form, no surrogates, nothing above
 * U+10FFFF: an overlong "." (%c0%ae) is refused here. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + need >= n)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += need + 1;
	}
	return true;
}

static void reject(struct srv_req *req, int status, const char *why)
{
	req->url_err = status;
	req->url_why = why;
}

/* Checks the decoded path (n bytes) component by component. */
static void check_path(struct srv_req *req, size_t n)
{
	const char *p = req->path;

	if (strlen(p) != n)
		return reject(req, 403, "NUL byte in the path");
	if (!utf8_ok((const unsigned char *)p, n))
		return reject(req, 403, "the path is not valid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			return reject(req, 403, "control character or backslash in the path");
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return reject(req, 403, "'.' or '..' in the path");
		p += len;
		if (*p == '/')
			p++;
	}
}

void srv_url_parse(struct srv_req *req)
{
	char *q, *arg, *next;
	size_t n;
	bool slash = false;

	req->url_err = 0;
	if (!req->raw || req->raw[0] != '/')
		return reject(req, 400, "the request target is not a path");
	if (strlen(req->raw) > SRV_PATH_MAX)
		return reject(req, 414, "the request target is too long");
	req->path = strdup(req->raw);
	if (!req->path)
		return reject(req, 500, "out of memory");
	q = strchr(req->path, '?');
	if (q) {
		*q = 0;
		req->query = strdup(q + 1);
		if (!req->query)
			return reject(req, 500, "out of memory");
	}
	if (strchr(req->path, '#'))
		return reject(req, 400, "a fragment in the request target");
	if (pct_decode(req->path, false, &n, &slash) < 0)
		return reject(req, 400, "bad %-escape in the path");
	if (slash)
		return reject(req, 403, "encoded '/' in the path");
	check_path(req, n);
	if (req->url_err || !req->query)
		return;
	for (arg = req->query; arg && *arg; arg = next) {
		char *eq;
		size_t vlen;

		next = strchr(arg, '&');
		if (next)
			*next++ = 0;
		if (!*arg)
			continue;
		if (req->n_args == SRV_MAX_ARGS)
			return reject(req, 400, "too many query arguments");
		eq = strchr(arg, '=');
		if (eq)
			*eq++ = 0;
		if (pct_decode(arg, true, &n, NULL) < 0 || strlen(arg) != n)
			return reject(req, 400, "bad query argument name");
		if (eq && (pct_decode(eq, true, &vlen, NULL) < 0 || strlen(eq) != vlen))
			return reject(req, 400, "bad query argument value");
		req->args[req->n_args].name = arg;
		req->args[req->n_args].value = eq ? eq : arg + strlen(arg);
		req->n_args++;
	}
}

const char *srv_arg(const struct srv_req *req, const char *name)
{
	for (int i = 0; i < req->n_args; i++)
		if (strcmp(req->args[i].name, name) == 0)
			return req->args[i].value;
	return NULL;
}

int srv_parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!s[2] || s[2] == '-' || s[2] == '+' || s[2] == ' ')
			return -EINVAL;
		*out = strtoull(s + 2, &end, 16);
	} else {
		*out = strtoull(s, &end, 10);
	}
	return errno || *end ? -EINVAL : 0;
}
