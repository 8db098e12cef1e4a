#!/usr/bin/env bash
# bench/load.sh: fill a PostgreSQL database with a sample agency, fast.
#
#   bench/load.sh DB STAFF [AT]       e.g. bench/load.sh tickler_bench_1m 1000000 2026-11-26
#
# It (re)creates DB on the local server ($PGHOST, default /var/run/postgresql),
# applies tickler's migrations, writes the sample with `tickler sample` (the
# import format) and loads the files with psql \copy: COPY, not row-by-row
# INSERT. The CSV columns are the tables' columns, so nothing is transformed.
# `tickler import` would validate every row and take minutes on a million
# people; it is tested elsewhere, not measured here.
# Needs: go, psql, createdb, dropdb. Prints the time of each part.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

DB=${1:?usage: bench/load.sh DB STAFF [AT]}
STAFF=${2:?usage: bench/load.sh DB STAFF [AT]}
AT=${3:-2026-11-26}
SEED=${SEED:-1}
PGHOST=${PGHOST:-/var/run/postgresql}

work=$(mktemp -d /tmp/tickler-load.XXXXXX)
trap 'rm -rf "$work"' EXIT
go build -o "$work/tickler" ./cmd/tickler
dsn="postgres:///$DB?host=$PGHOST&sslmode=disable"
printf 'database: {driver: postgres, dsn: "%s"}\nhttp: {listen: "off"}\n' "$dsn" > "$work/load.yaml"

now() { date +%s.%N; }
t0=$(now)
dropdb -h "$PGHOST" --if-exists "$DB"
createdb -h "$PGHOST" "$DB"
"$work/tickler" -config "$work/load.yaml" migrate >/dev/null
"$work/tickler" sample -staff "$STAFF" -at "$AT" -seed "$SEED" -out "$work/sample" >/dev/null
t1=$(now)
s="$work/sample"
psql -h "$PGHOST" -d "$DB" -X -q -v ON_ERROR_STOP=1 <<SQL
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
t2=$(now)
psql -h "$PGHOST" -d "$DB" -X -At -c "SELECT (SELECT count(*) FROM staff) || ' staff, ' || (SELECT count(*) FROM training) || ' training, ' || (SELECT count(*) FROM appointments) || ' appointments, ' || (SELECT count(*) FROM units) || ' units'"
printf 'generated in %.1f s, loaded with COPY in %.1f s\n' "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
