#!/usr/bin/env bash
# Chaos rehearsal (docs/guarantees.md, scenario 1): a local cluster like run-sale.sh (redis-server with
# AOF, 3 silos on loopback), a sale, a crowd sent by the LoadClient, and kill -9 of one silo while the
# orders are still flowing. Prints which orders the dead silo left pending, how long the others took to
# answer them (the recovery time), and the LoadClient's report with the invariants checked in Redis.
# Stops everything it started on exit and on Ctrl-C.
#
# Settings: UNITS (5000), BUYERS (20000), RATE (arrivals/s, 4000), KILL_AFTER (s, 3),
#           CLAIM_IDLE (ClaimIdleTime, 00:00:02), RESPONSE_TIMEOUT (grain call timeout, 00:00:01), SILOS (3)
set -euo pipefail

UNITS="${UNITS:-5000}"
BUYERS="${BUYERS:-20000}"
RATE="${RATE:-4000}"
KILL_AFTER="${KILL_AFTER:-3}"
CLAIM_IDLE="${CLAIM_IDLE:-00:00:02}"
# A silo refuses a ClaimIdleTime not longer than the grain call timeout + RetryDelay + MaxTickDuration.
RESPONSE_TIMEOUT="${RESPONSE_TIMEOUT:-00:00:01}"
SILOS="${SILOS:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT_NAME=chaos
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
WORK="$ROOT/.run/chaos"
CONFIG="Release"

now_ms() { date +%s%3N; }

for tool in dotnet redis-server redis-cli curl; do
  command -v "$tool" >/dev/null || { echo "chaos.sh needs $tool on PATH (redis: apt-get install -y redis-server)." >&2; exit 1; }
done

rm -rf "$WORK" && mkdir -p "$WORK/redis"
REDIS_PORT="$(free_port)"
redis-server "$ROOT/redis/popupstore.conf" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" --save '' \
  --appendonly yes --appendfsync everysec >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
rcli() { redis-cli -p "$REDIS_PORT" --raw "$@"; }
for _ in $(seq 1 50); do rcli ping >/dev/null 2>&1 && break; sleep 0.1; done
export ConnectionStrings__Redis="127.0.0.1:$REDIS_PORT"
say "redis-server on 127.0.0.1:$REDIS_PORT (AOF everysec, data in $WORK/redis)"

say "building ($CONFIG)"
for project in src/Silo/PopupStore.Silo.csproj src/LoadClient/PopupStore.LoadClient.csproj; do
  dotnet build "$ROOT/$project" -c "$CONFIG" -nologo -v quiet >>"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; exit 1; }
done
SILO_DIR="$ROOT/src/Silo/bin/$CONFIG/net10.0"
CLIENT=(dotnet "$ROOT/src/LoadClient/bin/$CONFIG/net10.0/PopupStore.LoadClient.dll")

SILO_PIDS=()
SILO_PORTS=()
HEALTH=()
for i in $(seq 0 $((SILOS - 1))); do
  start_loopback_silo "$WORK/silo-$i.log" Processing__ClaimIdleTime="$CLAIM_IDLE" Orleans__Messaging__ResponseTimeout="$RESPONSE_TIMEOUT"
  SILO_PIDS+=("$SILO_PID")
  SILO_PORTS+=("$SILO_PORT")
  HEALTH+=("http://127.0.0.1:$SILO_HTTP/health")
  say "silo $i starting (silo port $SILO_PORT, http $SILO_HTTP, log $WORK/silo-$i.log)"
done

for url in "${HEALTH[@]}"; do
  for attempt in $(seq 1 240); do
    curl -fsS "$url" >/dev/null 2>&1 && break
    ((attempt == 240)) && { echo "silo at $url never became healthy; see $WORK/silo-*.log" >&2; exit 1; }
    sleep 0.5
  done
done
say "all $SILOS silos healthy"

"${CLIENT[@]}" sale start --units "$UNITS" --duration 10m
"${CLIENT[@]}" run --profile steady --buyers "$BUYERS" --rate "$RATE" --plain --report-json "$WORK/report.json" >"$WORK/run.log" 2>&1 &
RUN_PID=$!
PIDS+=("$RUN_PID")
say "crowd of $BUYERS buyers arriving at $RATE/s (log $WORK/run.log); killing silo 1 in ${KILL_AFTER}s"
sleep "$KILL_AFTER"

VICTIM_PREFIX="127.0.0.1:${SILO_PORTS[1]}/"
victim_pending() {
  rcli XINFO CONSUMERS queue:orders popup | awk -v p="$VICTIM_PREFIX" '
    prev == "name" { name = $0 } prev == "pending" && index(name, p) == 1 { n += $0 } { prev = $0 } END { print n + 0 }'
}
# A batch is answered within milliseconds, so a kill at a random instant may orphan nothing. Freeze the
# silo (SIGSTOP) until it is caught holding orders, then kill it: that is what a crash then would leave.
for _ in $(seq 1 200); do
  kill -STOP "${SILO_PIDS[1]}"
  (( $(victim_pending) > 0 )) && break
  kill -CONT "${SILO_PIDS[1]}"
  sleep 0.02
done
kill -9 "${SILO_PIDS[1]}"
KILLED_AT="$(now_ms)"
disown "${SILO_PIDS[1]}" 2>/dev/null || true
say "kill -9 silo 1 (pid ${SILO_PIDS[1]}, consumers ${VICTIM_PREFIX}*)"

# The dead silo's pending lists stay as they were until another poller claims them (after CLAIM_IDLE).
ORPHANS=()
while read -r consumer; do
  [[ "$consumer" == "$VICTIM_PREFIX"* ]] || continue
  while read -r id; do
    [[ -n "$id" ]] && ORPHANS+=("$id")
  done < <(rcli XPENDING queue:orders popup - + 100000 "$consumer" | awk 'NR % 4 == 1')
done < <(rcli XINFO CONSUMERS queue:orders popup | awk 'prev == "name" { print } { prev = $0 }')
say "${#ORPHANS[@]} orders were pending with the dead silo"

# How many of the orphaned entries are still in queue:orders: pollers delete an entry (after XACK)
# only once its outcome is stored. One read-only script call per check keeps the measurement cheap.
STILL_THERE='local n = 0
for _, id in ipairs(ARGV) do
  if #redis.call("XRANGE", KEYS[1], id, id) > 0 then n = n + 1 end
end
return n'
if ((${#ORPHANS[@]})); then
  while true; do
    left="$(rcli EVAL "$STILL_THERE" 1 queue:orders "${ORPHANS[@]}")"
    [[ "$left" == 0 ]] && break
    if (( $(now_ms) - KILLED_AT > 120000 )); then
      say "$left orphaned orders still pending 120 s after the kill"
      break
    fi
    sleep 0.05
  done
  [[ "$left" == 0 ]] && say "recovery: all ${#ORPHANS[@]} orphaned orders answered and acknowledged $(( $(now_ms) - KILLED_AT )) ms after the kill"
fi

set +e
wait "$RUN_PID"
RUN_CODE=$?
set -e
cat "$WORK/run.log" | grep -v '^\[ *[0-9.]*s\]'
say "silos still running: $(for p in "${SILO_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && printf '%s ' "$p"; done)"
exit "$RUN_CODE"
