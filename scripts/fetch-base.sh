#!/bin/bash
# Print "VERSION SHA256 PATH" of the base tarball, fetching it if needed.
#
# The pinned version (base.conf) is used when Debian still serves it, and its
# sha256 must match.  Debian replaces security versions, so when the pin is no
# longer served the newest linux-source-6.12 is used instead and a loud warning
# says so; the caller then finds out whether the series still applies.
. "$(dirname "$0")/lib.sh"

tarball_in_deb=usr/src/$BASE_PACKAGE.tar.xz

check_sha() { # file version -> 0 if it is the pinned tarball, or not the pinned version
	local sum
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	if [ "$2" = "$BASE_VERSION" ] && [ "$sum" != "$BASE_SHA256" ]; then
		die "$1: sha256 $sum does not match the pin $BASE_SHA256 for $BASE_VERSION"
	fi
	echo "$sum"
}

fetch() { # version -> path of tarball in the cache, or non-zero
	local ver=$1 dir=$CACHE/base/$1 tmp
	if [ -f "$dir/$BASE_PACKAGE.tar.xz" ]; then
		echo "$dir/$BASE_PACKAGE.tar.xz"; return 0
	fi
	mkdir -p "$dir"
	# The installed package is as good as a download when it is the same version.
	if [ "$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null)" = "$ver" ] &&
	   [ -f "/$tarball_in_deb" ]; then
		cp "/$tarball_in_deb" "$dir/$BASE_PACKAGE.tar.xz.part"
	else
		tmp=$(mktemp -d)
		# _apt must be able to write the download directory
		chmod 0777 "$tmp"
		if ! (cd "$tmp" && apt-get download -q "$BASE_PACKAGE=$ver" >&2); then
			rm -rf "$tmp"; return 1
		fi
		dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xO "./$tarball_in_deb" \
			> "$dir/$BASE_PACKAGE.tar.xz.part"
		rm -rf "$tmp"
	fi
	mv "$dir/$BASE_PACKAGE.tar.xz.part" "$dir/$BASE_PACKAGE.tar.xz"
	echo "$dir/$BASE_PACKAGE.tar.xz"
}

# A fresh machine may have no package lists yet: refresh once and retry the
# pin before concluding that Debian no longer serves it.
if ! path=$(fetch "$BASE_VERSION"); then
	as_root apt-get update -qq >&2 || true
	path=$(fetch "$BASE_VERSION") || path=""
fi
if [ -n "$path" ]; then
	sum=$(check_sha "$path" "$BASE_VERSION")
	echo "$BASE_VERSION $sum $path"
	exit 0
fi

# The pin is gone: take the newest 6.12 Debian serves.
newest=$(apt-cache madison "$BASE_PACKAGE" 2>/dev/null | awk '{print $3}' |
	sort -V | tail -n1)
[ -n "$newest" ] || die "Debian serves no $BASE_PACKAGE at all (is apt configured?)"
path=$(fetch "$newest") || die "could not download $BASE_PACKAGE=$newest"
sum=$(check_sha "$path" "$newest")
warn "the pinned base $BASE_PACKAGE $BASE_VERSION is no longer served by Debian.
!!! Using the newest one instead: $newest (sha256 $sum).
!!! If the series applies, update base.conf to this version and sha256."
echo "$newest $sum $path"
