#!/usr/bin/env bash
# Clean debug build of the same small program against roblox-inventory (default
# features: rustls with ring on its own clients), roblox-inventory with aws-lc-rs
# (`rustls-aws-lc`, reqwest's own provider), and the peer rbxcloud 0.17, one after
# the other: `bash tests/dependent-build/measure.sh` (needs the crates.io index).
# Each side resolves its own lockfile; prints wall time and the crates cargo compiled.
set -u
for side in ours aws-lc peer; do
  cd "$(dirname "$0")/$side"
  rm -rf target
  start=$(date +%s.%N)
  crates=$(cargo build 2>&1 | grep -c '^ *Compiling ')
  end=$(date +%s.%N)
  printf '%s: %.1f s, %s crates compiled\n' "$side" "$(echo "$end - $start" | bc)" "$crates"
  cd - >/dev/null
done
