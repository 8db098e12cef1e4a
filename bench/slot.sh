#!/usr/bin/env bash
# bench/slot.sh: the embedded default (SQLite) at 100,000 staff, the four jobs
# that share 07:00 on the 1st (course-reminders, refresher-hours,
# evaluation-season, monthly-digest) run together by `tickler serve`, beside
# the same four run one after another by `tickler run`, in the same run.
# Also course-reminders' planning alone (the SQLite figure of bench/scale.sh).
#
#   bench/slot.sh                 # STAFF=100000 RUNS=3
#   STAFF=20000 RUNS=1 bench/slot.sh
#
# Needs only go (no PostgreSQL, no postfix): messages go to .eml folders.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
STAFF=${STAFF:-100000}
RUNS=${RUNS:-3}
JOBS="course-reminders refresher-hours evaluation-season monthly-digest"

work=$(mktemp -d /tmp/tickler-slot.XXXXXX)
serve_pid=
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/tickler" ./cmd/tickler
T=$work/tickler

# The shared slot: the last 07:00 in Asia/Ho_Chi_Minh, every job scheduled
# daily at 07:00 so that the daemon's first look runs that very slot.
hour=$(TZ=Asia/Ho_Chi_Minh date +%H)
if [ "$((10#$hour))" -ge 7 ]; then day=$(TZ=Asia/Ho_Chi_Minh date +%F); else day=$(TZ=Asia/Ho_Chi_Minh date -d yesterday +%F); fi
slot=${day}T07:00

config() { # config DIR
  cat > "$1/tickler.yaml" <<YAML
timezone: Asia/Ho_Chi_Minh
language: vi
database: {driver: sqlite, dsn: "$1/tickler.db"}
mail:
  transport: outbox
  outbox_dir: "$1/outbox"
  from: "Ban Tổ chức Tỉnh ủy <tochuc@example.vn>"
recipients: {hr: [tochuc@example.vn], leadership: [lanhdao@example.vn]}
http: {listen: "off"}
jobs:
  course-reminders: {schedule: "0 7 * * *", catchup_window: 1d}
  refresher-hours: {schedule: "0 7 * * *", catchup_window: 1d}
  evaluation-season: {schedule: "0 7 * * *", catchup_window: 1d}
  monthly-digest: {schedule: "0 7 * * *", catchup_window: 1d}
  reappointments: {enabled: false}
  planning-review: {enabled: false}
  delivery-failures: {enabled: false}
YAML
}
secs() { # "1m2.5s", "850ms", "2.1s" → seconds
  awk -v d="$1" 'BEGIN { s = 0
    if (match(d, /[0-9.]+m[0-9]/)) { split(d, a, "m"); s = a[1] * 60; d = substr(d, index(d, "m") + 1) }
    if (d ~ /ms$/) { sub(/ms$/, "", d); s += d / 1000 } else { sub(/s$/, "", d); s += d }
    printf "%.3f", s }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END {printf "%.2f–%.2f", lo, hi}'; }
stamp() { date -d "$1" +%s.%N; } # a log line's time= → seconds

base=$work/base
mkdir -p "$base"
config "$base"
"$T" sample -staff "$STAFF" -at "$day" -seed 1 -out "$base/sample" > /dev/null
a=$(date +%s.%N); "$T" -config "$base/tickler.yaml" import "$base/sample" > /dev/null; b=$(date +%s.%N)
printf 'imported %d staff into SQLite in %.1f s; the slot is %s\n' "$STAFF" "$(echo "$b - $a" | bc)" "$slot"

fresh() { # fresh DIR: a copy of the imported database, nothing planned yet
  rm -rf "$1"; mkdir -p "$1"; config "$1"
  cp "$base/tickler.db" "$1/tickler.db"
}

seq_t=() tog_t=() cr_t=()
for i in $(seq "$RUNS"); do
  # One after another.
  d=$work/seq; fresh "$d"; total=0
  for job in $JOBS; do
    "$T" -config "$d/tickler.yaml" run "$job" -at "$slot" > "$d/out.txt"
    p=$(secs "$(sed -n '1s/.*(planned in \([^)]*\)).*/\1/p' "$d/out.txt")")
    total=$(echo "$total + $p" | bc)
  done
  # Together: the daemon's first look starts all four.
  d=$work/tog; fresh "$d"
  "$T" -config "$d/tickler.yaml" serve 2> "$d/log.txt" & serve_pid=$!
  for _ in $(seq 6000); do
    [ "$(grep -c 'msg="job ran"' "$d/log.txt" || true)" -ge 4 ] && break
    grep -q 'msg="job failed"' "$d/log.txt" && break
    sleep 0.1
  done
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=
  if grep -qE 'level=ERROR|SQLITE_BUSY' "$d/log.txt"; then echo "the daemon's log has errors:"; grep -E 'level=ERROR|SQLITE_BUSY' "$d/log.txt"; exit 1; fi
  first=$(grep -m1 'msg="job started"' "$d/log.txt" | sed 's/^time=\([^ ]*\).*/\1/')
  last=$(grep 'msg="job ran"' "$d/log.txt" | tail -1 | sed 's/^time=\([^ ]*\).*/\1/')
  together=$(echo "$(stamp "$last") - $(stamp "$first")" | bc)
  # course-reminders' planning alone, on a database where nothing of the slot
  # is planned yet (the dry run renders and writes, then rolls back).
  d=$work/alone; fresh "$d"
  "$T" -config "$d/tickler.yaml" run course-reminders -at "$slot" -dry-run > "$work/dry.txt"
  cr=$(secs "$(sed -n '1s/.*(planned in \([^)]*\)).*/\1/p' "$work/dry.txt")")
  printf 'run %d: one after another %.2f s (planning, summed); together %.2f s (first start to last end); course-reminders alone %.2f s\n' \
    "$i" "$total" "$together" "$cr"
  seq_t+=("$total") tog_t+=("$together") cr_t+=("$cr")
done

echo
echo "| SQLite, $STAFF staff (median of $RUNS, range) | seconds |"
echo "|---|---|"
printf '| the four jobs of one slot, one after another (tickler run) | %.2f (%s) |\n' "$(median "${seq_t[@]}")" "$(range "${seq_t[@]}")"
printf '| the same four together (tickler serve, first start to last end) | %.2f (%s) |\n' "$(median "${tog_t[@]}")" "$(range "${tog_t[@]}")"
printf '| course-reminders planning alone (run -dry-run) | %.2f (%s) |\n' "$(median "${cr_t[@]}")" "$(range "${cr_t[@]}")"
