#!/usr/bin/env python3
"""patches/series: the order of the queue, in sections.

usage: series.py write OLD_SERIES HEADER_FILE NAME... > NEW_SERIES
       series.py notes PATCH        print the notes below a patch's '---'

write: the new series lists NAME... in that order, under the generated
header.  Section comments (comment lines after the header) are kept: each is
anchored to the patch that follows it in OLD_SERIES.  A comment whose patch is
gone moves to the next patch of the old order that is still there (a banner
stays at the head of its section when the section's first patch is dropped),
or to a new name standing just before that one (a renamed patch, whose subject
changed, keeps its comments).

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
    new_set = set(names)
    # A comment anchored to a patch that is gone is carried to the next
    # surviving patch of the old order: a section banner stays at the head of
    # its section when its first patch is dropped.
    carried, own, carry, trailing = {}, {}, [], []
    for comments, n in old_secs:
        if n is None:
            trailing += comments
        elif n in new_set:
            carried[n], own[n], carry = carry, comments, []
        else:
            carry = carry + comments
    trailing = carry + trailing
    out = open(header).read().rstrip("\n").splitlines() + [""]
    for i, n in enumerate(names):
        comments = list(own.get(n, []))
        nxt = names[i + 1] if i + 1 < len(names) else None
        if n not in old_names and nxt is not None and carried.get(nxt):
            # a new name in the slot of a dropped one (a renamed patch):
            # it takes the dropped patch's comments
            comments = carried.pop(nxt) + comments
        else:
            comments = carried.pop(n, []) + comments
        if comments:
            if out[-1] != "":
                out.append("")
            out += comments
        out.append(n)
    if trailing:
        out += [""] + trailing
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
