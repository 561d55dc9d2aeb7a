#!/usr/bin/env python3
"""Count the real test cases of a `make test` run and print one closing line.

usage: summarize.py RESULTS_DIR TREE

RESULTS_DIR holds, per guest boot, NAME.log (serial console) and NAME.rc
(qemu-run's exit status), and host-side TAP files (checkpatch.tap,
build-*.tap).  Counted:
  - every KUnit test case, from the KTAP part of a log, as parsed by the base
    tree's tools/testing/kunit/kunit.py parse;
  - every guest test (TAP between MMTEST-BEGIN and MMTEST-END);
  - one case per boot that must come up and power off cleanly with a clean
    kernel log (no verdict, panic, or a splat fails it);
  - one case per patch for checkpatch --strict.
"""
import glob
import json
import os
import re
import subprocess
import sys

results, tree = sys.argv[1], sys.argv[2]
passed, failed, skipped = [], [], []


def record(name, ok, skip=False):
    (skipped if skip else passed if ok else failed).append(name)


def kunit_cases(boot, ktap):
    """Walk kunit.py's JSON: one entry per leaf test case."""
    kunit = os.path.join(tree, "tools/testing/kunit/kunit.py")
    proc = subprocess.run([sys.executable, kunit, "parse", "--json"], input=ktap,
                          capture_output=True, text=True)
    out = proc.stdout
    start = out.find("{")
    if start < 0:
        record(f"{boot}: kunit output parses", False)
        return
    data = json.loads(out[start:out.rfind("}") + 1])

    def walk(node, path):
        subs = node.get("sub_groups") or []
        cases = node.get("test_cases") or []
        for c in cases:
            st = c.get("status")
            name = f"{boot}: kunit {path}{c.get('name')}"
            record(name, st == "PASS", st == "SKIP")
        for s in subs:
            walk(s, f"{path}{s.get('name')}.")
    walk(data.get("test_results") or data, "")


for f in sorted(os.listdir(results)):
    if not f.endswith(".log"):
        continue
    boot = f[:-4]
    log = open(os.path.join(results, f), errors="replace").read()
    rcfile = os.path.join(results, boot + ".rc")
    if not os.path.exists(rcfile):
        # Every boot writes NAME.rc; a .log without one is a host-side log
        # that does not belong here, or a boot that was cut short.
        record(f"{boot}: boot wrote its exit status ({boot}.rc)", False)
        continue
    rc = int(open(rcfile).read().strip() or 2)
    head, sep, tail = log.partition("MMTEST-BEGIN")
    if "KTAP version" in head or "TAP version 14" in head:
        kunit_cases(boot, head)
    elif "kunit.enable=0" not in head:
        # A boot that should have run the suites but printed no KTAP: the
        # suites vanished (config, kunit.enable), which must not pass quietly.
        record(f"{boot}: kunit suites ran", False)
    body = tail.partition("MMTEST-END")[0]
    for m in re.finditer(r"^(not )?ok \d+ (\S+)(.*)$", body, re.M):
        record(f"{boot}: {m.group(2)}", m.group(1) is None, "# SKIP" in m.group(3))
    clean = rc in (0, 1) and "MMTEST-END" in log and "MMTEST-SPLAT" not in log
    record(f"{boot}: boots, runs, powers off, kernel log clean", clean)

# Host-side checks write TAP files: checkpatch.tap, build-*.tap, ...
for tap in sorted(glob.glob(os.path.join(results, "*.tap"))):
    stem = os.path.basename(tap)[:-4]
    prefix = "checkpatch --strict" if stem == "checkpatch" else f"{stem}:"
    for m in re.finditer(r"^(not )?ok \d+ (.*)$", open(tap).read(), re.M):
        record(f"{prefix} {m.group(2)}", m.group(1) is None)

for name in failed:
    print(f"FAILED: {name}")
print(f"# {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped "
      f"(results: {results})")
print(f"{len(passed)} passed, {len(failed)} failed")
sys.exit(1 if failed or not passed else 0)
