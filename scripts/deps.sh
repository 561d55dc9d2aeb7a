#!/bin/bash
# Install what the workshop needs on a fresh Debian 12 machine (idempotent:
# does nothing when everything is there).
. "$(dirname "$0")/lib.sh"

pkgs=(build-essential bc bison flex libelf-dev libssl-dev ccache cpio xz-utils
      zstd rsync python3 python3-ply python3-git qemu-system-x86 qemu-utils busybox-static bash-static
      gnuplot-nox kmod git perl rt-tests)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	msg "installing: ${missing[*]}"
	as_root apt-get update -qq
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi
# ccache: enough room for a few kernel configs, kept outside the repository.
mkdir -p "$CCACHE_DIR"
ccache -M 5G >/dev/null
