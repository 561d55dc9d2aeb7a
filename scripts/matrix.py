#!/usr/bin/env python3
"""The boot matrix (boots.ini): one reader for test.sh, summarize.py, the demo
and the benches.

usage: matrix.py [--file F] names              the boots of make test, in file order
       matrix.py [--file F] argv NAME          qemu-run arguments, NUL-separated
       matrix.py [--file F] flavours [NAME..]  kernel flavours the boots need
       matrix.py [--file F] get NAME KEY       one value, whitespace-joined
       matrix.py [--file F] kunit-boot SUITE   the boot that runs SUITE with
                                               its feature on (kunit_home)
       matrix.py [--file F] orphans [DIR]      guest tests no boot requires
"""
import configparser
import fnmatch
import os
import shlex
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS = {"kind", "flavour", "args", "tests", "kunit", "kunit_home", "skips", "splats", "timeout",
        "nbd"}


class Boot:
    def __init__(self, name, sec):
        unknown = set(sec.keys()) - KEYS
        if unknown:
            raise SystemExit(f"boots.ini [{name}]: unknown key(s) {sorted(unknown)}")
        self.name = name
        self.kind = sec.get("kind", "test").strip()   # test, demo or bench
        self.flavour = sec.get("flavour", "test").strip()
        self.args = shlex.split(sec.get("args", ""))
        self.tests = sec.get("tests", "").split()
        self.kunit = sec.get("kunit", "").split()
        self.kunit_home = sec.get("kunit_home", "").split()
        self.skips = sec.get("skips", "").split()
        # one regex per line
        self.splats = [s.strip() for s in sec.get("splats", "").splitlines() if s.strip()]
        self.timeout = int(sec.get("timeout", "600"))
        self.nbd = sec.get("nbd", "").strip()     # size of a host NBD export

    def may_skip(self, name):
        return any(fnmatch.fnmatchcase(name, g) for g in self.skips)

    def argv(self, images):
        a = ["--kernel", os.path.join(images, self.flavour, "bzImage"),
             "--timeout", str(self.timeout),
             "--tests", ",".join(self.tests) if self.tests else "none"]
        if not self.kunit:
            a += ["--append", "kunit.enable=0"]
        return a + self.args


def load(path=None):
    path = path or os.environ.get("MATRIX") or os.path.join(TOP, "boots.ini")
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=("#",),
                                   inline_comment_prefixes=None)
    if not cp.read(path):
        raise SystemExit(f"no boot matrix at {path}")
    return {n: Boot(n, cp[n]) for n in cp.sections()}


def main(argv):
    path = None
    if len(argv) > 2 and argv[1] == "--file":
        path = argv[2]
        argv = argv[:1] + argv[3:]
    if len(argv) < 2:
        raise SystemExit(__doc__)
    boots = load(path)
    cmd, rest = argv[1], argv[2:]

    def boot(name):
        if name not in boots:
            raise SystemExit(f"no boot '{name}' in the matrix; boots: {' '.join(boots)}")
        return boots[name]

    if cmd == "names":
        # the boots of make test (demo and bench sections hold the common
        # arguments of those scripts' boots)
        print("\n".join(n for n, b in boots.items() if b.kind == "test"))
    elif cmd == "argv":
        images = os.environ.get("IMAGES", os.path.join(TOP, "build", "images"))
        sys.stdout.write("\0".join(boot(rest[0]).argv(images)) + "\0")
    elif cmd == "flavours":
        names = rest or list(boots)
        seen = []
        for n in names:
            if boot(n).flavour not in seen:
                seen.append(boot(n).flavour)
        print("\n".join(seen))
    elif cmd == "get":
        v = getattr(boot(rest[0]), rest[1])
        print(" ".join(v) if isinstance(v, list) else v)
    elif cmd == "kunit-boot":
        suite = rest[0]
        homes = [b for b in boots.values() if suite in b.kunit_home and suite in b.kunit]
        if not homes:
            known = sorted({s for b in boots.values() for s in b.kunit_home})
            raise SystemExit(f"no boot of the matrix is the home of KUnit suite '{suite}' "
                             f"(kunit_home); suites: {' '.join(known)}")
        print(homes[0].name)
    elif cmd == "orphans":
        # numbered guest tests (guest/tests/NN-name.t) that no boot requires
        need = {t for b in boots.values() for t in b.tests}
        tdir = rest[0] if rest else os.path.join(TOP, "guest", "tests")
        for f in sorted(os.listdir(tdir)):
            if f[:2].isdigit() and f.endswith(".t") and f[:-2] not in need:
                print(f[:-2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
