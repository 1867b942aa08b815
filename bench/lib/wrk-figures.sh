# Sourced by the wrk bench scripts.

# Installs Debian's wrk package when wrk is missing (as .ci/run installs the browser).
ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk
  fi
}

# wrk_figures URL post|get FILE CLIENTS SECONDS [CACHE_CONTROL] runs wrk once (at most 2 threads), sending the lines
# of FILE in turn (bench/lib/each-line.lua; CACHE_CONTROL is the header of get requests, default no-cache), and prints
# "calls/s p50_ms p99_ms errors" (errors: non-2xx answers and socket errors).
wrk_figures() {
  local threads=$(( $4 < 2 ? $4 : 2 ))
  wrk -t"$threads" -c"$4" -d"$5s" --timeout 10s --latency -s bench/lib/each-line.lua "$1" -- "$3" "$2" ${6:+"$6"} |
    awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      $1 == "50%" { p50 = ms($2) }
      $1 == "99%" { p99 = ms($2) }
      /^Requests\/sec/ { rate = $2 }
      /Non-2xx/ { errors += $NF }
      /Socket errors/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
      END { printf "%.1f %.2f %.2f %d\n", rate, p50, p99, errors }'
}
