package core

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/dynlog/dynlog/internal/env"
	"github.com/dynlog/dynlog/tracing"
)

// exportConfig reads the OTLP export variables of DESIGN §8 through lookup:
//
//   - OTEL_EXPORT_ENABLED, a boolean under Dynamo's rule;
//   - OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as is) and
//     OTEL_EXPORTER_OTLP_ENDPOINT (a base URL), the first winning; each
//     must be an http:// or https:// URL with a host;
//   - OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL:
//     grpc or http/protobuf, trimmed, in any case;
//   - OTEL_SERVICE_NAME;
//   - OTEL_TRACES_SAMPLE_RATIO, a number from 0 to 1.
//
// A variable set to the empty string (or white space) counts as unset. A
// bad value gives one error, which says what it did instead: a bad endpoint
// or ratio is ignored, a bad protocol becomes grpc. The defaults of what is
// left unset are NewProvider's (tracing.ExportConfig).
func exportConfig(lookup func(string) (string, bool)) (tracing.ExportConfig, []error) {
	var (
		cfg  tracing.ExportConfig
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
		cfg.Enabled = env.Bool(v)
	}

	endpoint := func(name string) string {
		v, ok := get(name)
		if !ok {
			return ""
		}
		v = strings.TrimSpace(v)
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("dynlog: %s=%q is not an http:// or https:// URL with a host (such as %s); ignoring it",
				name, v, tracing.DefaultGRPCEndpoint))
			return ""
		}
		return v
	}
	cfg.TracesEndpoint = endpoint("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
	cfg.Endpoint = endpoint("OTEL_EXPORTER_OTLP_ENDPOINT")

	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		v, ok := get(name)
		if !ok {
			continue
		}
		switch p := strings.ToLower(strings.TrimSpace(v)); p {
		case tracing.ProtocolGRPC, tracing.ProtocolHTTPProtobuf:
			cfg.Protocol = p
		default:
			errs = append(errs, fmt.Errorf("dynlog: %s=%q is not an OTLP protocol dynlog speaks (want %s or %s); using %s",
				name, v, tracing.ProtocolGRPC, tracing.ProtocolHTTPProtobuf, tracing.ProtocolGRPC))
			cfg.Protocol = tracing.ProtocolGRPC
		}
		break
	}

	if v, ok := get("OTEL_SERVICE_NAME"); ok {
		cfg.ServiceName = v
	}

	if v, ok := get("OTEL_TRACES_SAMPLE_RATIO"); ok {
		r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(r) || r < 0 || r > 1 {
			errs = append(errs, fmt.Errorf("dynlog: OTEL_TRACES_SAMPLE_RATIO=%q is not a number from 0 to 1; ignoring it (every trace is sampled, following a remote parent's decision)", v))
		} else {
			cfg.SampleRatio = &r
		}
	}
	return cfg, errs
}
