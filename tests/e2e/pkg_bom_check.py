#!/usr/bin/env python3
"""pkg_bom_check.py BOM.json BINARY [LOCKFILE] - the oracle of pkg_bom.sh.

Independently of `hindsight bom`, asks the system what BINARY links and
checks that the SBOM says the same:
  - every library `ldd BINARY` prints (and the loader) belongs to a Debian
    package (`dpkg -S`, trying the path with and without /usr and its
    realpath) that is a component with the version `dpkg-query -W` prints,
    the purl pkg:deb/debian/NAME@VERSION?arch=amd64&distro=debian-12, and
    that library as a nested file whose SHA-256 is the file's (hashlib);
  - the valgrind package is there with its installed version;
  - the root component is hindsight with a version;
  - the npm components are exactly the non-dev packages of LOCKFILE.
Prints one problem a line and exits 1 on any; 0 and nothing otherwise."""
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.parse


def sh(*argv):
    return subprocess.run(argv, capture_output=True, text=True).stdout


def owners(paths):
    """{path: package}: one dpkg -S over each path, its realpath, and both
    with /usr added or removed (Debian 12's merged /usr)."""
    cands = {}
    for path in paths:
        c = [path, os.path.realpath(path)]
        cands[path] = c + [x[4:] if x.startswith('/usr/') else '/usr' + x for x in c]
    owned = {}
    for line in sh('dpkg', '-S', *{c for cs in cands.values() for c in cs}).splitlines():
        pkgs, _, p = line.partition(': ')
        if not line.startswith('diversion'):
            owned[p] = pkgs.split(',')[0].split(':')[0].strip()
    return {p: next((owned[c] for c in cs if c in owned), None) for p, cs in cands.items()}


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    bom = json.load(open(sys.argv[1]))
    binary = sys.argv[2]
    problems = []
    comps = {c['name']: c for c in bom.get('components', [])}
    libs = []
    for line in sh('ldd', binary).splitlines():
        m = re.search(r'=> (/\S+)', line) or re.match(r'\s*(/\S+)', line)
        if m:
            libs.append(m.group(1))
    if len(libs) < 3:
        problems.append('ldd %s found only %d libraries' % (binary, len(libs)))
    pkgs = owners(libs + ['/usr/bin/valgrind.bin'])
    for lib in libs + ['/usr/bin/valgrind.bin']:
        pkg = pkgs[lib]
        if not pkg:
            problems.append('%s: dpkg -S knows no package' % lib)
            continue
        ver = sh('dpkg-query', '-W', '-f=${Version}', pkg)
        c = comps.get(pkg)
        if not c:
            problems.append('%s: its package %s is not in the SBOM' % (lib, pkg))
            continue
        if c.get('version') != ver:
            problems.append('%s: version %r, dpkg-query says %r' % (pkg, c.get('version'), ver))
        purl = 'pkg:deb/debian/%s@%s?arch=amd64&distro=debian-12' % (pkg, ver)
        if urllib.parse.unquote(c.get('purl', '')) != purl:
            problems.append('%s: purl %r, expected %r' % (pkg, c.get('purl'), purl))
        if not c.get('licenses'):
            problems.append('%s: no licenses' % pkg)
        files = {os.path.realpath(f['name']): f for f in c.get('components', [])}
        f = files.get(os.path.realpath(lib))
        if not f:
            problems.append('%s: %s is not among its files %s' % (pkg, lib, sorted(files)))
            continue
        got = [h['content'] for h in f.get('hashes', []) if h['alg'] == 'SHA-256']
        if got != [sha256(lib)]:
            problems.append('%s: SHA-256 %s, sha256 of the file is %s' % (lib, got, sha256(lib)))
    root = bom.get('metadata', {}).get('component', {})
    if root.get('name') != 'hindsight' or not root.get('version'):
        problems.append('root component: %r %r' % (root.get('name'), root.get('version')))
    if len(sys.argv) > 3:
        lock = json.load(open(sys.argv[3]))
        want = sorted((k.rsplit('node_modules/', 1)[1], v['version'])
                      for k, v in lock.get('packages', {}).items()
                      if 'node_modules/' in k and not v.get('dev') and 'version' in v)
        got = sorted((c['name'], c.get('version')) for c in bom.get('components', [])
                     if c.get('purl', '').startswith('pkg:npm/'))
        if want != got:
            problems.append('npm components %s, the lock file bundles %s' % (got, want))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
