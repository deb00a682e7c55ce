#!/usr/bin/env bash
# System packages the test suite needs beyond PyPI: Debian's chromium for the browser test (Playwright's own
# browser download is not reachable here) and CJK fonts so its screenshots show the Chinese. Idempotent.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
fi
