#!/usr/bin/env python3
"""The harness tests itself: feed summarize.py canned result folders, each a
good run with one thing broken, and check that each is reported red, naming
what broke; and that the good run itself is green.  Prints TAP.

usage: selftest.py TREE [OUTDIR]

TREE is the kernel tree (its tools/testing/kunit/kunit.py parses KTAP).  The
canned folders are written under OUTDIR (default: a temporary directory) so
that a failing case can be inspected.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

MATRIX = """\
[DEFAULT]
kunit = demo_suite
skips = demo_suite.case_b

[alpha]
args = --mem 1G
tests = 10-first 20-second
skips = demo_suite.case_b 20-second

[beta]
args = --mem 1G
tests = 10-first
kunit =
"""

KTAP = """\
KTAP version 1
1..1
    KTAP version 1
    # Subtest: demo_suite
    # module: demo
    1..2
    ok 1 case_a
    ok 2 case_b # SKIP feature off
# demo_suite: pass:1 fail:0 skip:1 total:2
# Totals: pass:1 fail:0 skip:1 total:2
ok 1 demo_suite
"""


def guest(results, plan=None, counts=None):
    """The guest's TAP block for results like "ok NAME", "ok NAME # SKIP",
    "not ok NAME"; plan and counts default to what the results say."""
    lines, ok, nf, sk = [], 0, 0, 0
    for i, r in enumerate(results):
        status, rest = ("not ok", r[7:]) if r.startswith("not ok ") else ("ok", r[3:])
        lines.append(f"{status} {i + 1} {rest}")
        nf += status == "not ok"
        sk += status == "ok" and "# SKIP" in rest
        ok += status == "ok" and "# SKIP" not in rest
    plan = len(results) if plan is None else plan
    counts = counts or (ok, nf, sk)
    return ("Run /init as init process\nMMTEST-BEGIN\nTAP version 13\n# a test's output\n"
            + "\n".join(lines)
            + f"\n1..{plan}\nMMTEST-END pass={counts[0]} fail={counts[1]} skip={counts[2]}\n"
            + f"GUEST-VERDICT: {'PASS' if nf == 0 else 'FAIL'}\n")


def ksft(cases, plan=None, top="ok"):
    """A guest body whose 10-first is a kselftest printing KTAP cases, the
    way the guest shows its output (indented with "# ")."""
    sub = "".join(f"# {c}\n" for c in
                  ["TAP version 13", f"1..{plan or len(cases)}"] + cases)
    return guest([f"{top} 10-first", "ok 20-second # SKIP"]).replace(
        "# a test's output\n", "# a test's output\n" + sub)


OFF = "[   12.000000] reboot: Power down\n"


def log(kunit=KTAP, body=None, after="", cmd="console=ttyS0 mmtest.run=x"):
    body = body if body is not None else guest(["ok 10-first", "ok 20-second # SKIP"])
    return (f"# qemu-system-x86_64 -append {cmd}\n[    0.000000] Linux version 6.12\n"
            + kunit + body + after + OFF + "\n# qemu-run: 12.0s wall\n")


BETA = log(kunit="", body=guest(["ok 10-first"]), cmd="console=ttyS0 kunit.enable=0")
TAPS = {"checkpatch": "TAP version 13\nok 1 a.patch\nok 2 b.patch\n1..2\n"}


def good():
    return {"alpha.log": log(), "alpha.rc": "0\n", "beta.log": BETA, "beta.rc": "0\n",
            "checkpatch.tap": TAPS["checkpatch"]}


def mutate(**changes):
    files = good()
    for k, val in changes.items():
        k = k.replace("__", ".").replace("_", "-")
        if val is None:
            files.pop(k, None)
        else:
            files[k] = val
    return files


# A boot that expects one WARNING (an expected-splat test).
MATRIX_SPLAT = MATRIX.replace("skips = demo_suite.case_b 20-second\n",
                              "skips = demo_suite.case_b 20-second\nsplats = WARNING: .* demo_uncharge\n")
WARN = ("[    9.0] demo: uncharge of 2 bytes, 1 charged\n"
        "[    9.0] WARNING: CPU: 0 PID: 1 at mm/demo.c:10 demo_uncharge+0x1/0x2\n"
        "[    9.0] Modules linked in:\n[    9.0] Call Trace:\n[    9.0]  <TASK>\n"
        "[    9.0]  demo_uncharge+0x1/0x2\n[    9.0] ---[ end trace 0000000000000000 ]---\n")

# name: (files, regex that a FAILED line (or its detail) must match[, matrix])
CASES = {
    "an expected WARNING, with its call trace":
        (mutate(alpha__log=log(after=WARN)), None, MATRIX_SPLAT),
    "an expected WARNING that did not come":
        (good(), r"alpha: expected splat", MATRIX_SPLAT),
    "another WARNING besides the expected one":
        (mutate(alpha__log=log(after=WARN + WARN.replace("demo_uncharge", "other_fn"))),
         r"alpha: boots, powers off", MATRIX_SPLAT),
    "a bare call trace after an expected WARNING's":
        (mutate(alpha__log=log(after=WARN + "[   10.0] random: x\n" * 70 + "[   10.1] Call Trace:\n")),
         r"alpha: boots, powers off", MATRIX_SPLAT),
    "a good run is green": (good(), None),
    "a boot whose log was never written": (mutate(beta__log=None), r"beta: boot log exists"),
    "a boot without its exit status": (mutate(beta__rc=None), r"beta: boot wrote its exit status"),
    "a required guest test that skipped":
        (mutate(beta__log=log(kunit="", body=guest(["ok 10-first # SKIP"]),
                              cmd="kunit.enable=0")), r"beta: 10-first"),
    "a required guest test that did not run":
        (mutate(alpha__log=log(body=guest(["ok 10-first"]))), r"alpha: 20-second"),
    "a KUnit case that skipped where its feature is on":
        (mutate(beta__log=BETA, alpha__log=log(kunit=KTAP.replace("ok 1 case_a", "ok 1 case_a # SKIP off")
                                              .replace("pass:1", "pass:0").replace("skip:1", "skip:2"))),
         r"alpha: kunit demo_suite.case_a"),
    "a WARNING printed after the verdict":
        (mutate(alpha__log=log(after="[   11.5] WARNING: CPU: 0 PID: 1 at mm/percpu.c:12 f+0x1/0x2\n")),
         r"alpha: boots, powers off"),
    "a lockdep report during power-off":
        (mutate(alpha__log=log(after="[   11.9] reboot: ...\n[   11.9] WARNING: possible circular locking "
                                     "dependency detected\n")), r"alpha: boots, powers off"),
    "a KASAN report in the guest's output":
        (mutate(alpha__log=log(after="[    9.1] BUG: KASAN: slab-use-after-free in f+0x1/0x2\n")),
         r"alpha: boots, powers off"),
    "a failing case of a suite the matrix does not name":
        (mutate(alpha__log=log(kunit=KTAP.replace("1..1\n", "1..2\n", 1) + """\
    KTAP version 1
    # Subtest: other_suite
    1..1
    not ok 1 other_case
not ok 2 other_suite
""")), r"alpha: kunit other_suite.other_case"),
    "guest test output that mentions a panic or a WARNING is not a splat":
        (mutate(alpha__log=log(body=guest(["ok 10-first", "ok 20-second # SKIP"]).replace(
            "# a test's output", "# grep 'Kernel panic' / 'WARNING:' found nothing"))), None),
    "a hung task":
        (mutate(alpha__log=log(after="[    9.100000] INFO: task kworker/0:1:12 blocked for more than 120 seconds.\n")),
         r"first: .*INFO:\ task\ kworker/0:1:12\ bloc"),
    "an RCU stall":
        (mutate(alpha__log=log(after="[    9.100000] rcu: INFO: rcu_preempt self-detected stall on CPU\n")),
         r"first: .*rcu:\ INFO:\ rcu_preempt\ self\-de"),
    "an RCU tasks stall":
        (mutate(alpha__log=log(after="[    9.100000] INFO: rcu_tasks detected stalls on tasks:\n")),
         r"first: .*INFO:\ rcu_tasks\ detected\ stall"),
    "a soft lockup":
        (mutate(alpha__log=log(after="[    9.100000] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:1]\n")),
         r"first: .*watchdog:\ BUG:\ soft\ lockup\ \-\ C"),
    "list corruption":
        (mutate(alpha__log=log(after="[    9.100000] list_add corruption. prev->next should be next (ffff8880), but was 0\n")),
         r"first: .*list_add\ corruption\.\ prev\->nex"),
    "a UBSAN report":
        (mutate(alpha__log=log(after="[    9.100000] UBSAN: shift-out-of-bounds in mm/percpu.c:10:5\n")),
         r"first: .*UBSAN:\ shift\-out\-of\-bounds\ in\ "),
    "a KFENCE report":
        (mutate(alpha__log=log(after="[    9.100000] BUG: KFENCE: use-after-free read in f+0x1/0x2\n")),
         r"first: .*BUG:\ KFENCE:\ use\-after\-free\ re"),
    "a debugobjects report":
        (mutate(alpha__log=log(after="[    9.100000] ODEBUG: free active (active state 0) object: 0000 object type: timer_list\n")),
         r"first: .*ODEBUG:\ free\ active\ \(active\ st"),
    "sleeping in atomic context":
        (mutate(alpha__log=log(after="[    9.100000] BUG: sleeping function called from invalid context at mm/slub.c:4000\n")),
         r"first: .*BUG:\ sleeping\ function\ called\ "),
    "a preemption bug":
        (mutate(alpha__log=log(after="[    9.100000] BUG: using smp_processor_id() in preemptible [00000000] code: sh/1\n")),
         r"first: .*BUG:\ using\ smp_processor_id\(\)\ "),
    "a bare call trace":
        (mutate(alpha__log=log(after="[    9.100000] Call Trace:\n")),
         r"first: .*Call\ Trace:"),
    "a kernel BUG": (mutate(alpha__log=log(after="[    9.1] kernel BUG at mm/percpu.c:100!\n")),
                     r"first: .*kernel BUG at"),
    "an Oops": (mutate(alpha__log=log(after="[    9.1] Oops: 0000 [#1] PREEMPT SMP\n")), r"first: .*Oops"),
    "a general protection fault":
        (mutate(alpha__log=log(after="[    9.1] general protection fault, probably for non-canonical address\n")),
         r"first: .*general protection fault"),
    "a hard lockup": (mutate(alpha__log=log(after="[    9.1] Watchdog detected hard LOCKUP on cpu 1\n")),
                      r"first: .*hard LOCKUP"),
    "inconsistent lock state (lockdep)":
        (mutate(alpha__log=log(after="[    9.1] WARNING: inconsistent lock state\n")),
         r"first: .*inconsistent lock state"),
    "a list corruption report without list_add/list_del":
        (mutate(alpha__log=log(after="[    9.1] slab kmalloc-64: list corruption detected\n")),
         r"first: .*list corruption"),
    "a plain 'not ok' in a host TAP file":
        (mutate(checkpatch__tap="TAP version 13\nok 1 a.patch\nnot ok 2 b.patch\n1..2\n"),
         r"checkpatch --strict b\.patch"),
    "a { in a KUnit log (lockdep prints them), with a failing case":
        (mutate(alpha__log=log(kunit=KTAP.replace(
            "    ok 1 case_a",
            "    {\n    # case_a: EXPECTATION FAILED at mm/x.c:1 {INITIAL USE} }\n    not ok 1 case_a")
            .replace("pass:1 fail:0", "pass:0 fail:1"))),
         r"alpha: kunit demo_suite.case_a"),
    "a KUnit suite that vanished":
        (mutate(alpha__log=log(kunit="")), r"alpha: kunit suite demo_suite ran"),
    "a KTAP plan that does not match":
        (mutate(alpha__log=log(kunit=KTAP.replace("    1..2", "    1..3"))), r"KTAP: .*missing expected subtest"),
    "a guest TAP plan that does not match":
        (mutate(alpha__log=log(body=guest(["ok 10-first", "ok 20-second # SKIP"], plan=3))),
         r"plan 1\.\.3 but 2 results"),
    "guest counts that differ from its TAP":
        (mutate(alpha__log=log(body=guest(["ok 10-first", "ok 20-second # SKIP"], counts=(2, 0, 0)))),
         r"guest counted"),
    "a kselftest case that skipped where it must run":
        (mutate(alpha__log=log(body=ksft(["ok 1 case_x", "ok 2 case_y # SKIP no device"]))),
         r"alpha: 10-first\.case_y"),
    "a kselftest case that boots.ini lets skip":
        (mutate(alpha__log=log(body=ksft(["ok 1 case_x", "ok 2 case_y # SKIP no device"]))), None,
         MATRIX.replace("skips = demo_suite.case_b 20-second\n",
                        "skips = demo_suite.case_b 20-second 10-first.case_y\n")),
    "a failing kselftest case":
        (mutate(alpha__log=log(body=ksft(["ok 1 case_x", "not ok 2 case_y"], top="not ok"))),
         r"alpha: 10-first\.case_y"),
    "a failing kselftest case prints why":
        (mutate(alpha__log=log(body=ksft(["ok 1 case_x", "# FAIL: 3 blocks left",
                                          "not ok 2 case_y"], top="not ok"))),
         r"alpha: 10-first\.case_y\n +FAIL: 3 blocks left"),
    "a kselftest that stopped before its plan":
        (mutate(alpha__log=log(body=ksft(["ok 1 case_x"], plan=2))),
         r"alpha: 10-first KTAP plan"),
    "an empty checkpatch TAP": (mutate(checkpatch__tap=""), r"checkpatch --strict has results"),
    "a checkpatch TAP cut short": (mutate(checkpatch__tap="TAP version 13\nok 1 a.patch\n1..2\n"),
                                   r"checkpatch --strict plan matches"),
    "a panic after the verdict":
        (mutate(alpha__log=log(after="[ 11] Kernel panic - not syncing: Fatal exception\n"),
                alpha__rc="0\n"), r"alpha: boots, powers off"),
    "a timeout after the verdict":
        (mutate(alpha__log=log().replace("# qemu-run: 12.0s wall", "# qemu-run: timeout after 600s"),
                alpha__rc="2\n"), r"alpha: boots, powers off"),
    "a guest that did not power off":
        (mutate(alpha__log=log().replace(OFF, "")), r"did not power off"),
    "a boot that ran no tests at all (died early)":
        (mutate(beta__log="# qemu-system-x86_64 -append kunit.enable=0\n[ 0] Linux version\n",
                beta__rc="2\n"), r"beta: 10-first"),
}


def main():
    tree = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="harness-selftest.")
    print("TAP version 13")
    n = fail = 0
    for name, (files, want, *matrix) in CASES.items():
        n += 1
        d = os.path.join(out, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(d, "results"))
        with open(os.path.join(d, "boots.ini"), "w") as f:
            f.write(matrix[0] if matrix else MATRIX)
        for fn, text in files.items():
            with open(os.path.join(d, "results", fn), "w") as f:
                f.write(text)
        p = subprocess.run([sys.executable, os.path.join(HERE, "summarize.py"),
                            "--matrix", os.path.join(d, "boots.ini"), "--host", "checkpatch",
                            "--tree", tree, os.path.join(d, "results")],
                           capture_output=True, text=True)
        with open(os.path.join(d, "summary.out"), "w") as f:
            f.write(p.stdout + p.stderr)
        if want is None:
            ok = p.returncode == 0 and "0 failed" in p.stdout
            why = "" if ok else f"exit {p.returncode}: {p.stdout.strip().splitlines()[-1:]}"
        else:
            failed = re.findall(r"^FAILED: .*(?:\n    .*)*", p.stdout, re.M)
            ok = p.returncode == 1 and any(re.search(want, f) for f in failed) and \
                "Traceback" not in p.stderr
            why = "" if ok else (f"exit {p.returncode}, no FAILED line matches /{want}/ "
                                 f"(see {d}/summary.out)")
        if not ok:
            fail += 1
            print(f"# {why}")
        print(f"{'ok' if ok else 'not ok'} {n} {'reported green' if want is None else 'reported red'}: {name}")
    print(f"1..{n}")
    sys.exit(1 if fail else 0)


if __name__ == "__main__":
    main()
