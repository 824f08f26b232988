package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dynlog/dynlog/internal/rotname"
)

// logExts are the extensions of the files a directory argument serves.
var logExts = []string{".jsonl", ".json", ".log"}

// Expand turns the command line's FILE and DIR arguments into the log
// files to serve, each named once, in the order given: a FILE as it is
// (it may not exist yet), a DIR as the files directly in it whose names
// end in .jsonl, .json or .log, sorted, a rotated backup standing for the
// file it was rotated from. A name that is neither a directory nor a
// regular file, when it exists, is an error. A symbolic link in a DIR
// with a log file's name is not served: link, when not nil, is told its
// name (the command line can name it).
func Expand(args []string, link func(name string)) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		switch {
		case err != nil && os.IsNotExist(err):
			add(filepath.Clean(arg))
		case err != nil:
			return nil, err
		case info.IsDir():
			names, err := logFilesIn(arg, link)
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				add(n)
			}
		case info.Mode().IsRegular():
			add(filepath.Clean(arg))
		default:
			return nil, fmt.Errorf("%s is not a regular file or a directory", arg)
		}
	}
	return out, nil
}

// logFilesIn lists the log files of dir (see Expand).
func logFilesIn(dir string, link func(string)) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), rotname.CompressSuffix)
		ext := filepath.Ext(name)
		known := false
		for _, x := range logExts {
			known = known || ext == x
		}
		if !known || name != e.Name() && backupOf(name) == "" {
			continue // a .gz that is no backup is not read
		}
		if !e.Type().IsRegular() {
			if e.Type()&os.ModeSymlink != 0 && link != nil {
				link(filepath.Join(dir, e.Name()))
			}
			continue
		}
		if base := backupOf(name); base != "" {
			name = base
		}
		set[filepath.Join(dir, name)] = true
	}
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

// backupOf returns the name of the file that name, a rotated backup in
// rotname's naming (NAME-TIME.EXT), was rotated from; "" if it is none.
func backupOf(name string) string {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	n := len(rotname.TimeFormat)
	if len(stem) < n+2 || stem[len(stem)-n-1] != '-' {
		return ""
	}
	if _, err := time.Parse(rotname.TimeFormat, stem[len(stem)-n:]); err != nil {
		return ""
	}
	return stem[:len(stem)-n-1] + ext
}

// chain returns the files that hold base's lines, oldest first: its
// rotated backups as `dynlog view -f` finds them (rotname's naming, a
// plain backup before its .gz, which is then skipped), then base itself.
func chain(base string) []string {
	found, err := rotname.List(base, time.UTC)
	var files []string
	if err == nil {
		dir := filepath.Dir(base)
		for _, b := range found {
			path := filepath.Join(dir, b.Name)
			if b.Compressed() && len(files) > 0 && files[len(files)-1] == strings.TrimSuffix(path, rotname.CompressSuffix) {
				continue
			}
			files = append(files, path)
		}
	}
	return append(files, base)
}
