#!/usr/bin/env bash
# Spark's GPU discovery script (spark.{worker,executor,driver}.resource.gpu.discoveryScript):
# prints {"name": "gpu", "addresses": ["0", "1", ...]}, the GPUs nvidia-smi sees here.
set -euo pipefail
indices=""
if command -v nvidia-smi >/dev/null 2>&1; then
  indices=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi
printf '{"name": "gpu", "addresses": ['
first=1
for index in $indices; do
  [ "$first" = 1 ] || printf ', '
  printf '"%s"' "$index"
  first=0
done
printf ']}\n'
