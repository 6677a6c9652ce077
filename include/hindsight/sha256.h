/* sha256.h - FIPS 180-4 SHA-256 of `hindsight bom`'s file hashes.
 *
 * Owner: builder/cli (cli_sha256.c; the CLI is no library: a user links
 * build/obj/builder/cli/cli_sha256.o, as tests/unit/test_cli_sha256 does).
 * Users: cmd_bom.c, tests/unit/test_cli_sha256.c.
 *
 * Small and dependency-free (none of the libraries Hindsight links
 * exports one).  Not for secrets: no constant time, no wiping.
 * cli_sha256_file() writes 64 lowercase hex digits and a NUL into
 * hex[65]; 0 or -errno (open/read). */
#ifndef HINDSIGHT_SHA256_H
#define HINDSIGHT_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct cli_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes fed so far */
	unsigned char buf[64];
	size_t fill;		/* bytes waiting in buf */
};

void cli_sha256_init(struct cli_sha256 *s);
void cli_sha256_update(struct cli_sha256 *s, const void *data, size_t n);
void cli_sha256_final(struct cli_sha256 *s, unsigned char out[32]);
int cli_sha256_file(const char *path, char hex[65]);

#endif
