#!/usr/bin/env bash
# Pop-up Store Redis entrypoint: renders the ACL file from users.acl.template, then runs
# redis-server with RedisGears 1.2 (Python plugin) and RedisTimeSeries loaded, AOF on.
#
# Environment: REDIS_PASSWORD (required; every user in the template gets it)
# The image needs nothing else; scripts/rehearse-stack.sh runs this same file outside Docker and
# points it at other paths: REDIS_SERVER (redis-server), REDIS_DATA_DIR (/data), REDIS_CONF (popupstore.conf), ACL_TEMPLATE,
# ACL_DIR, GEARS_MODULE, GEARS_PYTHON_PLUGIN, GEARS_MODULE_ARGS (extra module arguments, e.g.
# "PythonInstallationDir /opt/modules"), TIMESERIES_MODULE.
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
unset REDIS_PASSWORD hash rendered

exec "$REDIS_SERVER" "$REDIS_CONF" \
  --dir "$REDIS_DATA_DIR" \
  --appendonly yes \
  --appendfsync everysec \
  --aclfile "$ACL_FILE" \
  --loadmodule "$TIMESERIES_MODULE" \
  --loadmodule "$GEARS_MODULE" Plugin "$GEARS_PYTHON_PLUGIN" "${gears_args[@]}" \
  "$@"
