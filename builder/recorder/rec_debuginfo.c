/* rec_debuginfo.c - the core's DWARF line reader, left out.
 *
 * Valgrind's core reads every mapped object's debug information as it is
 * mapped: symbols (redirections need them), call-frame info (its own stack
 * traces) and, in ML_(read_debuginfo_dwarf3), the line tables.  Valgrind
 * 3.19 (Debian 12's) cannot read the compile-unit headers clang 14 writes by
 * default (DWARF 5 with DW_FORM_strx1/DW_FORM_addrx): it prints "unhandled
 * dwarf2 abbrev form code 0x25" and then gives up on the whole run
 * ("Possibly corrupted debuginfo file ... I can't recover"), so a clang
 * program of several files could not be recorded at all.
 *
 * The recorder never asks the core for a file or line (the builder reads
 * DWARF itself, with libdw) and mutes the core's fatal report, so the line
 * tables are only work: the reader is replaced by nothing (linked with
 * -Wl,--wrap=vgModuleLocal_read_debuginfo_dwarf3).  Its variable and inline
 * readers stay off, as they are by default for a tool that is not memcheck.
 */
#include "rec_internal.h"

/* The core's caller passes the DebugInfo and the sections' slices; none is
 * read here, so the parameters are not declared (the caller owns them). */
void __wrap_vgModuleLocal_read_debuginfo_dwarf3(void);

void __wrap_vgModuleLocal_read_debuginfo_dwarf3(void)
{
}
