#!/usr/bin/env python3
"""dist-deps.py BINARY - the Debian packages `make dist` bundles as .deb
files: what BINARY and the rest of Hindsight need at run time on a minimal
Debian 12 that it does not have.  Prints "PACKAGE VERSION WHY" lines,
sorted; with --minbase=FILE, also writes the minimal system it assumed
there, one package a line.

The reasoning (also in README.md, "Install and packaging"):
  1. Roots: the package of every library `ldd BINARY` lists (dpkg -S), plus
     valgrind (record runs it; the recorder is a Valgrind tool) and fuse3
     (fusermount3: `mount` as a user, and unmounting).
  2. Their closure under Depends and Pre-Depends (apt-cache depends
     --important), never Recommends or Suggests.  Of "a | b" the first
     alternative is taken (what apt installs when none is present); a
     virtual package is replaced by its first provider.
  3. Minus what `debootstrap --variant=minbase bookworm` installs: every
     package of Priority: required (apt is one) and the same closure of
     those.  It is computed here from this machine's apt cache, which is
     Debian 12's, so it follows point releases; --minbase=FILE keeps it.
What is left today: valgrind and libc6-dbg, fuse3, and the
libraries that are not in minbase (libcapstone4, libdw1, libelf1,
libfuse3-3, libjson-c5, libmicrohttpd12).  The playground's compilers and
bubblewrap are not bundled: it is a separate, optional service."""
import os
import re
import subprocess
import sys


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout


def owners(paths):
    """{path: package} in one dpkg -S call, trying each path as is, its
    realpath, and both with /usr added or removed (merged /usr)."""
    cands = {}
    for path in paths:
        c = [path, os.path.realpath(path)]
        cands[path] = c + [x[4:] if x.startswith('/usr/') else '/usr' + x for x in c]
    owned = {}
    for line in run('dpkg', '-S', *{c for cs in cands.values() for c in cs}).splitlines():
        pkgs, _, p = line.partition(': ')
        if not line.startswith('diversion'):
            owned[p] = pkgs.split(',')[0].split(':')[0].strip()
    return {path: next((owned[c] for c in cs if c in owned), None) for path, cs in cands.items()}


def direct_deps(pkgs):
    """{pkg: [dependency, ...]} for pkgs and everything they reach, in one
    apt-cache call (--recurse follows every alternative: a superset)."""
    out = run('apt-cache', 'depends', '--recurse', '--important', *sorted(pkgs))
    deps, cur, alt_open, virtual = {}, None, False, None
    for line in out.splitlines():
        if not line.startswith(' '):
            cur = line.strip()
            deps.setdefault(cur, [])
            alt_open = False
            continue
        m = re.match(r'\s+(\|?)(?:Pre)?Depends: (\S+)', line)
        if m:
            bar, name = m.groups()
            take = not alt_open  # the first of an "a | b | c" group
            alt_open = bar == '|'
            virtual = None
            if take:
                if name.startswith('<'):
                    virtual = name  # its providers follow, indented
                else:
                    deps[cur].append(name.split(':')[0])
            continue
        if virtual and re.match(r'\s{4}\S', line):
            deps[cur].append(line.split()[0].split(':')[0])
            virtual = None
    return deps


def closure(roots, deps):
    seen, todo = set(), list(roots)
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo += deps.get(p, [])
    return seen


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    binary = args[0]
    roots, libs = {}, []
    for line in run('ldd', binary).splitlines():
        m = re.search(r'=> (/\S+)', line) or re.match(r'\s*(/\S+)', line)
        if m:
            libs.append(m.group(1))
    for lib, p in owners(libs).items():
        if p is None:
            sys.exit('dist-deps: no package owns %s' % lib)
        roots.setdefault(p, 'links ' + os.path.basename(lib))
    roots['valgrind'] = 'runs the recorder'
    roots['fuse3'] = 'fusermount3 for hindsight mount'
    required = [l.split()[0] for l in run('dpkg-query', '-W', '-f=${Package} ${Priority}\n').splitlines()
                if l.endswith(' required')]
    deps = direct_deps(set(roots) | set(required) | {'apt'})
    minbase = closure(set(required) | {'apt'}, deps)
    for a in sys.argv[1:]:
        if a.startswith('--minbase='):
            with open(a.split('=', 1)[1], 'w') as f:
                f.write(''.join(p + '\n' for p in sorted(minbase)))
    need = closure(roots, deps) - minbase
    for p in sorted(need):
        ver = run('dpkg-query', '-W', '-f=${Version}', p).strip()
        if not ver:
            ver = re.search(r'Candidate: (\S+)', run('apt-cache', 'policy', p)).group(1)
        by = sorted(q for q in need if p in deps.get(q, []))
        print(p, ver, roots.get(p, 'needed by ' + ', '.join(by)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
