#!/usr/bin/env bash
# The `pytorch` section of bench/run.sh: PyTorch on the same MNIST files and the same two cores, as the peer to
# beat on time to 98.0% (bench/pytorch_mnist.py). Uses Debian's python3-torch; skipped, with the reason, without it.
#   bench/pytorch.sh DATA_DIR RESULTS_JSON
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3   # Debian's interpreter: python3-torch installs into its dist-packages
if ! "$PY" -c 'import torch' >/dev/null 2>&1; then
  echo "bench: pytorch section skipped: Debian's python3-torch is not installed (sudo apt-get install -y python3-torch)"
  exit 0
fi
exec "$PY" "$ROOT/bench/pytorch_mnist.py" --data-dir "$1" --results "$2" --threads 2 --out "$ROOT/target/bench-pytorch.json"
