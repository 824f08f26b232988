package config

import (
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/dynlog/dynlog/core/internal/env"
	"github.com/dynlog/dynlog/internal/outside"
)

// The OTLP protocols and the default endpoint, as package tracing/otlp
// names them (this package links no exporter).
const (
	protocolGRPC         = "grpc"
	protocolHTTPProtobuf = "http/protobuf"
	defaultGRPCEndpoint  = "http://localhost:4317"
)

// exportConfig reads the OTLP export variables through lookup:
//
//   - OTEL_EXPORT_ENABLED, a boolean under Dynamo's rule;
//   - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) and
//     OTEL_EXPORTER_OTLP_ENDPOINT (a base URL), the first winning; each
//     must be an http:// or https:// URL with a host, or, when the protocol
//     is gRPC, a bare HOST:PORT, read as http://HOST:PORT;
//   - OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL:
//     grpc or http/protobuf, trimmed, in any case;
//   - OTEL_SERVICE_NAME;
//   - OTEL_TRACES_SAMPLE_RATIO, a number from 0 to 1;
//   - OTEL_LOGS_EXPORTER (see logsExporter), and when it turns log export
//     on, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT (used as is; it wins over
//     OTEL_EXPORTER_OTLP_ENDPOINT) and OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
//     else OTEL_EXPORTER_OTLP_PROTOCOL, under the same rules as the traces'
//     (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL does not apply to logs).
//
// A variable set to the empty string (or white space) counts as unset. A
// bad value gives one error, which says what it did instead: a bad endpoint
// or ratio is ignored, a bad protocol becomes grpc. The defaults of what is
// left unset are those of package tracing/otlp's NewProvider.
func exportConfig(lookup func(string) (string, bool)) (Export, []error) {
	var (
		cfg  Export
		errs []error
	)
	get := func(name string) (string, bool) {
		v, ok := lookup(name)
		if !ok || strings.TrimSpace(v) == "" {
			return "", false
		}
		return v, true
	}

	if v, ok := get("OTEL_EXPORT_ENABLED"); ok {
		var known bool
		if cfg.Enabled, known = env.ParseBool(v); !known {
			errs = append(errs, fmt.Errorf("dynlog: OTEL_EXPORT_ENABLED=%s is not a boolean (want %s); taking it as false", outside.Quote(v), env.BoolWords))
		}
	}

	// endpoint reads an endpoint variable for protocol: an http:// or
	// https:// URL with a host, or for gRPC a bare HOST:PORT, which the
	// OTel gRPC exporters accept and which is read as http://HOST:PORT
	// (without TLS, as the default http://localhost:4317).
	endpoint := func(name, protocol string) string {
		v, ok := get(name)
		if !ok {
			return ""
		}
		v = strings.TrimSpace(v)
		if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return v
		}
		if isHostPort(v) {
			if protocol == protocolHTTPProtobuf {
				errs = append(errs, fmt.Errorf("dynlog: %s=%s has no scheme, which OTLP over http/protobuf needs (such as http://%s); ignoring it",
					name, outside.Quote(v), outside.Text(v)))
				return ""
			}
			return "http://" + v
		}
		errs = append(errs, fmt.Errorf("dynlog: %s=%s is not an http:// or https:// URL with a host, nor for gRPC a HOST:PORT (such as %s or localhost:4317); ignoring it",
			name, outside.Quote(v), defaultGRPCEndpoint))
		return ""
	}

	// protocol reads the first of names that is set; a variable read for
	// both signals is reported once.
	protocols := map[string]string{}
	protocol := func(names ...string) string {
		for _, name := range names {
			if p, seen := protocols[name]; seen {
				return p
			}
			v, ok := get(name)
			if !ok {
				continue
			}
			p := strings.ToLower(strings.TrimSpace(v))
			if p != protocolGRPC && p != protocolHTTPProtobuf {
				errs = append(errs, fmt.Errorf("dynlog: %s=%s is not an OTLP protocol dynlog speaks (want %s or %s); using %s",
					name, outside.Quote(v), protocolGRPC, protocolHTTPProtobuf, protocolGRPC))
				p = protocolGRPC
			}
			protocols[name] = p
			return p
		}
		return ""
	}
	cfg.Protocol = protocol("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
	cfg.TracesEndpoint = endpoint("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", cfg.Protocol)
	cfg.Endpoint = endpoint("OTEL_EXPORTER_OTLP_ENDPOINT", cfg.Protocol)

	if v, ok := get("OTEL_SERVICE_NAME"); ok {
		cfg.ServiceName = v
	}

	if v, ok := get("OTEL_TRACES_SAMPLE_RATIO"); ok {
		r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(r) || r < 0 || r > 1 {
			errs = append(errs, fmt.Errorf("dynlog: OTEL_TRACES_SAMPLE_RATIO=%s is not a number from 0 to 1; ignoring it (every trace is sampled, following a remote parent's decision)", outside.Quote(v)))
		} else {
			cfg.SampleRatio = &r
		}
	}

	on, err := logsExporter(lookup)
	if err != nil {
		errs = append(errs, err)
	}
	if on {
		cfg.LogsEnabled = true
		cfg.LogsProtocol = protocol("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
		cfg.LogsEndpoint = endpoint("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", cfg.LogsProtocol)
		if cfg.LogsProtocol == "" && cfg.Protocol != "" {
			// Protocol came from the traces' own variable, which
			// NewProvider would otherwise apply to logs too.
			cfg.LogsProtocol = protocolGRPC
		}
	}
	return cfg, errs
}

// isHostPort reports whether v is HOST:PORT with a non-empty host, no
// scheme or path, and a numeric port.
func isHostPort(v string) bool {
	host, port, err := net.SplitHostPort(v)
	if err != nil || host == "" || port == "" || strings.ContainsAny(host, "/@?#") {
		return false
	}
	_, err = strconv.ParseUint(port, 10, 16)
	return err == nil
}

// logsExporter reads OTEL_LOGS_EXPORTER, OpenTelemetry's comma-separated
// list of log exporters (trimmed, any case): log export is on when it
// names otlp, and off when it is unset or names only none. dynlog has no
// other log exporter; naming one (console, say) gives an error, which
// says so, and leaves it out.
func logsExporter(lookup func(string) (string, bool)) (bool, error) {
	v, ok := lookup("OTEL_LOGS_EXPORTER")
	if !ok {
		return false, nil
	}
	on := false
	var unknown []string
	for name := range strings.SplitSeq(v, ",") {
		switch n := strings.ToLower(strings.TrimSpace(name)); n {
		case "otlp":
			on = true
		case "none", "":
		default:
			unknown = append(unknown, outside.Quote(n))
		}
	}
	if len(unknown) > 0 {
		return on, fmt.Errorf("dynlog: OTEL_LOGS_EXPORTER=%s: dynlog exports logs over otlp only; ignoring %s", outside.Quote(v), strings.Join(unknown, ", "))
	}
	return on, nil
}
