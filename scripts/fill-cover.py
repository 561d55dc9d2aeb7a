#!/usr/bin/env python3
"""Fill git format-patch's cover-letter template from docs/cover-letter.txt.

The text file's first line is the subject, the rest (after one blank line) is
the body.  The shortlog and diffstat that git writes stay, so the cover letter
is always in step with the series.
"""
import sys

src, cover = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().split("\n")
subject = lines[0].strip()
body = "\n".join(lines[1:]).strip("\n")

text = open(cover, encoding="utf-8").read()
for marker, repl in (("*** SUBJECT HERE ***", subject), ("*** BLURB HERE ***", body)):
    if marker not in text:
        sys.exit(f"fill-cover: {marker!r} not found in {cover}")
    text = text.replace(marker, repl, 1)
open(cover, "w", encoding="utf-8").write(text)
