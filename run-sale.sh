#!/usr/bin/env bash
# Runs a whole local sale: Redis (started here unless ConnectionStrings__Redis is set), 3 silos on
# loopback, a sale of 10,000 units and a crowd of 30,000 buyers with 10% duplicates; prints the report
# and stops everything it started, also on Ctrl-C. Settings: UNITS, BUYERS, DUPLICATES, SILOS, DURATION.
set -euo pipefail

UNITS="${UNITS:-10000}"
BUYERS="${BUYERS:-30000}"
DUPLICATES="${DUPLICATES:-0.1}"
SILOS="${SILOS:-3}"
DURATION="${DURATION:-10m}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SCRIPT_NAME=run-sale
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
WORK="$ROOT/.run"
CONFIG="Release"

command -v dotnet >/dev/null || { echo "The .NET SDK is required (dotnet not on PATH)." >&2; exit 1; }
mkdir -p "$WORK"

if [[ -z "${ConnectionStrings__Redis:-}" ]]; then
  if ! command -v redis-server >/dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
      say "installing redis-server"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
      echo "redis-server is missing. Install it with: sudo apt-get install -y redis-server" >&2
      exit 1
    fi
  fi
  REDIS_PORT="$(free_port)"
  rm -rf "$WORK/redis" && mkdir -p "$WORK/redis"
  redis-server "$ROOT/redis/popupstore.conf" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' \
    --appendonly yes --appendfsync everysec >"$WORK/redis.log" 2>&1 &
  PIDS+=($!)
  export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  say "redis-server on 127.0.0.1:$REDIS_PORT (AOF everysec, data in $WORK/redis)"
else
  say "using Redis from ConnectionStrings__Redis"
fi

say "building ($CONFIG)"
dotnet build "$ROOT/PopupStore.sln" -c "$CONFIG" -nologo -v quiet >"$WORK/build.log" 2>&1 \
  || { tail -30 "$WORK/build.log" >&2; exit 1; }
SILO_DIR="$ROOT/src/Silo/bin/$CONFIG/net10.0"
CLIENT="$ROOT/src/LoadClient/bin/$CONFIG/net10.0/PopupStore.LoadClient.dll"

HEALTH=()
STOREFRONTS=()
for i in $(seq 0 $((SILOS - 1))); do
  start_loopback_silo "$WORK/silo-$i.log"
  HEALTH+=("http://127.0.0.1:$SILO_HTTP/health")
  STOREFRONTS+=("http://127.0.0.1:$SILO_HTTP/")
  say "silo $i starting (http $SILO_HTTP, log $WORK/silo-$i.log)"
done

say "waiting for $SILOS healthy silos"
for url in "${HEALTH[@]}"; do
  for attempt in $(seq 1 120); do
    if curl -fsS "$url" >/dev/null 2>&1; then break; fi
    if ((attempt == 120)); then echo "silo at $url never became healthy; see $WORK/silo-*.log" >&2; exit 1; fi
    sleep 0.5
  done
done
say "all silos healthy"
say "storefront: ${STOREFRONTS[0]} (every silo serves it: ${STOREFRONTS[*]})"

dotnet "$CLIENT" sale start --units "$UNITS" --duration "$DURATION"
dotnet "$CLIENT" run --buyers "$BUYERS" --duplicate-ratio "$DUPLICATES" --report-json "$WORK/report.json"
