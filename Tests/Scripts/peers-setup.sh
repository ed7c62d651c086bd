#!/usr/bin/env bash
# Makes the peer tools' virtual environment for tests and benchmarks (called by `make peers`):
#   Tests/Scripts/peers-setup.sh VENV PACKAGE...
# - a venv at VENV (python3 -m venv; Debian's python3-venv is installed first where venv is missing);
# - the pinned PACKAGEs from PyPI into it (never into the system interpreter);
# - numba's and PyEBSDIndex's caches warmed once, serially (Tests/Scripts/peers_warm.py through peer-python);
# - VENV/ready holds the package list: the environment is reused while it matches, made anew when it does not.
# Where PyPI cannot be reached, no environment is left and the peer comparisons are skipped with that reason;
# a peer that installs but cannot run is an error (exit 1).
set -euo pipefail
venv=$1; shift
packages="$*"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -f "$venv/ready" ] && [ "$(cat "$venv/ready")" = "$packages" ]; then exit 0; fi
rm -rf "$venv"
python=python3
if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
  echo "peers: python3 has no venv/ensurepip; installing Debian's python3-venv"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends python3-venv
  python=/usr/bin/python3
fi
start=$(date +%s)
echo "peers: making $venv ($packages)"
"$python" -m venv "$venv"
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $packages; then
  rm -rf "$venv"
  echo "peers: pip could not install the peer tools; the tests that compare with them are skipped (the reason is recorded)"
  exit 0
fi
installed=$(date +%s)
echo "peers: installed in $((installed - start)) s; warming their caches (once, one process)"
if ! EBSD_PEER_VENV="$venv" "$here/peer-python" "$here/peers_warm.py" >"$venv/warm.log" 2>&1; then
  tail -n 30 "$venv/warm.log" >&2
  echo "peers: the peer tools installed but do not run (log: $venv/warm.log)" >&2
  exit 1
fi
grep '^peers_warm:' "$venv/warm.log" || true
echo "$packages" >"$venv/ready"
echo "peers: ready in $(($(date +%s) - start)) s"
