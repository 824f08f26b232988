//go:build unix

package output

import (
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockFile takes an exclusive flock on the file at path, creating it, and
// writes the process ID into it for whoever finds it held. It fails with a
// *lockedError if another open file (in practice another process) holds
// it; it does not wait.
func lockFile(path string) (*os.File, error) {
	for range 10 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			pid := lockHolder(f)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, &lockedError{path: path, pid: pid}
			}
			return nil, &os.PathError{Op: "flock", Path: path, Err: err}
		}
		// The holder before us removes the file as it lets go (unlockFile):
		// a lock on a file no longer at path locks nothing. Try again.
		if fi, err := os.Stat(path); err != nil || !sameOpenFile(f, fi) {
			f.Close()
			continue
		}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, err
		}
		if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
			f.Close()
			return nil, err
		}
		return f, nil
	}
	return nil, errors.New("cannot lock " + path + ": it is removed and created again as fast as it is locked")
}

// lockHolder reads the process ID the holder of the lock wrote into f; 0
// if there is none yet.
func lockHolder(f *os.File) int {
	b, err := io.ReadAll(io.LimitReader(f, 32))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}

// unlockFile removes the lock file at path, if it is still the one f
// holds, and closes f, which lets go of the lock.
func unlockFile(f *os.File, path string) error {
	var err error
	if fi, serr := os.Stat(path); serr == nil && sameOpenFile(f, fi) {
		err = os.Remove(path)
	}
	return errors.Join(err, f.Close())
}

// isUnlinked reports whether f's file has no name left: removed, or its
// directory removed.
func isUnlinked(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 0
}

// chownLike gives f, whose FileInfo is fi, the owner of the file like
// describes, where the process may (as root, or when it is the owner
// already): a file made in place of another keeps its owner. A failure
// leaves the process's own, which can write the file all the same.
func chownLike(f *os.File, fi, like os.FileInfo) {
	have, ok1 := fi.Sys().(*syscall.Stat_t)
	want, ok2 := like.Sys().(*syscall.Stat_t)
	if ok1 && ok2 && (have.Uid != want.Uid || have.Gid != want.Gid) {
		_ = f.Chown(int(want.Uid), int(want.Gid))
	}
}
