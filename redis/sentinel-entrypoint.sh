#!/usr/bin/env bash
# Pop-up Store Redis Sentinel entrypoint: renders redis/sentinel.conf.template into a private, writable file
# and runs redis-server in Sentinel mode on it. Used by the compose "replicated" profile and, outside
# Docker, by scripts/rehearse-stack.sh and the tests' SentinelPair.
#
# Environment:
#   REDIS_PASSWORD (required)       password of every user, as in redis/entrypoint.sh
#   PRIMARY_HOST (redis)            the primary to watch at start (Sentinel follows failovers itself)
#   PRIMARY_PORT (6379)  SENTINEL_PORT (26379)  SENTINEL_SERVICE_NAME (popupstore)  SENTINEL_QUORUM (2)
#   SENTINEL_TEMPLATE               the template (/usr/local/etc/popupstore/sentinel.conf.template)
#   SENTINEL_DIR                    where the rendered file lives (/tmp/popupstore-sentinel)
#   REDIS_SERVER (redis-server)     the binary (Redis 6.2 or later: Sentinel ACL users need 6.2)
# Extra arguments are passed on to redis-server.
set -euo pipefail

: "${REDIS_PASSWORD:?REDIS_PASSWORD must be set}"

TEMPLATE="${SENTINEL_TEMPLATE:-/usr/local/etc/popupstore/sentinel.conf.template}"
SENTINEL_DIR="${SENTINEL_DIR:-/tmp/popupstore-sentinel}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
values=(
  "SENTINEL_PORT=${SENTINEL_PORT:-26379}"
  "SENTINEL_SERVICE_NAME=${SENTINEL_SERVICE_NAME:-popupstore}"
  "PRIMARY_HOST=${PRIMARY_HOST:-redis}"
  "PRIMARY_PORT=${PRIMARY_PORT:-6379}"
  "SENTINEL_QUORUM=${SENTINEL_QUORUM:-2}"
  "REDIS_PASSWORD_SHA256=$(printf '%s' "$REDIS_PASSWORD" | sha256sum | cut -d' ' -f1)"
)

# Inside "..." a Sentinel configuration string takes \\ and \" escapes.
quoted="${REDIS_PASSWORD//\\/\\\\}"
quoted="${quoted//\"/\\\"}"

umask 077
mkdir -p "$SENTINEL_DIR"
rendered="$(grep -v '^[[:space:]]*#' "$TEMPLATE" | grep -v '^[[:space:]]*$')"
for pair in "${values[@]}"; do
  rendered="${rendered//"\${${pair%%=*}}"/${pair#*=}}"
done
rendered="${rendered//'${REDIS_PASSWORD}'/$quoted}"
case "$rendered" in
  *'${'*) echo "sentinel-entrypoint: unrendered placeholder left in $TEMPLATE" >&2; exit 1 ;;
esac
printf '%s\n' "$rendered" > "$SENTINEL_DIR/sentinel.conf"
unset REDIS_PASSWORD quoted rendered values

exec "$REDIS_SERVER" "$SENTINEL_DIR/sentinel.conf" --sentinel --dir "$SENTINEL_DIR" "$@"
