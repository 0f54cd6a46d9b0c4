#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian packages named on the command line that are missing.
# As root it runs apt-get (updating the package lists once if an install fails for lack of them);
# as another user it names what is missing and fails.
set -euo pipefail

missing=()
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done
((${#missing[@]})) || exit 0

if [[ $(id -u) != 0 ]]; then
	echo "vdpactl: missing Debian packages: ${missing[*]}" >&2
	echo "hint: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/vdpactl-apt.log 2>&1; then
	apt-get update -q >>/tmp/vdpactl-apt.log 2>&1
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>/tmp/vdpactl-apt.log 2>&1; then
		tail -20 /tmp/vdpactl-apt.log >&2
		echo "vdpactl: apt-get could not install: ${missing[*]} (log: /tmp/vdpactl-apt.log)" >&2
		exit 1
	fi
fi
