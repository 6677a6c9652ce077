/* tree_exec.c - the first execve line of a recording that ran a script.
 *
 * `hindsight record ./s.sh arg` of a "#!/bin/sh" script: the kernel (and
 * Valgrind, which reads the "#!" line itself) starts the interpreter with
 * argv ["/bin/sh", "./s.sh", "arg"], so the first image's stack holds
 * that, while strace shows the call the user made: execve("./s.sh",
 * ["./s.sh", "arg"], ...).  meta.json keeps that command; when the stack's
 * argv is the interpreter (and at most one argument of its "#!" line) in
 * front of the script's path and the command's other arguments, the
 * line's argv becomes the command's.  Both argv texts come from the
 * syscall formatter itself (through a reader serving made-up memory), so
 * the text replaced is exactly the one the formatter printed. */
#include "tree_i.h"

#include "hindsight/sysfmt.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARGV_MAX 64          /* more: not a command we compare */
#define ARG_MAX_LEN 4096
#define FAKE_ARGV 0x1000ull  /* the pointer array */
#define FAKE_STR 0x100000ull /* string k at FAKE_STR + k * FAKE_STRIDE */
#define FAKE_STRIDE 0x10000ull

struct fake_argv {
	const char *s[ARGV_MAX];
	size_t n;
};

/* sys_call.read over the made-up memory: the pointer array, then the
 * strings (each with its NUL); nothing elsewhere. */
static ssize_t fake_read(void *ctx, bool at_exit, uint64_t addr, size_t n, uint8_t *buf)
{
	const struct fake_argv *fa = ctx;
	size_t got = 0;

	(void)at_exit;
	if (addr >= FAKE_ARGV && addr < FAKE_ARGV + 8 * (fa->n + 1)) {
		for (; got < n && addr + got < FAKE_ARGV + 8 * (fa->n + 1); got++) {
			uint64_t off = addr + got - FAKE_ARGV, k = off / 8;
			uint64_t p = k < fa->n ? FAKE_STR + k * FAKE_STRIDE : 0;

			buf[got] = (uint8_t)(p >> (8 * (off % 8)));
		}
		return (ssize_t)got;
	}
	if (addr >= FAKE_STR && addr < FAKE_STR + fa->n * FAKE_STRIDE) {
		uint64_t k = (addr - FAKE_STR) / FAKE_STRIDE, off = (addr - FAKE_STR) % FAKE_STRIDE;
		size_t len = strlen(fa->s[k]) + 1;

		if (off >= len)
			return -EFAULT;
		got = len - off < n ? len - off : n;
		memcpy(buf, fa->s[k] + off, got);
		return (ssize_t)got;
	}
	return -EFAULT;
}

/* The formatter's text of argv fa ("[\"a\", \"b\"]") into out. */
static int argv_text(struct fake_argv *fa, char *out, size_t cap)
{
	static const char head[] = "execve(NULL, ", tail[] = ", NULL)";
	struct sys_call c = { .nr = 59, .row = sys_row_of(59), .a = { 0, FAKE_ARGV, 0 },
			      .when = SYS_ENTRY, .read = fake_read, .read_ctx = fa };
	char line[HS_DB_TEXT_MAX];
	size_t n;

	if (!c.row)
		return -ENOENT;
	n = sys_format(&c, line, sizeof line);
	if (n >= sizeof line || strncmp(line, head, sizeof(head) - 1) ||
	    n < sizeof(head) - 1 + sizeof(tail) - 1 ||
	    strcmp(line + n - (sizeof(tail) - 1), tail))
		return -EINVAL;
	n -= sizeof(head) - 1 + sizeof(tail) - 1;
	if (n >= cap)
		return -ENOSPC;
	memcpy(out, line + sizeof(head) - 1, n);
	out[n] = 0;
	return 0;
}

/* The stack's argv strings at t 0 (argc of them from sp + 8), into
 * st->s (malloc'd). */
static int stack_argv(const struct hs_db_image *img, uint64_t sp, uint64_t argc,
		      struct fake_argv *st)
{
	uint8_t word[8];

	if (argc > ARGV_MAX)
		return -E2BIG;
	for (st->n = 0; st->n < argc; st->n++) {
		char *s = malloc(ARG_MAX_LEN);
		ssize_t got;

		if (!s)
			return -ENOMEM;
		st->s[st->n] = s;
		if (hs_db_mem_read(img, 0, sp + 8 + 8 * st->n, 8, word) != 8 ||
		    (got = hs_db_mem_read(img, 0, hs_le64(word), ARG_MAX_LEN - 1, (uint8_t *)s)) <= 0 ||
		    !memchr(s, 0, (size_t)got)) {
			st->n++;
			return -EFAULT;
		}
	}
	return 0;
}

/* meta.json's command into cmd (strings borrowed from *meta). */
static int meta_command(const char *trace_dir, json_object **meta, struct fake_argv *cmd)
{
	char path[4096];
	json_object *a;

	if ((size_t)snprintf(path, sizeof path, "%s/meta.json", trace_dir) >= sizeof path)
		return -ENAMETOOLONG;
	*meta = json_object_from_file(path);
	if (!*meta || !json_object_object_get_ex(*meta, "command", &a) ||
	    !json_object_is_type(a, json_type_array) || json_object_array_length(a) == 0 ||
	    json_object_array_length(a) > ARGV_MAX)
		return -ENOENT;
	cmd->n = json_object_array_length(a);
	for (size_t k = 0; k < cmd->n; k++) {
		cmd->s[k] = json_object_get_string(json_object_array_get_idx(a, k));
		if (!cmd->s[k])
			return -ENOENT;
	}
	return 0;
}

/* Is st the interpreter's argv of script command cmd: one or two words
 * (the interpreter and its "#!" argument), the script, then cmd's
 * arguments? */
static bool script_argv(const struct fake_argv *st, const struct fake_argv *cmd)
{
	size_t lead;

	if (st->n < cmd->n + 1 || st->n > cmd->n + 2)
		return false;
	lead = st->n - cmd->n;
	for (size_t k = 1; k < cmd->n; k++) {
		/* stack_argv filled st->s[0..n), meta_command cmd->s[0..n) */
		HS_ANALYZER_ASSUME(st->s[lead + k] && cmd->s[k]);
		if (strcmp(st->s[lead + k], cmd->s[k]))
			return false;
	}
	return true;
}

/* A script run by a bare name (found on PATH): strace shows the path
 * that execvp resolved, which meta.json's "program" is (AT_EXECFN holds
 * the bare name).  Only a path that prints as itself (no quote, escape or
 * control character). */
static void bare_path(json_object *meta, char *line, size_t cap)
{
	static const char head[] = "execve(\"";
	const char *prog, *end;
	json_object *v;
	char *rest;

	if (strncmp(line, head, sizeof(head) - 1) ||
	    !(end = strchr(line + sizeof(head) - 1, '"')) ||
	    memchr(line + sizeof(head) - 1, '/', (size_t)(end - line) - (sizeof(head) - 1)) ||
	    !json_object_object_get_ex(meta, "program", &v) || !(prog = json_object_get_string(v)) ||
	    prog[0] != '/')
		return;
	for (const char *c = prog; *c; c++)
		if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			return;
	rest = strdup(end);
	if (rest && snprintf(line, cap, "%s%s%s", head, prog, rest) >= (int)cap)
		rest[0] = 0; /* cut: nothing better to show */
	free(rest);
}

int tree_exec_script_argv(struct tree_walk *w, uint64_t sp, uint64_t argc, char *line, size_t cap)
{
	struct fake_argv st = { .n = 0 }, cmd = { .n = 0 };
	char *had = malloc(HS_DB_TEXT_MAX), *want = malloc(HS_DB_TEXT_MAX), *at;
	json_object *meta = NULL;
	size_t lh, lw, ll;
	int err;

	if (!had || !want) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = meta_command(w->tree->trace_dir, &meta, &cmd)) ||
	    (err = stack_argv(w->img, sp, argc, &st)))
		goto out;
	if (!script_argv(&st, &cmd)) {
		err = 1;
		goto out;
	}
	if ((err = argv_text(&st, had, HS_DB_TEXT_MAX)) ||
	    (err = argv_text(&cmd, want, HS_DB_TEXT_MAX)))
		goto out;
	at = strstr(line, had);
	lh = strlen(had);
	lw = strlen(want);
	ll = strlen(line);
	if (!at || ll - lh + lw >= cap) {
		err = 1;
		goto out;
	}
	memmove(at + lw, at + lh, ll - (size_t)(at - line) - lh + 1);
	memcpy(at, want, lw);
	bare_path(meta, line, cap);
	err = 0;
out:
	for (size_t k = 0; k < st.n; k++)
		free((void *)st.s[k]);
	json_object_put(meta);
	free(had);
	free(want);
	return err;
}
