"""hs_tree.py - read many files of a recording's tree from one `hindsight serve`.

The oracle scripts and e2e tests that compare hundreds of tree files with
gdb read them from one server instead of one `hindsight cat` each: a cat
loads the recording's source model (every module's DWARF) again, some
0.2 s on a small program, while the server keeps it.

    sys.path.insert(0, ROOT + "/scripts")
    from hs_tree import TreeServer, tree_cat
    with TreeServer(HS, TRACE) as tree:      # starts and stops a server
        tree.cat("time/42/backtrace")
    tree_cat(BASE, "time/42/eval/x", HS, TRACE)  # a server already running

The server refuses paths with a backslash or a control character (403):
those (eval/'\\n') are read with `hindsight cat` HS TRACE.
"""
import atexit
import ctypes
import json
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request


class TreeError(RuntimeError):
    """A tree file that cannot be read: the message says why."""


def _cat_cli(hs, trace, path):
    r = subprocess.run([hs, "cat", trace, path], capture_output=True, text=True)
    if r.returncode:
        raise TreeError("hindsight cat %s: %s" % (path, r.stderr.strip()))
    return r.stdout


def _cat_http(base, path):
    url = "%s/api/tree/%s" % (base, urllib.parse.quote(path))
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            return r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        try:
            why = json.load(e).get("error", "")
        except ValueError:
            why = ""
        raise TreeError("%s: HTTP %d %s" % (path, e.code, why)) from None


def _needs_cli(path):
    return "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path)


def tree_read(base, path, hs, trace):
    """The text of tree file PATH as `hindsight cat` prints it, read from
    the server at BASE (http://127.0.0.1:PORT).  Raises TreeError when the
    file cannot be read (a path that does not exist, a bad moment)."""
    if _needs_cli(path):
        return _cat_cli(hs, trace, path)
    return _cat_http(base, path)


def tree_cat(base, path, hs, trace):
    """tree_read without its trailing newline, or "ERROR <why>"."""
    try:
        return tree_read(base, path, hs, trace).rstrip("\n")
    except TreeError as e:
        return "ERROR " + str(e)


def _die_with_parent():
    """In the server's child: SIGTERM when the script that started it ends
    (prctl PR_SET_PDEATHSIG), were it killed before it could stop it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


class TreeServer:
    """`hindsight serve --port 0 TRACE` for as long as the object lives
    (a with block); cat(path) reads a file as tree_read does."""

    def __init__(self, hs, trace):
        self.hs, self.trace = hs, trace
        # files, not pipes: a server whose output nobody reads never blocks
        self.out = tempfile.TemporaryFile(mode="w+")
        self.err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([hs, "serve", "--port", "0", trace],
                                     stdout=self.out, stderr=self.err,
                                     stdin=subprocess.DEVNULL, text=True,
                                     preexec_fn=_die_with_parent)
        # a script that dies before close() leaves no server behind
        atexit.register(self.close)
        port = None
        deadline = time.monotonic() + 120  # a loaded machine, a big recording
        while port is None and self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
            self.out.seek(0)
            m = re.search(r"^Hindsight serving .* at http://[^:/]*:(\d+)/", self.out.read(), re.M)
            port = m and m.group(1)
        if port is None:
            self.err.seek(0)
            why = self.err.read().strip()[:300]
            self.close()
            raise TreeError("hindsight serve %s did not start: %s" % (trace, why))
        self.base = "http://127.0.0.1:" + port

    def cat(self, path):
        return tree_read(self.base, path, self.hs, self.trace)

    def close(self):
        if self.out.closed:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        self.err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
