#!/usr/bin/env bash
# bench/scale.sh: tickler at a province's scale, against the machine's own
# limits measured in the same run (issue 7). One command, one table:
#
#   bench/scale.sh                 # 1,000,000 and 100,000 staff on PostgreSQL, 100,000 on SQLite
#   RUNS=5 bench/scale.sh          # more runs per figure (the median is reported)
#   JOBS="course-reminders" bench/scale.sh
#   TICKLER_BIN=/path/to/tickler SKIP_SQLITE=1 bench/scale.sh   # another build, PostgreSQL only
#   EXTRA_YAML='jobs: {course-reminders: {escalation: []}}' bench/scale.sh
#
# For each job (course-reminders, reappointments and monthly-digest by
# default) on the 1,000,000-staff database it runs
# `tickler run JOB -at $AT` RUNS times, the outbox emptied before each run,
# with SMTP to postfix's smtp-sink on loopback, and takes from tickler's own
# output the planning time (scan to outbox) and the delivery time. Beside it,
# in the same run, the physical limit of each part:
#   scan      the reads tickler ran (recorded with TICKLER_SQL_LOG, parameters
#             filled in) fetched whole by psql as COPY (...) TO STDOUT, on one
#             connection (for the monthly digest: its aggregate SQL, every
#             unit's figures);
#   write     the outbox rows the run wrote (deliveries, delivery_items and
#             delivery_lists),
#             written again by COPY into tables shaped like them (LIKE ...
#             INCLUDING ALL: the same columns, keys and indexes);
#   delivery  postfix's smtp-source sending as many messages of the run's mean
#             size to the same sink over the same number of connections.
# Then tickler's peak memory (RSS) at 100,000 and 1,000,000 staff, and
# course-reminders' planning on the embedded default (SQLite) at 100,000.
#
# Databases: tickler_bench_1m and tickler_bench_100k on the local server,
# loaded by bench/load.sh when missing (about 4 minutes for a million).
# Needs: go, psql, /usr/bin/time, postfix's smtp-sink and smtp-source
# (apt-get install -y postfix time: only those two postfix programs are used).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

RUNS=${RUNS:-3}
AT=${AT:-2026-11-26}
RUN_AT=${RUN_AT:-${AT}T07:00}
CONNS=${CONNS:-4}
JOBS=${JOBS:-course-reminders reappointments monthly-digest}
PGHOST=${PGHOST:-/var/run/postgresql}
BIG=${BIG:-tickler_bench_1m}
SMALL=${SMALL:-tickler_bench_100k}
LOCK=${LOCK:-/tmp/bench-db.lock}
# PUBLIC_URL: the answer pages' address, as a province's deployment sets it:
# personal reminders carry answer links, and a list cut at mail.list_limit
# (HR's) is linked to instead of attached. PUBLIC_URL= runs without.
PUBLIC_URL=${PUBLIC_URL-https://tickler.example.vn}

for tool in /usr/sbin/smtp-sink /usr/sbin/smtp-source /usr/bin/time psql; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y postfix time postgresql-client" >&2; exit 2; }
done

work=$(mktemp -d /tmp/tickler-scale.XXXXXX)
sink_pid=
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# TICKLER_BIN: measure that build instead (an earlier version, for a comparison).
if [ -n "${TICKLER_BIN:-}" ]; then cp "$TICKLER_BIN" "$work/tickler"; else go build -o "$work/tickler" ./cmd/tickler; fi

have_db() { psql -h "$PGHOST" -d postgres -X -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'" | grep -q 1; }
have_db "$BIG" || bench/load.sh "$BIG" 1000000 "$AT"
have_db "$SMALL" || bench/load.sh "$SMALL" 100000 "$AT"

port=$((20000 + RANDOM % 20000))
user_opt=()
[ "$(id -u)" = 0 ] && user_opt=(-u nobody)
/usr/sbin/smtp-sink "${user_opt[@]}" "127.0.0.1:$port" 1000 &
sink_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

config() { # config DRIVER DSN FILE
  cat > "$3" <<YAML
timezone: Asia/Ho_Chi_Minh
language: vi
database: {driver: $1, dsn: "$2"}
mail:
  transport: smtp
  from: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>"
  reply_to: tochuc@example.vn
  smtp: {host: 127.0.0.1, port: $port, tls: none}
  delivery: {workers: $CONNS, batch_size: 500}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
http: {listen: "off", public_url: "$PUBLIC_URL"}
${EXTRA_YAML:-}
YAML
}
pg_dsn() { echo "postgres:///$1?host=$PGHOST&sslmode=disable"; }
psql_db() { psql -h "$PGHOST" -d "$1" -X -q -v ON_ERROR_STOP=1 "${@:2}"; }
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f–%.2f", lo, hi}'; }
secs() { # "1m2.5s", "850ms", "2.1s" → seconds
  awk -v d="$1" 'BEGIN { s = 0
    if (match(d, /[0-9.]+m[0-9]/)) { split(d, a, "m"); s = a[1] * 60; d = substr(d, index(d, "m") + 1) }
    if (d ~ /ms$/) { sub(/ms$/, "", d); s += d / 1000 } else { sub(/s$/, "", d); s += d }
    printf "%.3f", s }'
}
# Every run is the first of its slot: no message of it in the outbox, no
# digest figures kept for its month.
reset_outbox() { psql_db "$1" -c "TRUNCATE delivery_items, delivery_lists, delivery_payloads, render_sets, deliveries RESTART IDENTITY CASCADE; DELETE FROM job_runs; DELETE FROM digest_figures;"; }

# run_job DB JOB LOG: one real run; prints "planning_s delivery_s messages rss_kb bytes_sent".
run_job() {
  local db=$1 job=$2 log=$3 out=$work/run.txt
  config postgres "$(pg_dsn "$db")" "$work/$db.yaml"
  flock "$LOCK" bash -c "
    $work/tickler -config $work/$db.yaml migrate > /dev/null  # the tables the reset empties exist
    $(declare -f reset_outbox psql_db); PGHOST=$PGHOST reset_outbox $db
    TICKLER_SQL_LOG=$log /usr/bin/time -v -o $work/time.txt $work/tickler -config $work/$db.yaml run $job -at $RUN_AT > $out"
  local planned delivered msgs rss bytes
  planned=$(sed -n '1s/.*(planned in \([^)]*\)).*/\1/p' "$out")
  delivered=$(sed -n 's/^delivered: .*(in \([^)]*\))$/\1/p' "$out")
  bytes=$(sed -n 's/^delivered: .*, \([0-9]*\) bytes (in .*/\1/p' "$out")
  msgs=$(sed -n '1s/.*items, \([0-9]*\) messages.*/\1/p' "$out")
  rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")
  echo "$(secs "$planned") $(secs "${delivered:-0s}") $msgs $rss ${bytes:-0}"
}

# The limits of one job's run on DB, from the reads in LOG and the rows in the outbox.
limit_scan() { # DB LOG → seconds
  awk 'BEGIN { RS = ";\n" } NF { gsub(/\n/, " "); print "COPY (" $0 ") TO STDOUT;" }' "$2" > "$work/scan.sql"
  local a b
  a=$(now); psql_db "$1" -o /dev/null -f "$work/scan.sql"; b=$(now)
  echo "$b - $a" | bc
}
limit_write() { # DB → seconds to COPY the outbox rows into tables shaped like them
  psql_db "$1" <<SQL
DROP TABLE IF EXISTS bench_deliveries, bench_delivery_items, bench_delivery_lists, bench_delivery_payloads;
CREATE TABLE bench_deliveries (LIKE deliveries INCLUDING ALL);
CREATE TABLE bench_delivery_items (LIKE delivery_items INCLUDING ALL);
CREATE TABLE bench_delivery_lists (LIKE delivery_lists INCLUDING ALL);
CREATE TABLE bench_delivery_payloads (LIKE delivery_payloads INCLUDING ALL);
\copy deliveries TO '$work/deliveries.copy'
\copy delivery_items TO '$work/items.copy'
\copy delivery_lists TO '$work/lists.copy'
\copy delivery_payloads TO '$work/payloads.copy'
SQL
  local a b
  a=$(now)
  psql_db "$1" -c "\\copy bench_deliveries FROM '$work/deliveries.copy'" -c "\\copy bench_delivery_items FROM '$work/items.copy'" \
    -c "\\copy bench_delivery_lists FROM '$work/lists.copy'" -c "\\copy bench_delivery_payloads FROM '$work/payloads.copy'"
  b=$(now)
  psql_db "$1" -c "DROP TABLE bench_deliveries, bench_delivery_items, bench_delivery_lists, bench_delivery_payloads;"
  echo "$b - $a" | bc
}
mean_size() { # BYTES MESSAGES → mean bytes of a message as it went on the wire (most are rendered at send)
  echo $(( $2 > 0 ? $1 / $2 : 2000 ))
}
limit_smtp() { # N SIZE → seconds for smtp-source
  local a b
  a=$(now)
  /usr/sbin/smtp-source -d -s "$CONNS" -m "$1" -l "$2" -f tochuc@example.vn -t p1@example.vn "127.0.0.1:$port"
  b=$(now)
  echo "$b - $a" | bc
}

rows=()
row() { rows+=("$(printf '| %s | %s | %s | %s | %s |' "$@")"); }

for job in $JOBS; do
  echo "== $job on $BIG: $RUNS runs"
  plan=() deliver=() scan=() write=() smtp=() rss_runs=() ratio_p=() ratio_d=() e2e=() limit=() ratio_e=()
  for i in $(seq "$RUNS"); do
    log=$work/reads-$i.sql; : > "$log"
    read -r p d n rss bytes < <(run_job "$BIG" "$job" "$log")
    size=$(mean_size "$bytes" "$n")
    s=$(limit_scan "$BIG" "$log")
    w=$(flock "$LOCK" bash -c "$(declare -f limit_write psql_db now); PGHOST=$PGHOST work=$work limit_write $BIG")
    m=$(limit_smtp "$n" "$size")
    printf 'run %d: %d messages (%d bytes): tickler plans %.2f s, delivers %.2f s; scan %.2f s + COPY %.2f s; smtp-source %.2f s; peak RSS %d MB\n' \
      "$i" "$n" "$size" "$p" "$d" "$s" "$w" "$m" "$((rss / 1024))"
    plan+=("$p") deliver+=("$d") scan+=("$s") write+=("$w") smtp+=("$m")
    ratio_p+=("$(echo "$p / ($s + $w)" | bc -l)") ratio_d+=("$(echo "($n / $d) / ($n / $m)" | bc -l)")
    e2e+=("$(echo "$p + $d" | bc -l)") limit+=("$(echo "$s + $m" | bc -l)") ratio_e+=("$(echo "($p + $d) / ($s + $m)" | bc -l)")
    rss_runs+=("$rss") msgs=$n
  done
  mp=$(median "${plan[@]}") ms=$(median "${scan[@]}") mw=$(median "${write[@]}")
  md=$(median "${deliver[@]}") mm=$(median "${smtp[@]}")
  row "$job: planning, 1M staff ($msgs messages)" "$(printf '%.2f s (%s)' "$mp" "$(range "${plan[@]}")")" \
    "$(printf '%.2f s scan + %.2f s COPY' "$ms" "$mw")" "$(printf '%.2f× (%s)' "$(median "${ratio_p[@]}")" "$(range "${ratio_p[@]}")")" "≤ 2×"
  row "$job: end to end, slot to last message accepted" "$(printf '%.2f s (%s)' "$(median "${e2e[@]}")" "$(range "${e2e[@]}")")" \
    "$(printf '%.2f s scan + smtp-source' "$(median "${limit[@]}")")" "$(printf '%.2f× (%s)' "$(median "${ratio_e[@]}")" "$(range "${ratio_e[@]}")")" "≤ 2×"
  row "$job: delivery, $CONNS connections" "$(printf '%.0f msgs/s' "$(echo "$msgs / $md" | bc -l)")" \
    "$(printf '%.0f msgs/s (smtp-source)' "$(echo "$msgs / $mm" | bc -l)")" "$(printf '%.2f× (%s)' "$(median "${ratio_d[@]}")" "$(range "${ratio_d[@]}")")" "≥ 0.8×"
  eval "rss_big_${job//-/_}=$(printf %.0f "$(median "${rss_runs[@]}")")" # the median of the runs, as every other figure
done

echo "== peak memory at 100,000 staff"
for job in $JOBS; do
  # RUNS times, the median taken, as at a million: one run alone moves
  # by several MB from one run to the next.
  small_runs=()
  for i in $(seq 1 "$RUNS"); do
    read -r p d n rss _ < <(run_job "$SMALL" "$job" /dev/null)
    small_runs+=("$rss")
  done
  rss_small=$(printf %.0f "$(median "${small_runs[@]}")")
  echo "$job at 100k: peak RSS $(for r in "${small_runs[@]}"; do printf '%d ' $((r / 1024)); done)MB"
  big_var="rss_big_${job//-/_}"
  big=${!big_var}
  row "$job: peak memory" "$((big / 1024)) MB at 1M, $((rss_small / 1024)) MB at 100k" "200 MB" \
    "$(printf '%.2f× of 100k' "$(echo "$big / $rss_small" | bc -l)")" "< 200 MB, ≤ 1.25×"
done

if [ -z "${SKIP_SQLITE:-}" ]; then
echo "== SQLite, 100,000 staff: course-reminders planning"
sq=$work/sqlite
mkdir -p "$sq"
"$work/tickler" sample -staff 100000 -at "$AT" -seed 1 -out "$sq/sample" > /dev/null
config sqlite "$sq/tickler.db" "$sq/tickler.yaml"
a=$(now); "$work/tickler" -config "$sq/tickler.yaml" import "$sq/sample" > /dev/null; b=$(now)
printf 'imported 100,000 staff into SQLite in %.1f s\n' "$(echo "$b - $a" | bc)"
sqp=()
for i in $(seq "$RUNS"); do
  sqlite_reset() { "$work/tickler" -config "$sq/tickler.yaml" migrate > /dev/null; }
  python3 - "$sq/tickler.db" <<'PY' 2>/dev/null || sqlite3 "$sq/tickler.db" "DELETE FROM delivery_items; DELETE FROM delivery_lists; DELETE FROM delivery_payloads; DELETE FROM render_sets; DELETE FROM deliveries; DELETE FROM job_runs;"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript("DELETE FROM delivery_items; DELETE FROM delivery_lists; DELETE FROM delivery_payloads; DELETE FROM render_sets; DELETE FROM deliveries; DELETE FROM job_runs;"); c.commit()
PY
  "$work/tickler" -config "$sq/tickler.yaml" run course-reminders -at "$RUN_AT" -dry-run > "$sq/out.txt"
  p=$(secs "$(sed -n '1s/.*(planned in \([^)]*\)).*/\1/p' "$sq/out.txt")")
  echo "run $i: planned in $p s (dry run: rendered and written, then rolled back)"
  sqp+=("$p")
done
row "course-reminders: planning, SQLite, 100k staff" "$(printf '%.2f s (%s)' "$(median "${sqp[@]}")" "$(range "${sqp[@]}")")" "10 s" \
  "$(printf '%.2f× of the target' "$(echo "$(median "${sqp[@]}") / 10" | bc -l)")" "< 10 s"

fi

echo
echo "| part | tickler (median of $RUNS, range) | limit, same run | ratio | target |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
