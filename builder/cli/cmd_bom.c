/* cmd_bom.c - `hindsight bom [DIR]`: a CycloneDX 1.6 JSON SBOM of what
 * Hindsight ships and links.
 *
 * What it lists, and where each fact comes from:
 *   - the root component (metadata.component): Hindsight, its version
 *     (`git describe` at build time), and as nested "file" components the
 *     CLI (/proc/self/exe) and the recorder tool beside it, with SHA-256;
 *   - one "library" component per Debian package behind a library loaded
 *     into this process (dl_iterate_phdr: the DT_NEEDED closure that ldd
 *     prints), per file that Valgrind runs from (valgrind.bin, its preload
 *     and default suppressions), and per static archive linked in at build
 *     time (cli_bom_static[]); the package by `dpkg -S` (the path as
 *     loaded, its realpath, and both with and without the /usr prefix:
 *     Debian 12 has merged /usr but packages name either), the version by
 *     `dpkg-query -W`; purl pkg:deb/debian/NAME@VERSION?arch=amd64&
 *     distro=debian-12; licenses from the License: fields of a DEP-5
 *     /usr/share/doc/NAME/copyright, else the name "unknown" (we do not
 *     guess); each file a nested "file" component with its SHA-256.  A
 *     file no package owns is listed under a component named after the
 *     file, licence unknown;
 *   - the npm packages bundled into the web UI: the non-dev entries of
 *     server/ui/package-lock.json as built (cli_bom_ui_lock; the UI has
 *     only build tools today, so none);
 *   - dependencies: the root depends on every other component.
 * Output: stdout, or DIR/bom.json written to a temporary file and renamed.
 * Exit status: 0 written, 1 failed, 2 bad usage. */
#include "cli.h"
#include "cli_bom.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "hindsight/util.h"

/* one file of the SBOM and, once dpkg answered, its package */
struct bom_file {
	char *path;		/* as loaded or run */
	char *real;		/* realpath, to drop duplicates */
	char *role;		/* "linked", "run by record", "static in ..." */
	char *pkg;		/* owner, NULL while unknown */
	const char *static_version; /* version at build time (static archives) */
	const char *static_sha; /* hash at build time (static archives) */
};

struct bom {
	struct bom_file *f;
	size_t n, cap;
};

/* Adds path once (by realpath).  A static archive that is gone since the
 * build (may_be_gone) is still listed, by its path then. */
static int bom_add(struct bom *b, const char *path, const char *role, bool may_be_gone)
{
	char *real = realpath(path, NULL);
	size_t i;

	if (!real && may_be_gone)
		real = strdup(path);
	if (!real)
		return -errno;
	for (i = 0; i < b->n; i++)
		if (strcmp(b->f[i].real, real) == 0) {
			free(real);
			return 0;
		}
	if (hs_grow((void **)&b->f, &b->cap, b->n + 1, sizeof(*b->f))) {
		free(real);
		return -ENOMEM;
	}
	memset(&b->f[b->n], 0, sizeof b->f[b->n]);
	b->f[b->n].real = real;
	b->f[b->n].path = strdup(path);
	b->f[b->n].role = strdup(role);
	if (!b->f[b->n].path || !b->f[b->n].role) {
		free(b->f[b->n].path);
		free(b->f[b->n].role);
		free(real);
		return -ENOMEM;
	}
	b->n++;
	return 0;
}

static void bom_free(struct bom *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->f[i].path);
		free(b->f[i].real);
		free(b->f[i].role);
		free(b->f[i].pkg);
	}
	free(b->f);
}

static int add_loaded(struct dl_phdr_info *info, size_t size, void *data)
{
	struct bom *b = data;

	/* "" is the program itself; linux-vdso has no file */
	if (!info->dlpi_name || info->dlpi_name[0] != '/')
		return 0;
	return bom_add(b, info->dlpi_name, "linked into hindsight", false) == -ENOMEM;
}

/* Run argv with stdout into a NUL-terminated malloc'd *out, stderr to
 * /dev/null.  The exit status does not matter: dpkg -S exits 1 when one
 * path of many has no owner.  0 or -errno. */
static int run_capture(char *const argv[], char **out)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	int p[2], st, err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		int dn = open("/dev/null", O_RDWR);

		dup2(p[1], 1);
		if (dn >= 0)
			dup2(dn, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 16384;
			nb = realloc(buf, cap);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(p[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (err || !buf) {
		free(buf);
		return err ? err : -ENOMEM;
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

/* The path with /usr added or removed: /lib/x -> /usr/lib/x and back. */
static char *usr_toggle(const char *p)
{
	char *r = NULL;

	if (strncmp(p, "/usr/", 5) == 0)
		r = strdup(p + 4);
	else if (asprintf(&r, "/usr%s", p) < 0)
		r = NULL;
	return r;
}

/* "pkg[:arch][, pkg2...]: /path" -> the first package, for path. */
static char *owner_in(const char *dpkg_out, const char *path)
{
	const char *line = dpkg_out;
	size_t plen = strlen(path);

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		const char *sep = strstr(line, ": ");
		size_t llen = eol ? (size_t)(eol - line) : strlen(line);

		if (sep && sep < line + llen && (size_t)(line + llen - (sep + 2)) == plen &&
		    memcmp(sep + 2, path, plen) == 0 && strncmp(line, "diversion", 9) != 0) {
			size_t k = strcspn(line, ":,");

			return strndup(line, k);
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* Every file's package, in one `dpkg -S` over all candidate names. */
static int find_owners(struct bom *b)
{
	char **argv = calloc(4 * b->n + 3, sizeof *argv), **cand = calloc(4 * b->n, sizeof *cand);
	char *out = NULL;
	size_t i, k, n = 0;
	int err = -ENOMEM;

	if (!argv || !cand)
		goto out;
	for (i = 0; i < b->n; i++) {
		cand[4 * i] = strdup(b->f[i].path);
		cand[4 * i + 1] = usr_toggle(b->f[i].path);
		cand[4 * i + 2] = strdup(b->f[i].real);
		cand[4 * i + 3] = usr_toggle(b->f[i].real);
	}
	argv[n++] = "dpkg";
	argv[n++] = "-S";
	for (i = 0; i < 4 * b->n; i++)
		if (cand[i])
			argv[n++] = cand[i];
	err = run_capture(argv, &out);
	if (err)
		goto out;
	for (i = 0; i < b->n; i++)
		for (k = 0; k < 4 && !b->f[i].pkg; k++)
			if (cand[4 * i + k])
				b->f[i].pkg = owner_in(out, cand[4 * i + k]);
out:
	for (i = 0; cand && i < 4 * b->n; i++)
		free(cand[i]);
	free(cand);
	free(argv);
	free(out);
	return err;
}

/* A package's version from one `dpkg-query -W` answer of NAME\tVERSION
 * lines; NULL when it is not installed here. */
static char *version_in(const char *q, const char *pkg)
{
	size_t plen = strlen(pkg);
	const char *line = q;

	while (line && *line) {
		const char *eol = strchr(line, '\n');

		if (strncmp(line, pkg, plen) == 0 && line[plen] == '\t')
			return strndup(line + plen + 1, eol ? (size_t)(eol - line - plen - 1)
							: strlen(line + plen + 1));
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static struct json_object *unknown_licence(void)
{
	struct json_object *arr = json_object_new_array();

	json_object_array_add(arr, json_object_new_string("unknown"));
	return arr;
}

/* The License: fields of a DEP-5 copyright file, each once; "unknown" when
 * the file is missing or not machine-readable. */
static struct json_object *licenses_of(const char *pkg)
{
	struct json_object *arr = json_object_new_array(), *seen = json_object_new_object();
	char path[PATH_MAX], line[1024];
	bool dep5 = false;
	FILE *f;

	snprintf(path, sizeof path, "/usr/share/doc/%s/copyright", pkg);
	f = fopen(path, "re");
	if (f && fgets(line, sizeof line, f) && strncmp(line, "Format:", 7) == 0 &&
	    strstr(line, "copyright-format"))
		dep5 = true;
	while (dep5 && fgets(line, sizeof line, f)) {
		char *v = line + 8;
		size_t l;

		if (strncmp(line, "License:", 8) != 0)
			continue;
		v += strspn(v, " \t");
		l = strcspn(v, "\r\n");
		while (l > 0 && (v[l - 1] == ' ' || v[l - 1] == '\t'))
			l--;
		v[l] = 0;
		if (!*v || json_object_object_get_ex(seen, v, NULL))
			continue;
		json_object_object_add(seen, v, NULL);
		json_object_array_add(arr, json_object_new_string(v));
	}
	if (f)
		fclose(f);
	json_object_put(seen);
	if (json_object_array_length(arr) == 0) {
		json_object_put(arr);
		return unknown_licence();
	}
	return arr;
}

/* [{"license":{"name":N}}...]: Debian's short names are not all SPDX ids,
 * so they go in "name", never in "id". */
static struct json_object *license_choices(struct json_object *names)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < json_object_array_length(names); i++) {
		struct json_object *c = json_object_new_object(), *l = json_object_new_object();

		json_object_object_add(l, "name", json_object_get(json_object_array_get_idx(names, i)));
		json_object_object_add(c, "license", l);
		json_object_array_add(arr, c);
	}
	json_object_put(names);
	return arr;
}

/* purl: the version percent-encoded except unreserved characters and ':'
 * (an epoch), e.g. 1.5.4+dfsg2-5 -> 1.5.4%2Bdfsg2-5. */
static void purl_deb(char *buf, size_t cap, const char *pkg, const char *ver)
{
	size_t o;
	const char *p;

	o = (size_t)snprintf(buf, cap, "pkg:deb/debian/%s@", pkg);
	for (p = ver; *p && o + 4 < cap; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr(".-_~:", c))
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, cap - o, "%%%02X", c);
	}
	buf[o] = 0;
	snprintf(buf + o, cap - o, "?arch=amd64&distro=debian-12");
}

static struct json_object *hash_list(const char *alg, const char *hex)
{
	struct json_object *arr = json_object_new_array(), *h = json_object_new_object();

	json_object_object_add(h, "alg", json_object_new_string(alg));
	json_object_object_add(h, "content", json_object_new_string(hex));
	json_object_array_add(arr, h);
	return arr;
}

static struct json_object *property(const char *name, const char *value)
{
	struct json_object *p = json_object_new_object();

	json_object_object_add(p, "name", json_object_new_string(name));
	json_object_object_add(p, "value", json_object_new_string(value));
	return p;
}

/* {"type":"file","name":PATH,"hashes":[SHA-256]} for one file; the hash
 * is the one recorded at build time for static archives that are gone. */
static struct json_object *file_component(const struct bom_file *bf)
{
	struct json_object *c = json_object_new_object(), *props = json_object_new_array();
	char hex[65], ref[PATH_MAX + 8];
	const char *sum = NULL;

	snprintf(ref, sizeof ref, "file:%s", bf->path);
	if (cli_sha256_file(bf->path, hex) == 0)
		sum = hex;
	else if (bf->static_sha)
		sum = bf->static_sha;
	json_object_object_add(c, "type", json_object_new_string("file"));
	json_object_object_add(c, "bom-ref", json_object_new_string(ref));
	json_object_object_add(c, "name", json_object_new_string(bf->path));
	if (sum)
		json_object_object_add(c, "hashes", hash_list("SHA-256", sum));
	json_object_array_add(props, property("hindsight:role", bf->role));
	json_object_object_add(c, "properties", props);
	return c;
}

/* One "library" component per package, in the order files were added;
 * adds each component's bom-ref to deps. */
static void package_components(const struct bom *b, const char *versions,
			       struct json_object *comps, struct json_object *deps)
{
	bool *done = calloc(b->n ? b->n : 1, sizeof *done);
	size_t i, k;

	for (i = 0; done && i < b->n; i++) {
		struct json_object *c, *files, *props;
		const char *name = b->f[i].pkg;
		char ref[300], purl[600], *ver = NULL;

		if (done[i])
			continue;
		c = json_object_new_object();
		files = json_object_new_array();
		props = json_object_new_array();
		if (!name) /* no package owns it: a component of its own */
			name = strrchr(b->f[i].path, '/') + 1;
		for (k = i; k < b->n; k++) {
			if (done[k] || (b->f[i].pkg ? !b->f[k].pkg || strcmp(b->f[k].pkg, name) != 0 : k != i))
				continue;
			done[k] = true;
			json_object_array_add(files, file_component(&b->f[k]));
		}
		json_object_object_add(c, "type", json_object_new_string(
			strcmp(name, "valgrind") == 0 ? "application" : "library"));
		snprintf(ref, sizeof ref, "%s:%s", b->f[i].pkg ? "deb" : "file-without-package", name);
		json_object_object_add(c, "bom-ref", json_object_new_string(ref));
		json_object_object_add(c, "name", json_object_new_string(name));
		if (b->f[i].pkg) {
			ver = version_in(versions, name);
			if (!ver && b->f[i].static_version && *b->f[i].static_version) {
				ver = strdup(b->f[i].static_version);
				json_object_array_add(props, property("hindsight:version-from", "build time"));
			}
		}
		if (ver) {
			json_object_object_add(c, "version", json_object_new_string(ver));
			purl_deb(purl, sizeof purl, name, ver);
			json_object_object_add(c, "purl", json_object_new_string(purl));
		}
		json_object_object_add(c, "licenses", license_choices(
			b->f[i].pkg ? licenses_of(name) : unknown_licence()));
		if (!b->f[i].pkg)
			json_object_array_add(props, property("hindsight:package", "none: dpkg -S knows no owner"));
		json_object_object_add(c, "components", files);
		if (json_object_array_length(props))
			json_object_object_add(c, "properties", props);
		else
			json_object_put(props);
		json_object_array_add(comps, c);
		json_object_array_add(deps, json_object_new_string(ref));
		free(ver);
	}
	free(done);
}

/* "sha512-BASE64" (npm's integrity) -> hex into out[129]; 0 or -EINVAL */
static int integrity_hex(const char *integ, char *out)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char digits[] = "0123456789abcdef";
	unsigned int acc = 0, bits = 0, o = 0;
	const char *p;

	if (strncmp(integ, "sha512-", 7) != 0)
		return -EINVAL;
	for (p = integ + 7; *p && *p != '='; p++) {
		const char *d = strchr(b64, *p);

		if (!d || !*d)
			return -EINVAL;
		acc = (acc << 6) | (unsigned int)(d - b64);
		bits += 6;
		if (bits >= 8) {
			unsigned char byte = (unsigned char)(acc >> (bits - 8));

			bits -= 8;
			if (o >= 128)
				return -EINVAL;
			out[o++] = digits[byte >> 4];
			out[o++] = digits[byte & 15];
		}
	}
	out[o] = 0;
	return o == 128 ? 0 : -EINVAL;
}

/* The web UI's bundled npm packages: the lock file's non-dev entries. */
static void npm_components(struct json_object *comps, struct json_object *deps)
{
	struct json_object *lock = json_tokener_parse(cli_bom_ui_lock), *pkgs;
	char hex[129];

	if (!lock || !json_object_object_get_ex(lock, "packages", &pkgs)) {
		json_object_put(lock);
		return;
	}
	json_object_object_foreach(pkgs, key, val) {
		struct json_object *dev, *ver, *lic, *integ, *c;
		const char *name = strstr(key, "node_modules/"), *v;
		char ref[600], purl[700];

		/* the last node_modules/ of a nested path names the package */
		while (name && strstr(name + 13, "node_modules/"))
			name = strstr(name + 13, "node_modules/");
		if (!name || (json_object_object_get_ex(val, "dev", &dev) && json_object_get_boolean(dev)) ||
		    !json_object_object_get_ex(val, "version", &ver))
			continue;
		name += 13;
		v = json_object_get_string(ver);
		c = json_object_new_object();
		snprintf(ref, sizeof ref, "npm:%s@%s", name, v);
		snprintf(purl, sizeof purl, "pkg:npm/%s%s@%s", name[0] == '@' ? "%40" : "",
			 name[0] == '@' ? name + 1 : name, v);
		json_object_object_add(c, "type", json_object_new_string("library"));
		json_object_object_add(c, "bom-ref", json_object_new_string(ref));
		json_object_object_add(c, "name", json_object_new_string(name));
		json_object_object_add(c, "version", json_object_new_string(v));
		json_object_object_add(c, "purl", json_object_new_string(purl));
		if (json_object_object_get_ex(val, "license", &lic)) {
			struct json_object *names = json_object_new_array();

			json_object_array_add(names, json_object_new_string(json_object_get_string(lic)));
			json_object_object_add(c, "licenses", license_choices(names));
		}
		if (json_object_object_get_ex(val, "integrity", &integ) &&
		    integrity_hex(json_object_get_string(integ), hex) == 0)
			json_object_object_add(c, "hashes", hash_list("SHA-512", hex));
		json_object_array_add(comps, c);
		json_object_array_add(deps, json_object_new_string(ref));
	}
	json_object_put(lock);
}

/* metadata.component: Hindsight, with the CLI and the recorder as files. */
static struct json_object *root_component(const char *exe, const char *tool)
{
	struct json_object *c = json_object_new_object(), *files = json_object_new_array();
	struct bom_file bf = { 0 };
	char purl[300];

	json_object_object_add(c, "type", json_object_new_string("application"));
	json_object_object_add(c, "bom-ref", json_object_new_string("hindsight"));
	json_object_object_add(c, "name", json_object_new_string("hindsight"));
	json_object_object_add(c, "version", json_object_new_string(cli_bom_version));
	json_object_object_add(c, "description", json_object_new_string(
		"omniscient (time-travel) debugger for Linux x86-64"));
	snprintf(purl, sizeof purl, "pkg:generic/hindsight@%s", cli_bom_version);
	json_object_object_add(c, "purl", json_object_new_string(purl));
	bf.path = (char *)exe;
	bf.role = "the hindsight CLI";
	json_object_array_add(files, file_component(&bf));
	if (access(tool, R_OK) == 0) {
		bf.path = (char *)tool;
		bf.role = "the recorder (a Valgrind tool)";
		json_object_array_add(files, file_component(&bf));
	}
	json_object_object_add(c, "components", files);
	return c;
}

/* The files of the SBOM: loaded libraries, what Valgrind runs from, the
 * static archives of the build; then their packages and versions. */
static int collect(struct bom *b, char **versions)
{
	static const char *const vg_files[] = { "/usr/libexec/valgrind/vgpreload_core-amd64-linux.so",
						"/usr/libexec/valgrind/default.supp" };
	const struct cli_bom_static_file *s;
	char **argv = NULL, *which = NULL;
	size_t i, n = 0;
	int err;

	err = dl_iterate_phdr(add_loaded, b) ? -ENOMEM : 0;
	/* the valgrind that record runs (cmd_record.c: valgrind.bin first) */
	if (!err && access("/usr/bin/valgrind.bin", X_OK) == 0)
		err = bom_add(b, "/usr/bin/valgrind.bin", "run by hindsight record", false);
	else if (!err && run_capture((char *[]){ "sh", "-c", "command -v valgrind", NULL }, &which) == 0 &&
		 which && which[0] == '/') {
		which[strcspn(which, "\n")] = 0;
		err = bom_add(b, which, "run by hindsight record", false);
	}
	free(which);
	for (i = 0; !err && i < sizeof vg_files / sizeof vg_files[0]; i++)
		if (access(vg_files[i], R_OK) == 0)
			err = bom_add(b, vg_files[i], "run by hindsight record", false);
	for (s = cli_bom_static; !err && s->path; s++) {
		size_t before = b->n;
		char role[64];

		snprintf(role, sizeof role, "linked statically into the %s",
			 strcmp(s->linked_into, "both") == 0 ? "CLI and the recorder" : s->linked_into);
		err = bom_add(b, s->path, role, true);
		if (!err && b->n > before) {
			b->f[b->n - 1].static_version = s->version;
			b->f[b->n - 1].static_sha = s->sha256;
			if (*s->package)
				b->f[b->n - 1].pkg = strdup(s->package);
		}
	}
	if (!err)
		err = find_owners(b);
	if (err)
		return err;
	argv = calloc(b->n + 4, sizeof *argv);
	if (!argv)
		return -ENOMEM;
	argv[n++] = "dpkg-query";
	argv[n++] = "-W";
	argv[n++] = "-f=${Package}\t${Version}\n";
	for (i = 0; i < b->n; i++)
		if (b->f[i].pkg)
			argv[n++] = b->f[i].pkg;
	err = run_capture(argv, versions);
	free(argv);
	return err;
}

/* The whole document; caller puts it. */
static int make_bom(struct json_object **out)
{
	struct json_object *doc = NULL, *meta, *comps, *deps, *dep, *tools, *tool_c;
	struct bom b = { 0 };
	char *versions = NULL, *uuid = NULL, exe[PATH_MAX], dir[PATH_MAX], tool[PATH_MAX + 32];
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	ssize_t len;
	int err;

	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len < 0)
		return -errno;
	exe[len] = 0;
	if (cli_tool_dir(dir, sizeof dir) < 0)
		dir[0] = 0;
	snprintf(tool, sizeof tool, "%s/hindsight-amd64-linux", dir);
	if (realpath(tool, dir)) /* without the bin/../ */
		snprintf(tool, sizeof tool, "%s", dir);
	err = collect(&b, &versions);
	if (err)
		goto out;
	doc = json_object_new_object();
	json_object_object_add(doc, "bomFormat", json_object_new_string("CycloneDX"));
	json_object_object_add(doc, "specVersion", json_object_new_string("1.6"));
	if (run_capture((char *[]){ "cat", "/proc/sys/kernel/random/uuid", NULL }, &uuid) == 0 &&
	    strlen(uuid) >= 36) {
		char sn[64];

		snprintf(sn, sizeof sn, "urn:uuid:%.36s", uuid);
		json_object_object_add(doc, "serialNumber", json_object_new_string(sn));
	}
	json_object_object_add(doc, "version", json_object_new_int(1));
	meta = json_object_new_object();
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(meta, "timestamp", json_object_new_string(when));
	tools = json_object_new_object();
	tool_c = json_object_new_array();
	json_object_array_add(tool_c, json_object_new_object());
	json_object_object_add(json_object_array_get_idx(tool_c, 0), "type", json_object_new_string("application"));
	json_object_object_add(json_object_array_get_idx(tool_c, 0), "name", json_object_new_string("hindsight bom"));
	json_object_object_add(json_object_array_get_idx(tool_c, 0), "version", json_object_new_string(cli_bom_version));
	json_object_object_add(tools, "components", tool_c);
	json_object_object_add(meta, "tools", tools);
	json_object_object_add(meta, "component", root_component(exe, tool));
	json_object_object_add(doc, "metadata", meta);
	comps = json_object_new_array();
	deps = json_object_new_array();
	package_components(&b, versions, comps, deps);
	npm_components(comps, deps);
	json_object_object_add(doc, "components", comps);
	dep = json_object_new_object();
	json_object_object_add(dep, "ref", json_object_new_string("hindsight"));
	json_object_object_add(dep, "dependsOn", deps);
	deps = json_object_new_array();
	json_object_array_add(deps, dep);
	json_object_object_add(doc, "dependencies", deps);
	*out = doc;
out:
	free(uuid);
	free(versions);
	bom_free(&b);
	return err;
}

/* DIR/bom.json by a temporary file in DIR and rename(): a reader sees the
 * old file or the whole new one. */
static int write_atomic(const char *dir, const char *text)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	size_t len = strlen(text);
	int fd, err = 0;

	if ((size_t)snprintf(dst, sizeof dst, "%s/bom.json", dir) >= sizeof dst ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/.bom.json.%d.tmp", dir, (int)getpid()) >= sizeof tmp)
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = hs_write_all(fd, text, len, -1);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, dst) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int cli_bom_main(int argc, char **argv)
{
	struct json_object *doc = NULL;
	const char *dir = NULL, *text;
	int err;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: hindsight bom [DIR]\n"
		       "Writes a CycloneDX 1.6 JSON SBOM of Hindsight: itself, every Debian\n"
		       "package behind the libraries it links and the Valgrind it runs (version\n"
		       "by dpkg, licences from /usr/share/doc/PKG/copyright, SHA-256 of each\n"
		       "file) and the npm packages bundled into its web UI.  To stdout, or to\n"
		       "DIR/bom.json (replaced atomically).\n");
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: hindsight bom [DIR]\n");
		return 2;
	}
	if (argc == 2)
		dir = argv[1];
	err = make_bom(&doc);
	if (err) {
		fprintf(stderr, "hindsight bom: %s\n", strerror(-err));
		return 1;
	}
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (dir) {
		err = write_atomic(dir, text);
		if (err)
			fprintf(stderr, "hindsight bom: %s/bom.json: %s\n", dir, strerror(-err));
	} else if (printf("%s\n", text) < 0 || fflush(stdout) != 0) {
		err = -EIO;
		fprintf(stderr, "hindsight bom: writing stdout: %s\n", strerror(errno));
	}
	json_object_put(doc);
	return err ? 1 : 0;
}
