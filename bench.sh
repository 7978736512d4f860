#!/usr/bin/env bash
# Runs the benchmark on a dedicated redis-server it starts on a free loopback port (or on
# BENCH_REDIS, which it will wipe): limit, direct consumer, the seed's Gears design, 1 and 3 silo
# processes. With Redis 6.2.6 and RedisGears in $REDIS_MODULES_DIR (default ../shared/redis-modules)
# every measure runs on that Redis, so the seed-gears row is measured on the same server as the rest.
# Arguments go to the benchmark program (src/Bench), e.g. ./bench.sh --buyers 50000 --silos 3
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$ROOT/.run"
SCRIPT_NAME=bench
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
mkdir -p "$WORK"

if [[ -z "${BENCH_REDIS:-}" ]]; then
  modules="${REDIS_MODULES_DIR:-$ROOT/../shared/redis-modules}"
  server=(redis-server "$ROOT/redis/popupstore.conf")
  if [[ -x "$modules/redis-server-6.2.6" && -f "$modules/redisgears.so" && -f "$modules/gears_python.so" ]]; then
    modules="$(cd "$modules" && pwd)"
    server=("$modules/redis-server-6.2.6" "$ROOT/redis/popupstore.conf" --loadmodule "$modules/redisgears.so" Plugin "$modules/gears_python.so"
      PythonInstallationDir "$modules")
    say "Redis 6.2.6 with RedisGears from $modules: every measure runs on it"
  else
    command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
    say "no RedisGears at $modules (set REDIS_MODULES_DIR): Debian's redis-server, the seed-gears row says it was not measured"
  fi
  port="$(free_port)"
  rm -rf "$WORK/bench-redis" && mkdir -p "$WORK/bench-redis"
  # No persistence: the benchmark measures processing, and a fsync policy would measure the disk.
  # BENCH_REDIS_ARGS: more redis-server options, e.g. "--stream-node-max-entries 100" to measure Redis' default.
  read -r -a extra <<< "${BENCH_REDIS_ARGS:-}"
  "${server[@]}" --port "$port" --bind 127.0.0.1 --dir "$WORK/bench-redis" --save '' --appendonly no "${extra[@]}" >"$WORK/bench-redis.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  BENCH_REDIS="127.0.0.1:$port"
  # The replicas and durable measures start replicas of this Redis with the same server and modules.
  REPLICA_SERVER="${server[*]}"
fi

say "building (Release)"
dotnet build "$ROOT/PopupStore.sln" -c Release -nologo -v quiet >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; exit 1; }
# given OPTION ARGS...: whether ARGS hold OPTION, as "OPTION value", "OPTION=value" or "OPTION:value".
given() {
  local option="$1" arg
  shift
  for arg in "$@"; do
    [[ "$arg" == "$option" || "$arg" == "$option="* || "$arg" == "$option:"* ]] && return 0
  done
  return 1
}
# Defaults for what the caller did not choose: the LoadClient takes each option once.
defaults=()
given --silo-dll "$@" || defaults+=(--silo-dll "$ROOT/src/Silo/bin/Release/net10.0/PopupStore.Silo.dll")
given --report-json "$@" || defaults+=(--report-json "$WORK/bench.json")
[[ -n "${REPLICA_SERVER:-}" ]] && ! given --replica-server "$@" && defaults+=(--replica-server "$REPLICA_SERVER")
dotnet "$ROOT/src/Bench/bin/Release/net10.0/PopupStore.Bench.dll" --redis "$BENCH_REDIS" --force "${defaults[@]}" "$@"
