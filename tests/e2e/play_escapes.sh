#!/bin/bash
# play_escapes.sh - what the playground's sandbox contains, each checked
# from the host afterwards, with the server answering after each run:
# reading /etc/shadow, ~/.ssh and another run's folder; #include and
# .incbin of /etc/shadow; writing outside the run's folder (/usr, /tmp,
# the run's parent); connecting to the playground's port; ptrace,
# process_vm_readv, unshare(CLONE_NEWUSER), ioctl(TIOCSTI) (EPERM from the
# seccomp filter); a child that outlives the run (killed with it); a fork
# bomb (stopped by the process limit); a memory bomb (address space); an
# endless loop (instruction cap); a sleeping program (wall-clock limit); a
# 10 GB file (file-size limit).  play_limits.sh: memory and processes of
# the run as a whole (cgroups), the CPU limit, what `limits` says.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/e2e/srv_lib.bash"
. "$ROOT/tests/e2e/play_lib.bash"

play_start --record-limit 2 --record-instructions 40000000 --jobs 1
[ -r /etc/shadow ] || fail "the test needs a readable /etc/shadow on the host (run as root)"

# an earlier run, whose folder the next one tries to read
printf 'echo first\n' >"$T/first.sh"
play_run sh "$T/first.sh"
FIRST=$(jans 'j["trace"]')
[ -f "$T/data/runs/$FIRST/request.json" ] || fail "no request.json in the first run's folder"

cat >"$T/esc.c" <<'C'
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static void say(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : strerrorname_np(errno));
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char buf[16], c = 'x';
	struct iovec l = { buf, 8 }, r = { buf + 8, 8 };
	int s;

	say("read /etc/shadow", open("/etc/shadow", O_RDONLY) >= 0);
	say("read ~/.ssh", open("/root/.ssh", O_RDONLY) >= 0);
	say("read the other run", open(argv[1], O_RDONLY) >= 0);
	say("write /usr", open("/usr/play_escape", O_WRONLY | O_CREAT, 0644) >= 0);
	say("write /tmp", open("/tmp/play_escape", O_WRONLY | O_CREAT, 0644) >= 0);
	say("write ..", open("../play_escape", O_WRONLY | O_CREAT, 0644) >= 0);
	s = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	say("connect", s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof sa) == 0);
	say("ptrace", ptrace(PTRACE_TRACEME, 0, 0, 0) == 0);
	say("process_vm_readv", process_vm_readv(getppid(), &l, 1, &r, 1, 0) >= 0);
	say("unshare", unshare(CLONE_NEWUSER) == 0);
	say("TIOCSTI", ioctl(0, TIOCSTI, &c) == 0);
	fflush(stdout);
	if (fork() == 0) { /* outlives the run, unless killed with it */
		sleep(2);
		close(open("late", O_WRONLY | O_CREAT, 0644));
		_exit(0);
	}
	return 0;
}
C
cat >"$T/esc.want" <<'W'
read /etc/shadow: ENOENT
read ~/.ssh: ENOENT
read the other run: ENOENT
write /usr: EROFS
write /tmp: ok
write ..: ok
connect: ECONNREFUSED
ptrace: EPERM
process_vm_readv: EPERM
unshare: EPERM
TIOCSTI: EPERM
W
# (the run's folder is bound at its own path: the other run's is the same path less one name)
play_run c "$T/esc.c" "" "$T/data/runs/$FIRST/request.json" "$PORT"
ID=$(jans 'j["trace"]')
echo "$(jans 'j["stdout"]')" | diff "$T/esc.want" - >&2 || fail "escapes not contained (diff above)"
alive "the escapes"
sleep 3
[ ! -e /usr/play_escape ] && [ ! -e /tmp/play_escape ] && [ ! -e "$T/data/runs/play_escape" ] &&
	[ ! -e "$T/data/runs/$ID/play_escape" ] || fail "a file was written outside the run's folder"
[ ! -e "$T/data/runs/$ID/box/late" ] || fail "a child outlived the run"

# the compiler reads no host file either
printf '#include "/etc/shadow"\nint main(void) { return 0; }\n' >"$T/inc.c"
play_run c "$T/inc.c"
[ "$(jans 'j["compile"]["ok"]')" = False ] || fail "#include \"/etc/shadow\" compiled"
jans 'j["compile"]["output"]' | grep -q 'No such file' || fail "#include: $(jans 'j["compile"]["output"]')"
printf '\t.globl _start\n_start:\n\t.incbin "/etc/shadow"\n' >"$T/inc.s"
play_run asm "$T/inc.s"
[ "$(jans 'j["compile"]["ok"]')" = False ] || fail ".incbin \"/etc/shadow\" assembled"
alive "#include"

# the debugger reads the sources the DWARF names, on the host: only the
# run's own files and /usr's are served (links resolved on the host)
cat >"$T/line.c" <<'C'
#include <unistd.h>
int main(void)
{
	symlink("/etc/shadow", "evil.c"); /* in the run's folder */
	return 0;
}
#line 1 "/etc/shadow"
int f1(void) { return 1; }
#line 1 "/usr/lib/ssl/openssl.cnf"
int f2(void) { return 2; }
#line 1 "evil.c"
int f3(void) { return 3; }
C
play_run c "$T/line.c"
ID=$(jans 'j["trace"]')
[ "$ID" != None ] || fail "#line: no recording: $(head -c 300 "$T/ans")"
B=$T/data/runs/$ID/box
for p in sources/etc/shadow sources/usr/lib/ssl/openssl.cnf "sources$B/evil.c"; do
	code=$(hget "/t/$ID/api/tree/$p")
	grep -q 'root:' "$T/body" && fail "/t/$ID/api/tree/$p gives /etc/shadow"
	[ "$code" = 403 ] || [ "$code" = 404 ] || fail "/t/$ID/api/tree/$p: status $code"
	code=$(hget "/t/$ID/api/lines/$p?start=1&count=3")
	grep -q 'root:' "$T/body" && fail "/t/$ID/api/lines/$p gives /etc/shadow"
done
expect_status 200 "/t/$ID/api/tree/sources$B/main.c"
grep -q 'symlink' "$T/body" || fail "the run's own source is not served"
[ ! -L "$B/evil.c" ] || fail "the link the program made is still in its folder"

# a fork bomb: stopped by the process limit (children that wait, so the
# count is exact); the whole run is killed then (a pids cgroup: named,
# and perhaps before the program printed), or, with RLIMIT_NPROC only,
# the program sees fork fail and prints how many it made
cat >"$T/bomb.c" <<'C'
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	int n = 0;

	for (;;) {
		pid_t p = fork();

		if (p < 0)
			break;
		if (p == 0) {
			pause();
			_exit(0);
		}
		n++;
	}
	printf("forks: %d\n", n);
	return 0;
}
C
play_run c "$T/bomb.c"
n=$(jans 'j["stdout"]' | sed -n 's/^forks: //p')
if [ "$(jans 'j["limits"]["processes"]')" = cgroup ]; then
	[ "$(jans 'j["limits"]["hit"]')" = processes ] || fail "fork bomb: not named: $(head -c 400 "$T/ans")"
else
	[ -n "$n" ] || fail "fork bomb: $(head -c 300 "$T/ans")"
fi
[ -z "$n" ] || [ "$n" -lt 32 ] || fail "fork bomb: $n forks"
alive "the fork bomb"

# a memory bomb: the address-space limit (4 GiB for Valgrind and the program)
printf '#include <stdio.h>\n#include <stdlib.h>\nint main(void) { size_t n = 0; while (malloc(64 << 20)) n++; printf("%%zu\\n", n * 64); return 0; }\n' >"$T/mem.c"
play_run c "$T/mem.c"
mb=$(jans 'j["stdout"]')
[ -n "$mb" ] && [ "$mb" -lt 4096 ] || fail "memory bomb: $(head -c 300 "$T/ans")"
alive "the memory bomb"

# an endless loop: the instruction cap (40 M here; the CPU limit, 2 s, in
# play_limits.sh); a sleeper: the wall limit (2 + 10 s)
printf 'int main(void) { for (;;) ; }\n' >"$T/loop.c"
play_run c "$T/loop.c"
[ "$(jans 'j["limits"]["hit"]')" = instructions ] || fail "endless loop: $(head -c 400 "$T/ans")"
[ "$(jans 'j["signal"]')" = XCPU ] || fail "endless loop: signal $(jans 'j["signal"]')"
alive "the endless loop"
printf 'sleep 60\n' >"$T/sleep.sh"
play_run sh "$T/sleep.sh"
[ "$(jans 'j["limits"]["hit"]')" = wall ] || fail "sleep: $(head -c 400 "$T/ans")"
alive "the sleeper"

# a 10 GB file: the file-size limit
printf '#include <fcntl.h>\n#include <unistd.h>\nint main(void) { int fd = open("big", O_WRONLY | O_CREAT, 0644); lseek(fd, 10L << 30, SEEK_SET); return write(fd, "x", 1) == 1; }\n' >"$T/big.c"
play_run c "$T/big.c"
[ "$(jans 'j["limits"]["hit"]')" = file_size ] || fail "10 GB file: $(head -c 400 "$T/ans")"
ID=$(jans 'j["id"]')
[ "$(du -sk "$T/data/runs/$ID" | cut -f1)" -lt 100000 ] || fail "10 GB file: the run's folder is big"
# a run cut by a limit still has its recording, up to the cut
[ "$(jans 'j["trace"]')" = "$ID" ] || fail "10 GB file: the recording is not built: $(head -c 400 "$T/ans")"
alive "the 10 GB file"
serve_stop
pass "files, sources, network, ptrace, namespaces, TIOCSTI, fork bomb, memory, CPU, wall, file size"
