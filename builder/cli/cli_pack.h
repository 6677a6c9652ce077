/* cli_pack.h - private to builder/cli: the pack of a recording (the files
 * `hindsight pack` copies into TRACE/pack; layout in
 * builder/trace/trace_pack.c).
 *
 * cli_pack.c keeps the list of entries (the manifest), stores objects and
 * publishes the new pack atomically; cmd_pack.c finds what to pack.
 *
 * Manifest (TRACE/pack/manifest.json):
 *   { "format": 1, "bytes": <sum of the objects' sizes>,
 *     "files": [ { "kind": "file" | "source" | "debug",
 *                  "key": recorded path (file: mapped or a debug file by
 *                         its path; source: as DWARF names it) or
 *                         build-id in hex (debug),
 *                  "object": XXH64 of the contents, 16 hex digits,
 *                  "size": bytes, "from": the path it was copied from } ] }
 * Entries are never replaced: what the first pack froze stays.
 *
 * Ownership: struct cli_pack owns every string in it; cli_pack_free().
 * Errors: 0 or -errno, with one line on stderr naming the file.
 */
#ifndef HS_CLI_PACK_H
#define HS_CLI_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cli_pack_entry {
	char kind[8];           /* "file", "source", "debug" */
	char *key;
	char *from;
	char object[17];        /* "" until stored */
	uint64_t size;
};

struct cli_pack {
	char *trace;            /* TRACE */
	char *dir;              /* TRACE/pack */
	char *tmp;              /* TRACE/.pack.tmp.<pid> while writing */
	struct cli_pack_entry *v;
	size_t n, cap, n_old;   /* v[0, n_old): from the existing manifest */
	uint64_t bytes_added;   /* copied or linked by this pack */
	size_t linked, copied;  /* new objects: hardlinked / copied */
};

/* Reads TRACE/pack/manifest.json if there is one; removes temporary
 * folders that a killed pack left. */
int cli_pack_load(const char *trace, struct cli_pack *p);
void cli_pack_free(struct cli_pack *p);
/* Adds an entry to pack (unless one has that kind and key): from is the
 * file to copy.  Returns 1 when added, 0 when already there. */
int cli_pack_add(struct cli_pack *p, const char *kind, const char *key,
		 const char *from);
bool cli_pack_has(const struct cli_pack *p, const char *kind, const char *key);
/* Writes the pack (old and new entries) into the temporary folder and
 * renames it over TRACE/pack.  A kill at any moment leaves TRACE/pack as
 * it was (and a .pack.tmp.<pid> folder the next pack removes). */
int cli_pack_publish(struct cli_pack *p);

#endif
