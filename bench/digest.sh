#!/usr/bin/env bash
# bench/digest.sh: the agency digest on a large sample agency on PostgreSQL,
# against the physical limit measured in the same run: psql running the very
# SQL the digest ran (written by `tickler digest -sql FILE`, values filled in).
#
#   bench/digest.sh                      # 1,000,000 staff, 5 runs each
#   STAFF=100000 RUNS=3 bench/digest.sh  # smaller
#
# It creates (and at the end drops) the database $DB on the local server,
# generates the sample with `tickler sample`, and loads it with psql \copy
# (the CSV files are the import format, whose columns match the tables; the
# importer itself validates every row and takes minutes on a million people,
# which is not what is measured here). Then, alternating, it times psql on the
# digest's SQL and `tickler digest -format json`, and reports the medians,
# their ratio and tickler's peak memory (RSS, from /usr/bin/time -v).
# Needs: go, psql/createdb/dropdb, /usr/bin/time (apt-get install -y time).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

STAFF=${STAFF:-1000000}
RUNS=${RUNS:-5}
DB=${DB:-tickler_bench_digest}
PGHOST=${PGHOST:-/var/run/postgresql}
AT=${AT:-2026-11-15}         # the sample is built around this day
MONTH=${MONTH:-2026-10}      # the digest's month: the last full one before AT
KEEP=${KEEP:-}               # set: keep the database and the work folder
REUSE=${REUSE:-}             # set: use the database $DB as it is (loaded by a run with KEEP)

work=$(mktemp -d /tmp/tickler-bench-digest.XXXXXX)
cleanup() {
  if [ -z "$KEEP$REUSE" ]; then
    rm -rf "$work"
    dropdb -h "$PGHOST" --if-exists "$DB" || true
  else
    echo "kept $work and database $DB"
  fi
}
trap cleanup EXIT

go build -o "$work/tickler" ./cmd/tickler
dsn="postgres:///$DB?host=$PGHOST&sslmode=disable"
cat > "$work/bench.yaml" <<YAML
timezone: Asia/Ho_Chi_Minh
language: vi
database: {driver: postgres, dsn: "$dsn"}
mail: {from: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>"}
http: {listen: "off"}
YAML
tickler() { "$work/tickler" -config "$work/bench.yaml" "$@"; }
psql_db() { psql -h "$PGHOST" -d "$DB" -X -q -v ON_ERROR_STOP=1 "$@"; }

if [ -n "$REUSE" ]; then
  tickler migrate
else
dropdb -h "$PGHOST" --if-exists "$DB"
createdb -h "$PGHOST" "$DB"
tickler migrate

echo "== sample: $STAFF staff around $AT"
t0=$(date +%s.%N)
tickler sample -staff "$STAFF" -at "$AT" -seed 1 -out "$work/sample"
t1=$(date +%s.%N)
s="$work/sample"
psql_db <<SQL
\copy units (code, name, parent_code, head_code, email) FROM '$s/units.csv' CSV HEADER
\copy staff (code, full_name, email, unit_code, manager_code, birth_date, gender, rank, education, political_theory, hired_on, left_on) FROM '$s/staff.csv' CSV HEADER
\copy courses (code, name, category, level, hours, valid_months) FROM '$s/courses.csv' CSV HEADER
\copy training (staff_code, course_code, start_on, status, due_on, completed_on, hours) FROM '$s/training.csv' CSV HEADER
\copy appointments (staff_code, position, start_on, unit_code, decision_no, end_on, ended_on) FROM '$s/appointments.csv' CSV HEADER
\copy planning (staff_code, position, period, approved_on, reviewed_on, status) FROM '$s/planning.csv' CSV HEADER
\copy targets (plan, category, level, starts_on, ends_on, target) FROM '$s/targets.csv' WITH (FORMAT csv, HEADER, FORCE_NOT_NULL (level))
\copy evaluations (staff_code, year, rating, score) FROM '$s/evaluations.csv' CSV HEADER
VACUUM ANALYZE;
SQL
t2=$(date +%s.%N)
printf 'generated in %.1f s, loaded with \\copy in %.1f s\n' "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
fi
psql_db -At -c "SELECT 'rows: ' || (SELECT count(*) FROM staff) || ' staff, ' || (SELECT count(*) FROM training) || ' training, ' || (SELECT count(*) FROM appointments) || ' appointments, ' || (SELECT count(*) FROM units) || ' units'"

# A first run warms the caches and writes the SQL the digest runs.
tickler digest -month "$MONTH" -format json -sql "$work/digest.sql" > "$work/first.json"
echo "statements the digest ran: $(grep -c ';$' "$work/digest.sql")"

now() { date +%s.%N; }
psql_times=() tickler_times=() rss=()
for i in $(seq "$RUNS"); do
  a=$(now)
  psql_db -A -t -o /dev/null -f "$work/digest.sql"
  b=$(now)
  /usr/bin/time -v -o "$work/time.txt" "$work/tickler" -config "$work/bench.yaml" digest -month "$MONTH" -format json > "$work/out.json"
  c=$(now)
  psql_times+=("$(echo "$b - $a" | bc)")
  tickler_times+=("$(echo "$c - $b" | bc)")
  rss+=("$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$work/time.txt")")
  printf 'run %d: psql %.3f s, tickler digest %.3f s, peak RSS %d MB\n' "$i" "${psql_times[-1]}" "${tickler_times[-1]}" "$(( ${rss[-1]} / 1024 ))"
done
cmp -s "$work/first.json" "$work/out.json" || echo "warning: the JSON changed between runs"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mp=$(median "${psql_times[@]}")
mt=$(median "${tickler_times[@]}")
maxrss=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
printf '\nmedian of %d: psql %.3f s, tickler digest %.3f s, ratio %.2f (limit 2.00); peak RSS %d MB (limit 200 MB)\n' \
  "$RUNS" "$mp" "$mt" "$(echo "$mt / $mp" | bc -l)" "$(( maxrss / 1024 ))"
