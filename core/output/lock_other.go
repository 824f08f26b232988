//go:build !unix

package output

import (
	"io/fs"
	"os"
)

// There is no O_NOFOLLOW or O_NONBLOCK to ask for here.
const (
	noFollow = 0
	noBlock  = 0
)

// processUser is -1 where files have no Unix owner: every file and link
// is taken as the process's own.
func processUser() int { return -1 }

// fileOwner is -1 where files have no Unix owner.
func fileOwner(fs.FileInfo) int { return -1 }

// lockFile takes no lock where there is no flock: two processes must not
// name one log file there.
func lockFile(string, int, func(fs.FileInfo) int) (*os.File, error) { return nil, nil }

func unlockFile(f *os.File, _ string) error { return f.Close() }

// isUnlinked cannot tell here: a file whose name went is taken as renamed,
// and the lines written to it since the last look stay in it.
func isUnlinked(*os.File) bool { return false }

// linkCount is 1 where hard links are not counted here.
func linkCount(os.FileInfo) uint64 { return 1 }

// chownLike does nothing where files have no Unix owner.
func chownLike(*os.File, os.FileInfo, os.FileInfo) {}
