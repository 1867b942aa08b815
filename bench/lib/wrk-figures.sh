# Sourced by the wrk bench scripts: wrk_figures LUA URL ARGFILE CLIENTS SECONDS runs wrk once (at most 2 threads)
# with the given script and its argument file, and prints "calls/s p50_ms p99_ms errors" (errors: non-2xx answers
# and socket errors).
wrk_figures() {
  local threads=$(( $4 < 2 ? $4 : 2 ))
  wrk -t"$threads" -c"$4" -d"$5s" --timeout 10s --latency -s "$1" "$2" -- "$3" |
    awk '
      function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
      $1 == "50%" { p50 = ms($2) }
      $1 == "99%" { p99 = ms($2) }
      /^Requests\/sec/ { rate = $2 }
      /Non-2xx/ { errors += $NF }
      /Socket errors/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
      END { printf "%.1f %.2f %.2f %d\n", rate, p50, p99, errors }'
}
