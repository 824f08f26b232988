//go:build unix

package output

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// noFollow makes an open fail on a symbolic link rather than follow it;
// noBlock keeps an open of a FIFO or a device that was put in a file's place
// from waiting (the file is refused once opened, as not a regular file).
const (
	noFollow = syscall.O_NOFOLLOW
	noBlock  = syscall.O_NONBLOCK
)

// processUser is the effective user ID of the process, which owns the
// files it makes.
func processUser() int { return os.Geteuid() }

// fileOwner is the user ID that owns the file fi describes; -1 if unknown.
func fileOwner(fi fs.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// lockFile takes an exclusive flock on the file at path, creating it, and
// writes the process ID into it for whoever finds it held. It follows no
// symbolic link at path, and it uses a file that was there already only if
// it is a regular file that the process's user (user; owner tells a file's
// owner) owns: a lock file another user planted is refused, neither
// truncated nor written.
// It fails with a *lockedError if another open file (in practice another
// process) holds the lock; it does not wait.
func lockFile(path string, user int, owner func(fs.FileInfo) int) (*os.File, error) {
	for range 10 {
		created := true
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|noFollow|noBlock, 0o644)
		if errors.Is(err, fs.ErrExist) {
			created = false
			f, err = os.OpenFile(path, os.O_RDWR|noFollow|noBlock, 0)
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed in between: make it
			}
		}
		if err != nil {
			if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
				return nil, fmt.Errorf("%s is a symbolic link; not following it", path)
			}
			return nil, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		switch {
		case !fi.Mode().IsRegular():
			f.Close()
			return nil, fmt.Errorf("%s is not a regular file (%s)", path, fi.Mode().Type())
		case !created && owner(fi) != user:
			f.Close()
			return nil, fmt.Errorf("%s belongs to user %d, not to this process's user (%d); not using it", path, owner(fi), user)
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
		if !lockInPlace(f, path) {
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
	if lockInPlace(f, path) {
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

// linkCount is the number of names (hard links) of the file fi describes.
func linkCount(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// chownLike gives f, a file this package has just made, whose FileInfo is
// fi, the owner of the file like describes, where the process may (as
// root, or when it is the owner already): a file made in place of another
// keeps its owner. A failure leaves the process's own, which can write the
// file all the same. It is never called on a file that was there already.
func chownLike(f *os.File, fi, like os.FileInfo) {
	have, ok1 := fi.Sys().(*syscall.Stat_t)
	want, ok2 := like.Sys().(*syscall.Stat_t)
	if ok1 && ok2 && (have.Uid != want.Uid || have.Gid != want.Gid) {
		_ = f.Chown(int(want.Uid), int(want.Gid))
	}
}
