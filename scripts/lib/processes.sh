# Shared by run-sale.sh, bench.sh, scripts/chaos.sh and scripts/rehearse-stack.sh (sourced, not run): a log
# prefix, a free loopback port, a silo process on loopback, and stopping every process the script started,
# on exit and on Ctrl-C.
# The sourcing script sets SCRIPT_NAME before sourcing and appends its background pids to PIDS.

PIDS=()

say() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*"; }

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if ((${#PIDS[@]})); then
    say "stopping what this script started"
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Below the kernel's ephemeral range (32768 and up), so an outgoing connection cannot take the port before the
# silo binds it.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % 22000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

# Starts one silo from $SILO_DIR on loopback with ports of its own, output to the log file $1; further
# arguments are NAME=value settings exported before its own. Appends its pid to PIDS and leaves its
# ports in SILO_PID, SILO_HTTP and SILO_PORT for the caller. SILO_HTTP_ADDRESS and SILO_HTTP_PORT, when set,
# choose its HTTP address (another loopback address, 127.0.0.2 and up) and port.
start_loopback_silo() {
  local log="$1"
  shift
  SILO_HTTP="${SILO_HTTP_PORT:-$(free_port)}" SILO_PORT="$(free_port)"
  local gateway
  gateway="$(free_port)"
  (
    cd "$SILO_DIR"
    # A small gen0 budget: a young collection copies what is still alive, so a small budget keeps each
    # pause short (docs/configuration.md).
    export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x400000}"
    for pair in "$@"; do export "${pair?}"; done
    # One address for every silo on loopback, so distinct ports.
    export Orleans__Endpoints__SiloPort="$SILO_PORT" Orleans__Endpoints__GatewayPort="$gateway"
    export Orleans__Endpoints__AdvertisedIPAddress=127.0.0.1 ASPNETCORE_URLS="http://${SILO_HTTP_ADDRESS:-127.0.0.1}:$SILO_HTTP"
    exec dotnet PopupStore.Silo.dll
  ) >"$log" 2>&1 &
  SILO_PID=$!
  PIDS+=("$SILO_PID")
}
