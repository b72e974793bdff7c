#!/usr/bin/env bash
# Start the dashboard on http://localhost:8501 with the demo data (built on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "$(.venv/bin/python -m kpi snapshots --format csv 2>/dev/null)" ]; then
  .venv/bin/python -m kpi demo
fi
exec .venv/bin/python scripts/serve.py run dashboard.py --server.port "${PORT:-8501}" --server.headless true
