#!/usr/bin/env bash
# Try sign-in: the dashboard with a local OpenID Connect provider (npm `oidc-provider`, run by Node,
# scripts/oidc/server.js) and its demo users, both on 127.0.0.1. Prints the URL; Ctrl+C stops both.
#
# The [auth] section (redirect_uri, cookie_secret, client_id/secret, server_metadata_url of the
# local provider) is written to a temporary folder, never into the repository, and passed to
# Streamlit with --secrets.files. Roles: the provider's `roles` claim; a user without one gets the
# catalogue's grants, seeded from data/roles.example.toml ($KPI_ROLES_FILE overrides) when empty. Ports: APP_PORT (8502), OIDC_PORT
# (9400). KPI_SKIP_SETUP=1 skips scripts/setup.sh (the browser test has run it).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${APP_PORT:-8502}
OIDC_PORT=${OIDC_PORT:-9400}
if [ "${KPI_SKIP_SETUP:-}" != "1" ]; then
  bash scripts/setup.sh --signin
fi
if ! command -v node >/dev/null || [ ! -d scripts/oidc/node_modules/oidc-provider ]; then
  echo "start_signin.sh: Node.js and scripts/oidc/node_modules are needed (bash scripts/setup.sh --signin installs them)" >&2
  exit 1
fi
if [ -z "$(.venv/bin/python -m kpi snapshots --format csv 2>/dev/null)" ]; then
  .venv/bin/python -m kpi demo
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kpi-signin.XXXXXX")
provider_pid=""
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [ -n "$provider_pid" ] && kill "$provider_pid" 2>/dev/null && wait "$provider_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redirect="http://127.0.0.1:${APP_PORT}/oauth2callback"
client_secret=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(32))")
.venv/bin/python - "$work/secrets.toml" "$redirect" "$client_secret" "$OIDC_PORT" <<'EOF'
import secrets
import sys

import tomli_w

path, redirect, client_secret, oidc_port = sys.argv[1:]
auth = {
    "redirect_uri": redirect,
    "cookie_secret": secrets.token_urlsafe(32),
    "client_id": "kpi-dashboard",
    "client_secret": client_secret,
    "server_metadata_url": f"http://127.0.0.1:{oidc_port}/.well-known/openid-configuration",
    # the local provider knows the OIDC prompts login/consent/none, not Streamlit's default select_account
    "client_kwargs": {"prompt": "login"},
}
with open(path, "wb") as out:
    tomli_w.dump({"auth": auth}, out)
EOF
chmod 600 "$work/secrets.toml"

OIDC_PORT="$OIDC_PORT" APP_REDIRECT_URI="$redirect" OIDC_CLIENT_ID=kpi-dashboard OIDC_CLIENT_SECRET="$client_secret" \
  node scripts/oidc/server.js &
provider_pid=$!
for _ in $(seq 1 100); do
  if .venv/bin/python -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
       "http://127.0.0.1:${OIDC_PORT}/.well-known/openid-configuration" 2>/dev/null; then
    break
  fi
  kill -0 "$provider_pid" 2>/dev/null || { echo "start_signin.sh: the OIDC provider did not start" >&2; exit 1; }
  sleep 0.2
done

export KPI_ROLES_FILE="${KPI_ROLES_FILE:-$PWD/data/roles.example.toml}"
.venv/bin/python scripts/serve.py run dashboard.py --server.port "$APP_PORT" --server.headless true \
  --server.address 127.0.0.1 --secrets.files "$work/secrets.toml" &
app_pid=$!
cat <<EOF
Dashboard with sign-in: http://127.0.0.1:${APP_PORT}
Local OIDC provider:    http://127.0.0.1:${OIDC_PORT}
Demo users (README, "Sign-in and roles"):
  lanhdao@demo.vn     / lanhdao123      viewer
  chuyenvien@demo.vn  / chuyenvien123   editor
  truongphong@demo.vn / truongphong123  approver, viewer
  quantri@demo.vn     / quantri123      no roles claim: the catalogue's grants (seeded from $KPI_ROLES_FILE)
EOF
wait "$app_pid"
