#!/usr/bin/env bash
# Set up everything newscrawl needs on a Debian machine with Python >= 3.11:
# a virtual environment in .venv/ with the project and its tools, and the Debian packages
# the project uses (installed when run as root, otherwise named with the command to run).
# Safe to run again: it only installs what changed.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv

die() { echo "setup: $*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || die "python3 not found: install Python 3.11 or newer"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "Python 3.11 or newer is needed ($("$PYTHON" --version 2>&1) found)"

apt_install() {
  # apt_install PACKAGE... : install Debian packages when root, else say how.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
  fi
}

if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    # Debian's python3 needs python3-venv for `python3 -m venv`.
    apt_install python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
fi

# Debian's Chromium renders the few sites that need JavaScript (scrapy-playwright drives it;
# Playwright's own browser download is not used).
if [ "${NEWSCRAWL_SKIP_CHROMIUM:-}" != "1" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt_install chromium
  else
    echo "setup: Chromium is missing; JavaScript sites will not be rendered (install: sudo apt-get install -y chromium)" >&2
  fi
fi

# Reinstall the Python packages only when the dependency list changed.
stamp="$VENV/.newscrawl-installed"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
fi
echo "setup: ready ($("$VENV/bin/python" --version), $VENV)"
