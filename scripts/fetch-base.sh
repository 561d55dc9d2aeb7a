#!/bin/bash
# Print "VERSION SHA256 PATH" of the base tarball, fetching it if needed.
#
# The pinned version (base.conf) is used when Debian still serves it, and its
# sha256 must match.  Debian replaces security versions, so when the pin is no
# longer served the newest linux-source-6.12 is used instead and a loud warning
# says so; the caller then finds out whether the series still applies.
. "$(dirname "$0")/lib.sh"

tarball_in_deb=usr/src/$BASE_PACKAGE.tar.xz

# The sha256 of a tarball; for the pinned version it must be the pin.
check_sha() { # file version -> sha256, or die
	local sum
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	if [ "$2" = "$BASE_VERSION" ] && [ "$sum" != "$BASE_SHA256" ]; then
		die "$1: sha256 $sum does not match the pin $BASE_SHA256 for $BASE_VERSION
(delete it and run again; if it persists, Debian rebuilt the package: check base.conf)"
	fi
	echo "$sum"
}

# Fetch into the cache.  Every step is checked explicitly: this runs inside
# `if ! path=$(fetch ...)`, where errexit does not apply.  Nothing enters the
# cache path until it is complete and verified: the pinned version against
# its sha256, any other version by xz's own integrity check.
fetch() { # version -> path of tarball in the cache, or non-zero
	local ver=$1 dir=$CACHE/base/$1 tmp part sum
	local final=$dir/$BASE_PACKAGE.tar.xz
	if [ -f "$final" ]; then
		echo "$final"; return 0
	fi
	mkdir -p "$dir" || { echo "error: cannot create the cache directory $dir" >&2; return 1; }
	part=$final.part
	rm -f "$part"
	# The installed package is as good as a download when it is the same version.
	if [ "$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null)" = "$ver" ] &&
	   [ -f "/$tarball_in_deb" ]; then
		cp "/$tarball_in_deb" "$part" ||
			{ echo "error: could not copy /$tarball_in_deb to $part" >&2; rm -f "$part"; return 1; }
	else
		tmp=$(mktemp -d)
		# _apt must be able to write the download directory
		chmod 0777 "$tmp"
		if ! (cd "$tmp" && apt-get download -q "$BASE_PACKAGE=$ver" >&2); then
			rm -rf "$tmp"; return 1
		fi
		if ! dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xO "./$tarball_in_deb" > "$part"; then
			echo "error: could not extract $tarball_in_deb from the .deb into $part" >&2
			rm -rf "$tmp" "$part"; return 1
		fi
		rm -rf "$tmp"
	fi
	if [ "$ver" = "$BASE_VERSION" ]; then
		sum=$(sha256sum "$part" | cut -d' ' -f1)
		if [ "$sum" != "$BASE_SHA256" ]; then
			echo "error: $part: sha256 $sum, but the pin for $ver is $BASE_SHA256 (not cached)" >&2
			rm -f "$part"; return 2
		fi
	elif ! xz -t "$part"; then
		echo "error: $part is not a complete xz archive (not cached)" >&2
		rm -f "$part"; return 1
	fi
	mv "$part" "$final" || { echo "error: could not move $part to $final" >&2; return 1; }
	echo "$final"
}

# A fresh machine may have no package lists yet: refresh once and retry the
# pin before concluding that Debian no longer serves it.
# A download that does not match the pin is not "no longer served": the pin
# exists to catch exactly that, so stop (fetch returns 2).
rc=0
path=$(fetch "$BASE_VERSION") || rc=$?
if [ $rc = 1 ]; then
	as_root apt-get update -qq >&2 || true
	rc=0
	path=$(fetch "$BASE_VERSION") || rc=$?
fi
[ $rc = 2 ] && die "the pinned $BASE_PACKAGE $BASE_VERSION was downloaded, but does not match
its sha256 in base.conf; nothing was cached in $CACHE/base/$BASE_VERSION"
[ $rc = 0 ] || path=""
if [ -n "$path" ]; then
	sum=$(check_sha "$path" "$BASE_VERSION")
	echo "$BASE_VERSION $sum $path"
	exit 0
fi

# The pin is gone: take the newest 6.12 Debian serves.
newest=$(apt-cache madison "$BASE_PACKAGE" 2>/dev/null | awk '{print $3}' |
	sort -V | tail -n1)
[ -n "$newest" ] || die "the pinned $BASE_PACKAGE $BASE_VERSION is neither in the cache
($CACHE/base/$BASE_VERSION) nor served by Debian, which serves no $BASE_PACKAGE at
all (is apt configured?)"
path=$(fetch "$newest") ||
	die "could not download $BASE_PACKAGE=$newest into $CACHE/base/$newest"
sum=$(check_sha "$path" "$newest")
warn "the pinned base $BASE_PACKAGE $BASE_VERSION is no longer served by Debian.
!!! Using the newest one instead: $newest (sha256 $sum).
!!! If the series applies, update base.conf to this version and sha256."
echo "$newest $sum $path"
