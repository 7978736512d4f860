# Sourced by scripts/rehearse-stack.sh: the compose `storefront` proxy, natively. Debian's nginx (the version the
# compose image pins) runs storefront/nginx.conf.template rendered as the image renders it (envsubst of the
# variables the service defines, values from docker-compose.yml), in storefront/nginx.conf as compose mounts it.
#
# Compose's DNS answers the silo service name with every replica's address, all on one port. Here the silos listen
# on 127.0.0.2, .3, .4 on one port, and nginx runs in a mount namespace of its own where /etc/hosts lists that name
# with those three addresses, so the upstream resolves the way it does in compose.
# Needs: root (unshare --mount), nginx; the caller's check(), say(), PIDS, HELPER and free_port.

PROXY_SILO_NAME=silo.rehearsal
PROXY_SILO_ADDRESSES=(127.0.0.2 127.0.0.3 127.0.0.4)

# Starts nginx on a free loopback port in front of the silos on $1 (their common HTTP port); sets PROXY and PROXY_DIR.
start_storefront_proxy() {
  local silo_port="$1" port
  command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || {
    if [[ $(id -u) -eq 0 ]]; then
      say "installing nginx (Debian package)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
    else
      echo "nginx is missing. Install it with: sudo apt-get install -y nginx" >&2
      return 1
    fi
  }
  local nginx
  nginx="$(command -v nginx || echo /usr/sbin/nginx)"
  port="$(free_port)"
  PROXY_DIR="$WORK/storefront"
  mkdir -p "$PROXY_DIR/temp"
  {
    echo "127.0.0.1 localhost"
    for address in "${PROXY_SILO_ADDRESSES[@]}"; do echo "$address $PROXY_SILO_NAME"; done
  } >"$PROXY_DIR/hosts"
  # The service's environment from docker-compose.yml, the silo name and port as they are here.
  local -a vars=()
  mapfile -t vars < <("${HELPER[@]}" env storefront 127.0.0.1:0 unused \
    | sed -e "s/^SILO_HOST=.*/SILO_HOST=$PROXY_SILO_NAME/" -e "s/^SILO_PORT=.*/SILO_PORT=$silo_port/")
  (
    names=""
    for pair in "${vars[@]}"; do export "${pair?}"; names+="\${${pair%%=*}} "; done
    # What the image's 20-envsubst-on-templates.sh does: only the service's own variables are replaced.
    envsubst "$names" <"$ROOT/storefront/nginx.conf.template" >"$PROXY_DIR/default.conf"
  )
  sed "s/listen 8080;/listen 127.0.0.1:$port;/" -i "$PROXY_DIR/default.conf"
  # storefront/nginx.conf, as compose mounts it, with its paths under $PROXY_DIR, no user to switch to (Debian has
  # no "nginx" user; this nginx runs as the caller), and the upstream address logged for the checks below.
  sed -e '/^user /d' \
    -e "s|/var/log/nginx/error.log|$PROXY_DIR/error.log|" \
    -e "s|/var/run/nginx.pid|$PROXY_DIR/nginx.pid|" \
    -e "s|^\( *\)access_log /var/log/nginx/access.log;|\1log_format upstream '\$remote_addr \$status \$upstream_addr \$request_uri';\n\1access_log $PROXY_DIR/access.log upstream;|" \
    -e "s|^\( *\)include /etc/nginx/conf.d/\*.conf;|\1client_body_temp_path $PROXY_DIR/temp/body;\n\1proxy_temp_path $PROXY_DIR/temp/proxy;\n\1fastcgi_temp_path $PROXY_DIR/temp/fastcgi;\n\1uwsgi_temp_path $PROXY_DIR/temp/uwsgi;\n\1scgi_temp_path $PROXY_DIR/temp/scgi;\n\1include $PROXY_DIR/default.conf;|" \
    "$ROOT/storefront/nginx.conf" >"$PROXY_DIR/nginx.conf"
  if grep -vE '^ *#' "$PROXY_DIR/nginx.conf" | grep -qE '/var/|conf\.d' || ! grep -q "include $PROXY_DIR/default.conf;" "$PROXY_DIR/nginx.conf"; then
    echo "storefront/nginx.conf changed in a way this rehearsal does not follow: see $PROXY_DIR/nginx.conf" >&2
    return 1
  fi
  unshare --mount --propagation private sh -c \
    'mount --bind "$1" /etc/hosts && exec "$2" -c "$3" -g "daemon off;"' sh \
    "$PROXY_DIR/hosts" "$nginx" "$PROXY_DIR/nginx.conf" >"$PROXY_DIR/nginx.log" 2>&1 &
  PIDS+=($!)
  PROXY="http://127.0.0.1:$port"
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "$PROXY/storefront.css" 2>/dev/null && return 0
    sleep 0.2
  done
  tail -20 "$PROXY_DIR/nginx.log" "$PROXY_DIR/error.log" >&2 2>/dev/null || true
  return 1
}

# Sockets to the silos' HTTP port from this machine, open or closing (TIME-WAIT): one per connection opened lately.
silo_connections() {
  local filter="" address
  for address in "${PROXY_SILO_ADDRESSES[@]}"; do
    filter+="${filter:+ or }dst $address:$1"
  done
  ss -Htan state established state time-wait "( $filter )" | wc -l
}

# The proxy's checks; $1 the silos' HTTP port, $2 and $3 the limit's rate and excess from the service's environment.
check_storefront_proxy() {
  local silo_port="$1" rate="$2" excess="$3" requests=300 before after opened address

  # Pooled connections, every replica: requests one after another on one buyer connection (the page's
  # stylesheet: not under the per-client limit).
  : >"$PROXY_DIR/access.log"
  before="$(silo_connections "$silo_port")"
  # shellcheck disable=SC2046  # one "-o /dev/null URL" pair per request
  curl -fsS $(for _ in $(seq 1 "$requests"); do printf -- '-o /dev/null %s ' "$PROXY/storefront.css"; done)
  after="$(silo_connections "$silo_port")"
  opened=$((after - before))
  # At most one connection per nginx worker and silo (the pool keeps them); one per request without it.
  ((opened <= 2 * $(nproc) * ${#PROXY_SILO_ADDRESSES[@]})) \
    && check ok "proxy: $requests requests opened $opened connections to the silos (keepalive pool)" \
    || check FAIL "proxy: $requests requests opened $opened connections to the silos (expected pooled connections)"
  local spread="" short=0 count
  for address in "${PROXY_SILO_ADDRESSES[@]}"; do
    count="$(grep -c " 200 $address:$silo_port " "$PROXY_DIR/access.log" || true)"
    spread+=" $address=$count"
    ((count >= requests / ${#PROXY_SILO_ADDRESSES[@]} / 2)) || short=1
  done
  ((short == 0)) && check ok "proxy: requests by silo:$spread (round robin over every replica)" \
    || check FAIL "proxy: requests by silo:$spread (every replica should serve about a third)"

  # A crowd at once: 1,200 buyers' connections, four requests each. Every request is answered (the image's
  # 1,024 connections per worker dropped buyers), and the pool keeps what the crowd opened instead of opening a
  # connection to a silo per request.
  local crowd=1200 each=4 answered failed
  before="$(silo_connections "$silo_port")"
  read -r answered failed < <("${HELPER[@]}" crowd 127.0.0.1 "${PROXY##*:}" /storefront.css "$crowd" "$each") || true
  after="$(silo_connections "$silo_port")"
  opened=$((after - before))
  ((failed == 0 && answered == crowd * each)) \
    && check ok "proxy: $crowd buyers at once, $each requests each: all $answered answered" \
    || check FAIL "proxy: $crowd buyers at once, $each requests each: $answered answered, $failed failed (see $PROXY_DIR/error.log)"
  ((opened <= crowd + 2 * $(nproc) * ${#PROXY_SILO_ADDRESSES[@]})) \
    && check ok "proxy: that crowd opened $opened connections to the silos for $((crowd * each)) requests (kept in the pool)" \
    || check FAIL "proxy: that crowd opened $opened connections to the silos for $((crowd * each)) requests (expected at most one per buyer)"
  ! grep -q "worker_connections are not enough" "$PROXY_DIR/error.log" \
    && check ok "proxy: no 'worker_connections are not enough' in its error log" \
    || check FAIL "proxy: nginx ran out of worker_connections (see $PROXY_DIR/error.log)"

  # One buyer over the limit, its requests spread over every silo: 150 at once, more than the three silos'
  # own limits would let through together (3 x (excess + 1)), so only the proxy's whole-cluster limit holds it.
  : >"$PROXY_DIR/access.log"
  local start end passed limited silos allowance
  start="$(date +%s%3N)"
  # shellcheck disable=SC2046
  curl -sS --no-progress-meter -w '%{http_code} %header{retry-after}\n' --parallel --parallel-max 50 \
    $(for _ in $(seq 1 150); do printf -- '-o /dev/null %s ' "$PROXY/api/sale"; done) >"$PROXY_DIR/limit-codes.txt"
  end="$(date +%s%3N)"
  # Passed: any answer from a silo (before the sale /api/sale may say there is none), not a refusal or an error.
  passed="$(awk '$1 ~ /^[234][0-9][0-9]$/ && $1 != 429' "$PROXY_DIR/limit-codes.txt" | wc -l)"
  limited="$(grep -c '^429 ' "$PROXY_DIR/limit-codes.txt" || true)"
  silos="$(awk '$2 != 429 && $3 != "-" {print $3}' "$PROXY_DIR/access.log" | sort -u | wc -l)"
  # What one client may take in that time: the burst, then the rate, plus one for a token refilled mid-request.
  allowance=$((excess + 1 + rate * (end - start + 999) / 1000 + 1))
  ((passed <= allowance && limited > 0 && passed >= excess + 1 && silos == ${#PROXY_SILO_ADDRESSES[@]})) \
    && check ok "proxy limit: 150 requests at once from one client: $passed passed (allowed $allowance in $((end - start)) ms) over $silos silos, $limited answered 429" \
    || check FAIL "proxy limit: 150 requests at once from one client: $passed passed (allowed $allowance in $((end - start)) ms) over $silos silos, $limited answered 429"
  # Refused by the proxy itself (no upstream), each with Retry-After as a silo's refusal has.
  ((limited > 0 && $(grep -c ' 429 - ' "$PROXY_DIR/access.log") == limited && $(grep -c '^429 1$' "$PROXY_DIR/limit-codes.txt") == limited)) \
    && check ok "proxy limit: every 429 answered by the proxy itself, with Retry-After" \
    || check FAIL "proxy limit: not every 429 came from the proxy with Retry-After (see $PROXY_DIR)"
}
