package output

import (
	"fmt"
	"os"
)

// lockPath is the lock file of the log file at path: PATH.lock beside it.
// No backup takes that name: backup names insert a time before the
// extension.
func lockPath(path string) string { return path + ".lock" }

// lockedError says that another process, or a handle of this one that
// shares no [Files] with the one refused, holds the lock on a log file.
type lockedError struct {
	path string // the lock file
	pid  int    // the holder, as it wrote itself into the lock file; 0 if unknown
}

func (e *lockedError) Error() string {
	if e.pid == os.Getpid() {
		return fmt.Sprintf("this process logs to it through a handle of another output.Open or output.Files (it holds %s)", e.path)
	}
	if e.pid > 0 {
		return fmt.Sprintf("process %d logs to it (it holds %s)", e.pid, e.path)
	}
	return fmt.Sprintf("another process logs to it (it holds %s)", e.path)
}

// sameOpenFile reports whether f is the file fi describes.
func sameOpenFile(f *os.File, fi os.FileInfo) bool {
	ffi, err := f.Stat()
	return err == nil && os.SameFile(ffi, fi)
}

// lockInPlace reports whether path names f itself, not a symbolic link to
// it: whether the lock f holds is still the one at path.
func lockInPlace(f *os.File, path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && sameOpenFile(f, fi)
}
