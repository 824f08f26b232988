package output

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

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
			errs := cleanBackups(s.cfg, time.Now())
			s.mu.Lock()
			for _, err := range errs {
				s.report(fmt.Sprintf("dynlog: cleaning up the backups of %s: %s", s.path, err))
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

// cleanBackups does what lumberjack's mill does: it removes the backups of
// cfg.Path past the newest cfg.MaxBackups (a backup and its compressed
// copy counting as one), then those rotated more than cfg.MaxAgeDays
// before now, and with cfg.Compress gzips the rest. It returns what went
// wrong, one error per backup; the others are done all the same.
func cleanBackups(cfg Config, now time.Time) []error {
	found, err := backups(cfg.Path, cfg.LocalTime)
	if err != nil {
		return []error{err}
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
	dir := filepath.Dir(cfg.Path)
	var errs []error
	for _, b := range remove {
		if err := os.Remove(filepath.Join(dir, b.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if cfg.Compress {
		for _, b := range found {
			if !strings.HasSuffix(b.Name, compressSuffix) {
				if err := compressFile(filepath.Join(dir, b.Name)); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errs
}

// compressFile gzips the file at src to src.gz, with its mode, owner and
// modification time, and removes src; on a failure it leaves src as it was and no src.gz.
func compressFile(src string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil // removed meanwhile: nothing to keep
		}
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	dst := src + compressSuffix
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			out.Close()
			_ = os.Remove(dst)
		}
	}()
	if ofi, err := out.Stat(); err == nil {
		chownLike(out, ofi, fi)
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
	// by that time once its plain form is gone.
	_ = os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	return os.Remove(src)
}
