#!/usr/bin/env bash
# Installs the Debian packages the test lab (test/lab) and the demo run, when a command
# is missing: Pebble (ACME test CA), bind9 (authoritative DNS, nsupdate, dig), unbound
# (resolver), lego (the reference client), openssl, ip (the lab gives lo an address for
# named) and setpriv (ties the lab's processes to their parent); for the release tests gpg
# (signing), unzip (reading the zips), unshare (hiding node), and qemu-aarch64-static with
# arm64 runtime libraries (the linux_arm64 executable's handshake). Idempotent and silent
# when everything is there; needs root (or sudo) otherwise. Debian 12.
set -euo pipefail

# command -> Debian package providing it (checked with `dpkg -S`).
declare -A package_of=(
  [pebble]=pebble
  [named]=bind9
  [tsig-keygen]=bind9
  [nsupdate]=bind9-dnsutils
  [dig]=bind9-dnsutils
  [unbound]=unbound
  [lego]=lego
  [openssl]=openssl
  [ip]=iproute2
  [setpriv]=util-linux
  [unshare]=util-linux
  [gpg]=gnupg
  [unzip]=unzip
  [qemu-aarch64-static]=qemu-user-static
)

# file -> Debian package providing it (libraries, not commands): the arm64 C/C++ runtime
# qemu-user loads Node's official linux_arm64 binary with (-L /usr/aarch64-linux-gnu).
declare -A package_of_file=(
  [/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1]=libc6-arm64-cross
  [/usr/aarch64-linux-gnu/lib/libstdc++.so.6]=libstdc++6-arm64-cross
  [/usr/aarch64-linux-gnu/lib/libgcc_s.so.1]=libgcc-s1-arm64-cross
)

# sbin directories are not on every PATH (e.g. a non-root login shell).
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

missing=()
for command in "${!package_of[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${package_of[$command]}")
done
for file in "${!package_of_file[@]}"; do
  [ -e "$file" ] || missing+=("${package_of_file[$file]}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

# One package may provide several missing commands: install each once, in a stable order.
mapfile -t packages < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "ensure-system-deps: installing ${packages[*]}" >&2

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-system-deps: need root (or sudo) to install ${packages[*]}" >&2; exit 1; }
  as_root=(sudo --preserve-env=DEBIAN_FRONTEND)
fi

# The packages' own services are not wanted: a system named listens on every address of
# lo, including those the lab adds for its own named, and would answer in its place. Keep
# them from starting (policy-rc.d, honoured by invoke-rc.d and deb-systemd-invoke) and
# from starting at boot. Only for packages installed here; existing setups are left alone.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  "${as_root[@]}" sh -c "printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy"
  trap '"${as_root[@]}" rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null

disable=()
[[ " ${packages[*]} " == *" bind9 "* ]] && disable+=(named)
[[ " ${packages[*]} " == *" unbound "* ]] && disable+=(unbound)
if [ "${#disable[@]}" -gt 0 ] && command -v systemctl >/dev/null 2>&1; then
  "${as_root[@]}" systemctl disable --now "${disable[@]}" >/dev/null 2>&1 || true
fi

# Fail here, not in the middle of a test run, if a package did not bring its command.
for command in "${!package_of[@]}"; do
  command -v "$command" >/dev/null 2>&1 || { echo "ensure-system-deps: $command still missing after installing ${package_of[$command]}" >&2; exit 1; }
done
for file in "${!package_of_file[@]}"; do
  [ -e "$file" ] || { echo "ensure-system-deps: $file still missing after installing ${package_of_file[$file]}" >&2; exit 1; }
done
