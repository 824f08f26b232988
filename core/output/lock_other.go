//go:build !unix

package output

import "os"

// lockFile takes no lock where there is no flock: two processes must not
// name one log file there.
func lockFile(string) (*os.File, error) { return nil, nil }

func unlockFile(f *os.File, _ string) error { return f.Close() }

// isUnlinked cannot tell here: a file whose name went is taken as renamed,
// and the lines written to it since the last look stay in it.
func isUnlinked(*os.File) bool { return false }

// chownLike does nothing where files have no Unix owner.
func chownLike(*os.File, os.FileInfo, os.FileInfo) {}
