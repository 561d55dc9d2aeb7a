# shellcheck shell=bash
# Common settings for the series' scripts.  Sourced, never run.
#
# Paths (all overridable from the environment):
#   TOP        the repository
#   BUILD      build output, ignored by git            (default $TOP/build)
#   TREE       the generated kernel git tree            ($BUILD/linux)
#   IMAGES     stable place for built kernels           ($BUILD/images/<flavour>/)
#   CACHE      downloads + ccache, outside the repo     (~/.cache/mm-series)

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/linux}
IMAGES=${IMAGES:-$BUILD/images}
CACHE=${MM_SERIES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mm-series}
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Hash paths relative to the checkout, so clones elsewhere share the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
JOBS=${JOBS:-$(nproc)}
# The helpers in Python (matrix.py, summarize.py) read these too; and no
# __pycache__ may land in the kernel tree (kunit.py is run from there).
export TOP BUILD TREE IMAGES
export PYTHONDONTWRITEBYTECODE=1

# shellcheck source=../base.conf
. "$TOP/base.conf"

# One identity and one date for everything generated, so that commit ids and
# exported files are reproducible.
SERIES_NAME="MM Scale Team"
SERIES_EMAIL="mm-scale@lists.example.org"
BASE_DATE="2025-01-01T00:00:00+0000"

export GIT_CONFIG_NOSYSTEM=1
git_tree() {
	git -C "$TREE" -c core.abbrev=12 -c user.name="$SERIES_NAME" \
		-c user.email="$SERIES_EMAIL" -c advice.detachedHead=false "$@"
}

msg()  { printf '==> %s\n' "$*" >&2; }
warn() { printf '\n!!! WARNING: %s\n\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Patches listed in patches/series, in order (comments and blanks skipped).
series_patches() {
	[ -f "$TOP/patches/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/patches/series" | grep -v '^$' || true
}

# Number of CPUs in a kernel CPU list ("0-63", "0,2-5").
cpu_count() {
	echo "$1" | tr , '\n' | awk -F- 'NF { n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n + 0 }'
}

# Run a command as root (CI and the dev machines are root; sudo otherwise).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ---------------------------------------------------------------------------
# The tree <-> patches/ mapping.  Everything that compares or regenerates goes
# through format_series, so `make export`, `make export-check` and `make tree`
# agree byte for byte.

TREE_STATE=$TREE/.git/mm-series.state

# Hash of what the tree is generated from.
inputs_hash() {
	{
		cat "$TOP/base.conf"
		cat "$TOP/patches/series" 2>/dev/null || true
		series_patches | while read -r p; do cat "$TOP/patches/$p"; done
	} | sha256sum | cut -d' ' -f1
}

state_get() { # key
	[ -f "$TREE_STATE" ] && sed -n "s/^$1=//p" "$TREE_STATE" | tail -n1 || true
}

state_set() { # key=value ...
	local kv
	touch "$TREE_STATE"
	for kv in "$@"; do
		sed -i "/^${kv%%=*}=/d" "$TREE_STATE"
		echo "$kv" >> "$TREE_STATE"
	done
}

# Write the export of the tree (patches, cover letter, series) into $1.
# Patch files are named by topic (the subject, as format-patch spells it,
# without a number), as in Debian's and PREEMPT_RT's queues: inserting a
# patch changes one file and the series, not every file after it.  The order
# lives in `series`, whose section comments are kept (scripts/series.py).
# Notes (checkpatch waivers, workshop notes) go below the '---' line.
format_series() {
	local out=$1 n date tmp f b names=()
	mkdir -p "$out"
	tmp=$(mktemp -d)
	n=$(git_tree rev-list --count base..HEAD)
	if [ "$n" -gt 0 ]; then
		# The cover letter's date is the committer's: pin it to the newest
		# patch's author date so that the export is reproducible.
		date=$(git_tree log -1 --format=%aD HEAD)
		git_tree format-patch -q --zero-commit --no-signature --no-numbered \
			--filename-max-length=100 \
			--notes -o "$tmp/q" base..HEAD
		for f in "$tmp"/q/*.patch; do
			b=$(basename "$f")
			b=${b#[0-9][0-9][0-9][0-9]-}
			while [ -e "$out/$b" ]; do b=${b%.patch}-2.patch; done
			mv "$f" "$out/$b"
			names+=("$b")
		done
		GIT_COMMITTER_DATE="$date" GIT_COMMITTER_NAME="$SERIES_NAME" \
		GIT_COMMITTER_EMAIL="$SERIES_EMAIL" \
			git_tree format-patch -q --zero-commit --no-signature \
			--cover-letter --base=base -o "$tmp/c" base..HEAD
		mv "$tmp/c/0000-cover-letter.patch" "$out/cover-letter.patch"
		python3 "$TOP/scripts/fill-cover.py" "$TOP/docs/cover-letter.txt" \
			"$out/cover-letter.patch"
	fi
	{
		echo "# Patch series: $(head -n1 "$TOP/docs/cover-letter.txt")"
		echo "#"
		echo "# Applies onto Debian $BASE_PACKAGE $(state_get BASE_USED)"
		echo "#   ($BASE_PACKAGE.tar.xz sha256 $(state_get BASE_SHA_USED);"
		echo "#    upstream v6.12 stable + Debian's patches, as Debian ships it)"
		echo "# Base commit of the generated tree: $(git_tree rev-parse base)"
		echo "#   (reproducible: \`make tree\` commits the unpacked tarball with a fixed"
		echo "#    author and date, then applies these with \`git am\`, in this order)"
		echo "#"
		echo "# Generated by \`make export\` from the kernel tree: edit the tree, not this;"
		echo "# section comments below are kept.  cover-letter.patch is the cover"
		echo "# letter; it is not applied.  \`make mail\` numbers the patches for sending."
	} > "$tmp/header"
	python3 "$TOP/scripts/series.py" write "$TOP/patches/series" "$tmp/header" \
		"${names[@]}" > "$out/series"
	rm -rf "$tmp"
}

# Non-zero when the tree's work dir has changes that are not committed.
tree_dirty() {
	[ -n "$(git_tree status --porcelain --untracked-files=all --ignored=matching | head -n1)" ]
}

# An earlier `make tree` did not finish applying patches/ (interrupted: 1,
# or a patch did not apply: failed:NAME): the tree is not the series, and
# must not be exported as if it were.
tree_generating() {
	case $(state_get GENERATING) in 1|failed:*) return 0 ;; *) return 1 ;; esac
}

# A git am, rebase or cherry-pick in progress in the tree.
tree_busy() {
	[ -d "$TREE/.git/rebase-apply" ] || [ -d "$TREE/.git/rebase-merge" ] ||
		[ -d "$TREE/.git/sequencer" ]
}

# One line on how the tree is ahead of patches/: commits since the last
# generation or export, and modified files.
tree_ahead() {
	local last n files
	last=$(state_get HEAD)
	if [ -n "$last" ] && git_tree merge-base --is-ancestor "$last" HEAD 2>/dev/null; then
		n=$(git_tree rev-list --count "$last..HEAD")
		n="$n commit$([ "$n" = 1 ] || echo s)"
	else
		n="history rewritten, $(git_tree rev-list --count base..HEAD) commits on base"
	fi
	files=$(git_tree status --porcelain --untracked-files=all | wc -l)
	echo "$n, $files modified file$([ "$files" = 1 ] || echo s)"
}

# Hash of the tree's patches as git would export them (cheap: one format-patch).
tree_patches_hash() {
	git_tree format-patch --stdout --zero-commit --no-signature --notes base..HEAD |
		sha256sum | cut -d' ' -f1
}
