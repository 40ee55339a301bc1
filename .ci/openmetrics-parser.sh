#!/usr/bin/env bash
# Installs the Prometheus project's OpenMetrics parser (its Python client, from Debian's packages), which the
# OpenMetrics output tests parse with. Sourced by .ci/run; without it those tests fail under CI and are skipped elsewhere.
if ! /usr/bin/python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing the Prometheus OpenMetrics parser (python3-prometheus-client) for the tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-prometheus-client) >/dev/null 2>&1 || true
fi
