#!/usr/bin/env bash
# Lints proto/ and regenerates libs/contracts/src/generated/ from it (see buf.gen.yaml).
# Run from anywhere: `bash scripts/gen-proto.sh` or `npm run proto:gen`. Idempotent.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The local plugin is a `#!/usr/bin/env node` script: put the project's Node (the `node` package)
# and buf first on PATH.
export PATH="$root/node_modules/.bin:$PATH"

for tool in buf protoc-gen-ts_proto; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "gen-proto: $tool not found in node_modules/.bin; run npm ci first" >&2
    exit 1
  fi
done

buf lint
buf generate
echo "gen-proto: generated TypeScript in libs/contracts/src/generated"
