#!/usr/bin/env bash
# Runs the end-to-end tests (internal/e2e, build tag e2e) against real
# programs: `make e2e` builds them into .bin/, then calls
#
#	internal/e2e/run.sh COLLECTOR VICTORIALOGS JAEGER
#
# from the repository root, with the three binaries. The script validates
# the deployment example docs/deploy/otelcol/config.yaml with the
# collector, builds dynlog from this checkout, and starts on free loopback
# ports:
#
#   - the collector with internal/e2e/collector/config.yaml (OTLP in, spans
#     to .bin/e2e/traces.json), for TestCollectorReceivesLoggedSpans;
#   - VictoriaLogs, Jaeger with docs/deploy/jaeger/config.yaml, and a
#     second collector with docs/deploy/otelcol/victorialogs-jaeger.yaml
#     tailing .bin/e2e/stores/*.jsonl, for TestLogsAndTracesInStores.
#
# It runs the tests with their endpoints in E2E_* variables, prints the
# lines of the checks (CHECK ...) at the end, and stops every process it
# started however the tests end. The logs of every process, the traces the
# first collector wrote, the services' JSONL files and the test's output
# (test.log) stay in .bin/e2e/ for a look after a failure.
set -euo pipefail

usage="usage: internal/e2e/run.sh COLLECTOR VICTORIALOGS JAEGER"
collector=${1:?$usage}
victorialogs=${2:?$usage}
jaeger=${3:?$usage}
go=${GO:-go}
work=.bin/e2e

# The deployment example must load in this collector (its batch processor
# and OTLP exporter are in the build for that): validate parses it, checks
# every key of every component and the pipelines, and starts nothing.
echo "e2e: $collector validate --config docs/deploy/otelcol/config.yaml"
"$collector" validate --config docs/deploy/otelcol/config.yaml

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

# Every process started here, as "name pid" lines, stopped in reverse order
# however the script ends.
started=()
stop_one() {
	local name=$1 pid=$2
	if ! kill -0 "$pid" 2>/dev/null; then
		wait "$pid" 2>/dev/null || true
		return 0 # a bare return in a trap returns the status the script exits with
	fi
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do # SIGTERM: each shuts down cleanly within a second or so
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "e2e: $name (pid $pid) ignored SIGTERM for 5 s; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}
stop_all() {
	local i
	set +e # stop every process, whatever one of them does
	for ((i = ${#started[@]} - 1; i >= 0; i--)); do
		# shellcheck disable=SC2086 # "name pid"
		stop_one ${started[i]}
	done
	started=()
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port VAR sets VAR to a loopback port below Linux's ephemeral range
# (so that no outgoing connection of this machine takes it meanwhile) that
# nothing listens on now and that this script has not handed out before.
# Another program can still take it before the process binds it; start
# retries on other ports then.
given=" "
free_port() {
	local port
	for _ in $(seq 100); do
		port=$((20000 + RANDOM % 12000))
		if [[ $given != *" $port "* ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			given+="$port "
			printf -v "$1" %s "$port"
			return
		fi
	done
	echo "e2e: found no free loopback port in 100 tries" >&2
	return 1
}

# start NAME READY: ports_NAME picks (and exports) the process's ports,
# launch_NAME starts it in the background with its output in
# $work/NAME.log; then start waits up to 60 s for the fixed string READY in
# that log. Five attempts, each on new ports. The pid is left in $pid.
pid=
start() {
	local name=$1 ready=$2 attempt
	for attempt in 1 2 3 4 5; do
		"ports_$name"
		"launch_$name" >"$work/$name.log" 2>&1 &
		pid=$!
		started+=("$name $pid")
		for _ in $(seq 600); do # 60 s
			# -s: the background shell may not have opened the log yet
			if grep -qsF "$ready" "$work/$name.log"; then
				return 0
			fi
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		echo "e2e: $name did not start (attempt $attempt); its log:" >&2
		cat "$work/$name.log" >&2
		stop_one "$name" "$pid"
		unset 'started[${#started[@]}-1]'
	done
	echo "e2e: giving up: $name did not start in 5 attempts" >&2
	exit 1
}

# The collector TestCollectorReceivesLoggedSpans exports to
# (internal/e2e/collector/config.yaml): OTLP in, spans to a file.
ports_collector() {
	free_port E2E_OTLP_GRPC_PORT
	free_port E2E_OTLP_HTTP_PORT
	export E2E_OTLP_GRPC_PORT E2E_OTLP_HTTP_PORT
	export E2E_TRACES_FILE=$work/traces.json
}
launch_collector() { exec "$collector" --config internal/e2e/collector/config.yaml; }

# VictoriaLogs, its data under $work.
ports_victorialogs() { free_port VICTORIALOGS_PORT; }
launch_victorialogs() {
	exec "$victorialogs" -httpListenAddr="127.0.0.1:$VICTORIALOGS_PORT" \
		-storageDataPath="$work/victorialogs-data" -retentionPeriod=7d
}

# Jaeger v2 with docs/deploy/jaeger/config.yaml.
ports_jaeger() {
	local otlp http grpc
	free_port otlp
	free_port http
	free_port grpc
	export JAEGER_OTLP_GRPC_ENDPOINT=127.0.0.1:$otlp
	export JAEGER_QUERY_HTTP_ENDPOINT=127.0.0.1:$http
	export JAEGER_QUERY_GRPC_ENDPOINT=127.0.0.1:$grpc
}
launch_jaeger() { exec "$jaeger" --config docs/deploy/jaeger/config.yaml; }

# The node's collector with docs/deploy/otelcol/victorialogs-jaeger.yaml:
# the services' files into VictoriaLogs, their spans to Jaeger.
ports_node_collector() {
	local otlp
	free_port otlp
	export OTLP_GRPC_ENDPOINT=127.0.0.1:$otlp
	export DYNLOG_LOG_FILES=$work/stores/*.jsonl
	export VICTORIALOGS_URL=http://127.0.0.1:$VICTORIALOGS_PORT
	export JAEGER_OTLP_ENDPOINT=$JAEGER_OTLP_GRPC_ENDPOINT
}
launch_node_collector() { exec "$collector" --config docs/deploy/otelcol/victorialogs-jaeger.yaml; }

echo "e2e: building dynlog from this checkout into $work/dynlog"
"$go" build -o "$work/dynlog" ./cmd/dynlog
mkdir -p "$work/stores"

start collector 'Everything is ready'
echo "e2e: collector pid $pid: OTLP gRPC on 127.0.0.1:$E2E_OTLP_GRPC_PORT, HTTP on 127.0.0.1:$E2E_OTLP_HTTP_PORT, traces to $E2E_TRACES_FILE"
start victorialogs 'started server at'
victorialogs_pid=$pid
echo "e2e: VictoriaLogs pid $pid on http://127.0.0.1:$VICTORIALOGS_PORT"
start jaeger 'Everything is ready'
echo "e2e: Jaeger pid $pid: OTLP gRPC on $JAEGER_OTLP_GRPC_ENDPOINT, query on http://$JAEGER_QUERY_HTTP_ENDPOINT"
start node_collector 'Everything is ready'
echo "e2e: node collector pid $pid: OTLP gRPC on $OTLP_GRPC_ENDPOINT, tailing $DYNLOG_LOG_FILES"

set +o pipefail # the test's status is read below, tee's does not count
E2E_OTLP_GRPC_ENDPOINT=http://127.0.0.1:$E2E_OTLP_GRPC_PORT \
	E2E_OTLP_HTTP_ENDPOINT=http://127.0.0.1:$E2E_OTLP_HTTP_PORT \
	E2E_WORKDIR=$work \
	E2E_STORES_OTLP_ENDPOINT=http://$OTLP_GRPC_ENDPOINT \
	E2E_STORES_LOG_DIR=$work/stores \
	E2E_VICTORIALOGS_URL=http://127.0.0.1:$VICTORIALOGS_PORT \
	E2E_VICTORIALOGS_PID=$victorialogs_pid \
	E2E_JAEGER_QUERY_URL=http://$JAEGER_QUERY_HTTP_ENDPOINT \
	E2E_DYNLOG=$work/dynlog \
	"$go" test -tags e2e -race -count=1 -v ./internal/e2e/ 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -o pipefail
echo "e2e: the checks (and any store found down, any test failed):"
grep -hE 'CHECK |is down: |--- FAIL' "$work/test.log" | sed 's/^ *[a-z_]*\.go:[0-9]*: /  /' || true
exit "$status"
