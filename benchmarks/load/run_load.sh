#!/usr/bin/env bash
# `make load`: serve the demo database with the production server on a free port, run locust headless
# (USERS users, RUN_TIME), write the figures to $OUT (CSV + HTML) and print the per-page table.
# STEADY=1 counts only the requests after every user has logged in (locust --reset-stats): the
# browsing of 50 signed-in users, without the burst of 50 logins at the start (SPAWN_RATE a second).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.venv/bin}
PORT=${LOAD_PORT:-8765}
USERS=${USERS:-50}
RUN_TIME=${RUN_TIME:-60s}
OUT=${OUT:-var/load}
mkdir -p "$OUT"
"$BIN/kechuang" serve --port "$PORT" >"$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
UP=
for _ in $(seq 1 300); do  # collectstatic runs first: up to 5 minutes on a busy machine
  curl -fsS "http://127.0.0.1:$PORT/health/live" >/dev/null 2>&1 && UP=1 && break
  kill -0 $SERVER 2>/dev/null || { echo "kechuang serve stopped:"; cat "$OUT/serve.log"; exit 1; }
  sleep 1
done
[ -n "$UP" ] || { echo "kechuang serve did not answer on port $PORT"; exit 1; }
"$BIN/locust" -f benchmarks/load/locustfile.py --host "http://127.0.0.1:$PORT" --headless \
  -u "$USERS" -r "${SPAWN_RATE:-10}" -t "$RUN_TIME" --csv "$OUT/load" --html "$OUT/load.html" \
  --only-summary ${STEADY:+--reset-stats} 2>&1 | tail -40
"$BIN/python" benchmarks/load/summary.py "$OUT/load_stats.csv"
