#!/usr/bin/env python3
"""Judge a `make test` run against the boot matrix and print the verdict.

usage: summarize.py [--matrix boots.ini] [--boots a,b] [--host x,y]
                    [--tree TREE] [--vmlinux-dir DIR] RESULTS_DIR

RESULTS_DIR holds, per boot, NAME.log (qemu-run's log: its command line, the
serial console, its closing lines) and NAME.rc (qemu-run's exit status); and
host-side TAP files (NAME.tap).  --boots names the boots that were run (default:
every boot of the matrix), --host the host TAP files that must exist (default:
checkpatch,build-km,export-check).  Each of them must be there: a boot or TAP
file that is missing is a failure, not an absence.

Counted, one case each: every KUnit case (kunit.py parse --json=FILE from
the tree, so that log content cannot confuse the JSON); every guest test; per
boot, "boots, powers off, no splat"; every host TAP line.  A case that skips
where the matrix does not expect it fails.  The last line is
"N passed, N failed, N skipped"; the exit status is 1 on any failure.
"""
import argparse
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import matrix  # noqa: E402

# Kernel-log splats, matched anywhere in a console line (a line the guest's
# tests printed starts with "# " and is not a kernel message).
SPLATS = [
    r"\bBUG: ",                      # KASAN, KFENCE, soft lockup, bad page, sleeping, ...
    r"kernel BUG at ",
    r"\bWARNING: ",                  # WARN(), lockdep, suspicious RCU usage
    r"\bOops\b",
    r"general protection fault",
    r"\bUBSAN: ",
    r"\bKASAN: ",
    r"\bKFENCE: ",
    r"INFO: task \S+ blocked for more than",
    r"INFO: .*detected stall",       # rcu_preempt, rcu_sched, rcu_tasks
    r"detected stalls? on CPU",
    r"watchdog: .*soft lockup",
    r"hard LOCKUP",
    r"list_(add|del) corruption",
    r"list corruption",
    r"ODEBUG: ",
    r"possible (circular|recursive) locking",
    r"inconsistent lock state",
    r"Kernel panic",
    r"Call Trace:",
]
SPLAT_RE = re.compile("|".join(f"(?:{p})" for p in SPLATS))
SPLAT_RE_HEAD = re.compile("|".join(f"(?:{p})" for p in SPLATS if p != "Call Trace:"))
TAP_LINE = re.compile(r"^(not )?ok (\d+) (\S+)(.*)$")


def strip_ansi(s):
    return re.sub(r"\x1b\[[0-9;]*m", "", s)


class Verdict:
    def __init__(self):
        self.passed, self.failed, self.skipped = [], [], []
        self.details = {}   # failed case -> lines of detail

    def record(self, name, ok, skip=False, detail=None):
        if skip and ok:
            self.skipped.append(name)
        elif ok:
            self.passed.append(name)
        else:
            self.failed.append(name)
            if detail:
                self.details[name] = detail


def console_lines(log):
    """Lines of the serial console: qemu-run's own lines start with '# qemu-run'
    or are the command line ('# qemu-system...'); everything else came from the
    guest."""
    for ln in log.splitlines():
        if ln.startswith("# qemu-run") or ln.startswith("# qemu-system"):
            continue
        yield ln


def find_splats(log):
    """Splat lines of the kernel log.  A "Call Trace:" line within 60 lines
    of another splat line belongs to that splat (a WARNING's trace) and is
    not counted again: an expected splat then needs only its own regex."""
    out, last = [], None
    for i, ln in enumerate(console_lines(log)):
        if ln.startswith("# ") or ln.startswith("#\t"):
            continue   # guest test output (init prefixes it), or a TAP comment
        if SPLAT_RE.search(ln):
            if "Call Trace:" in ln and last is not None and i - last <= 60 \
                    and not re.search(SPLAT_RE_HEAD, ln):
                continue
            out.append(ln.strip())
            last = i
    return out


def kunit_parse(tree, ktap, tmpdir, boot):
    """Return (cases {suite.case: status}, suites {suite: status}, errors)."""
    kunit = os.path.join(tree, "tools/testing/kunit/kunit.py")
    if not os.path.exists(kunit):
        return None, None, [f"no {kunit} to parse KUnit output with"]
    jfile = os.path.join(tmpdir, f"{boot}.kunit.json")
    proc = subprocess.run([sys.executable, "-B", kunit, "parse", f"--json={jfile}"],
                          input=ktap, capture_output=True, text=True)
    errors = [strip_ansi(ln).split("[ERROR]", 1)[1].strip()
              for ln in proc.stdout.splitlines() if "[ERROR]" in ln]
    if not os.path.exists(jfile):
        return None, None, errors + [f"kunit.py parse wrote no JSON (exit {proc.returncode}): "
                                     f"{proc.stderr.strip()[-300:]}"]
    with open(jfile) as f:
        data = json.load(f)
    cases, suites = {}, {}

    def walk(node, path):
        for c in node.get("test_cases") or []:
            cases[f"{path}{c.get('name')}"] = c.get("status")
        for s in node.get("sub_groups") or []:
            if not path:
                suites[s.get("name")] = s
            walk(s, f"{path}{s.get('name')}.")
    walk(data, "")
    return cases, suites, errors


SUB_TAP_LINE = re.compile(r"^# (not )?ok (\d+) (\S+)(.*)$")
SUB_PLAN = re.compile(r"^# 1\.\.(\d+)")


def guest_tap(log):
    """Parse the guest's TAP block: (results [(name, ok, skip)], plan, end
    counts, subtests).  A guest test that is a kselftest prints KTAP of its
    own, which the guest indents with "# ": subtests maps the test's name to
    (its plan or None, [(case, ok, skip, msgs)]): msgs are the case's own
    "# # ..." diagnostic lines, printed before its result."""
    body = log.partition("MMTEST-BEGIN")[2]
    body, _, end = body.partition("MMTEST-END")
    res, subs = [], {}
    cases, subplan, msgs = [], None, []
    for ln in body.splitlines():
        m = TAP_LINE.match(ln)
        if m:
            res.append((m.group(3), m.group(1) is None, "# SKIP" in m.group(4)))
            if cases or subplan is not None:
                subs[m.group(3)] = (subplan, cases)
            cases, subplan, msgs = [], None, []
            continue
        m = SUB_TAP_LINE.match(ln)
        if m:
            cases.append((m.group(3), m.group(1) is None, "# SKIP" in m.group(4), msgs))
            msgs = []
            continue
        if ln.startswith("# # "):
            msgs.append(ln[4:].strip())
            continue
        m = SUB_PLAN.match(ln)
        if m:
            subplan = int(m.group(1))
    plan = re.search(r"^1\.\.(\d+)$", body, re.M)
    counts = re.match(r" pass=(\d+) fail=(\d+) skip=(\d+)", end)
    return res, int(plan.group(1)) if plan else None, \
        tuple(int(x) for x in counts.groups()) if counts else None, subs


def decode_splat(log, first, boot, results, tree):
    """Write NAME.splat: the first splat and the 80 lines after it, with
    addresses turned into file:line by the tree's decode_stacktrace.sh and
    the vmlinux of the boot's flavour (debug info: configs/debug.config)."""
    lines = log.splitlines()
    try:
        i = next(k for k, ln in enumerate(lines) if ln.strip() == first)
    except StopIteration:
        return
    excerpt = "\n".join(lines[max(0, i - 2):i + 80]) + "\n"
    out = os.path.join(results, f"{boot.name}.splat")
    images = os.environ.get("IMAGES", os.path.join(matrix.TOP, "build", "images"))
    vmlinux = os.path.join(images, boot.flavour, "vmlinux")
    script = os.path.join(tree, "scripts/decode_stacktrace.sh")
    text = excerpt
    if os.path.exists(vmlinux) and os.path.exists(script):
        try:
            p = subprocess.run(["bash", script, vmlinux, tree], input=excerpt,
                               capture_output=True, text=True, timeout=120)
            if p.returncode == 0 and p.stdout.strip():
                text = p.stdout
        except subprocess.TimeoutExpired:
            pass
    with open(out, "w") as f:
        f.write(text)


def judge_boot(v, boot, results, tree, tmpdir, splat_detail):
    name = boot.name
    logf = os.path.join(results, f"{name}.log")
    rcf = os.path.join(results, f"{name}.rc")
    row = {"boot": name, "tests": "-", "skips": "-", "kunit": "-", "splats": "-", "ok": False}
    if not os.path.exists(logf):
        detail = [f"missing: {logf}"]
        errf = os.path.join(results, f"{name}.err")
        if os.path.exists(errf):
            detail += [f"qemu-run said: {ln}" for ln in open(errf, errors="replace").read().splitlines()[-5:]]
        v.record(f"{name}: boot log exists", False, detail=detail)
        return row
    log = open(logf, errors="replace").read()
    if not os.path.exists(rcf):
        v.record(f"{name}: boot wrote its exit status", False, detail=[f"missing: {rcf}"])
        return row
    rc_text = open(rcf).read().strip()
    rc = int(rc_text) if rc_text.isdigit() else 2
    problems = []
    if rc == 2:
        problems.append("no verdict from the guest (timeout, or it died)")
    elif rc == 3:
        problems.append("kernel panic")
    elif rc not in (0, 1):
        problems.append(f"qemu-run exit status {rc}")
    if "# qemu-run: timeout" in log:
        problems.append("timed out")
    if any("Kernel panic" in ln for ln in console_lines(log) if not ln.startswith("# ")):
        problems.append("kernel panic")
    tail = log.partition("MMTEST-END")[2]
    if "MMTEST-END" not in log:
        problems.append("the guest never finished its tests (no MMTEST-END)")
    elif "reboot: Power down" not in tail:
        problems.append("did not power off cleanly after its tests")

    # Guest tests: each one listed must have run; skips only where expected.
    res, plan, counts, subs = guest_tap(log)
    ran = {}
    for tname, ok, skip in res:
        ran[tname] = (ok, skip)
        if skip and ok and not boot.may_skip(tname):
            v.record(f"{name}: {tname}", False,
                     detail=[f"skipped, but boot '{name}' exists to run it "
                             f"(boots.ini skips: {' '.join(boot.skips) or 'none'})"])
        else:
            v.record(f"{name}: {tname}", ok, skip)
        # a kselftest's own cases: each one is judged, and may skip only
        # where boots.ini says so (TNAME.CASE, or the whole test)
        subplan, cases = subs.get(tname, (None, []))
        for case, cok, cskip, cmsgs in cases:
            cname = f"{tname}.{case}"
            if cskip and cok and not (boot.may_skip(cname) or boot.may_skip(tname)):
                v.record(f"{name}: {cname}", False,
                         detail=[f"skipped, but boot '{name}' exists to run it "
                                 f"(boots.ini skips: {' '.join(boot.skips) or 'none'})"])
            else:
                # a failed case shows why (its last diagnostics) in CI's output
                v.record(f"{name}: {cname}", cok, cskip, detail=cmsgs[-8:])
        if subplan is not None and subplan != len(cases):
            v.record(f"{name}: {tname} KTAP plan", False,
                     detail=[f"plan 1..{subplan} but {len(cases)} results (the test stopped early?)"])
    for t in boot.tests:
        if t not in ran:
            v.record(f"{name}: {t}", False, detail=["did not run"])
    if "MMTEST-BEGIN" in log:
        if plan is None or plan != len(res):
            problems.append(f"guest TAP plan 1..{plan} but {len(res)} results")
        if counts is None:
            problems.append("guest printed no pass/fail/skip counts")
        else:
            mine = (sum(ok and not sk for _, ok, sk in res),
                    sum(not ok for _, ok, _ in res), sum(ok and sk for _, ok, sk in res))
            if mine != counts:
                problems.append(f"guest counted pass/fail/skip {counts}, its TAP says {mine}")
    row["tests"] = f"{sum(ok and not sk for _, ok, sk in res)}/{len(boot.tests)}"
    row["skips"] = str(sum(ok and sk for _, ok, sk in res))

    # KUnit: every listed suite reports, every case passes or skips as expected.
    head = log.partition("MMTEST-BEGIN")[0]
    if boot.kunit:
        cases, suites, errors = kunit_parse(tree, head, tmpdir, name)
        for e in errors:
            problems.append(f"KTAP: {e}")
        if cases is not None:
            npass = 0
            for case, st in cases.items():
                suite = case.split(".", 1)[0]
                cname = f"{name}: kunit {case}"
                if suite not in boot.kunit:
                    # a suite the matrix does not name: its failures count all
                    # the same (a new suite, or one a config option pulled in)
                    v.record(cname, st in ("PASS", "SKIP"), st == "SKIP")
                    continue
                if st == "SKIP" and not boot.may_skip(case):
                    v.record(cname, False, detail=[f"skipped, not expected in boot '{name}'"])
                else:
                    v.record(cname, st == "PASS" or st == "SKIP", st == "SKIP")
                    npass += st == "PASS"
            for s in boot.kunit:
                if s not in suites:
                    v.record(f"{name}: kunit suite {s} ran", False,
                             detail=["missing from the KTAP output"])
                elif not suites[s].get("test_cases") and not suites[s].get("sub_groups"):
                    v.record(f"{name}: kunit suite {s} ran", False, detail=["no test cases"])
            row["kunit"] = f"{npass}/{sum(1 for c in cases if c.split('.')[0] in boot.kunit)}"
    elif "KTAP version" in head and "kunit.enable=0" not in log.splitlines()[0]:
        problems.append("KUnit ran, but the matrix says this boot runs none")

    # Splats, in the whole serial log (after the verdict and at power-off too).
    splats = find_splats(log)
    unexpected = [s for s in splats if not any(re.search(p, s) for p in boot.splats)]
    for p in boot.splats:
        seen = any(re.search(p, s) for s in splats)
        if seen or not getattr(boot, "splats_optional", False):
            v.record(f"{name}: expected splat /{p}/", seen,
                     detail=[f"no kernel-log line matches /{p}/"])
    row["splats"] = str(len(unexpected))
    if unexpected:
        problems.append(f"{len(unexpected)} splat line(s) in the kernel log; first: {unexpected[0]}")
        splat_detail[name] = unexpected[0]
        decode_splat(log, unexpected[0], boot, results, tree)
    v.record(f"{name}: boots, powers off, plans match, no splat", not problems,
             detail=problems)
    row["ok"] = not problems and not any(f.startswith(f"{name}: ") for f in v.failed)
    return row


HOST_REPRO = {
    "harness": "make selftest",
    "build": "scripts/build.sh FLAVOUR (log: build-FLAVOUR.out)",
    "build-km": "scripts/build.sh km mm/percpu.o mm/memcontrol.o kernel/cgroup/rstat.o mm/page_alloc.o",
    "checkpatch": "make checkpatch",
    "matrix": "python3 scripts/matrix.py orphans",
    "export-check": "make export-check",
}


def judge_tap(v, results, stem):
    path = os.path.join(results, f"{stem}.tap")
    label = "checkpatch --strict" if stem == "checkpatch" else f"{stem}:"
    if not os.path.exists(path):
        v.record(f"{label} ran", False, detail=[f"missing: {path}"])
        return
    text = open(path, errors="replace").read()
    res = []
    for ln in text.splitlines():
        m = TAP_LINE.match(ln)
        if m:
            res.append((m.group(1) is None, (m.group(3) + m.group(4)).strip(), "# SKIP" in m.group(4)))
    plan = re.search(r"^1\.\.(\d+)", text, re.M)
    if not res:
        v.record(f"{label} has results", False, detail=[f"no TAP results in {path}"])
        return
    if plan is None or int(plan.group(1)) != len(res):
        v.record(f"{label} plan matches", False,
                 detail=[f"plan {plan.group(0) if plan else 'missing'}, {len(res)} results in {path}"])
    for ok, desc, skip in res:
        v.record(f"{label} {desc}", ok, skip)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--splats":
        # for the benches: print the splat lines of one serial log
        for ln in find_splats(open(sys.argv[2], errors="replace").read()):
            print(ln)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--matrix")
    ap.add_argument("--boots")
    ap.add_argument("--host", default="checkpatch,build-km,export-check")
    ap.add_argument("--tree", default=os.environ.get("TREE", ""))
    ap.add_argument("--repro", default="make test BOOT={boot}")
    ap.add_argument("--suite", help="only this KUnit suite ran (kunit.filter_glob), no guest tests")
    ap.add_argument("results")
    a = ap.parse_args()
    boots = matrix.load(a.matrix)
    names = a.boots.split(",") if a.boots else [n for n, b in boots.items() if b.kind == "test"]
    if a.suite:
        # one suite ran: the test that prints an expected splat may not have
        for b in boots.values():
            b.kunit, b.tests = [a.suite], []
            b.splats_optional = True
    v = Verdict()
    rows, splat_detail = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in names:
            if n not in boots:
                v.record(f"{n}: boot is in the matrix", False)
                continue
            rows.append(judge_boot(v, boots[n], a.results, a.tree, tmp, splat_detail))
    for stem in [s for s in a.host.split(",") if s]:
        judge_tap(v, a.results, stem)

    print(f"{'boot':<24} {'tests':>7} {'skips':>6} {'kunit':>8} {'splats':>7}  verdict")
    for r in rows:
        print(f"{r['boot']:<24} {r['tests']:>7} {r['skips']:>6} {r['kunit']:>8} "
              f"{r['splats']:>7}  {'ok' if r['ok'] else 'FAIL'}")
    failed_boots = []
    for name in v.failed:
        print(f"FAILED: {name}")
        for d in v.details.get(name, []):
            print(f"    {d}")
        b = name.split(":", 1)[0]
        if b in boots and b not in failed_boots:
            failed_boots.append(b)
    for stem, cmd in HOST_REPRO.items():
        label = "checkpatch --strict" if stem == "checkpatch" else f"{stem}:"
        if stem in a.host.split(",") and any(f.startswith(label + " ") for f in v.failed):
            print(f"  {stem}: reproduce: {cmd}")
    for b in failed_boots:
        print(f"  {b}: log {os.path.join(a.results, b + '.log')}")
        if b in splat_detail:
            print(f"  {b}: first splat: {splat_detail[b]}")
            dec = os.path.join(a.results, b + ".splat")
            if os.path.exists(dec):
                print(f"  {b}: decoded: {dec}")
        print(f"  {b}: reproduce: {a.repro.format(boot=b)}")
    print(f"{len(v.passed)} passed, {len(v.failed)} failed, {len(v.skipped)} skipped")
    sys.exit(1 if v.failed or not v.passed else 0)


if __name__ == "__main__":
    main()
