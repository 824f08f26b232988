package vocab

// The keys of a record bridged from a foreign logger (package core's
// bridges of log, slog, logr, gRPC and OpenTelemetry): where the foreign
// logger's call was, and the foreign logger's own name.
const (
	// LogTargetKey is the foreign logger's name; a string field under this
	// key marks the record as bridged.
	LogTargetKey = "log.target"
	// LogFileKey is the file of the foreign call site.
	LogFileKey = "log.file"
	// LogLineKey is the line of the foreign call site.
	LogLineKey = "log.line"
	// BridgedTarget is the target a bridged record has in the JSONL
	// layout, its own in [LogTargetKey].
	BridgedTarget = "log"
)
