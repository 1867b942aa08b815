# Sourced by the CDS bench scripts: start_cds_server PORT [server args...] builds the test classpath, starts the
# bench server (profiles dev + bench: the trivial 'hello' CDS service beside ours; in-memory H2; write validation
# off for the synthetic load) in the background, stops it when the script exits, and waits until it is ready.
# Sets CP (the classpath) for the client.
start_cds_server() {
  local port="$1"; shift
  source bench/lib/test-classpath.sh
  build_test_classpath
  local log="server/target/bench-server.log"
  java -Xms1g -Xmx1g ${SERVER_JAVA_OPTS:-} -cp "$CP" org.resistancecds.bench.BenchServer "$@" \
    --server.port="$port" \
    --spring.datasource.url="jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1" \
    --resistance.validation.mode=off \
    --resistance.content.load-examples=false \
    --logging.level.root=WARN >"$log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
  source bench/lib/await-ready.sh
  await_ready "$port" "$SERVER_PID" "$log"
}

# start_wrk_bench PORT DIR PATIENTS SIZE: what both wrk scripts do before measuring: install wrk when missing,
# start the bench server, then store PATIENTS synthetic patients of SIZE resources with the CDS benchmark client,
# which writes one patient-view request per patient (prefetch sent, and fetched) under DIR.
start_wrk_bench() {
  local port="$1" dir="$2" patients="$3" size="$4"
  source bench/lib/wrk-figures.sh
  ensure_wrk
  start_cds_server "$port"
  java -cp "$CP" org.resistancecds.bench.CdsBenchmark "http://localhost:$port" --patients "$patients" --size "$size" \
    --write-requests "$dir"
}
