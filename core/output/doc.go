// Package output is dynlog's file output: a log file that rotates by size and
// at midnight, keeps its backups as lumberjack names them, fails over to
// stderr when the file cannot be written, heals by itself, and is shared by
// every logger of a [Files] set that names it. [Open] returns it, with the
// function that closes it, as [go.uber.org/zap.Open] does for zap's sinks;
// [github.com/dynlog/dynlog/core.New] opens DYN_LOGGING_FILE (or [file].path
// in the TOML) through the one [Files] that every logger core builds shares.
//
// # Rotation
//
// The file is rotated when a line would take it past [Config].MaxBytes
// (default 100 MiB; a longer line gets a file of its own) and, with
// [Config.RotateDaily], at every local midnight. A backup keeps the name with
// the rotation time inserted, as lumberjack names it
// (worker-2025-09-02T16-38-06.656.log; local time with [Config.LocalTime],
// else UTC), so `dynlog view -f` and tools written for lumberjack find the
// backups in order. [Config.MaxBackups] (0: all) and [Config.MaxAgeDays] (0:
// forever) bound how many are kept, and [Config.Compress] gzips them
// (NAME-TIME.EXT.gz); that clean-up runs in a goroutine of the file's,
// after a rotation and when the file is opened, and Close waits for it. Each
// line reaches the file in one write under a lock, so lines are never torn
// or interleaved and rotation falls between lines; rotations are kept a
// millisecond apart, since backups are named to the millisecond. A path
// that exists but is not a regular file (a directory, a device) is refused
// rather than renamed by rotation. A new file is made with mode 0o600, and
// its directory with 0o755; after a rotation the new file takes the mode
// (and, where the process may, the owner) of the one it replaces.
//
// The rotation is this package's own rather than lumberjack's: lumberjack
// v2 starts a goroutine per file that its Close never stops, and dynlog
// promises that closing the last logger of a file ends every goroutine the
// file started.
//
// # One file, one writer
//
// Every Open through one [Files] that names one file (a symbolic or hard
// link to it counts as the same file) returns a handle on one shared
// writer, which alone counts the size and rotates, so no line is lost or
// torn at a rotation. The first Open's settings hold for the file; a later
// one with other settings is told so on its error output. The file is
// closed, with its goroutines, when the last handle on it is closed (or
// garbage collected), and [Files.ReopenAll] reopens every file of the set.
//
// The package keeps no state of its own: a Files is a value its user
// holds, and [Open] uses a set of its own for each call, so it shares
// nothing, as [go.uber.org/zap.Open] does not. Two writers that do not
// share a Files do not coordinate: the second is refused the file by its
// lock (below), and writes to stderr until the first lets go. core keeps
// one Files for every logger it builds, so that loggers built
// independently ([github.com/dynlog/dynlog/core.Init]'s and a
// [github.com/dynlog/dynlog/core.New] of a library, say) share a file's
// writer without being handed it. The alternative to sharing a writer, a
// descriptor per Open with the kernel coordinating them, would need a lock
// across descriptors around every line, to keep each file within its size
// and every rotation between lines: three system calls more per line than
// the one write, more than the file's budget beside zap's own
// (BENCHMARKS.md).
//
// Between processes, and between writers of one process that share no
// Files, the file is guarded by a lock (flock) on PATH.lock beside it,
// which holds the owner's process ID: a second process naming the file is
// refused it with one line, "dynlog: cannot open PATH: process 1234 logs
// to it (it holds PATH.lock); …", writes to stderr meanwhile, and takes the
// file over by itself once the owner closes it or exits. Where
// there is no flock (outside Unix) there is no lock either.
//
// # Failures
//
// A file that cannot be opened or written (a directory that cannot be
// made, a path that is a directory, a full disk, the lock held by another
// process) is reported once on [Config.ErrorOutput] with its path and the
// cause, and that line and every later one go to stderr: nothing is
// dropped. Write returns an error only when stderr fails too, so that
// zap's CheckedEntry.Write reports the lost line on zap's error output.
// The part of a line the disk took is cut from the file, so it ends with a
// whole line. The file is tried again by the writes themselves, after 100
// ms and then twice as long each time up to 5 s, and by Reopen and Rotate;
// the first line the file takes again says "dynlog: writing to PATH
// again". However many retries fall within one outage, it is reported once
// and its end once. At most once a second a write also checks that the path
// still names the open file: if the file or its directory was removed, or
// the file renamed, the directory and the file are made again, and one
// line says what happened: "dynlog: PATH was removed; recreated it" (a
// rotation that finds the file removed first says the same). Sync fsyncs
// the file.
//
// No line written to a removed file is lost. The file stays readable
// through the descriptor the sink holds, so nothing is buffered in memory:
// when the sink closes a file that has no name left (at a check, a
// rotation, a reopen or Close), it reads back the lines written to it
// since the last check that found it in place and writes them into the
// new file, once; a renamed file keeps its own lines and none is copied.
// The bound is the file itself: at most what it held, [Config].MaxBytes
// and a line, since a rotation comes first. If the new file cannot be
// opened or fails midway, the rest of those lines goes to stderr after
// the report of the failure; if they cannot be read back (an I/O error),
// one line says so. Lines the removal took before the last check, and
// the backups it took, are gone with it.
//
// # Directories other users can write
//
// A service often runs as root and logs into a directory another user can
// write: /var/log/APP owned by the application's user, a sticky /tmp.
// That user can plant names there; the file output follows no link they
// plant and harms no file it did not make:
//
//   - The log path is followed through a symbolic link (its own, or one of
//     its directories') only when root or the process's effective user
//     owns the link, the rule of Linux's fs.protected_symlinks applied
//     everywhere. Another's link is refused with one report naming it and
//     its owner, "dynlog: cannot open PATH: the path is a symbolic link of
//     user 65534, not of root or of this process's user (0); not following
//     it; …", and the lines go to stderr as for any file that fails. The
//     rule holds when the file is opened, reopened (SIGHUP) or rotated, and
//     at the once-a-second check, so a link swapped in while the file is
//     written to is not followed either. The file itself, the lock file,
//     the backups and the gzip files are opened without following a link
//     (O_NOFOLLOW), and a new one is made with O_EXCL.
//   - An existing file at the path is opened only if it has one name: a
//     hard link there (which the kernel lets another user make to a file
//     of root's where fs.protected_hardlinks is off) is refused with a
//     report, as a link is, since another name may be a file the process
//     must not write.
//   - PATH.lock is used only if it is a regular file of the process's
//     user, or made by the sink; a link there, or another user's file
//     (which the sink could not remove from a sticky directory), is
//     refused with a report that names it, and never truncated or
//     written: remove it to let the file be opened.
//   - A file's owner is changed only on files the sink made: the new live
//     file after a rotation takes the owner of the one it replaces, a gzip
//     backup the owner of its plain form.
//   - A backup is a regular file with a backup's name owned by the
//     process's user or by the owner of the live file (whose owner a
//     rotation passes on to the next file, and so to every backup). Any
//     other name, a link or another user's file, is not the sink's: it is
//     not counted toward [Config].MaxBackups, not removed, not compressed,
//     and never a reason to remove a backup of the sink's.
//   - A backup is gzipped into a new file of the sink's
//     (.NAME.gz.RANDOM.tmp; one that a process's end left behind is
//     removed by the next clean-up), which is then renamed to NAME.gz; a NAME.gz that is a link, not a regular file or
//     another user's is left alone, and the backup uncompressed with a
//     report.
//   - The lock is checked with the path, once a second: if PATH.lock was
//     removed or replaced, the sink takes the lock again and says so; if
//     another process took it meanwhile, the sink writes to stderr, with
//     the one report of an outage, until that process lets go. So two
//     writers share a file at most until that check, never for good.
//
// Text from outside the program in a report (a path, an error) is escaped
// (newlines, control and bidirectional characters) and cut to 512 bytes,
// so that a hostile file name can neither forge a line nor drive a
// terminal. A regular file that
// is there already at the path is appended to, whoever owns it: an
// application user's file is a common setup. Where files have no Unix
// owner (outside Unix) the owner rules do not apply.
package output
