package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestExportConfig(t *testing.T) {
	ratio := func(r float64) *float64 { return &r }
	tests := []struct {
		name string
		env  map[string]string
		want Export
		errs []string // substrings, one per expected error, in order
	}{
		{name: "nothing set", env: nil, want: Export{}},

		// OTEL_EXPORT_ENABLED follows Dynamo's boolean rule.
		{name: "enabled 1", env: map[string]string{"OTEL_EXPORT_ENABLED": "1"}, want: Export{Enabled: true}},
		{name: "enabled TRUE", env: map[string]string{"OTEL_EXPORT_ENABLED": " TRUE "}, want: Export{Enabled: true}},
		{name: "enabled on", env: map[string]string{"OTEL_EXPORT_ENABLED": "on"}, want: Export{Enabled: true}},
		{name: "enabled yes", env: map[string]string{"OTEL_EXPORT_ENABLED": "Yes"}, want: Export{Enabled: true}},
		{name: "enabled 0", env: map[string]string{"OTEL_EXPORT_ENABLED": "0"}, want: Export{}},
		{name: "enabled other word", env: map[string]string{"OTEL_EXPORT_ENABLED": "enabled"}, want: Export{},
			errs: []string{`dynlog: OTEL_EXPORT_ENABLED="enabled" is not a boolean (want 1, true, on, yes, 0, false, off, no or empty); taking it as false`}},
		{name: "enabled empty", env: map[string]string{"OTEL_EXPORT_ENABLED": ""}, want: Export{}},

		// Endpoints: both kept; NewProvider lets the traces one win.
		{
			name: "generic endpoint",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
			want: Export{Endpoint: "http://collector:4317"},
		},
		{
			name: "traces endpoint",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4318/v1/traces"},
			want: Export{TracesEndpoint: "https://collector:4318/v1/traces"},
		},
		{
			name: "both endpoints",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://generic:4318",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": " http://traces:4318/custom ",
			},
			want: Export{Endpoint: "http://generic:4318", TracesEndpoint: "http://traces:4318/custom"},
		},
		{
			name: "gRPC endpoint without scheme: HOST:PORT",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"},
			want: Export{Endpoint: "http://collector:4317"},
		},
		{
			name: "gRPC endpoint without scheme, protocol named",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": " localhost:4317 ", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			want: Export{Endpoint: "http://localhost:4317", Protocol: "grpc"},
		},
		{
			name: "http/protobuf endpoint without scheme",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
			want: Export{Protocol: "http/protobuf"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" has no scheme, which OTLP over http/protobuf needs (such as http://localhost:4318); ignoring it`},
		},
		{
			name: "endpoint neither URL nor HOST:PORT",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector"},
			want: Export{},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_ENDPOINT="collector" is not an http:// or https:// URL with a host, nor for gRPC a HOST:PORT (such as http://localhost:4317 or localhost:4317); ignoring it`},
		},
		{
			name: "bad traces endpoint leaves the generic one",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://generic:4317",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "grpc://traces:4317",
			},
			want: Export{Endpoint: "http://generic:4317"},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="grpc://traces:4317" is not an http:// or https:// URL`},
		},
		{
			name: "endpoint without host",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://"},
			want: Export{},
			errs: []string{`OTEL_EXPORTER_OTLP_ENDPOINT="http://"`},
		},
		{
			name: "blank endpoint is unset",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "  "},
			want: Export{},
		},

		// Protocols: trimmed, any case; the traces variable wins.
		{name: "protocol grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, want: Export{Protocol: "grpc"}},
		{
			name: "protocol http, any case",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": " HTTP/Protobuf\n"},
			want: Export{Protocol: "http/protobuf"},
		},
		{
			name: "traces protocol wins",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
			},
			want: Export{Protocol: "http/protobuf"},
		},
		{
			name: "unknown protocol",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			want: Export{Protocol: "grpc"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_PROTOCOL="http/json" is not an OTLP protocol dynlog speaks (want grpc or http/protobuf); using grpc`},
		},
		{
			name: "unknown traces protocol",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "thrift",
			},
			want: Export{Protocol: "grpc"},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="thrift"`},
		},
		{
			name: "blank traces protocol is unset",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "",
			},
			want: Export{Protocol: "http/protobuf"},
		},

		// Service name, as given.
		{name: "service name", env: map[string]string{"OTEL_SERVICE_NAME": "frontend"}, want: Export{ServiceName: "frontend"}},
		{name: "empty service name", env: map[string]string{"OTEL_SERVICE_NAME": ""}, want: Export{}},

		// Sample ratio: 0 to 1; anything else is reported and ignored.
		{name: "ratio 0", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "0"}, want: Export{SampleRatio: ratio(0)}},
		{name: "ratio 0.25", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": " 0.25 "}, want: Export{SampleRatio: ratio(0.25)}},
		{name: "ratio 1", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1"}, want: Export{SampleRatio: ratio(1)}},
		{name: "ratio 1e-3", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1e-3"}, want: Export{SampleRatio: ratio(0.001)}},
		{
			name: "ratio above 1",
			env:  map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1.5"},
			want: Export{},
			errs: []string{`dynlog: OTEL_TRACES_SAMPLE_RATIO="1.5" is not a number from 0 to 1; ignoring it`},
		},
		{name: "ratio negative", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "-0.1"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="-0.1"`}},
		{name: "ratio NaN", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "NaN"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="NaN"`}},
		{name: "ratio word", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "half"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="half"`}},
		{name: "ratio percent", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "50%"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="50%"`}},
		{name: "blank ratio is unset", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": " "}, want: Export{}},

		// OTEL_LOGS_EXPORTER: otlp turns log export on; unset, empty or
		// none leave it off; another exporter is reported and left out.
		{name: "logs otlp", env: map[string]string{"OTEL_LOGS_EXPORTER": "otlp"}, want: Export{LogsEnabled: true}},
		{name: "logs OTLP", env: map[string]string{"OTEL_LOGS_EXPORTER": " OTLP "}, want: Export{LogsEnabled: true}},
		{name: "logs none", env: map[string]string{"OTEL_LOGS_EXPORTER": "none"}, want: Export{}},
		{name: "logs empty", env: map[string]string{"OTEL_LOGS_EXPORTER": ""}, want: Export{}},
		{
			name: "logs console",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "console"},
			want: Export{},
			errs: []string{`dynlog: OTEL_LOGS_EXPORTER="console": dynlog exports logs over otlp only; ignoring "console"`},
		},
		{
			name: "logs console and otlp",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "console, otlp"},
			want: Export{LogsEnabled: true},
			errs: []string{`ignoring "console"`},
		},
		{
			name: "OTEL_EXPORT_ENABLED alone exports no logs",
			env:  map[string]string{"OTEL_EXPORT_ENABLED": "1"},
			want: Export{Enabled: true},
		},

		// The logs variables count only with log export on.
		{
			name: "logs variables, logs off",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "not a URL",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/protobuf",
			},
			want: Export{},
		},
		{
			name: "logs endpoint",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_ENDPOINT":      "http://generic:4318",
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": " http://logs:4318/custom ",
			},
			want: Export{LogsEnabled: true, Endpoint: "http://generic:4318", LogsEndpoint: "http://logs:4318/custom"},
		},
		{
			name: "bad logs endpoint leaves the generic one",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_ENDPOINT":      "http://generic:4317",
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "logs",
			},
			want: Export{LogsEnabled: true, Endpoint: "http://generic:4317"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="logs" is not an http:// or https:// URL with a host`},
		},
		{
			name: "logs protocol",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "HTTP/protobuf",
			},
			want: Export{LogsEnabled: true, LogsProtocol: "http/protobuf"},
		},
		{
			name: "generic protocol for both",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
			want: Export{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "http/protobuf"},
		},
		{
			name: "traces protocol is not the logs'",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"},
			want: Export{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "grpc"},
		},
		{
			name: "each signal its own protocol",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":                 "otlp",
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL":   "grpc",
			},
			want: Export{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "grpc"},
		},
		{
			name: "bad generic protocol reported once",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			want: Export{LogsEnabled: true, Protocol: "grpc", LogsProtocol: "grpc"},
			errs: []string{`OTEL_EXPORTER_OTLP_PROTOCOL="http/json"`},
		},
		{
			name: "bad logs protocol",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_PROTOCOL":      "http/protobuf",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "thrift",
			},
			want: Export{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "grpc"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="thrift" is not an OTLP protocol dynlog speaks (want grpc or http/protobuf); using grpc`},
		},

		// Everything at once, with two mistakes.
		{
			name: "all",
			env: map[string]string{
				"OTEL_EXPORT_ENABLED":                "true",
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://collector:4318",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "nope",
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_SERVICE_NAME":                  "worker",
				"OTEL_TRACES_SAMPLE_RATIO":           "2",
				"OTEL_LOGS_EXPORTER":                 "otlp",
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT":   "http://logs:4318/v1/logs",
			},
			want: Export{
				Enabled:      true,
				Endpoint:     "http://collector:4318",
				Protocol:     "http/protobuf",
				ServiceName:  "worker",
				LogsEnabled:  true,
				LogsEndpoint: "http://logs:4318/v1/logs",
				LogsProtocol: "http/protobuf",
			},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="nope"`, `OTEL_TRACES_SAMPLE_RATIO="2"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := exportConfig(func(name string) (string, bool) {
				v, ok := tt.env[name]
				return v, ok
			})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %s, want %s", describeExport(got), describeExport(tt.want))
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors = %q, want %d matching %q", errs, len(tt.errs), tt.errs)
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.errs[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, tt.errs[i])
				}
			}
		})
	}
}

// describeExport prints a config with its ratio's value, not its address.
func describeExport(c Export) string {
	ratio := "nil"
	if c.SampleRatio != nil {
		ratio = fmt.Sprint(*c.SampleRatio)
	}
	c.SampleRatio = nil
	return fmt.Sprintf("%+v ratio=%s", c, ratio)
}

func TestLogExportCoreFromEnv(t *testing.T) {
	for _, tt := range []struct {
		value string
		set   bool
		want  bool
	}{
		{"", false, false},
		{"", true, false},
		{"none", true, false},
		{"console", true, false},
		{"otlp", true, true},
		{" OTLP,console ", true, true},
	} {
		c := newConfig([]Option{WithSystemConfig(""), WithEnv(func(name string) (string, bool) {
			if name == "OTEL_LOGS_EXPORTER" {
				return tt.value, tt.set
			}
			return "", false
		})})
		s, err := resolveDynamo(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.LogsExport.Value; got != tt.want {
			t.Errorf("OTEL_LOGS_EXPORTER=%q (set %v): export core %v, want %v", tt.value, tt.set, got, tt.want)
		}
	}
}
