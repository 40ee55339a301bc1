#!/usr/bin/env bash
# Start-up of the riskgate command line, as whole-process wall times (medians of ROUNDS runs, run in
# turn so that the load of the machine falls on all of them alike):
#   java -version                          the JVM alone
#   git diff --numstat base HEAD           git alone
#   java -jar riskgate.jar --version       the command line doing nothing
#   java -jar riskgate.jar assess          a typical change: 29 files in 4 directories, a migration
#   cli/bin/riskgate --version | assess    the same with the class-data-sharing archive (riskgate.jsa)
# and, given a second jar (e.g. one built from an earlier commit), its --version and assess too; given
# an earlier checkout's launcher instead (EARLIER/cli/bin/riskgate), its --version and assess.
#
# With STORE=DIR (an embedded record store), also `report --format json --store DIR` through each launcher.
#
# Usage: [STORE=DIR] bench/startup.sh [ROUNDS] [EARLIER.jar|EARLIER-LAUNCHER]     (after mvn -B -DskipTests package; default 10 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}
earlier=${2:-}
jar=cli/target/riskgate.jar
[ -f "$jar" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
[ -f cli/target/riskgate.jsa ] || echo "note: cli/target/riskgate.jsa is missing: cli/bin/riskgate runs without it" >&2
repo=$(mktemp -d /tmp/riskgate-startup.XXXXXX)
# the history cache of these runs (each assess after the first reads it) stays beside the repository
export RISKGATE_CACHE_DIR="$repo.cache"
trap 'rm -rf "$repo" "$repo.cache"' EXIT
(
  cd "$repo"
  git init -q && git config user.email dev@example.com && git config user.name Dev
  for d in api core db web infra; do
    mkdir -p "src/$d"
    for i in $(seq 1 8); do seq 1 80 | sed "s/^/line $d $i /" > "src/$d/F$i.java"; done
  done
  git add -A && git commit -qm base && git tag base
  for d in api core db web; do
    for i in $(seq 1 6); do sed -i '5,9s/line/changed/' "src/$d/F$i.java"; done
    echo "new" > "src/$d/New.java"
  done
  mkdir -p db/migration && echo "ALTER TABLE t ADD COLUMN c INT;" > db/migration/V2__add.sql
  git add -A && git commit -qm head
)
names=() commands=()
add() { names+=("$1"); commands+=("$2"); }
add "java -version" "java -version"
add "git diff --numstat" "git -C $repo diff --numstat base HEAD"
if [ -n "$earlier" ] && [ "${earlier%.jar}" != "$earlier" ]; then
  add "earlier: java -jar --version" "java -jar $earlier --version"
  add "earlier: java -jar assess" "java -jar $earlier assess --repo $repo --base base"
elif [ -n "$earlier" ]; then
  add "earlier: launcher --version" "$earlier --version"
  add "earlier: launcher assess" "$earlier assess --repo $repo --base base"
  [ -n "${STORE:-}" ] && add "earlier: launcher report --format json" "$earlier report --format json --store $STORE"
fi
add "java -jar riskgate.jar --version" "java -jar $jar --version"
add "java -jar riskgate.jar assess" "java -jar $jar assess --repo $repo --base base"
add "cli/bin/riskgate --version" "cli/bin/riskgate --version"
add "cli/bin/riskgate assess" "cli/bin/riskgate assess --repo $repo --base base"
[ -n "${STORE:-}" ] && add "cli/bin/riskgate report --format json" "cli/bin/riskgate report --format json --store $STORE"
declare -A times
for r in $(seq 0 "$rounds"); do
  for k in "${!names[@]}"; do
    t0=$(date +%s%N)
    ${commands[$k]} > /dev/null 2>&1
    t1=$(date +%s%N)
    [ "$r" -gt 0 ] && times[$k]+="$(( (t1 - t0) / 1000000 )) "   # round 0 warms the file cache
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds; $(java -version 2>&1 | head -1)"
base=$(echo "${times[0]}" | median)
printf '| %s | %s | %s |\n| --- | ---: | ---: |\n' "command" "median wall time (ms)" "/ java -version"
for k in "${!names[@]}"; do
  m=$(echo "${times[$k]}" | median)
  printf '| `%s` | %s | %.2f |\n' "${names[$k]}" "$m" "$(echo "$m / $base" | bc -l)"
done
