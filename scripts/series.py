#!/usr/bin/env python3
"""patches/series: the order of the queue, in sections.

usage: series.py write OLD_SERIES HEADER_FILE NAME... > NEW_SERIES
       series.py notes PATCH        print the notes below a patch's '---'

write: the new series lists NAME... in that order, under the generated
header.  Section comments (comment lines after the header) are kept: each is
anchored to the patch that follows it in OLD_SERIES.  A comment whose patch is
gone (renamed: its subject changed) moves to the first new name that OLD_SERIES
did not have, so a renamed patch keeps its section.

notes: `git format-patch --notes` writes a commit's notes (checkpatch waivers,
workshop notes) between '---' and the diffstat, indented by four spaces, where
`git am` drops them; `make tree` puts them back with `git notes add`.
"""
import sys


def read_sections(path):
    """[(comment lines, patch name)], trailing comments with name None."""
    try:
        lines = open(path).read().splitlines()
    except FileNotFoundError:
        return []
    # The header: the leading comment block, up to the first blank line.
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    out, pending = [], []
    for ln in lines[i:]:
        s = ln.strip()
        if not s:
            continue
        if s.startswith("#"):
            pending.append(ln)
        else:
            out.append((pending, s))
            pending = []
    if pending:
        out.append((pending, None))
    return out


def write(old, header, names):
    old_secs = read_sections(old)
    old_names = {n for _, n in old_secs if n}
    anchored = {n: c for c, n in old_secs if n}
    orphans = [c for c, n in old_secs if n and n not in names and c]
    trailing = [c for c, n in old_secs if n is None]
    out = open(header).read().rstrip("\n").splitlines() + [""]
    for n in names:
        comments = anchored.get(n, [])
        if n not in old_names and orphans:
            comments = orphans.pop(0)
        if comments:
            if out[-1] != "":
                out.append("")
            out += comments
        out.append(n)
    for c in orphans + trailing:
        out += [""] + c
    print("\n".join(out))


def notes(patch):
    lines = open(patch, errors="replace").read().split("\n")
    try:
        i = lines.index("---")
    except ValueError:
        return
    if lines[i + 1:i + 3] != ["", "Notes:"]:
        return
    out = []
    for ln in lines[i + 3:]:
        if not ln.startswith("    "):
            break
        out.append(ln[4:])
    if out:
        sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 3 and sys.argv[1] == "notes":
        notes(sys.argv[2])
    else:
        raise SystemExit(__doc__)
