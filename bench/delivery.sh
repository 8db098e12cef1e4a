#!/usr/bin/env bash
# Delivery benchmark: tickler plans N course reminders and delivers them to
# postfix's smtp-sink on loopback, then postfix's smtp-source sends N messages
# of the same size to the same sink over the same number of connections, in
# the same run. Prints both rates and their ratio (target: at least 0.8).
#
#   bench/delivery.sh [-n 100000] [-c 4] [-db sqlite|postgres] [-batch 500]
#
# Needs smtp-sink and smtp-source (apt-get install -y postfix: only these two
# programs are used; the postfix service is not started). -db postgres needs
# TICKLER_TEST_POSTGRES (a fresh schema is made in it and dropped).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH

n=100000 conns=4 db=sqlite batch=500
while [ $# -gt 0 ]; do
  case "$1" in
    -n) n=$2; shift 2 ;;
    -c) conns=$2; shift 2 ;;
    -db) db=$2; shift 2 ;;
    -batch) batch=$2; shift 2 ;;
    *) echo "usage: $0 [-n N] [-c CONNECTIONS] [-db sqlite|postgres] [-batch ROWS]" >&2; exit 2 ;;
  esac
done
for tool in /usr/sbin/smtp-sink /usr/sbin/smtp-source; do
  [ -x "$tool" ] || { echo "$tool missing: apt-get install -y postfix (only its smtp-sink and smtp-source are used)" >&2; exit 2; }
done

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
sink_pid=
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# smtp-sink drops privileges when run as root; it then needs a user.
user_opt=()
[ "$(id -u)" = 0 ] && user_opt=(-u nobody)
/usr/sbin/smtp-sink "${user_opt[@]}" "127.0.0.1:$port" 1000 &
sink_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

go build -o "$work/delivery" ./bench/delivery
echo "== tickler: plan and deliver $n messages, $conns connections, $db"
"$work/delivery" -n "$n" -addr "127.0.0.1:$port" -workers "$conns" -batch "$batch" -db "$db" -eml "$work/message.eml" | tee "$work/tickler.txt"
size=$(sed -n 's/.*size=\([0-9]*\).*/\1/p' "$work/tickler.txt")
tickler_rate=$(sed -n 's/.*deliver_rate=\([0-9]*\).*/\1/p' "$work/tickler.txt")

# The same number of messages of the same size (-l: payload bytes) over the
# same number of reused connections (-d -s). On a shared machine the load
# changes from minute to minute, so smtp-source runs right after tickler and
# once more after that; the reference is the mean of the two.
source() {
  local start end
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -d -s "$conns" -m "$n" -l "$size" -f tochuc@example.vn -t p1@example.vn "127.0.0.1:$port"
  end=$(date +%s.%N)
  awk -v n="$n" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}
echo "== smtp-source: $n messages of $size bytes, $conns connections (twice)"
r1=$(source)
r2=$(source)
echo "deliver: $r1 msgs/s, then $r2 msgs/s"
source_rate=$(( (r1 + r2) / 2 ))

echo "== result"
awk -v t="$tickler_rate" -v s="$source_rate" -v db="$db" -v c="$conns" -v n="$n" -v size="$size" 'BEGIN {
  printf "%d messages of %d bytes, %d connections: tickler (%s) %d msgs/s, smtp-source %d msgs/s, ratio %.2f (target 0.80)\n", n, size, c, db, t, s, t / s
}'
