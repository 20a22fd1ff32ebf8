#!/usr/bin/env bash
# The main job on the bundled offline demo site: serve it on 127.0.0.1:8760, run the real
# `scrapy crawl news` into the embedded store, then show what the store holds.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=8760  # the demo seed (seeds/demo/newscrawl_demo.toml) points here
mkdir -p data

up() { "$BIN/python" - "$PORT" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/robots.txt", timeout=1).read()
except OSError:
    sys.exit(1)
PY
}

server_pid=""
if up; then
  echo "demo: using the demo site already served on http://127.0.0.1:$PORT/"
else
  "$BIN/python" -m demo.server --port "$PORT" >data/demo-server.log 2>&1 &
  server_pid=$!
  trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 50); do up && break; sleep 0.1; done
  up || { echo "demo: the demo site did not start (see data/demo-server.log)" >&2; exit 1; }
  echo "demo: serving the demo site on http://127.0.0.1:$PORT/"
fi

# The demo site is local, so the politeness delays that protect real sites are turned off.
"$BIN/scrapy" crawl news -a site=newscrawl_demo -s LOG_LEVEL=WARNING \
  -s AUTOTHROTTLE_ENABLED=False -s DOWNLOAD_DELAY=0
echo
"$BIN/scrapy" articles --site newscrawl_demo
