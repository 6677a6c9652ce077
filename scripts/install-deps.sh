#!/bin/sh
# Install every Debian package Hindsight needs. Idempotent: packages that
# are already installed are skipped, and apt is not touched at all when
# nothing is missing.
set -eu

PKGS="build-essential pkg-config valgrind gdb strace gzip coreutils python3 time
 libzstd-dev zstd libxxhash-dev libjson-c-dev libcmocka-dev
 libfuse3-dev fuse3 libcapstone-dev libdw-dev libelf-dev
 libmicrohttpd-dev libseccomp-dev bubblewrap
 curl wrk chromium libc6-dbg man-db groff-base clang clang-tools
 slurm-wlm munge python3-yaml"
# python3-yaml: tests/e2e/dist_k8s.sh reads scripts/k8s/*.yaml.
# slurm-wlm and munge: `build --slurm` submits to Slurm, and
# tests/e2e/dist_slurm.sh starts a one-node cluster of its own (munged,
# slurmctld, slurmd on free ports, config in its scratch folder); where
# systemd runs, the packages' own services stay as Debian sets them up.
# The web UI's browser tests run playwright-core from npm.  Some machines
# have nodesource's nodejs, which conflicts with Debian's npm package: ask
# for node and npm only when the npm command is missing.
if ! command -v npm >/dev/null 2>&1; then
	PKGS="$PKGS nodejs npm"
fi

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
