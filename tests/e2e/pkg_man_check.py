#!/usr/bin/env python3
"""pkg_man_check.py MAN.1 HINDSIGHT - every command that `HINDSIGHT --help`
lists, every option that `HINDSIGHT COMMAND --help` prints, and every WHAT
of `query --help`, must be in the mdoc page: a command as `.It Cm NAME` or
`.Cm NAME` opening an `.It Xo` entry, an option as `Fl NAME` (mdoc's Fl
adds the first dash: --level is `Fl -level`).  Prints one line per missing
item; exits 1 if any."""
import re
import subprocess
import sys


def helptext(hs, *args):
    r = subprocess.run([hs, *args], capture_output=True, text=True)
    return r.stdout + r.stderr


def main():
    man = open(sys.argv[1]).read()
    hs = sys.argv[2]
    missing = []
    top = helptext(hs, '--help')
    cmds = re.findall(r'^  ([a-z][a-z-]*) ', top.split('commands:', 1)[1], re.M)
    if len(cmds) < 5:
        missing.append('hindsight --help lists only %r' % cmds)
    for c in cmds:
        if not re.search(r'^\.(It )?Cm %s( |$)' % re.escape(c), man, re.M):
            missing.append('command %s' % c)
        text = helptext(hs, c, '--help')
        if 'usage' not in text:
            missing.append('%s --help prints no usage' % c)
        opts = set(re.findall(r'(?<![\w\'-])(--?[A-Za-z][\w-]*)', text)) - {'--help', '-h'}
        for o in sorted(opts):
            if not re.search(r'Fl %s(?![\w-])' % re.escape(o[1:]), man):
                missing.append('%s option %s' % (c, o))
        if c == 'query':
            whats = re.findall(r'^  ([a-z][a-z-]+) ', text, re.M)
            if len(whats) < 10:
                missing.append('query --help lists only %r' % whats)
            for w in whats:
                if not re.search(r'^\.It Cm %s( |$)' % re.escape(w), man, re.M):
                    missing.append('query %s' % w)
    for m in missing:
        print(m)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
