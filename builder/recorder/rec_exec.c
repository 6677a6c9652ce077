/* rec_exec.c - an execve inside the recording starts the new program as
 * the kernel would: with the argv[0] the caller passed and the program the
 * path names.
 *
 * Valgrind's PRE(execve) runs its launcher instead, with the command line
 * [launcher] ++ Valgrind's options ++ [path] ++ argv[1..]; the new core
 * loads `path` and makes it the new program's argv[0] and AT_EXECFN.
 * Two things then differ from a native run:
 *  - a path that names the running program through /proc (/proc/self/exe,
 *    /proc/<pid>/exe, /proc/thread-self/exe, an fd open on one of them)
 *    names Valgrind's tool binary by the time the new core opens it, which
 *    cannot load itself ("mmap(0x58000000, 4096) failed in UME");
 *  - argv[0] is the path, not what the caller passed ("/usr/bin/ls:
 *    cannot access ..." where ls says "ls: cannot access ...").
 *
 * So the core's own execve of the launcher is wrapped (-Wl,--wrap=
 * vgPlain_do_syscall: handle_pre_sys_execve calls VG_(do_syscall) in
 * 3.19): the path element becomes the client's program where it named the
 * tool, and three of our options tell the new image what to put back:
 * --hs-argv0=A, --hs-execfn=E (the path as the caller gave it, which the
 * kernel's AT_EXECFN holds) and --hs-pad=N.  The new core builds the
 * client's stack before the tool's post_clo_init, and the recorder copies
 * the initial memory only after it (new_mem_startup), so the rewritten
 * strings are what the recording starts with.  They are written in place,
 * over the path's strings; a path shorter than what goes there is made
 * longer first without naming another file ("/" or "./" repeated in
 * front, N bytes), and the new image takes those N bytes off its own
 * record of the program's name again.
 *
 * A "#!" script keeps Valgrind's argv: the kernel, too, drops the
 * caller's argv[0] and starts the interpreter with the script's path.
 */
#include "rec_internal.h"

#include "pub_tool_aspacemgr.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_xarray.h"

/* Core globals that no tool header declares (libcoregrind 3.19). */
extern const HChar *VG_(name_of_launcher);
extern XArray *VG_(args_for_valgrind);
extern Int VG_(args_for_valgrind_noexecpass);
extern Int VG_(cl_exec_fd);
extern Int VG_(cl_cmdline_fd);
extern HChar **VG_(client_envp);
extern UWord *VG_(client_auxv);

SysRes __real_vgPlain_do_syscall(UWord sysno, UWord a1, UWord a2, UWord a3,
				 UWord a4, UWord a5, UWord a6, UWord a7, UWord a8);
SysRes __wrap_vgPlain_do_syscall(UWord sysno, UWord a1, UWord a2, UWord a3,
				 UWord a4, UWord a5, UWord a6, UWord a7, UWord a8);

#define EXEC_STR_MAX 4096
#define AT_EXECFN_ 31

/* The execve the client is making, noted by its pre_syscall hook (which
 * runs before the core's PRE); valid only for that call. */
static struct {
	Bool active;
	Bool argv0_known;
	HChar argv0[EXEC_STR_MAX];
	HChar execfn[EXEC_STR_MAX];
} pending;

/* What this image was told to put back (the options above). */
static struct {
	const HChar *argv0;
	const HChar *execfn;
	Long pad;
} restore;

static const HChar opt_argv0[] = "--hs-argv0=";
static const HChar opt_execfn[] = "--hs-execfn=";
static const HChar opt_pad[] = "--hs-pad=";

Bool rec_exec_option(const HChar *arg)
{
	const HChar *tmp;

	if (VG_STR_CLO(arg, "--hs-argv0", tmp))
		restore.argv0 = tmp;
	else if (VG_STR_CLO(arg, "--hs-execfn", tmp))
		restore.execfn = tmp;
	else if (VG_BINT_CLO(arg, "--hs-pad", restore.pad, 0, EXEC_STR_MAX))
		;
	else
		return False;
	return True;
}

const HChar *rec_exec_argv0(void)
{
	return restore.argv0;
}

/* The kernel's AT_EXECFN for execve(path) and execveat(dirfd, path,
 * flags): the path, or "/dev/fd/N" and "/dev/fd/N/path" for one relative
 * to a descriptor (fs/exec.c, alloc_bprm). */
static void note_execfn(UInt sysno, UWord *args, const HChar *path)
{
	Int dirfd = (Int)args[0];

	if (sysno == __NR_execve || path[0] == '/' || dirfd == VKI_AT_FDCWD)
		VG_(snprintf)(pending.execfn, sizeof pending.execfn, "%s", path);
	else if (path[0] == 0)
		VG_(snprintf)(pending.execfn, sizeof pending.execfn, "/dev/fd/%d", dirfd);
	else
		VG_(snprintf)(pending.execfn, sizeof pending.execfn, "/dev/fd/%d/%s", dirfd, path);
}

void rec_exec_before(UInt sysno, UWord *args, const HChar *path)
{
	Addr argv = sysno == __NR_execve ? args[1] : args[2];
	Addr arg0 = 0;

	pending.active = True;
	pending.argv0_known = False;
	note_execfn(sysno, args, path);
	if (!argv || !VG_(am_is_valid_for_client)(argv, sizeof(Addr), VKI_PROT_READ))
		return;
	arg0 = *(Addr *)argv;
	/* no argv at all: the kernel (5.18 on) passes "" as argv[0] */
	pending.argv0[0] = 0;
	pending.argv0_known = True;
	if (arg0) {
		UInt n = rec_client_string(arg0, pending.argv0, sizeof pending.argv0);

		pending.argv0_known = n + 1 < sizeof pending.argv0;
	}
}

static Bool same_file(const HChar *a, const HChar *b)
{
	struct vg_stat sa, sb;

	return !sr_isError(VG_(stat)(a, &sa)) && !sr_isError(VG_(stat)(b, &sb)) &&
	       sa.dev == sb.dev && sa.ino == sb.ino;
}

/* The program the new core is to load: `file`, or where `file` is the
 * tool binary itself (a /proc path to the running program), the client's
 * program, which the core keeps open (VG_(cl_exec_fd)). */
static const HChar *program_of(const HChar *file, HChar *buf, SizeT cap)
{
	HChar fdpath[48];
	Int n;

	if (VG_(cl_exec_fd) < 0 || !same_file(file, "/proc/self/exe"))
		return file;
	VG_(snprintf)(fdpath, sizeof fdpath, "/proc/self/fd/%d", VG_(cl_exec_fd));
	n = VG_(readlink)(fdpath, buf, cap - 1);
	if (n <= 0 || (SizeT)n >= cap - 1)
		return file;
	buf[n] = 0;
	/* the file is gone: exec fails as it would natively */
	if (n > 10 && VG_(strcmp)(buf + n - 10, " (deleted)") == 0)
		return file;
	return buf;
}

static Bool is_script(const HChar *file)
{
	SysRes r = VG_(open)(file, VKI_O_RDONLY, 0);
	HChar head[2] = { 0, 0 };
	Int fd;

	if (sr_isError(r))
		return False;
	fd = (Int)sr_Res(r);
	if (VG_(read)(fd, head, 2) != 2)
		head[0] = 0;
	VG_(close)(fd);
	return head[0] == '#' && head[1] == '!';
}

static Bool our_option(const HChar *a)
{
	return VG_(strncmp)(a, opt_argv0, sizeof opt_argv0 - 1) == 0 ||
	       VG_(strncmp)(a, opt_execfn, sizeof opt_execfn - 1) == 0 ||
	       VG_(strncmp)(a, opt_pad, sizeof opt_pad - 1) == 0;
}

/* `prog` made at least `want` bytes long: "/" or "./" repeated in front
 * name the same file ("ls" needs "./" as execve would: the core searches
 * PATH for a name without a slash).  *pad: the bytes put in front. */
static HChar *padded(const HChar *prog, SizeT want, Long *pad)
{
	SizeT len = VG_(strlen)(prog), n = 0, cap = (want > len ? want : len) + 3;
	HChar *out = VG_(malloc)("hs.exec.path", cap);
	Bool abs = prog[0] == '/';

	while (len + n < want || (!abs && !VG_(strchr)(prog, '/') && n == 0)) {
		if (abs)
			out[n++] = '/';
		else {
			out[n++] = '.';
			out[n++] = '/';
		}
	}
	VG_(strcpy)(out + n, prog);
	*pad = (Long)n;
	return out;
}

/* The launcher's new argv: ours without earlier copies of our options,
 * then the options for the new image and the program. */
static HChar **new_argv(HChar **argv, Word at, const HChar *prog, HChar **opts)
{
	Word n = 0, i, j = 0, k;
	HChar **out;

	while (argv[n])
		n++;
	out = VG_(malloc)("hs.exec.argv", (n + 4) * sizeof(HChar *));
	for (i = 0; i < at; i++)
		if (i == 0 || !our_option(argv[i]))
			out[j++] = argv[i];
	for (k = 0; opts[k]; k++)
		out[j++] = opts[k];
	out[j++] = (HChar *)prog;
	for (i = at + 1; i < n; i++)
		out[j++] = argv[i];
	out[j] = NULL;
	return out;
}

static HChar *option(const HChar *name, const HChar *value)
{
	SizeT cap = VG_(strlen)(name) + VG_(strlen)(value) + 1;
	HChar *s = VG_(malloc)("hs.exec.opt", cap);

	VG_(snprintf)(s, cap, "%s%s", name, value);
	return s;
}

static SysRes exec_launcher(UWord a1, HChar **argv, UWord envp)
{
	Word at = 1 + VG_(sizeXA)(VG_(args_for_valgrind)) - VG_(args_for_valgrind_noexecpass);
	HChar buf[EXEC_STR_MAX], num[24], *opts[4] = { NULL, NULL, NULL, NULL }, **nargv;
	const HChar *prog;
	HChar *path;
	Bool set0, setfn, script;
	SizeT want = 0;
	Long pad = 0;
	Word i, n = 0;
	SysRes r;

	for (i = 0; i <= at; i++)
		if (!argv[i])
			return __real_vgPlain_do_syscall(__NR_execve, a1, (UWord)argv, envp, 0, 0, 0, 0, 0);
	prog = program_of(argv[at], buf, sizeof buf);
	script = is_script(prog);
	set0 = pending.argv0_known && !script && VG_(strcmp)(pending.argv0, prog) != 0;
	setfn = VG_(strcmp)(pending.execfn, prog) != 0;
	if (set0)
		want = VG_(strlen)(pending.argv0);
	if (setfn && VG_(strlen)(pending.execfn) > want)
		want = VG_(strlen)(pending.execfn);
	path = padded(prog, want, &pad);
	/* the core puts path, not prog, in argv[0] and AT_EXECFN; what
	 * equalled prog is no longer than path */
	set0 = pending.argv0_known && !script && VG_(strcmp)(pending.argv0, path) != 0;
	setfn = VG_(strcmp)(pending.execfn, path) != 0;
	if (set0)
		opts[n++] = option(opt_argv0, pending.argv0);
	if (setfn)
		opts[n++] = option(opt_execfn, pending.execfn);
	if (pad) {
		VG_(snprintf)(num, sizeof num, "%lld", pad);
		opts[n++] = option(opt_pad, num);
	}
	nargv = new_argv(argv, at, path, opts);
	r = __real_vgPlain_do_syscall(__NR_execve, a1, (UWord)nargv, envp, 0, 0, 0, 0, 0);
	/* still here: the exec failed, and the core gives up (exit 101) */
	for (i = 0; i < n; i++)
		VG_(free)(opts[i]);
	VG_(free)(nargv);
	VG_(free)(path);
	return r;
}

/* Every VG_(do_syscall) of the core and the tool comes here: only the
 * core's execve of the launcher, in the client's execve, is changed. */
SysRes __wrap_vgPlain_do_syscall(UWord sysno, UWord a1, UWord a2, UWord a3,
				 UWord a4, UWord a5, UWord a6, UWord a7, UWord a8)
{
	if (sysno == __NR_write && rec_log_line_dropped(a1, (const HChar *)a2, a3)) {
		SysRes done = { False, a3 }; /* written, as far as the core knows */

		return done;
	}
	if (sysno != __NR_execve || !pending.active || !VG_(name_of_launcher) ||
	    a1 != (UWord)VG_(name_of_launcher) || !a2)
		return __real_vgPlain_do_syscall(sysno, a1, a2, a3, a4, a5, a6, a7, a8);
	pending.active = False;
	return exec_launcher(a1, (HChar **)a2, a3);
}

/* Writes s over the string at `at` (no longer than it), zeroing the rest
 * of the old string. */
static Bool put_string(HChar *at, const HChar *s)
{
	SizeT old = VG_(strlen)(at), len = VG_(strlen)(s);

	if (len > old)
		return False;
	VG_(memcpy)(at, s, len);
	VG_(memset)(at + len, 0, old - len + 1);
	return True;
}

/* /proc/self/cmdline as Valgrind fakes it (a file the core made of the
 * program's name and arguments): argv[0] in front, as the kernel's. */
static void fix_cmdline(const HChar *argv0)
{
	Word i, n = VG_(sizeXA)(VG_(args_for_client));
	Int fd = VG_(cl_cmdline_fd);
	Long off;

	if (fd < 0 || sr_isError(VG_(do_syscall)(__NR_ftruncate, (UWord)fd, 0, 0, 0, 0, 0, 0, 0)))
		return;
	off = VG_(strlen)(argv0) + 1;
	VG_(do_syscall)(__NR_pwrite64, (UWord)fd, (UWord)argv0, (UWord)off, 0, 0, 0, 0, 0);
	for (i = 0; i < n; i++) {
		const HChar *a = *(HChar **)VG_(indexXA)(VG_(args_for_client), i);
		SizeT len = VG_(strlen)(a) + 1;

		VG_(do_syscall)(__NR_pwrite64, (UWord)fd, (UWord)a, len, (UWord)off, 0, 0, 0, 0);
		off += (Long)len;
	}
}

/* The client's argv[0] string on its initial stack: argc, argv[argc],
 * NULL, then envp (VG_(client_envp)).  NULL if the stack is not the
 * expected one (a script's interpreter in front). */
static HChar *client_argv0(void)
{
	Word argc = VG_(sizeXA)(VG_(args_for_client)) + 1;
	UWord *envp = (UWord *)VG_(client_envp);
	HChar *s;

	if (!envp || envp[-1] != 0 || envp[-2 - argc] != (UWord)argc)
		return NULL;
	s = (HChar *)envp[-1 - argc];
	return s && VG_(strcmp)(s, VG_(args_the_exename)) == 0 ? s : NULL;
}

static HChar *client_execfn(void)
{
	UWord *a = VG_(client_auxv);

	for (; a && a[0] != 0; a += 2)
		if (a[0] == AT_EXECFN_)
			return (HChar *)a[1];
	return NULL;
}

/* In post_clo_init: the stack as the kernel would have built it, before
 * the recorder copies the initial memory. */
void rec_exec_restore(void)
{
	HChar *s;

	if (restore.argv0 && (s = client_argv0()) != NULL && put_string(s, restore.argv0))
		fix_cmdline(restore.argv0);
	if (restore.execfn && (s = client_execfn()) != NULL)
		put_string(s, restore.execfn);
	if (restore.pad > 0 && (Long)VG_(strlen)(VG_(args_the_exename)) > restore.pad)
		VG_(args_the_exename) += restore.pad;
}
