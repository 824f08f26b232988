package output

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dynlog/dynlog/internal/outside"
	"github.com/dynlog/dynlog/internal/rotname"
)

// compressSuffix ends the name of a compressed backup.
const compressSuffix = rotname.CompressSuffix

// backupName is the name of the backup of path rotated at t, lumberjack's:
// the time inserted before the extension, /var/log/worker.log becoming
// /var/log/worker-2025-09-02T16-38-06.656.log, in local time or UTC.
func backupName(path string, t time.Time, local bool) string { return rotname.Name(path, t, local) }

// backups lists the backups of path, compressed or not, newest first. A
// name that only looks like one (a time that does not parse) is not one.
func backups(path string, local bool) ([]rotname.Backup, error) {
	loc := time.UTC
	if local {
		loc = time.Local
	}
	found, err := rotname.List(path, loc)
	if err != nil {
		return nil, err
	}
	slices.Reverse(found)
	return found, nil
}

// cleanUp starts the backup clean-up (see cleanBackups) in a goroutine of
// its own, unless the configuration asks for none; if one runs already, it
// makes one more pass when done, to see the backup just made. Close waits
// for the goroutine. s.mu is held.
func (s *sink) cleanUp() {
	if s.cfg.MaxBackups == 0 && s.cfg.MaxAgeDays == 0 && !s.cfg.Compress {
		return
	}
	if s.cleaning {
		s.cleanAgain = true
		return
	}
	s.cleaning = true
	s.cleaned.Add(1)
	go func() {
		defer s.cleaned.Done()
		for {
			s.mu.Lock()
			own := s.ownBackup()
			s.mu.Unlock()
			errs := cleanBackups(s.cfg, time.Now(), own)
			s.mu.Lock()
			for _, err := range errs {
				s.report(fmt.Sprintf("dynlog: cleaning up the backups of %s: %s", outside.Text(s.path), outside.Text(err.Error())))
			}
			// A pass asked for before Close still runs: Close waits for it.
			again := s.cleanAgain
			s.cleaning, s.cleanAgain = again, false
			s.mu.Unlock()
			if !again {
				return
			}
		}
	}()
}

// ownBackup returns what tells the sink's backups from files that only
// carry a backup's name: a regular file (not a symbolic link) owned by the
// process's user, or by the owner of the live file, whose owner a rotation
// gives the new file and so every backup. A file another user planted
// under a backup's name is none of the sink's: it is not counted toward
// max_backups, not removed, not compressed. s.mu is held.
func (s *sink) ownBackup() func(fs.FileInfo) bool {
	liveOwner := -1
	if s.ident != nil {
		liveOwner = s.ownerOf(s.ident)
	}
	return func(fi fs.FileInfo) bool {
		return fi.Mode().IsRegular() && (s.ours(fi) || (liveOwner >= 0 && s.ownerOf(fi) == liveOwner))
	}
}

// cleanBackups does what lumberjack's mill does: it removes the backups of
// cfg.Path past the newest cfg.MaxBackups (a backup and its compressed
// copy counting as one), then those rotated more than cfg.MaxAgeDays
// before now, and with cfg.Compress gzips the rest. A backup is a file
// with a backup's name that own accepts (see ownBackup); other names are
// left alone. It returns what went wrong, one error per backup; the
// others are done all the same.
func cleanBackups(cfg Config, now time.Time, own func(fs.FileInfo) bool) []error {
	all, err := backups(cfg.Path, cfg.LocalTime)
	if err != nil {
		return []error{err}
	}
	dir := filepath.Dir(cfg.Path)
	var found []rotname.Backup
	for _, b := range all {
		if fi, err := os.Lstat(filepath.Join(dir, b.Name)); err == nil && own(fi) {
			found = append(found, b)
		}
	}
	var remove, keep []rotname.Backup
	if cfg.MaxBackups > 0 {
		seen := map[string]bool{}
		for _, b := range found {
			seen[strings.TrimSuffix(b.Name, compressSuffix)] = true
			if len(seen) > cfg.MaxBackups {
				remove = append(remove, b)
			} else {
				keep = append(keep, b)
			}
		}
		found, keep = keep, nil
	}
	if cfg.MaxAgeDays > 0 {
		cutoff := now.Add(-time.Duration(cfg.MaxAgeDays) * 24 * time.Hour)
		for _, b := range found {
			if b.Rotated.Before(cutoff) {
				remove = append(remove, b)
			} else {
				keep = append(keep, b)
			}
		}
		found = keep
	}
	var errs []error
	for _, b := range remove {
		if err := os.Remove(filepath.Join(dir, b.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if cfg.Compress {
		errs = append(errs, removeStaleTemps(cfg, own)...)
		for _, b := range found {
			if !strings.HasSuffix(b.Name, compressSuffix) {
				if err := compressFile(filepath.Join(dir, b.Name), own); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errs
}

// removeStaleTemps removes the temporary files compressFile makes
// (.NAME-TIME.EXT.gz.RANDOM.tmp) that a process ended while compressing
// left behind: regular files own accepts, named for a backup of cfg.Path.
// Only one clean-up runs at a time for a path (the sink's, under its lock),
// so every such file found is stale.
func removeStaleTemps(cfg Config, own func(fs.FileInfo) bool) []error {
	dir := filepath.Dir(cfg.Path)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []error{err}
	}
	loc := time.UTC
	if cfg.LocalTime {
		loc = time.Local
	}
	var errs []error
	for _, e := range entries {
		inner, ok := strings.CutPrefix(e.Name(), ".")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		if inner, ok = strings.CutSuffix(inner, ".tmp"); !ok {
			continue
		}
		i := strings.LastIndex(inner, compressSuffix+".")
		if i < 0 {
			continue
		}
		if _, ok := rotname.Parse(cfg.Path, inner[:i], loc); !ok {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if fi, err := os.Lstat(name); err != nil || !own(fi) {
			continue
		}
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errs
}

// compressFile gzips the backup at src to src.gz, with its mode, owner
// and modification time, and removes src; on a failure it leaves src as it
// was and no src.gz. It follows no symbolic link and replaces no file it
// did not make: it reads src only if it is a regular file own accepts
// (else it leaves it alone, without an error), writes the gzip to a new
// file of its own beside it (made with O_EXCL, so never through a link)
// and renames that to src.gz, over a file there only if own accepts it (a
// copy a crash cut short) and never over anything else.
func compressFile(src string, own func(fs.FileInfo) bool) (err error) {
	in, err := os.OpenFile(src, os.O_RDONLY|noFollow|noBlock, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed meanwhile: nothing to keep
		}
		if fi, lerr := os.Lstat(src); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil // a link put in its place: not a backup
		}
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	if !own(fi) {
		return nil // replaced meanwhile by a file not the sink's
	}
	dst := src + compressSuffix
	if err := checkCompressTarget(dst, own); err != nil {
		return err
	}
	dir, base := filepath.Split(src)
	out, err := os.CreateTemp(dir, "."+base+compressSuffix+".*.tmp")
	if err != nil {
		return err
	}
	tmp := out.Name()
	defer func() {
		if err != nil {
			out.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err := out.Chmod(fi.Mode().Perm()); err != nil {
		return err
	}
	if ofi, err := out.Stat(); err == nil {
		chownLike(out, ofi, fi) // a file of its own, just made
	}
	gz := gzip.NewWriter(out)
	if _, err := io.Copy(gz, in); err != nil {
		return err
	}
	if err := gz.Close(); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	// The backup keeps its modification time, as gzip(1) keeps it: a
	// follower (dynlog view -f) that was reading the backup knows it again
	// by that time once its plain form is gone. Through an os.Root of the
	// directory, which follows no link out of it.
	if root, err := os.OpenRoot(dir); err == nil {
		_ = root.Chtimes(filepath.Base(tmp), fi.ModTime(), fi.ModTime())
		root.Close()
	}
	if err := checkCompressTarget(dst, own); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return err
	}
	return os.Remove(src)
}

// checkCompressTarget refuses to compress a backup whose .gz name holds
// something other than a compressed backup of the sink's (own): a
// directory, a link, another user's file.
func checkCompressTarget(dst string, own func(fs.FileInfo) bool) error {
	fi, err := os.Lstat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s is a symbolic link; left the backup uncompressed", dst)
	case fi.IsDir():
		return fmt.Errorf("%s is a directory; left the backup uncompressed", dst)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file (%s); left the backup uncompressed", dst, fi.Mode().Type())
	case !own(fi):
		return fmt.Errorf("%s is not a compressed backup of this process's user; left the backup uncompressed", dst)
	}
	return nil
}
