#!/usr/bin/env bash
# Installs, from Debian's packages and only when missing, what HopsML Lab needs:
#   build: Node.js and npm (to build the JupyterLab extension)
#   test:  a Java runtime (Spark), PostgreSQL (catalog tests), Chromium (browser tests)
set -euo pipefail
what=${1:-test}
packages=()
need() { command -v "$1" >/dev/null 2>&1 || packages+=("$2"); }

need node nodejs
need npm npm
if [ "$what" = test ]; then
  need java openjdk-17-jre-headless
  need chromium chromium
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
fi
[ ${#packages[@]} -eq 0 ] && exit 0

echo "Installing from Debian's packages: ${packages[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${packages[@]}"
