#!/bin/sh
# check-deps.sh - the module dependency rule, checked (make check-deps).
#
# The Makefile's MODULE_DEPS table says which modules each module may use
# ("mod:dep,dep"; "*" for all: the CLI is the top).  A module uses another
# when one of its files includes that module's public header
# (include/hindsight/, owners in HEADER_OWNERS below).  Also checked:
#   - the common layer (le.h, util.h, banned.h) and the format specs
#     (trace_format.h, db_format.h, syscall_args.h) are for everyone;
#   - a quoted include that is not hindsight/... names a file of the same
#     folder (no module, and no test, reaches into another's private
#     headers);
#   - Valgrind's headers (libvex*, pub_tool*, valgrind.h) only in builder/trace, the
#     recorder and the tests of the trace library;
#   - LINK_ORDER puts every library before the ones it uses.
# Prints each violation; exits 1 if there is one.
#   MODULE_DEPS=... LINK_ORDER=... LIBS=... sh scripts/check-deps.sh
set -u
cd "$(dirname "$0")/.."
: "${MODULE_DEPS:?set by the Makefile}" "${LINK_ORDER:?}" "${LIBS:?}"

HEADER_OWNERS="trace.h:builder/trace dbfile.h:fs/dbfile db.h:fs/query
source.h:fs/source tls.h:fs/source dbbuild.h:builder/db tree.h:fs/tree fusefs.h:fs/fuse
server.h:server playground.h:server gdbserver.h:server/gdb gdbserver_test.h:server/gdb sysfmt.h:fs/query
sha256.h:builder/cli dbsort.h:builder/db dbbuild_stages.h:builder/db
le.h:- util.h:- banned.h:- trace_format.h:- db_format.h:- syscall_args.h:-"
VG_OK="builder/trace builder/recorder tests/unit/test_trace.c tests/unit/test_query.c"

bad=0
say() { echo "check-deps: $*"; bad=1; }
owner() { for p in $HEADER_OWNERS; do [ "${p%%:*}" = "$1" ] && { echo "${p#*:}"; return; }; done; echo "?"; }
allowed() { # allowed MOD DEP
	for e in $MODULE_DEPS; do
		[ "${e%%:*}" = "$1" ] || continue
		case ",${e#*:}," in *",$2,"*|*",*,"*) return 0 ;; esac
	done
	return 1
}
module_of() { # the module folder of a file: its folder
	dirname "$1"
}
in_list() { for x in $2; do case $1 in "$x"|"$x"/*) return 0 ;; esac; done; return 1; }

# headers include headers: a module's use of a header is also a use of
# what that header includes, so check include/hindsight/ too
for h in include/hindsight/*.h; do
	ho=$(owner "$(basename "$h")")
	[ "$ho" = "?" ] && say "$h: no owner in HEADER_OWNERS"
	for inc in $(sed -n 's/^#include "hindsight\/\([a-z_]*\.h\)".*/\1/p' "$h"); do
		io=$(owner "$inc")
		[ "$ho" = "-" ] && [ "$io" != "-" ] && say "$h: a common header includes $inc ($io)"
		[ "$ho" = "-" ] || [ "$io" = "-" ] || [ "$io" = "$ho" ] || allowed "$ho" "$io" ||
			say "$h ($ho) includes hindsight/$inc ($io): not in MODULE_DEPS"
	done
done

for f in $(git ls-files 'builder/*.[ch]' 'fs/*.[ch]' 'server/*.[ch]' 'tests/unit/*.[ch]'); do
	mod=$(module_of "$f")
	for inc in $(sed -n 's/^[ \t]*#[ \t]*include[ \t]*"\([^"]*\)".*/\1/p' "$f"); do
		case $inc in
		hindsight/*)
			io=$(owner "${inc#hindsight/}")
			[ "$io" = "?" ] && { say "$f: $inc: not a header of include/hindsight"; continue; }
			[ "$io" = "-" ] || [ "$io" = "$mod" ] || [ "$mod" = tests/unit ] ||
				allowed "$mod" "$io" ||
				say "$f ($mod) includes $inc ($io): not in MODULE_DEPS"
			;;
		libvex*|pub_tool*|valgrind.h)
			in_list "$f" "$VG_OK" || say "$f: includes Valgrind's $inc (only builder/trace may)"
			;;
		*/*)
			say "$f: includes $inc, a private header of another folder"
			;;
		*)
			[ -f "$(dirname "$f")/$inc" ] ||
				say "$f: includes \"$inc\", not in its folder"
			;;
		esac
	done
done

# link order: a library comes before every library it uses
pos() { i=0; for n in $LINK_ORDER; do i=$((i + 1)); [ "$n" = "$1" ] && { echo $i; return; }; done; echo 0; }
lib_of() { for l in $LIBS; do [ "${l#*:}" = "$1" ] && { echo "${l%%:*}"; return; }; done; }
for e in $MODULE_DEPS; do
	m=${e%%:*}
	lm=$(lib_of "$m")
	[ -n "$lm" ] || continue
	for d in $(echo "${e#*:}" | tr ',' ' '); do
		ld=$(lib_of "$d")
		[ -n "$ld" ] || continue
		[ "$(pos "$lm")" -lt "$(pos "$ld")" ] ||
			say "LINK_ORDER: libhs$lm must come before libhs$ld ($m uses $d)"
	done
done
[ $bad = 0 ] && echo "check-deps: every include and the link order follow MODULE_DEPS"
exit $bad
