#!/usr/bin/env bash
# The system packages the suite depends on, printed at the start of npm test and npm run bench:
# a change of one of them (Debian updates Chromium under us) then shows up as a named cause.
# PROVEN_* is what the suite last passed with; a different version is a note, not a failure,
# since Debian's archive keeps only the current build and a pin to an older one cannot install.
PROVEN_CHROMIUM="150.0.7871.100"
PROVEN_ORTHANC="1.10.1"
print_versions() {
  local chromium orthanc
  chromium="$( (/usr/bin/chromium --version 2>/dev/null || true) | grep -oE '[0-9]+(\.[0-9]+){3}' | head -1)"
  orthanc="$(dpkg-query -W -f='${Version}' orthanc 2>/dev/null | sed -E 's/[+~-].*//')"
  local playwright
  playwright="$(node -p "require('./node_modules/playwright-core/package.json').version" 2>/dev/null || echo '?')"
  echo "[versions] chromium ${chromium:-missing} (proven with $PROVEN_CHROMIUM), orthanc ${orthanc:-missing} (proven with $PROVEN_ORTHANC), playwright-core $playwright, node $(node --version)"
  if [ "${chromium:-}" != "$PROVEN_CHROMIUM" ]; then
    echo "[versions] NOTE: Chromium ${chromium:-missing} is not the version the suite was proven with ($PROVEN_CHROMIUM); an e2e failure may come from the browser"
  fi
  if [ "${orthanc:-}" != "$PROVEN_ORTHANC" ]; then
    echo "[versions] NOTE: Orthanc ${orthanc:-missing} is not the version the suite was proven with ($PROVEN_ORTHANC)"
  fi
}
