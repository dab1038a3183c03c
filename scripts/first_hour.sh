#!/usr/bin/env bash
# A new user's first hour, end to end, as the README tells it: a fresh virtual environment, the
# README's plain (not editable) install of this checkout, `leonardo serve` in the background,
# the two export lines it prints, `leonardo generate "a fox" --wait --out DIR`, the images on
# disk, and Ctrl+C (SIGINT) stopping the server with status 0.
#
#   bash scripts/first_hour.sh [PYTHON]      (default: python3; needs pip's index)
#
# It leaves nothing behind: everything lives in a temporary directory removed on exit.
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
work="$(mktemp -d)"
server=""

cleanup() {
    # Only a server that failed the test is still running here.
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -KILL "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "first hour: FAILED: $*" >&2
    for log in "$work"/*.log; do
        [ -s "$log" ] && { echo "--- $(basename "$log")" >&2; tail -n 40 "$log" >&2; }
    done
    exit 1
}
step() { echo "+ $*"; }

# The commands come from the README, so that what it tells a new user is what is tested.
install_block="$(awk '/^## Install/{s=1} s && /^```sh$/{b=1; next} b && /^```$/{exit} b' \
    "$checkout/README.md")"
for expected in 'pip install /path/to/leonardoaisdk' \
    'pip install "leonardoaisdk @ git+<repository URL>"'; do
    grep -qxF "$expected" <<<"$install_block" ||
        fail "the README's Install section has no line: $expected"
done

# A new user's shell: no key and no server from the environment this script runs in.
unset LEONARDO_API_KEY LEONARDO_SERVER_URL

venv="$work/venv"
step "$python -m venv $venv"
timeout 120 "$python" -m venv "$venv" || fail "cannot create a virtual environment"
step "pip install $checkout   (the README's: pip install /path/to/leonardoaisdk)"
timeout 300 "$venv/bin/pip" install --quiet "$checkout" >"$work/pip.log" 2>&1 ||
    fail "the plain install failed"

# The SDK's own install brings its runtime packages only, none of the test tooling.
"$venv/bin/python" - <<'EOF' || fail "the plain install is not the SDK's runtime packages alone"
import importlib.metadata as metadata
import sys

import leonardoaisdk  # noqa: F401

installed = {d.metadata["Name"].lower().replace("_", "-") for d in metadata.distributions()}
needed = {"requests", "dataclasses-json", "python-dateutil", "typing-inspect", "tqdm"}
missing = needed - installed
test_only = installed & {"pytest", "hypothesis", "ipykernel", "nbclient", "httpx", "fastapi", "flask"}
if missing or test_only:
    sys.exit(f"missing {sorted(missing)}, test tooling installed {sorted(test_only)}")
print(f"  {len(installed)} distributions installed, the SDK imports")
EOF

# pip's requirement parser refuses a URL without a host (git+file:///path); git takes localhost.
git_url="git+file://localhost$checkout"
step "pip install \"leonardoaisdk @ $git_url\"   (the README's git URL form, into a scratch dir)"
timeout 300 "$venv/bin/pip" install --quiet --no-deps --target "$work/from-git" \
    "leonardoaisdk @ $git_url" >"$work/pip-git.log" 2>&1 ||
    fail "the install from a git URL failed"
[ -f "$work/from-git/leonardoaisdk/__init__.py" ] || fail "the git URL install has no package"

port="$("$venv/bin/python" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"
step "leonardo serve --port $port &"
# A background job of a non-interactive shell starts with SIGINT ignored: the kill -INT below
# checks that serve installs its own handler rather than relying on what it inherited.
"$venv/bin/leonardo" serve --port "$port" >"$work/serve.log" 2>"$work/serve-stderr.log" &
server=$!

for _ in $(seq 1 150); do
    [ "$(wc -l <"$work/serve.log")" -ge 2 ] && break
    kill -0 "$server" 2>/dev/null || fail "leonardo serve exited before printing its exports"
    sleep 0.1
done
exports="$(head -n 2 "$work/serve.log")"
[ "$(wc -l <<<"$exports")" -eq 2 ] || fail "leonardo serve printed no export lines within 15 s"
grep -qE "^export LEONARDO_SERVER_URL=[^[:space:]]+$" <<<"$(head -n 1 <<<"$exports")" ||
    fail "the first line is not the server URL's export: $(head -n 1 <<<"$exports")"
grep -qE "^export LEONARDO_API_KEY=[^[:space:]]+$" <<<"$(tail -n 1 <<<"$exports")" ||
    fail "the second line is not the API key's export"
step "eval the two export lines"
eval "$exports"
[ "$LEONARDO_SERVER_URL" = "http://127.0.0.1:$port/api/rest/v1" ] && [ -n "$LEONARDO_API_KEY" ] ||
    fail "the export lines do not set LEONARDO_SERVER_URL and LEONARDO_API_KEY"

images="$work/images"
step "leonardo generate \"a fox\" --wait --out $images"
(cd "$work" && timeout 120 "$venv/bin/leonardo" generate "a fox" --wait --out "$images") \
    >"$work/generate.log" 2>&1 || fail "leonardo generate failed"
sed 's/^/  /' "$work/generate.log"

"$venv/bin/python" - "$images" <<'EOF' || fail "the images on disk are not PNG or JPEG files"
import sys
from pathlib import Path

files = sorted(p for p in Path(sys.argv[1]).rglob("*") if p.is_file())
if not files:
    sys.exit("no image was downloaded")
for path in files:
    with path.open("rb") as f:
        head = f.read(8)
    if not (head == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff"):
        sys.exit(f"{path.name} is neither PNG nor JPEG: {head!r}")
print(f"  {len(files)} images on disk, PNG or JPEG: {', '.join(p.name for p in files)}")
EOF

step "kill -INT $server   (leonardo serve)"
kill -INT "$server"
for _ in $(seq 1 50); do
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$server" 2>/dev/null && fail "leonardo serve still runs 5 s after SIGINT"
status=0
wait "$server" || status=$?
server=""
[ "$status" -eq 0 ] || fail "leonardo serve exited with status $status after SIGINT"
if grep -qE 'Traceback \(most recent call last\)|Exception in thread' "$work/serve-stderr.log"; then
    fail "leonardo serve printed a traceback"
fi
echo "first hour: OK (serve stopped on SIGINT with status 0)"
