#!/usr/bin/env bash
# Pop-up Store Redis entrypoint: renders the ACL file from users.acl.template, then runs
# redis-server with RedisGears 1.2 (Python plugin) and RedisTimeSeries loaded, AOF on.
#
# Environment: REDIS_PASSWORD (required; every user in the template gets it)
# The image needs nothing else; scripts/rehearse-stack.sh runs this same file outside Docker and
# points it at other paths: REDIS_SERVER (redis-server), REDIS_DATA_DIR (/data), REDIS_CONF (popupstore.conf), ACL_TEMPLATE,
# ACL_DIR, GEARS_MODULE, GEARS_PYTHON_PLUGIN, GEARS_MODULE_ARGS (extra module arguments, e.g.
# "PythonInstallationDir /opt/modules"), TIMESERIES_MODULE.
# Replicated topology (docs/failover.md): REDIS_REPLICATED=yes adds redis/replication.conf
# (REPLICATION_CONF) and a private file with masterauth (the password of the ACL user "replication");
# REDIS_REPLICA_OF="host port" starts the server as a replica of that primary (Sentinel moves it later).
# Extra arguments are passed on to redis-server (after ours, so they can override).
set -euo pipefail

: "${REDIS_PASSWORD:?REDIS_PASSWORD must be set}"

TEMPLATE="${ACL_TEMPLATE:-/usr/local/etc/popupstore/users.acl.template}"
REDIS_CONF="${REDIS_CONF:-/usr/local/etc/popupstore/popupstore.conf}"
ACL_DIR="${ACL_DIR:-/tmp/popupstore}"
ACL_FILE="$ACL_DIR/users.acl"
GEARS_MODULE="${GEARS_MODULE:-/var/opt/redislabs/lib/modules/redisgears.so}"
GEARS_PYTHON_PLUGIN="${GEARS_PYTHON_PLUGIN:-/var/opt/redislabs/modules/rg/plugin/gears_python.so}"
TIMESERIES_MODULE="${TIMESERIES_MODULE:-/usr/lib/redis/modules/redistimeseries.so}"
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_DATA_DIR="${REDIS_DATA_DIR:-/data}"
REPLICATION_CONF="${REPLICATION_CONF:-/usr/local/etc/popupstore/replication.conf}"
read -r -a gears_args <<< "${GEARS_MODULE_ARGS:-}"

hash="$(printf '%s' "$REDIS_PASSWORD" | sha256sum | cut -d' ' -f1)"

umask 077
mkdir -p "$ACL_DIR"
rendered="$(grep -v '^[[:space:]]*#' "$TEMPLATE" | grep -v '^[[:space:]]*$')"
rendered="${rendered//'${REDIS_PASSWORD_SHA256}'/$hash}"
case "$rendered" in
  *'${'*) echo "entrypoint: unrendered placeholder left in $TEMPLATE" >&2; exit 1 ;;
esac
printf '%s\n' "$rendered" > "$ACL_FILE"

config_file="$REDIS_CONF"
replication_args=()
if [ "${REDIS_REPLICATED:-no}" = "yes" ]; then
  # Sentinel ends a failover with CONFIG REWRITE on the servers it reconfigures: the server runs on a
  # private file that includes the shipped one, so the rewrite never touches the shipped file.
  config_file="$ACL_DIR/redis.conf"
  printf 'include "%s"\n' "$REDIS_CONF" > "$config_file"
  # Inside "..." a Redis configuration string takes \\ and \" escapes.
  quoted="${REDIS_PASSWORD//\\/\\\\}"
  quoted="${quoted//\"/\\\"}"
  printf 'masterauth "%s"\n' "$quoted" > "$ACL_DIR/masterauth.conf"
  unset quoted
  replication_args+=(--include "$REPLICATION_CONF" --include "$ACL_DIR/masterauth.conf")
  if [ -n "${REDIS_REPLICA_OF:-}" ]; then
    read -r primary_host primary_port <<< "$REDIS_REPLICA_OF"
    replication_args+=(--replicaof "$primary_host" "${primary_port:-6379}")
  fi
fi
unset REDIS_PASSWORD hash rendered

exec "$REDIS_SERVER" "$config_file" \
  --dir "$REDIS_DATA_DIR" \
  --appendonly yes \
  --appendfsync everysec \
  --aclfile "$ACL_FILE" \
  --loadmodule "$TIMESERIES_MODULE" \
  --loadmodule "$GEARS_MODULE" Plugin "$GEARS_PYTHON_PLUGIN" "${gears_args[@]}" \
  "${replication_args[@]}" \
  "$@"
