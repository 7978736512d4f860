#!/usr/bin/env bash
# Pop-up Store: one-shot, idempotent registrar for gears/timeseries.py.
#
# Safe to run on every `docker compose up`, and by several starters at once:
#   1. waits for Redis to answer PING (with Sentinels: asks them for the primary, SENTINEL
#      get-master-addr-by-name, and waits until that server answers PING and says role:master);
#   2. takes the lock  SET popupstore:gears:lock <token> NX PX 30000  (waits while another
#      registrar holds it; the lock expires on its own if a holder dies);
#   3. creates the eight contract series (TS.CREATE ... RETENTION, DUPLICATE_POLICY, LABELS;
#      "key already exists" is fine);
#   4. if RG.DUMPREGISTRATIONS already lists a registration whose desc is
#      popupstore-timeseries, does nothing (and says so);
#   5. otherwise runs RG.PYEXECUTE <script> ID popupstore-timeseries UPGRADE (ID/UPGRADE need
#      RedisGears 1.2.2 or later; the compose image pins 1.2.5);
#   6. checks that the registration is now listed, releases the lock (only if still ours).
#
# Environment:
#   REDIS_HOST (redis)  REDIS_PORT (6379)  REDIS_USER (gears; empty = default user)
#   REDIS_SENTINELS     "host:port host:port ..." of Redis Sentinels; when set, REDIS_HOST/REDIS_PORT
#                       are ignored and the registrar registers on the primary they name. The
#                       registration and the series replicate to the replicas, so a promoted
#                       replica keeps counting without registering again (docs/failover.md).
#   REDIS_SERVICE_NAME  the name the Sentinels monitor the primary under (popupstore)
#   REDISCLI_AUTH       password, read by redis-cli itself (falls back to REDIS_PASSWORD)
#   GEARS_SCRIPT        path of the script (timeseries.py next to this file)
#   GEARS_WAIT_SECONDS  how long to wait for Redis and for the lock (60)
#
# Exit status: 0 when the registration exists afterwards, 1 otherwise.
#
# Note: redis-cli exits 0 even when Redis answers with an error, so every reply is
# checked against the expected success text instead of relying on the exit status.

set -u

readonly DESCRIPTION='popupstore-timeseries'
readonly LOCK_KEY='popupstore:gears:lock'
readonly LOCK_TTL_MS=30000
readonly RETENTION_MS=86400000
readonly STREAMS=(queue:customers queue:orders queue:complete queue:rejected)

HOST="${REDIS_HOST:-redis}"
PORT="${REDIS_PORT:-6379}"
USER_NAME="${REDIS_USER-gears}"
WAIT_SECONDS="${GEARS_WAIT_SECONDS:-60}"
SCRIPT="${GEARS_SCRIPT:-$(cd "$(dirname "$0")" && pwd)/timeseries.py}"
read -r -a SENTINELS <<< "${REDIS_SENTINELS:-}"
SERVICE_NAME="${REDIS_SERVICE_NAME:-popupstore}"

if [ -z "${REDISCLI_AUTH:-}" ] && [ -n "${REDIS_PASSWORD:-}" ]; then
  export REDISCLI_AUTH="$REDIS_PASSWORD"
fi

log() { printf '%s gears-register: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cli() {
  if [ -n "$USER_NAME" ]; then
    redis-cli -h "$HOST" -p "$PORT" --user "$USER_NAME" "$@" 2>&1
  else
    redis-cli -h "$HOST" -p "$PORT" "$@" 2>&1
  fi
}

one_line() { printf '%s' "$1" | tr '\n' ' ' | cut -c1-300; }

# Sets HOST and PORT to the primary the first answering Sentinel names; 1 when none names one.
# The Sentinels know the same users as Redis (redis/sentinel.conf.template).
sentinel_said=''
find_primary() {
  local sentinel reply address
  for sentinel in "${SENTINELS[@]}"; do
    if [ -n "$USER_NAME" ]; then
      reply="$(redis-cli -h "${sentinel%:*}" -p "${sentinel##*:}" --user "$USER_NAME" \
        SENTINEL get-master-addr-by-name "$SERVICE_NAME" 2>&1)"
    else
      reply="$(redis-cli -h "${sentinel%:*}" -p "${sentinel##*:}" \
        SENTINEL get-master-addr-by-name "$SERVICE_NAME" 2>&1)"
    fi
    address="$(printf '%s\n' "$reply" | tr '\n' ' ')"
    if [[ "$address" =~ ^([^[:space:]]+)\ ([0-9]+)\ $ ]]; then
      HOST="${BASH_REMATCH[1]}"
      PORT="${BASH_REMATCH[2]}"
      return 0
    fi
    case "$reply" in
      *WRONGPASS*|*NOAUTH*|*NOPERM*) die "Sentinel $sentinel refused user '${USER_NAME:-default}': $(one_line "$reply")" ;;
    esac
    sentinel_said="Sentinel $sentinel: $(one_line "${reply:-no primary named $SERVICE_NAME}")"
  done
  return 1
}

command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found"
[ -r "$SCRIPT" ] || die "cannot read $SCRIPT"

# 1. Redis is up -------------------------------------------------------------------
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  if [ "${#SENTINELS[@]}" -gt 0 ] && ! find_primary; then
    [ "$(date +%s)" -lt "$deadline" ] \
      || die "no Sentinel of '${SENTINELS[*]}' names a primary for service '$SERVICE_NAME' ($sentinel_said)"
    sleep 1
    continue
  fi
  reply="$(cli PING)"
  if [ "$reply" = "PONG" ] && [ "${#SENTINELS[@]}" -gt 0 ]; then
    # Mid-failover a Sentinel can still name the old primary, now a replica: registering there fails.
    role="$(cli INFO replication | tr -d '\r' | grep '^role:')"
    [ "$role" = "role:master" ] && { log "primary for '$SERVICE_NAME' is $HOST:$PORT"; break; }
    reply="$HOST:$PORT says ${role:-no role}"
  elif [ "$reply" = "PONG" ]; then
    break
  fi
  case "$reply" in
    *WRONGPASS*|*NOAUTH*|*NOPERM*) die "Redis refused user '${USER_NAME:-default}': $(one_line "$reply")" ;;
  esac
  [ "$(date +%s)" -lt "$deadline" ] || die "Redis at $HOST:$PORT did not answer PING: $(one_line "$reply")"
  sleep 1
done

# 2. Lock --------------------------------------------------------------------------
TOKEN="$(hostname 2>/dev/null || echo registrar)-$$-$(date +%s)-$RANDOM"
release_lock() {
  cli EVAL "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0" \
    1 "$LOCK_KEY" "$TOKEN" >/dev/null
}
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  reply="$(cli SET "$LOCK_KEY" "$TOKEN" NX PX "$LOCK_TTL_MS")"
  [ "$reply" = "OK" ] && break
  if [ -n "$reply" ]; then
    die "could not take $LOCK_KEY: $(one_line "$reply")"
  fi
  [ "$(date +%s)" -lt "$deadline" ] || die "$LOCK_KEY still held by another registrar after ${WAIT_SECONDS}s"
  log "another registrar holds $LOCK_KEY; waiting"
  sleep 1
done
trap release_lock EXIT
log "lock $LOCK_KEY taken"

# 3. Series ------------------------------------------------------------------------
create_series() { # key policy kind stream
  local reply
  reply="$(cli TS.CREATE "$1" RETENTION "$RETENTION_MS" DUPLICATE_POLICY "$2" \
    LABELS app popupstore metric "$3" stream "$4")"
  case "$reply" in
    OK) log "created $1" ;;
    *"already exists"*) log "$1 already exists" ;;
    *) die "TS.CREATE $1 failed: $(one_line "$reply")" ;;
  esac
}
for stream in "${STREAMS[@]}"; do
  create_series "ts:len:$stream" LAST len "$stream"
  create_series "ts:enqueue:$stream" SUM enqueue "$stream"
done

# 4. Already registered? -----------------------------------------------------------
# redis-cli prints nested arrays one element per line (not a terminal), so the value of
# the "desc" field is the line that follows a line reading exactly "desc".
is_registered() {
  local reply first
  reply="$(cli RG.DUMPREGISTRATIONS)"
  first="$(printf '%s\n' "$reply" | head -n 1)"
  if [ -n "$reply" ] && [ "$first" != "id" ]; then
    die "RG.DUMPREGISTRATIONS failed: $(one_line "$reply")"
  fi
  printf '%s\n' "$reply" | awk -v want="$DESCRIPTION" '
    previous == "desc" && $0 == want { found = 1 }
    { previous = $0 }
    END { exit(found ? 0 : 1) }'
}

if is_registered; then
  log "registration '$DESCRIPTION' already present; nothing to do"
  exit 0
fi

# 5. Register ----------------------------------------------------------------------
code="$(cat "$SCRIPT")"
reply="$(cli RG.PYEXECUTE "$code" ID "$DESCRIPTION" UPGRADE)"
[ "$reply" = "OK" ] || die "RG.PYEXECUTE failed: $(one_line "$reply")"
log "registered '$DESCRIPTION' (session id $DESCRIPTION)"

# 6. Verify ------------------------------------------------------------------------
is_registered || die "RG.PYEXECUTE answered OK but '$DESCRIPTION' is not in RG.DUMPREGISTRATIONS"
log "done"
exit 0
