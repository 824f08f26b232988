package core

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/tracing"
)

func TestExportConfig(t *testing.T) {
	ratio := func(r float64) *float64 { return &r }
	tests := []struct {
		name string
		env  map[string]string
		want tracing.ExportConfig
		errs []string // substrings, one per expected error, in order
	}{
		{name: "nothing set", env: nil, want: tracing.ExportConfig{}},

		// OTEL_EXPORT_ENABLED follows Dynamo's boolean rule.
		{name: "enabled 1", env: map[string]string{"OTEL_EXPORT_ENABLED": "1"}, want: tracing.ExportConfig{Enabled: true}},
		{name: "enabled TRUE", env: map[string]string{"OTEL_EXPORT_ENABLED": " TRUE "}, want: tracing.ExportConfig{Enabled: true}},
		{name: "enabled on", env: map[string]string{"OTEL_EXPORT_ENABLED": "on"}, want: tracing.ExportConfig{Enabled: true}},
		{name: "enabled yes", env: map[string]string{"OTEL_EXPORT_ENABLED": "Yes"}, want: tracing.ExportConfig{Enabled: true}},
		{name: "enabled 0", env: map[string]string{"OTEL_EXPORT_ENABLED": "0"}, want: tracing.ExportConfig{}},
		{name: "enabled other word", env: map[string]string{"OTEL_EXPORT_ENABLED": "enabled"}, want: tracing.ExportConfig{}},
		{name: "enabled empty", env: map[string]string{"OTEL_EXPORT_ENABLED": ""}, want: tracing.ExportConfig{}},

		// Endpoints: both kept; NewProvider lets the traces one win.
		{
			name: "generic endpoint",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
			want: tracing.ExportConfig{Endpoint: "http://collector:4317"},
		},
		{
			name: "traces endpoint",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4318/v1/traces"},
			want: tracing.ExportConfig{TracesEndpoint: "https://collector:4318/v1/traces"},
		},
		{
			name: "both endpoints",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://generic:4318",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": " http://traces:4318/custom ",
			},
			want: tracing.ExportConfig{Endpoint: "http://generic:4318", TracesEndpoint: "http://traces:4318/custom"},
		},
		{
			name: "endpoint without scheme",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"},
			want: tracing.ExportConfig{},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_ENDPOINT="collector:4317" is not an http:// or https:// URL with a host (such as http://localhost:4317); ignoring it`},
		},
		{
			name: "bad traces endpoint leaves the generic one",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://generic:4317",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "grpc://traces:4317",
			},
			want: tracing.ExportConfig{Endpoint: "http://generic:4317"},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="grpc://traces:4317" is not an http:// or https:// URL`},
		},
		{
			name: "endpoint without host",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://"},
			want: tracing.ExportConfig{},
			errs: []string{`OTEL_EXPORTER_OTLP_ENDPOINT="http://"`},
		},
		{
			name: "blank endpoint is unset",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "  "},
			want: tracing.ExportConfig{},
		},

		// Protocols: trimmed, any case; the traces variable wins.
		{name: "protocol grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, want: tracing.ExportConfig{Protocol: "grpc"}},
		{
			name: "protocol http, any case",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": " HTTP/Protobuf\n"},
			want: tracing.ExportConfig{Protocol: "http/protobuf"},
		},
		{
			name: "traces protocol wins",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
			},
			want: tracing.ExportConfig{Protocol: "http/protobuf"},
		},
		{
			name: "unknown protocol",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			want: tracing.ExportConfig{Protocol: "grpc"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_PROTOCOL="http/json" is not an OTLP protocol dynlog speaks (want grpc or http/protobuf); using grpc`},
		},
		{
			name: "unknown traces protocol",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "thrift",
			},
			want: tracing.ExportConfig{Protocol: "grpc"},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="thrift"`},
		},
		{
			name: "blank traces protocol is unset",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "",
			},
			want: tracing.ExportConfig{Protocol: "http/protobuf"},
		},

		// Service name, as given.
		{name: "service name", env: map[string]string{"OTEL_SERVICE_NAME": "frontend"}, want: tracing.ExportConfig{ServiceName: "frontend"}},
		{name: "empty service name", env: map[string]string{"OTEL_SERVICE_NAME": ""}, want: tracing.ExportConfig{}},

		// Sample ratio: 0 to 1; anything else is reported and ignored.
		{name: "ratio 0", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "0"}, want: tracing.ExportConfig{SampleRatio: ratio(0)}},
		{name: "ratio 0.25", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": " 0.25 "}, want: tracing.ExportConfig{SampleRatio: ratio(0.25)}},
		{name: "ratio 1", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1"}, want: tracing.ExportConfig{SampleRatio: ratio(1)}},
		{name: "ratio 1e-3", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1e-3"}, want: tracing.ExportConfig{SampleRatio: ratio(0.001)}},
		{
			name: "ratio above 1",
			env:  map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1.5"},
			want: tracing.ExportConfig{},
			errs: []string{`dynlog: OTEL_TRACES_SAMPLE_RATIO="1.5" is not a number from 0 to 1; ignoring it`},
		},
		{name: "ratio negative", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "-0.1"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="-0.1"`}},
		{name: "ratio NaN", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "NaN"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="NaN"`}},
		{name: "ratio word", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "half"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="half"`}},
		{name: "ratio percent", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "50%"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="50%"`}},
		{name: "blank ratio is unset", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": " "}, want: tracing.ExportConfig{}},

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
			},
			want: tracing.ExportConfig{
				Enabled:     true,
				Endpoint:    "http://collector:4318",
				Protocol:    "http/protobuf",
				ServiceName: "worker",
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
func describeExport(c tracing.ExportConfig) string {
	ratio := "nil"
	if c.SampleRatio != nil {
		ratio = fmt.Sprint(*c.SampleRatio)
	}
	c.SampleRatio = nil
	return fmt.Sprintf("%+v ratio=%s", c, ratio)
}
