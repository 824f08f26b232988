package encoder

import "testing"

// BenchmarkAppendSafeText measures the message escaper on plain ASCII and
// on text where most characters are multi-byte (and decoded), the path a
// check for bidirectional controls adds to.
func BenchmarkAppendSafeText(b *testing.B) {
	for _, tc := range []struct{ name, text string }{
		{"ascii", "Test logging, but use a somewhat realistic message length. (#0)"},
		{"unicode", "Größe überschritten: 模型已加载，用时 12 秒 — ошибка не найдена ✓ (#0)"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			buf := make([]byte, 0, 256)
			b.SetBytes(int64(len(tc.text)))
			for b.Loop() {
				buf = appendSafeText(buf[:0], tc.text)
			}
		})
	}
}
