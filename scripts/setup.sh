#!/usr/bin/env bash
# The README's first command: install what is missing, build, start PostgreSQL and Redis under .data/,
# migrate, seed the demo organisation, and serve on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

install_packages
require_swift
log "building (release)"
swift build -c release
BIN=$(swift build -c release --show-bin-path)

log "starting PostgreSQL and Redis under .data/"
"$BIN/crewplan" dev up
log "migrating"
"$BIN/crewplan" migrate up
if "$BIN/crewplan" seed demo --json > .data/demo.json 2> .data/seed.err; then
  log "seeded the demo organisation"
else
  grep -q "already has" .data/seed.err && log "demo organisation already seeded (crewplan seed demo --replace reseeds it)" || { cat .data/seed.err >&2; exit 1; }
fi

if [ ! -s .data/jwt.key ]; then
  umask 077
  head -c 48 /dev/urandom | base64 > .data/jwt.key
fi

cat >&2 <<MSG
==> serving on http://127.0.0.1:8080 (Ctrl-C stops; 'crewplan dev down' stops the databases)
    pages:   http://127.0.0.1:8080/ (admin@demo.example.com / crewplan-demo-2026), status: http://127.0.0.1:8080/status
    log in:  curl -s -X POST http://127.0.0.1:8080/api/v1/auth/login -H 'content-type: application/json' \\
               -d '{"email":"admin@demo.example.com","password":"crewplan-demo-2026"}'
    API:     http://127.0.0.1:8080/openapi.json
MSG
exec "$BIN/crewplan-server" --jwt-key-file .data/jwt.key --log-format text
