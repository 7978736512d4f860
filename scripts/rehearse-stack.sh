#!/usr/bin/env bash
# Rehearses the compose stack without Docker, from the files compose uses, and checks what
# Grafana would show:
#   1. Redis 6.2.6 with RedisGears 1.2 and RedisTimeSeries from $REDIS_MODULES_DIR, started by
#      redis/entrypoint.sh (rendered ACL users, AOF everysec), healthy by the compose healthcheck;
#   2. gears/register.sh exactly as the `gears` service runs it (user gears), twice;
#   3. 3 silos with the `silo` service's environment (user popupstore), on loopback (HTTP on 127.0.0.2-4, one port);
#   4. Prometheus (Debian's package) scraping them with prometheus/prometheus.yml, its DNS
#      discovery replaced by the three loopback targets;
#   4b. the `storefront` proxy: Debian's nginx (the version compose pins) from storefront/nginx.conf.template, the
#      silo name resolving to all three silos; pooled connections, round robin, and one client's limit for the
#      whole cluster (scripts/lib/storefront-proxy.sh);
#   5. every Grafana panel's queries replayed before the sale (none may error);
#   6. the LoadClient commands of the README's compose section, reports to a folder like the
#      mounted ./reports;
#   7. ts:enqueue sums against the entries written, Redis CPU per order;
#   8. a smaller crowd through the silos' storefronts (`run --via http`), each buyer with an address of
#      its own as behind the proxy;
#   9. every panel replayed again (each must have data).
# Prints a summary; exit 0 only when every check holds.
#
# --replicated (or REPLICATED=on): the topology of docker-compose.replicated.yml from the same files: the
# primary and two replicas through redis/entrypoint.sh (REDIS_REPLICATED=yes), three Sentinels through
# redis/sentinel-entrypoint.sh (quorum 2), the silos, LoadClient and registrar with the layered environment
# (the Sentinels and serviceName=). During the storefront crowd the primary is killed (kill -9) once, after
# KILL_AFTER_ANSWERS answers of that crowd; the crowd must still end with RESULT: PASS, a replica must be
# promoted and answer within 10 s, and the same silos must stay healthy. The checks after it read the new
# primary. (Not during the stream crowd: the LoadClient's own XADDs in flight at the kill fail, and it stops
# with "lost Redis"; a stream producer must resend, docs/failover.md.)
#
# Settings: REDIS_MODULES_DIR (../shared/redis-modules), UNITS (10000), BUYERS (30000), WEB_BUYERS (3000),
# COUNTING=off (measure without the Gears registration: Redis CPU per order only, series
# checks skipped, exit 1 since panels stay empty).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPT_NAME=rehearse-stack
# shellcheck source=scripts/lib/processes.sh
source "$ROOT/scripts/lib/processes.sh"
# shellcheck source=scripts/lib/storefront-proxy.sh
source "$ROOT/scripts/lib/storefront-proxy.sh"
MODULES="$(cd "${REDIS_MODULES_DIR:-$ROOT/../shared/redis-modules}" 2>/dev/null && pwd || true)"
UNITS="${UNITS:-10000}"
BUYERS="${BUYERS:-30000}"
WEB_BUYERS="${WEB_BUYERS:-3000}"
COUNTING="${COUNTING:-on}"
REPLICATED="${REPLICATED:-off}"
[[ "${1:-}" == "--replicated" ]] && REPLICATED=on
KILL_AFTER_ANSWERS="${KILL_AFTER_ANSWERS:-500}"
WORK="$ROOT/.run/rehearsal"
CONFIG=Release
HELPER=(python3 "$ROOT/scripts/lib/rehearsal.py")
SUMMARY="$WORK/summary.txt"

for file in redis-server-6.2.6 redisgears.so gears_python.so redistimeseries.so; do
  [[ -n "$MODULES" && -e "$MODULES/$file" ]] || {
    echo "REDIS_MODULES_DIR (${REDIS_MODULES_DIR:-../shared/redis-modules}) has no $file: the rehearsal needs the real RedisGears and RedisTimeSeries (see shared/redis-modules/README.md)" >&2
    exit 1
  }
done
for tool in dotnet redis-cli curl python3; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "python3 needs PyYAML (apt-get install -y python3-yaml)" >&2; exit 1; }
if ! command -v prometheus >/dev/null; then
  if [[ $(id -u) -eq 0 ]]; then
    say "installing prometheus (Debian package)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
  else
    echo "prometheus is missing. Install it with: sudo apt-get install -y prometheus" >&2
    exit 1
  fi
fi

rm -rf "$WORK" && mkdir -p "$WORK/data" "$WORK/reports" "$WORK/prometheus"
: >"$SUMMARY"
check() { # ok|FAIL what detail...
  printf '%-4s  %s\n' "$1" "${*:2}" | tee -a "$SUMMARY"
}
# Replicated topology (--replicated) ---------------------------------------------------------------------
SENTINEL_LIST="" SENTINEL_CSV=""
replicated_server() { # name port [VAR=value...]: one more server of the topology, as the compose replicas start
  local name="$1" port="$2"
  shift 2
  mkdir -p "$WORK/$name/data"
  env "$@" REDIS_PASSWORD="$PASSWORD" REDIS_SERVER="$MODULES/redis-server-6.2.6" REDIS_DATA_DIR="$WORK/$name/data" \
    REDIS_CONF="$ROOT/redis/popupstore.conf" ACL_TEMPLATE="$ROOT/redis/users.acl.template" ACL_DIR="$WORK/$name/acl" \
    GEARS_MODULE="$MODULES/redisgears.so" GEARS_PYTHON_PLUGIN="$MODULES/gears_python.so" \
    GEARS_MODULE_ARGS="PythonInstallationDir $MODULES" TIMESERIES_MODULE="$MODULES/redistimeseries.so" \
    REDIS_REPLICATED=yes REPLICATION_CONF="$ROOT/redis/replication.conf" \
    bash "$ROOT/redis/entrypoint.sh" --port "$port" --bind 127.0.0.1 >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
sentinel_field() { # port field: one field of SENTINEL master popupstore
  REDISCLI_AUTH="$PASSWORD" redis-cli -p "$1" --user popupstore SENTINEL master popupstore 2>/dev/null \
    | awk -v want="$2" 'previous == want { print; exit } { previous = $0 }'
}
start_replicated_topology() {
  local i port ready
  for i in 1 2; do
    port="$(free_port)"
    replicated_server "redis-replica-$i" "$port" REDIS_REPLICA_OF="127.0.0.1 $REDIS_PORT"
  done
  local sentinels=()
  for i in 1 2 3; do
    port="$(free_port)"
    REDIS_PASSWORD="$PASSWORD" PRIMARY_HOST=127.0.0.1 PRIMARY_PORT="$REDIS_PORT" SENTINEL_PORT="$port" \
      SENTINEL_SERVICE_NAME=popupstore SENTINEL_QUORUM=2 SENTINEL_TEMPLATE="$ROOT/redis/sentinel.conf.template" \
      SENTINEL_DIR="$WORK/sentinel-$i" REDIS_SERVER="$MODULES/redis-server-6.2.6" \
      bash "$ROOT/redis/sentinel-entrypoint.sh" >"$WORK/sentinel-$i.log" 2>&1 &
    PIDS+=($!)
    sentinels+=("127.0.0.1:$port")
  done
  SENTINEL_LIST="${sentinels[*]}"
  SENTINEL_CSV="$(IFS=,; echo "${sentinels[*]}")"
  for _ in $(seq 1 300); do
    ready=0
    for address in "${sentinels[@]}"; do
      [[ "$(sentinel_field "${address##*:}" num-slaves)" == 2 && "$(sentinel_field "${address##*:}" num-other-sentinels)" == 2 ]] \
        && ready=$((ready + 1))
    done
    ((ready == 3)) && break
    sleep 0.2
  done
  ((ready == 3)) && check ok "replicated: 2 replicas (REDIS_REPLICA_OF) and 3 Sentinels (quorum 2) from the compose files; each Sentinel sees 2 replicas and 2 peers" \
    || { check FAIL "replicated: only $ready of 3 Sentinels see 2 replicas and 2 peers"; exit 1; }
}
service_env() { # service: its environment for loopback, layered with docker-compose.replicated.yml when replicated
  if [[ "$REPLICATED" == on ]]; then
    "${HELPER[@]}" replicated-env "$1" "$SENTINEL_CSV" "$PASSWORD"
  else
    "${HELPER[@]}" env "$1" "127.0.0.1:$REDIS_PORT" "$PASSWORD"
  fi
}
now_ms() { date +%s%3N; }
answers_at() { # port: entries of queue:complete and queue:rejected, the answers so far
  local complete rejected
  complete="$(REDISCLI_AUTH="$PASSWORD" redis-cli -p "$1" --user grafana XLEN queue:complete 2>/dev/null || true)"
  rejected="$(REDISCLI_AUTH="$PASSWORD" redis-cli -p "$1" --user grafana XLEN queue:rejected 2>/dev/null || true)"
  [[ "$complete" =~ ^[0-9]+$ && "$rejected" =~ ^[0-9]+$ ]] && echo $((complete + rejected)) || echo 0
}
kill_primary_mid_sale() { # background: kill -9 of the primary after KILL_AFTER_ANSWERS more answers; times to $WORK/failover
  local answered port start
  start="$(answers_at "$REDIS_PORT")"
  for _ in $(seq 1 1200); do
    answered="$(answers_at "$REDIS_PORT")"
    ((answered - start >= KILL_AFTER_ANSWERS)) && break
    sleep 0.1
  done
  answered=$((answered - start))
  kill -9 "$PRIMARY_PID"
  local killed at_kill="${answered:-0}"
  killed="$(now_ms)"
  local first="${SENTINEL_LIST%% *}"
  for _ in $(seq 1 600); do
    port="$(REDISCLI_AUTH="$PASSWORD" redis-cli -p "${first##*:}" --user popupstore SENTINEL get-master-addr-by-name popupstore 2>/dev/null | sed -n 2p || true)"
    [[ -n "$port" && "$port" != "$REDIS_PORT" ]] && break
    sleep 0.05
  done
  local promoted
  promoted="$(now_ms)"
  local before
  before="$(answers_at "$port")"
  for _ in $(seq 1 1200); do
    (($(answers_at "$port") > before)) && break
    sleep 0.05
  done
  echo "$at_kill $port $killed $promoted $(now_ms)" >"$WORK/failover"
}
follow_the_failover() { # after the crowd: the times, the new primary for the checks after, the same silos healthy
  wait "$KILLER" || true
  local at_kill port killed promoted answered url healthy=0
  [[ -s "$WORK/failover" ]] || { check FAIL "replicated: the primary was not killed (see $WORK/failover)"; return; }
  read -r at_kill port killed promoted answered <"$WORK/failover"
  check ok "replicated: primary killed (kill -9) after $at_kill answers of the storefront crowd"
  [[ "$port" != "$REDIS_PORT" ]] && check ok "Sentinel promoted the replica on port $port, $(( promoted - killed )) ms after the kill" \
    || { check FAIL "no replica promoted"; return; }
  (( answered - killed <= 10000 )) && check ok "first answer on the new primary $(( answered - killed )) ms after the kill (budget 10 s)" \
    || check FAIL "first answer on the new primary $(( answered - killed )) ms after the kill (budget 10 s)"
  REDIS_PORT="$port"
  for url in "${HEALTH[@]}"; do curl -fsS "$url" >/dev/null 2>&1 && healthy=$((healthy + 1)); done
  ((healthy == ${#HEALTH[@]})) && check ok "the same ${#HEALTH[@]} silo processes healthy after the failover, no restart" \
    || check FAIL "$healthy of ${#HEALTH[@]} silos healthy after the failover"
}

read -r PASSWORD < <(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'; echo)   # a fresh one per run, like `openssl rand -hex 24` for .env

say "building silo and LoadClient ($CONFIG)"
for project in src/Silo src/LoadClient; do
  dotnet build "$ROOT/$project" -c "$CONFIG" -nologo -v quiet >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; exit 1; }
done

# 1. Redis ------------------------------------------------------------------------------
REDIS_PORT="$(free_port)"
REDIS_PASSWORD="$PASSWORD" REDIS_SERVER="$MODULES/redis-server-6.2.6" REDIS_DATA_DIR="$WORK/data" \
  REDIS_CONF="$ROOT/redis/popupstore.conf" ACL_TEMPLATE="$ROOT/redis/users.acl.template" ACL_DIR="$WORK/acl" \
  GEARS_MODULE="$MODULES/redisgears.so" GEARS_PYTHON_PLUGIN="$MODULES/gears_python.so" \
  GEARS_MODULE_ARGS="PythonInstallationDir $MODULES" TIMESERIES_MODULE="$MODULES/redistimeseries.so" \
  REDIS_REPLICATED="$([[ "$REPLICATED" == on ]] && echo yes || echo no)" REPLICATION_CONF="$ROOT/redis/replication.conf" \
  bash "$ROOT/redis/entrypoint.sh" --port "$REDIS_PORT" --bind 127.0.0.1 >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
PRIMARY_PID=$!
healthy=""
for _ in $(seq 1 100); do
  # the compose healthcheck, verbatim but for the address
  if REDISCLI_AUTH="$PASSWORD" redis-cli -p "$REDIS_PORT" --user healthcheck ping 2>/dev/null | grep -q PONG; then healthy=1; break; fi
  sleep 0.2
done
[[ -n "$healthy" ]] || { tail -20 "$WORK/redis.log" >&2; echo "Redis did not become healthy" >&2; exit 1; }
check ok "redis: redis/entrypoint.sh, Redis 6.2.6 + $(REDISCLI_AUTH="$PASSWORD" redis-cli -p "$REDIS_PORT" --user popupstore MODULE LIST | paste -sd' ' -), healthcheck PONG"
as() { local user="$1"; shift; REDISCLI_AUTH="$PASSWORD" redis-cli -p "$REDIS_PORT" --user "$user" "$@"; }
[[ "$REPLICATED" == on ]] && start_replicated_topology

# 2. Registrar, twice -------------------------------------------------------------------
if [[ "$COUNTING" != off ]]; then
  for run in 1 2; do
    set +e
    REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT" REDIS_USER=gears REDISCLI_AUTH="$PASSWORD" REDIS_SENTINELS="$SENTINEL_LIST" \
      bash "$ROOT/gears/register.sh" >"$WORK/gears-$run.log" 2>&1
    code=$?
    set -e
    last="$(tail -n 1 "$WORK/gears-$run.log" | cut -d' ' -f3-)"
    [[ $code -eq 0 ]] && check ok "gears register.sh run $run: exit 0 ($last)" || check FAIL "gears register.sh run $run: exit $code ($last)"
  done
  grep -q "already present; nothing to do" "$WORK/gears-2.log" \
    && check ok "gears run 2 registered nothing" || check FAIL "gears run 2 did not find the first registration"
  registrations="$(as gears RG.DUMPREGISTRATIONS | grep -cx 'popupstore-timeseries' || true)"
  [[ "$registrations" == 1 ]] && check ok "RG.DUMPREGISTRATIONS lists popupstore-timeseries once" \
    || check FAIL "RG.DUMPREGISTRATIONS lists popupstore-timeseries $registrations times"
else
  check ok "COUNTING=off: registrar not run (baseline measurement)"
fi

# 3. Silos ------------------------------------------------------------------------------
mapfile -t SILO_ENV < <(service_env silo)
SILO_DIR="$ROOT/src/Silo/bin/$CONFIG/net10.0"
HEALTH=() TARGETS=()
SILOS_HTTP_PORT="$(free_port)"   # one port on three addresses, like the replicas behind the compose service name
for i in 0 1 2; do
  SILO_HTTP_ADDRESS="${PROXY_SILO_ADDRESSES[$i]}" SILO_HTTP_PORT="$SILOS_HTTP_PORT" \
    start_loopback_silo "$WORK/silo-$i.log" "${SILO_ENV[@]}"
  HEALTH+=("http://${PROXY_SILO_ADDRESSES[$i]}:$SILO_HTTP/health")
  TARGETS+=("${PROXY_SILO_ADDRESSES[$i]}:$SILO_HTTP")
done
for url in "${HEALTH[@]}"; do
  for attempt in $(seq 1 180); do
    curl -fsS "$url" >/dev/null 2>&1 && break
    ((attempt == 180)) && { check FAIL "silo $url never healthy"; exit 1; }
    sleep 0.5
  done
done
check ok "3 silos healthy with the compose environment (user popupstore)"

# 4. Prometheus -------------------------------------------------------------------------
PROM_PORT="$(free_port)"
"${HELPER[@]}" prometheus "$ROOT/prometheus/prometheus.yml" "$WORK/prometheus.yml" "$(IFS=,; echo "${TARGETS[*]}")" "127.0.0.1:$PROM_PORT"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
  --storage.tsdb.retention.time=2d --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
PROM="http://127.0.0.1:$PROM_PORT"
for _ in $(seq 1 60); do curl -fsS "$PROM/-/ready" >/dev/null 2>&1 && break; sleep 0.5; done
sleep 11   # two scrape intervals, so `up` and the silo gauges exist
up="$(curl -fsS "$PROM/api/v1/query?query=count(up%7Bjob%3D%22silo%22%7D%3D%3D1)" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')"
[[ "$up" == 3 ]] && check ok "prometheus $(prometheus --version 2>&1 | head -1 | cut -d' ' -f3) scrapes 3 silos" || check FAIL "prometheus scrapes $up silos, expected 3"

# 4b. The storefront proxy -------------------------------------------------------------------
if start_storefront_proxy "$SILOS_HTTP_PORT"; then
  native="$(nginx -v 2>&1 | sed -n 's|.*nginx/||p')"
  pinned="$(sed -n 's/^ *image: nginx:\([0-9.]*\).*/\1/p' "$ROOT/docker-compose.yml")"
  [[ "${native%.*}" == "${pinned%.*}" ]] \
    && check ok "storefront proxy: Debian's nginx $native from storefront/nginx.conf.template; compose pins nginx $pinned" \
    || check FAIL "storefront proxy: Debian's nginx $native, compose pins nginx $pinned (not the same version)"
  mapfile -t PROXY_ENV < <("${HELPER[@]}" env storefront 127.0.0.1:0 unused)
  limit_of() { printf '%s\n' "${PROXY_ENV[@]}" | sed -n "s/^$1=//p"; }
  check_storefront_proxy "$SILOS_HTTP_PORT" "$(limit_of CLIENT_RATE)" "$(limit_of CLIENT_EXCESS)"
else
  check FAIL "storefront proxy did not start (see $WORK/storefront)"
fi

# 5. Panels before any sale ---------------------------------------------------------------
set +e
"${HELPER[@]}" panels before "$REDIS_PORT" "$PASSWORD" "$PROM" "$(( $(now_ms) - 900000 ))" "$(now_ms)" | tee -a "$SUMMARY" >/dev/null
set -e

# 6. The README's compose commands --------------------------------------------------------
mapfile -t CLIENT_ENV < <(service_env loadclient)
CLIENT="$ROOT/src/LoadClient/bin/$CONFIG/net10.0/PopupStore.LoadClient.dll"
loadclient() { # runs in the reports folder, as the container does (WORKDIR /reports)
  (cd "$WORK/reports" && for pair in "${CLIENT_ENV[@]}"; do export "${pair?}"; done \
    && export POPUPSTORE_REPORT_DIR="$WORK/reports" && exec dotnet "$CLIENT" "$@")
}
cpu() { as popupstore INFO cpu | tr -d '\r' | awk -F: '/^used_cpu_(sys|user):/ {s += $2} END {printf "%.3f", s}'; }
# XADD calls that added an entry: calls less failed ones (see added_entries in scripts/lib/rehearsal.py).
xadds() { as grafana INFO commandstats | tr -d '\r' | awk -F'[:,=]' '/^cmdstat_xadd:/ {for (i = 2; i < NF; i += 2) v[$i] = $(i + 1); print v["calls"] - v["failed_calls"]}'; }
sale_start_ms="$(now_ms)"
set +e
loadclient sale start --units "$UNITS" --duration 10m >"$WORK/sale-start.log" 2>&1
code=$?
set -e
[[ $code -eq 0 ]] && check ok "loadclient sale start --units $UNITS --duration 10m: exit 0" || check FAIL "loadclient sale start: exit $code"
xadds_before="$(xadds)"; xadds_before="${xadds_before:-0}"
cpu_before="$(cpu)"
set +e
loadclient run --buyers "$BUYERS" >"$WORK/run.log" 2>&1
code=$?
set -e
cpu_after="$(cpu)"
[[ $code -eq 0 ]] && check ok "loadclient run --buyers $BUYERS: exit 0" || check FAIL "loadclient run: exit $code (see $WORK/run.log)"
report="$(sed -n 's/^Report with charts written to //p' "$WORK/run.log")"
[[ -n "$report" && -s "$report" && "$report" == "$WORK/reports/"* ]] \
  && check ok "HTML report in the reports folder: $report" || check FAIL "HTML report missing (printed: '${report:-nothing}')"
grep -q '^RESULT: PASS' "$WORK/run.log" && check ok "LoadClient invariants: RESULT: PASS" || check FAIL "LoadClient invariants did not pass"
orders="$(sed -n 's/^Orders written *\([0-9]*\).*/\1/p' "$WORK/run.log")"
orders="${orders:-0}"
cpu_used="$(echo "$cpu_after - $cpu_before" | bc -l)"
per_order="$( ((orders > 0)) && echo "scale=1; $cpu_used * 1000000 / $orders" | bc -l || echo "n/a")"
check ok "Redis CPU during the run: ${cpu_used} s for $orders orders = ${per_order} us per order (Gears counting $COUNTING)"

# 7. Exact counts of the stream crowd ----------------------------------------------------------
sleep 6   # the Gears windows of the run close
set +e
if [[ "$COUNTING" != off ]]; then
  "${HELPER[@]}" counts "$REDIS_PORT" "$PASSWORD" "$xadds_before" "$orders" "$BUYERS" | tee -a "$SUMMARY" >/dev/null
fi
set -e

# 8. A crowd through the storefronts, as behind the proxy (each buyer its own X-Forwarded-For, which the
#    compose environment trusts), so the storefront panels have data -------------------------------
URLS="$(printf 'http://%s,' "${TARGETS[@]}")"
[[ "$REPLICATED" == on ]] && { kill_primary_mid_sale & KILLER=$!; }
set +e
# A connection per buyer (up to 1,024 per silo), as a browser crowd has: new orders keep arriving while earlier ones
# wait out a failover, instead of queueing in the console behind a small pool.
loadclient run --via http --url "${URLS%,}" --address-per-buyer --connections 1024 --buyers "$WEB_BUYERS" >"$WORK/run-http.log" 2>&1
code=$?
set -e
[[ "$REPLICATED" == on ]] && follow_the_failover
[[ $code -eq 0 ]] && check ok "loadclient run --via http --address-per-buyer --connections 1024 --buyers $WEB_BUYERS: exit 0" \
  || check FAIL "loadclient run --via http: exit $code (see $WORK/run-http.log)"
grep -q '^RESULT: PASS' "$WORK/run-http.log" && check ok "LoadClient invariants after the storefront crowd: RESULT: PASS" \
  || check FAIL "LoadClient invariants after the storefront crowd did not pass"

# 9. Panels during the sale -----------------------------------------------------------------------
sleep 6   # one more scrape, so rates over 30 s include both crowds
set +e
"${HELPER[@]}" panels during "$REDIS_PORT" "$PASSWORD" "$PROM" "$((sale_start_ms - 60000))" "$(( $(now_ms) + 10000 ))" | tee -a "$SUMMARY" >/dev/null
set -e
if grep -h "has no registration" "$WORK"/silo-*.log >/dev/null; then
  check FAIL "a silo logged that the Gears registration is missing"
else
  check ok "no silo logged a missing Gears registration"
fi

echo
echo "=== rehearse-stack summary (logs in $WORK) ==="
cat "$SUMMARY"
failed="$(grep -c '^FAIL' "$SUMMARY" || true)"
passed="$(grep -c '^ok' "$SUMMARY" || true)"
echo "RESULT: $passed ok, $failed failed"
((failed == 0))
