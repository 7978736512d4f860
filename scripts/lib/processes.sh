# Shared by run-sale.sh, bench.sh and scripts/chaos.sh (sourced, not run): a log prefix, a free
# loopback port, and stopping every process the script started, on exit and on Ctrl-C.
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

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}
