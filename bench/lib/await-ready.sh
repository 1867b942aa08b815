# Sourced by the bench scripts: await_ready PORT PID LOG waits (up to 10 minutes) until the server on PORT
# reports ready, and stops the script if the process PID exits first.
await_ready() {
  local port="$1" pid="$2" log="$3"
  echo "Waiting for the server on port $port (log: $log)..."
  for _ in $(seq 1 600); do
    if curl -fs "http://localhost:$port/actuator/health/readiness" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "server exited; see $log"; exit 1; fi
    sleep 1
  done
  echo "server not ready within 10 minutes; see $log"; exit 1
}
