/* cli_bom.h - what `hindsight bom` (cmd_bom.c) needs from beside it.
 *
 * Owner: builder/cli.  Users: cmd_bom.c.
 *
 * cli_sha256_*: hindsight/sha256.h.
 *
 * cli_bom_static[]: generated at build time by scripts/gen-bom-data.sh into
 * build/gen/cli_bom_data.c: the static archives linked into the CLI and
 * the recorder (libvex, libcoregrind, libzstd.a ...), with the Debian
 * package and version that provided them and their SHA-256 then, since
 * the machine that runs `bom` may not have them.  Ends with a row of NULs.
 * cli_bom_version: `git describe` at build time (or the code's version).
 * cli_bom_ui_lock: server/ui/package-lock.json as built, NUL-terminated
 * ("" when there is none).  All static, never freed. */
#ifndef HINDSIGHT_CLI_BOM_H
#define HINDSIGHT_CLI_BOM_H

#include <stddef.h>
#include <stdint.h>

#include "hindsight/sha256.h"

struct cli_bom_static_file {
	const char *path;	/* where it was at build time */
	const char *package;	/* Debian package, "" if dpkg did not know */
	const char *version;
	const char *sha256;	/* hex */
	const char *linked_into; /* "CLI", "recorder" or "both" */
};

extern const struct cli_bom_static_file cli_bom_static[];
extern const char cli_bom_version[];
extern const char cli_bom_ui_lock[];


#endif
