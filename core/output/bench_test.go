package output

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkFileSink writes JSONL lines to a file, in the same run: zap
// writing straight to the *os.File, and a File that Open returns (the
// failover writer that rotates, at its default rotation size of 100 MB).
// Same encoder, same fields; the target is lines/s of dynlog at 0.9× zap's
// or better.
func BenchmarkFileSink(b *testing.B) {
	run := func(b *testing.B, ws zapcore.WriteSyncer) {
		log := zap.New(zapcore.NewCore(encoder.NewJSONL(), ws, zapcore.DebugLevel)).Named("dynamo_llm::http_service")
		b.ReportAllocs()
		for b.Loop() {
			log.Info("request completed", zap.String("method", "POST"), zap.String("uri", "/v1/chat/completions"),
				zap.Int("status", 200), zap.Duration("elapsed", 1234*time.Microsecond))
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	}
	b.Run("zap", func(b *testing.B) {
		f, err := os.OpenFile(filepath.Join(b.TempDir(), "zap.log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		run(b, zapcore.AddSync(f))
	})
	b.Run("dynlog", func(b *testing.B) {
		f, closeFile, err := Open(Config{Path: filepath.Join(b.TempDir(), "dynlog.log")})
		if err != nil {
			b.Fatal(err)
		}
		defer closeFile()
		run(b, f)
	})
}
