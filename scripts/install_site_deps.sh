#!/usr/bin/env bash
# Install what the website needs beyond the Python packages, idempotently:
#   * a local copy of MathJax 3 (npm package mathjax, pinned below) so pages typeset math without a CDN;
#     the Sphinx extension book/_ext/local_mathjax.py copies it into _build/html/_mathjax/ at build time;
#   * JupyterHub's proxy, configurable-http-proxy (npm, pinned below), for `make hub` and tests/test_hub.py;
#     it goes in its own prefix because `npm install --no-save` prunes what else is in a prefix;
#   * with --browser: Debian's chromium and chromium-driver, used by tests/test_website.py.
#
# Usage: scripts/install_site_deps.sh [--browser]
# Environment: QKV_MATHJAX_PREFIX (default .venv/share/qkv-site) is where npm installs MathJax;
# QKV_HUB_PREFIX (default .venv/share/qkv-hub) is where it installs configurable-http-proxy.
# Running it again when everything is in place does nothing and takes well under a second.
set -euo pipefail

MATHJAX_VERSION=3.2.2
CHP_VERSION=5.3.0
cd "$(dirname "$0")/.."
PREFIX="${QKV_MATHJAX_PREFIX:-.venv/share/qkv-site}"
MJ="$PREFIX/node_modules/mathjax"

need_npm() {
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            apt-get update -qq && apt-get install -y -qq npm
        else
            echo "npm is needed to install $1 (Debian/Ubuntu: sudo apt-get install npm)" >&2
            exit 1
        fi
    fi
}

installed_version() {
    [ -f "$MJ/package.json" ] || return 0
    sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$MJ/package.json" | head -n 1
}

if [ "$(installed_version)" = "$MATHJAX_VERSION" ] && [ -f "$MJ/es5/tex-mml-chtml.js" ]; then
    echo "MathJax $MATHJAX_VERSION already in $MJ"
else
    need_npm MathJax
    mkdir -p "$PREFIX"
    npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "mathjax@$MATHJAX_VERSION"
    test -f "$MJ/es5/tex-mml-chtml.js"
    echo "MathJax $(installed_version) installed in $MJ"
fi

HUB_PREFIX="${QKV_HUB_PREFIX:-.venv/share/qkv-hub}"
CHP="$HUB_PREFIX/node_modules/configurable-http-proxy"
if [ "$(MJ="$CHP" installed_version)" = "$CHP_VERSION" ] && [ -x "$HUB_PREFIX/node_modules/.bin/configurable-http-proxy" ]; then
    echo "configurable-http-proxy $CHP_VERSION already in $CHP"
else
    need_npm configurable-http-proxy
    mkdir -p "$HUB_PREFIX"
    npm install --prefix "$HUB_PREFIX" --no-audit --no-fund --no-save --loglevel=error \
        "configurable-http-proxy@$CHP_VERSION"
    test -x "$HUB_PREFIX/node_modules/.bin/configurable-http-proxy"
    echo "configurable-http-proxy $(MJ="$CHP" installed_version) installed in $CHP"
fi

if [ "${1:-}" = "--browser" ]; then
    if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        echo "chromium and chromedriver already installed"
    elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq chromium chromium-driver
    else
        echo "Install Chromium and its driver (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)" >&2
        exit 1
    fi
fi
