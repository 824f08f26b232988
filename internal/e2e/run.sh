#!/usr/bin/env bash
# Runs the end-to-end test (internal/e2e, build tag e2e) against a real
# OpenTelemetry Collector: `make e2e` builds the collector, then calls
#
#	internal/e2e/run.sh COLLECTOR_BINARY
#
# from the repository root. The script starts the collector in the
# background with the OTLP receiver on two free loopback ports (gRPC and
# HTTP) and the file exporter writing to .bin/e2e/traces.json, runs the test
# with those endpoints in E2E_* variables, and stops the collector however
# the test ends. The collector's log, the traces it wrote and the services'
# JSONL logs stay in .bin/e2e/ for a look after a failure. First it
# validates the deployment example docs/deploy/otelcol/config.yaml with the
# same collector.
set -euo pipefail

collector=${1:?usage: internal/e2e/run.sh COLLECTOR_BINARY}
go=${GO:-go}
config=internal/e2e/collector/config.yaml
work=.bin/e2e

# The deployment example must load in this collector (its batch processor
# and OTLP exporter are in the build for that): validate parses it, checks
# every key of every component and the pipelines, and starts nothing.
echo "e2e: $collector validate --config docs/deploy/otelcol/config.yaml"
"$collector" validate --config docs/deploy/otelcol/config.yaml

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

pid=
stop_collector() {
	if [[ -z $pid ]] || ! kill -0 "$pid" 2>/dev/null; then
		return
	fi
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do # SIGTERM: it shuts down cleanly within a second
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "e2e: collector (pid $pid) ignored SIGTERM for 5 s; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	pid=
}
trap stop_collector EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port prints a loopback port below Linux's ephemeral range (so that no
# outgoing connection of this machine takes it meanwhile) that nothing
# listens on now. Another program can still take it before the collector
# binds it; the start loop below retries on other ports then.
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
	echo "e2e: found no free loopback port in 100 tries" >&2
	return 1
}

ready=
for attempt in 1 2 3 4 5; do
	E2E_OTLP_GRPC_PORT=$(free_port)
	E2E_OTLP_HTTP_PORT=$(free_port)
	if [[ $E2E_OTLP_GRPC_PORT == "$E2E_OTLP_HTTP_PORT" ]]; then
		continue
	fi
	export E2E_OTLP_GRPC_PORT E2E_OTLP_HTTP_PORT
	export E2E_TRACES_FILE=$work/traces.json
	"$collector" --config "$config" >"$work/collector.log" 2>&1 &
	pid=$!
	for _ in $(seq 300); do # 30 s
		if grep -q 'Everything is ready' "$work/collector.log"; then
			ready=1
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [[ -n $ready ]]; then
		break
	fi
	echo "e2e: collector did not start (attempt $attempt, ports $E2E_OTLP_GRPC_PORT and $E2E_OTLP_HTTP_PORT); its log:" >&2
	cat "$work/collector.log" >&2
	stop_collector
done
if [[ -z $ready ]]; then
	echo "e2e: giving up: the collector did not start in 5 attempts" >&2
	exit 1
fi
echo "e2e: collector pid $pid: OTLP gRPC on 127.0.0.1:$E2E_OTLP_GRPC_PORT, HTTP on 127.0.0.1:$E2E_OTLP_HTTP_PORT, traces to $E2E_TRACES_FILE"

E2E_OTLP_GRPC_ENDPOINT=http://127.0.0.1:$E2E_OTLP_GRPC_PORT \
	E2E_OTLP_HTTP_ENDPOINT=http://127.0.0.1:$E2E_OTLP_HTTP_PORT \
	E2E_WORKDIR=$work \
	"$go" test -tags e2e -race -count=1 -v ./internal/e2e/
