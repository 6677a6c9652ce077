"""hs_tree.py - read files of a recording's tree through `hindsight serve`.

The e2e tests that compare hundreds of tree files with an oracle read them
from one server (started by srv_lib.bash's serve_start) instead of one
`hindsight cat` each: a cat loads the recording's source model (every
module's DWARF) again, some 0.2 s, while the server keeps it.

    sys.path.insert(0, ROOT + "/tests/e2e"); from hs_tree import tree_cat
    tree_cat(BASE, "time/42/eval/x", HS, TRACE)

The server refuses paths with a backslash or a control character (403):
those (eval/'\\n') are read with `hindsight cat` HS TRACE.
"""
import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request


def tree_cat(base, path, hs, trace):
    """The text of tree file PATH, without its trailing newline, as
    `hindsight cat` prints it; "ERROR <why>" when the file cannot be read
    (a path that does not exist, a bad moment)."""
    if "\\" in path or any(ord(c) < 32 or ord(c) == 127 for c in path):
        r = subprocess.run([hs, "cat", trace, path], capture_output=True, text=True)
        if r.returncode:
            return "ERROR " + r.stderr.strip()
        return r.stdout.rstrip("\n")
    url = "%s/api/tree/%s" % (base, urllib.parse.quote(path))
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.read().decode("utf-8", "replace").rstrip("\n")
    except urllib.error.HTTPError as e:
        try:
            why = json.load(e).get("error", "")
        except ValueError:
            why = ""
        return "ERROR %d %s" % (e.code, why)
