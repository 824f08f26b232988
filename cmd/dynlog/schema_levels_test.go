package main

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// The line schema's level words are data, not code: they must be the
// vocabulary's Dynamo names, TRACE to ERROR, and nothing else.
func TestSchemaLevelsAreTheVocabulary(t *testing.T) {
	var doc struct {
		Properties struct {
			Level struct {
				Enum []string `json:"enum"`
			} `json:"level"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(lineSchema, &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for l := levels.Trace; l <= zapcore.ErrorLevel; l++ {
		want = append(want, levels.DynamoName(l))
	}
	if got := doc.Properties.Level.Enum; !slices.Equal(got, want) {
		t.Fatalf("line schema's level enum = %q, want the vocabulary's %q", got, want)
	}
}
