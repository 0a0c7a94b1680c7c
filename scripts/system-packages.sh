#!/usr/bin/env bash
# Check the system packages Fidelis needs, and install the missing ones through apt when
# run as root on Debian or Ubuntu; otherwise stop with the exact command to run.
#
#   scripts/system-packages.sh demo    Python 3.11, Node and npm, Pango and fonts (PDFs)
#   scripts/system-packages.sh test    the same, and Chromium for the browser tests
#                                      (left out when SKIP_BROWSER=1)
#
# Nothing is installed when everything is present, so it is quick to run every time.
set -euo pipefail

purpose="${1:-demo}"
PYTHON="${PYTHON:-python3}"

fail() {
  echo "fidelis: $*" >&2
  exit 1
}

# Prerequisites apt should not change behind anyone's back: say what is missing.
if ! command -v "$PYTHON" >/dev/null 2>&1; then
  fail "Python 3.11 is needed: install it (Debian 12: apt-get install python3 python3-venv)."
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
  fail "Python 3.11 is needed (found $("$PYTHON" --version 2>&1)); run 'make PYTHON=python3.11 $purpose' with a Python 3.11 interpreter."
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  missing_venv=python3-venv
else
  missing_venv=
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  fail "Node.js 20 with npm is needed for the front-end assets: install it (Debian 12: apt-get install nodejs npm)."
fi

missing=()
[ -n "$missing_venv" ] && missing+=("$missing_venv")
if ! ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so'; then
  missing+=(libpango-1.0-0 libpangoft2-1.0-0)
fi
if ! fc-list 2>/dev/null | grep -qi dejavu; then
  missing+=(fonts-dejavu-core)
fi
if [ "$purpose" = test ] && [ "${SKIP_BROWSER:-0}" != 1 ]; then
  if [ ! -x "${FIDELIS_CHROMIUM:-/usr/bin/chromium}" ]; then
    missing+=(chromium)
  fi
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

command="apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1 || [ "${FIDELIS_NO_APT:-0}" = 1 ]; then
  fail "missing system packages; run: sudo apt-get update && sudo $command"
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
