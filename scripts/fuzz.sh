#!/usr/bin/env bash
# Fuzzes the scenario loader and the command line (parser, --query, the game's
# verbs) with libFuzzer through cargo-fuzz, for a bounded time per target:
#   scripts/fuzz.sh [SECONDS]      (default 60 per target)
# The seed corpus is the scenario library; what the fuzzer learns is minimised
# back into fuzz/corpus/<target>/, and crashes land in fuzz/artifacts/<target>/
# (each one is a finding: add it as a regression test, then fix it).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}

command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
# cargo-fuzz passes nightly-only flags (-Zsanitizer); the stable toolchain
# accepts them with RUSTC_BOOTSTRAP, which is the only toolchain this project uses.
export RUSTC_BOOTSTRAP=1

# Seeds: every scenario file, and every scenario's investigation and fix lines.
mkdir -p fuzz/corpus/scenario_load fuzz/corpus/command_line
cp scenarios/*.yaml fuzz/corpus/scenario_load/
for f in scenarios/*.yaml; do
  id=$(basename "$f" .yaml)
  python3 - "$f" > "fuzz/corpus/command_line/$id.txt" <<'PY'
import sys, re
lines, keep = open(sys.argv[1]).read().split('\n'), False
for l in lines:
    if re.match(r'^(investigation|fix):', l): keep = True; continue
    if keep and l.startswith('  - '): print(('fix ' if False else '') + l[4:])
    elif keep and l and not l.startswith(' '): keep = False
PY
done

for target in scenario_load command_line; do
  echo "== $target ($secs s)"
  cargo fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -timeout=20
  cargo fuzz cmin "$target" "fuzz/corpus/$target" -- -rss_limit_mb=2048 -timeout=20
done
echo "no crash; corpus in fuzz/corpus/, findings (none) would be in fuzz/artifacts/"
