#!/usr/bin/env bash
# Runs every test: installs what the tests need when it is missing (as root; otherwise prints the command),
# checks that the Redis 6.2.6 modules are where the tests look, runs `dotnet test` on the solution and ends
# with one line "N passed, N failed". Extra arguments go to `dotnet test` (e.g. --filter Storefront).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

command -v dotnet >/dev/null || { echo "test: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }

# What the tests start or drive: redis-server and redis-cli, the compose file's validator, the rehearsal's
# helpers, and the headless browser the storefront page is tested in.
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v docker-compose >/dev/null || need+=(docker-compose)
command -v python3 >/dev/null || need+=(python3)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "test: missing ${need[*]}; install with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "test: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "test: could not install ${need[*]}" >&2; exit 1; }
fi

# The Gears script, the registrar, the time series and the Redis 6.2 paths are tested against the real modules.
modules="${REDIS_MODULES_DIR:-$ROOT/../shared/redis-modules}"
missing=()
for file in redis-server-6.2.6 redisgears.so gears_python.so redistimeseries.so python3_1.2.13; do
  [[ -e "$modules/$file" ]] || missing+=("$file")
done
if ((${#missing[@]})); then
  cat >&2 <<MSG
test: Redis 6.2.6 with RedisGears and RedisTimeSeries not found in $modules (missing: ${missing[*]}).
Put them there, or set REDIS_MODULES_DIR to a folder that holds:
  redis-server-6.2.6   Redis 6.2.6 (redis/redis tag 6.2.6)
  redisgears.so, gears_python.so, python3_1.2.13/   RedisGears 1.2.13 and its Python (RedisGears tag v1.2.13)
  redistimeseries.so   RedisTimeSeries 1.10.16 (RedisTimeSeries tag v1.10.16)
docs/testing.md says how to build them or copy them out of the compose image.
MSG
  exit 1
fi
export REDIS_MODULES_DIR="$(cd "$modules" && pwd)"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# A test that runs past the hang timeout is killed and counted as failed, so a deadlock never holds the run.
dotnet test PopupStore.sln --blame-hang-timeout "${TEST_HANG_TIMEOUT:-10m}" --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if ((status != 0 && failed == 0)); then
  # A build error or a crashed test host: never a green line.
  failed=1
fi
echo "${passed} passed, ${failed} failed"
exit "$status"
