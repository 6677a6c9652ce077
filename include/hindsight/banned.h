/* banned.h - C library calls Hindsight does not use (git's banned.h).
 *
 * Owner: the common layer.  The Makefile includes it first in every .c
 * file it builds (-include), except the recorder, a Valgrind tool with no
 * libc.  Why each is banned, and what to use instead:
 *   atoi            no error, undefined on overflow: strtol/strtoull and a
 *                   check of end and errno
 *   sprintf strcpy  no bound: snprintf, or memcpy with a known length
 *   strcat gets     (the same)
 * The headers that declare them come first, so that the declarations are
 * read before the names are poisoned; a use anywhere after that is a
 * compile error. */
#ifndef HINDSIGHT_BANNED_H
#define HINDSIGHT_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC poison atoi sprintf strcpy strcat gets

#endif
