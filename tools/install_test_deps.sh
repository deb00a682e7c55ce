#!/usr/bin/env bash
# System packages the test suite needs beyond PyPI: Debian's chromium for the browser test (Playwright's own
# browser download is not reachable here), CJK fonts so its screenshots and rendered workbooks show the
# Chinese, LibreOffice (headless Calc) and poppler-utils for the tests that recalculate and render workbooks
# (issues 15 and 18: without them those tests would only be skipped). Idempotent.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
