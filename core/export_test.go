package core

import (
	"os"
	"sync"

	"github.com/dynlog/dynlog/core/internal/env"
)

// CountConfigReads counts, from the call on, the reads of each TOML
// configuration file, by path; the count of path is reads(path).
func CountConfigReads() (reads func(path string) int) {
	var mu sync.Mutex
	n := map[string]int{}
	env.ReadFile = func(path string) ([]byte, error) {
		mu.Lock()
		n[path]++
		mu.Unlock()
		return os.ReadFile(path)
	}
	return func(path string) int {
		mu.Lock()
		defer mu.Unlock()
		return n[path]
	}
}
