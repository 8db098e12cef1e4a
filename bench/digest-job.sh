#!/usr/bin/env bash
# bench/digest-job.sh: the monthly-digest job on a loaded sample agency,
# against the physical limit measured in the same run.
#
#   bench/digest-job.sh DB              e.g. bench/digest-job.sh tickler_bench_1m
#   RUNS=5 bench/digest-job.sh DB       more runs (default 3)
#
# DB is a PostgreSQL database already filled by bench/load.sh (it is not
# reloaded; its records are only read). Each run empties the outbox and the
# kept figures (TRUNCATE deliveries, delivery_items, job_runs,
# digest_figures: every run is the month's first), then measures:
#
#   tickler   `tickler run monthly-digest -at $AT` with mail.transport outbox:
#             the "planned in" time it prints on its first line (records to
#             outbox rows: every scope's figures, rendering, INSERTs), and its
#             peak RSS (/usr/bin/time -v; the whole process, delivery to .eml
#             files included);
#   sql       psql running every read the run made (TICKLER_SQL_LOG, values
#             filled in), each wrapped as COPY (...) TO STDOUT, on one
#             connection: the bare aggregate SQL, fetched whole;
#   copy      psql \copy of the deliveries and delivery_items rows the run
#             wrote (as planned: state pending) into tables created LIKE
#             them INCLUDING ALL (the same indexes): a bulk write of the same
#             outbox rows.
#
# and prints each run, the medians with their ranges, and the ratio
# tickler / (sql + copy) that issue 7 wants at most 2. Runs hold the lock
# file $LOCK (default /tmp/bench-db.lock) while they write to DB, so that
# engineers sharing the database take turns.
# Needs: go, psql, /usr/bin/time (apt-get install -y time), awk, flock.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

DB=${1:?usage: bench/digest-job.sh DB}
RUNS=${RUNS:-3}
AT=${AT:-2026-12-01T07:00}
PGHOST=${PGHOST:-/var/run/postgresql}
LOCK=${LOCK:-/tmp/bench-db.lock}

work=$(mktemp -d /tmp/tickler-digest-job.XXXXXX)
cleanup() {
  psql -h "$PGHOST" -d "$DB" -X -q -c "DROP TABLE IF EXISTS bench_copy_deliveries, bench_copy_delivery_items" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/tickler" ./cmd/tickler
cat > "$work/bench.yaml" <<YAML
timezone: Asia/Ho_Chi_Minh
language: vi
database: {driver: postgres, dsn: "postgres:///$DB?host=$PGHOST&sslmode=disable"}
mail: {transport: outbox, outbox_dir: "$work/outbox", from: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>"}
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
http: {listen: "off"}
YAML
psql_db() { PGOPTIONS="-c client_min_messages=warning" psql -h "$PGHOST" -d "$DB" -X -q -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
# seconds reads a Go duration as tickler prints it (850ms, 24.5s, 2m26.7s, 1h2m3s).
seconds() {
  awk -v d="$1" 'BEGIN {
    s = 0
    while (match(d, /^[0-9.]+(h|ms|m|s|µs)/)) {
      part = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
      n = part + 0; u = part; sub(/^[0-9.]+/, "", u)
      s += n * (u == "h" ? 3600 : u == "m" ? 60 : u == "s" ? 1 : u == "ms" ? 0.001 : 0.000001)
    }
    printf "%.3f", s
  }'
}
# copies turns the reads log into COPY (...) TO STDOUT statements: a
# statement ends on a line ending in ";" that is not a comment.
copies() {
  awk '
    { buf = buf $0 "\n" }
    /;[ \t]*$/ && $0 !~ /^[ \t]*--/ {
      sub(/;[ \t]*\n$/, "", buf)
      print "COPY (" buf "\n) TO STDOUT;"
      buf = ""
    }' "$1"
}
# The outbox columns as planning writes them (a delivered row is put back to pending).
cols="id, key, job, slot, recipient, recipient_name, cc, subject, text_body, html_body, attachments, message_id, state, attempts, next_attempt_at, created_at"
planned_cols="id, key, job, slot, recipient, recipient_name, cc, subject, text_body, html_body, attachments, message_id, 'pending', 0, created_at, created_at"

exec 9>"$LOCK"
echo "monthly-digest on $DB at $AT, $RUNS runs"
psql_db -At -c "SELECT (SELECT count(*) FROM staff) || ' staff, ' || (SELECT count(*) FROM training) || ' training, ' || (SELECT count(*) FROM units) || ' units'"
printf '%-4s %10s %9s %9s %9s %7s %9s %9s\n' run tickler_s sql_s copy_s limit_s ratio rss_MB messages
declare -a T S C L R M
for i in $(seq 1 "$RUNS"); do
  flock 9
  psql_db -c "TRUNCATE deliveries, delivery_items, delivery_payloads, render_sets, job_runs, digest_figures"
  rm -rf "$work/outbox" "$work/reads.sql"
  /usr/bin/time -v -o "$work/time.txt" env TICKLER_SQL_LOG="$work/reads.sql" \
    "$work/tickler" -config "$work/bench.yaml" run monthly-digest -at "$AT" > "$work/run.out"
  first=$(head -1 "$work/run.out")
  planned=$(seconds "$(sed -n 's/.*(planned in \(.*\))$/\1/p' <<<"$first")")
  messages=$(sed -n 's/.*items, \([0-9]*\) messages.*/\1/p' <<<"$first")
  rss=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$work/time.txt")
  rm -rf "$work/outbox"

  # (a) the reads, fetched whole by psql on one connection.
  copies "$work/reads.sql" > "$work/copies.sql"
  t0=$(now)
  psql_db -f "$work/copies.sql" > /dev/null
  sql=$(echo "$(now) - $t0" | bc)

  # (b) the same outbox rows, written with COPY into tables like the outbox.
  psql_db -c "\\copy (SELECT $planned_cols FROM deliveries) TO '$work/deliveries.copy'" \
          -c "\\copy (SELECT * FROM delivery_items) TO '$work/items.copy'" \
          -c "DROP TABLE IF EXISTS bench_copy_deliveries, bench_copy_delivery_items" \
          -c "CREATE TABLE bench_copy_deliveries (LIKE deliveries INCLUDING ALL)" \
          -c "CREATE TABLE bench_copy_delivery_items (LIKE delivery_items INCLUDING ALL)"
  t0=$(now)
  psql_db -c "\\copy bench_copy_deliveries ($cols) FROM '$work/deliveries.copy'" \
          -c "\\copy bench_copy_delivery_items FROM '$work/items.copy'"
  copy=$(echo "$(now) - $t0" | bc)
  psql_db -c "DROP TABLE bench_copy_deliveries, bench_copy_delivery_items"
  rm -f "$work/deliveries.copy" "$work/items.copy"
  flock -u 9

  limit=$(echo "$sql + $copy" | bc)
  ratio=$(echo "scale=2; $planned / $limit" | bc)
  T+=("$planned"); S+=("$sql"); C+=("$copy"); L+=("$limit"); R+=("$ratio"); M+=("$rss")
  printf '%-4s %10.1f %9.1f %9.1f %9.1f %7.2f %9s %9s\n' "$i" "$planned" "$sql" "$copy" "$limit" "$ratio" "$rss" "$messages"
done

# median and range of a list of numbers
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {printf "%.2f (%.2f–%.2f)", v[int((NR + 1) / 2)], v[1], v[NR]}'; }
echo
echo "median (range) of $RUNS runs:"
echo "  tickler planning  $(stats "${T[@]}") s"
echo "  bare SQL (psql)   $(stats "${S[@]}") s"
echo "  COPY of the rows  $(stats "${C[@]}") s"
echo "  limit (sql+copy)  $(stats "${L[@]}") s"
echo "  ratio             $(stats "${R[@]}")   (target: at most 2)"
echo "  peak RSS          $(stats "${M[@]}") MB   (target: under 200 MB at 1,000,000 staff)"
