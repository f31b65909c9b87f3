#!/usr/bin/env bash
# Screenshots of rolebot's answers in the Microsoft 365 Agents Playground, into docs/screenshots/
# (training-answer.png and one per answer shape, desktop and phone widths: see scripts/screenshots.mjs).
#
#     scripts/screenshots.sh
#     ROLEBOT_KNOWLEDGE_DIR=DIR SHOTS=matrix OUT=DIR2 scripts/screenshots.sh   # only matrix-card.png
#
# Needs: the project's .venv (pip install -e .), Node.js with npm, and Chromium
# (Debian: apt-get install -y chromium; or set CHROMIUM=/path/to/chromium).
# Installs the Playground and puppeteer-core into the git-ignored .playground/ when missing, starts
# the bot (fresh data and index folders) and the Playground on loopback, runs
# scripts/screenshots.mjs, and stops both on exit. The Playground listens on every interface, so the
# whole run happens in a private network namespace (unshare -n, loopback only) where one can be made.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PREFIX="$ROOT/.playground"
PLAYGROUND="$PREFIX/node_modules/.bin/agentsplayground"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
OUT="${OUT:-$ROOT/docs/screenshots}"
export CHROMIUM OUT

if [[ -z "${_ROLEBOT_SCREENSHOTS_INSIDE:-}" ]]; then
  started=$(date +%s)
  [[ -x .venv/bin/rolebot ]] || { echo "no .venv/bin/rolebot: python3 -m venv .venv && .venv/bin/pip install -e ." >&2; exit 1; }
  [[ -x "$CHROMIUM" ]] || { echo "no Chromium at $CHROMIUM: apt-get install -y chromium (or set CHROMIUM)" >&2; exit 1; }
  for tool in node npm curl; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (Node.js, npm and curl are needed)" >&2; exit 1; }
  done
  # Registry look-ups happen here, before the network is cut off.
  [[ -x "$PLAYGROUND" ]] || npm install --no-audit --no-fund --prefix "$PREFIX" @microsoft/m365agentsplayground@0.2.28
  [[ -d "$PREFIX/node_modules/puppeteer-core" ]] || npm install --no-audit --no-fund --prefix "$PREFIX" puppeteer-core@23
  export _ROLEBOT_SCREENSHOTS_INSIDE=1
  if command -v ip >/dev/null && unshare -n true 2>/dev/null; then
    unshare -n "$0" "$@"
  elif command -v ip >/dev/null && unshare -rn true 2>/dev/null; then
    unshare -rn "$0" "$@"
  else
    echo "warning: cannot make a private network namespace; the Playground will listen on every interface" >&2
    _ROLEBOT_SCREENSHOTS_INSIDE=shared "$0" "$@"
  fi
  echo "whole run: $(($(date +%s) - started)) s"
  exit 0
fi

# -- inside the namespace -------------------------------------------------------------------------
[[ "$_ROLEBOT_SCREENSHOTS_INSIDE" == shared ]] || ip link set lo up

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rolebot-screenshots.XXXXXX")"
BOT_PID="" PLAYGROUND_PID=""
stop() {
  # Each was started in a process group of its own (set -m): stop the group, then wait for it.
  for pid in $PLAYGROUND_PID $BOT_PID; do
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in $PLAYGROUND_PID $BOT_PID; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap stop EXIT
trap 'exit 130' INT TERM

free_port() {
  .venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {  # URL SECONDS WHAT LOG
  local deadline=$(($(date +%s) + $2))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" == 200 ]]; do
    if (($(date +%s) > deadline)); then
      echo "$3 did not answer $1 within $2 s; its log:" >&2
      tail -n 30 "$4" >&2
      exit 1
    fi
    sleep 0.5
  done
}

set -m
t0=$(date +%s)
BOT_PORT=$(free_port)
HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ROLEBOT_DATA_DIR="$WORK/data" ROLEBOT_INDEX_DIR="$WORK/index" \
  .venv/bin/rolebot serve --port "$BOT_PORT" >"$WORK/bot.log" 2>&1 &
BOT_PID=$!
wait_for "http://127.0.0.1:$BOT_PORT/healthz" 180 "the bot" "$WORK/bot.log"
echo "bot ready on 127.0.0.1:$BOT_PORT in $(($(date +%s) - t0)) s"

UI_PORT=$(free_port)
mkdir "$WORK/playground"  # it writes devTools/*.log where it runs
(cd "$WORK/playground" && TEAMSAPPTESTER_BROWSER=none exec "$PLAYGROUND" \
  -e "http://127.0.0.1:$BOT_PORT/api/messages" -c msteams --dt -p "$UI_PORT" >"$WORK/playground.log" 2>&1) &
PLAYGROUND_PID=$!
wait_for "http://127.0.0.1:$UI_PORT/_debug/ping" 60 "the Playground" "$WORK/playground.log"
echo "Playground ready on 127.0.0.1:$UI_PORT"
set +m

node scripts/screenshots.mjs --url "http://127.0.0.1:$UI_PORT" --out "$OUT" --chromium "$CHROMIUM" \
  ${SHOTS:+--shots "$SHOTS"}
