#!/bin/sh
# Installs the interop npm packages (the LiveStore client, playwright-core) when they are missing or older than
# package-lock.json. The Maven build runs this before the tests of impl-vertx and server (exec-maven-plugin);
# `mvn -DskipInterop` skips it and the tests that need it.
set -e
cd "$(dirname "$0")"
need="Node.js 20+ with npm is needed for the LiveStore interop and browser tests: install it (https://nodejs.org, or apt-get install nodejs npm), or build with -DskipInterop"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "[eventsync] $need" >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "[eventsync] found Node.js $(node --version); $need" >&2
  exit 1
fi
# npm ci writes node_modules/.package-lock.json; it is current when it is newer than package-lock.json
if [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[eventsync] interop npm packages are up to date"
  exit 0
fi
echo "[eventsync] installing the interop npm packages (npm ci --prefix interop)"
npm ci --no-audit --no-fund --loglevel=error
