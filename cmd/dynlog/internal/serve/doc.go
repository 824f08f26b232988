// Package serve is `dynlog serve`: the lines of log files, and the
// waterfalls of the requests traced in them, served to a browser by the
// dynlog binary alone. The page (assets/, embedded) reads JSON:
//
//	GET /api/info                 the files, whether they are followed, the links
//	GET /api/lines?before=C       the newest lines before cursor C (the end if absent)
//	GET /api/tail?after=C         the lines after C, waiting up to 20 s for some
//	GET /api/trace/{trace_id}     the trace as `dynlog trace --json` computes it
//
// with the filters filter (DYN_LOG directives), level, q (text in the line
// as shown, any case), trace, request (x_request_id or request_id) and span.
//
// # The rules
//
//   - Only the files of Config.Files and their rotated backups (rotname's
//     naming, .gz included) are read. A request names lines by a cursor,
//     one position per file, never by a path. None is read through a
//     symbolic link, but a file named that was one when the server
//     started: a link put in place of a file or among its backups (by
//     whoever can write the directory) is said through OnError, not read.
//   - Memory does not grow with the files: each is indexed by the offset
//     of every 256th line (or of the first line past each MiB), and a page
//     reads the blocks it needs. Lines read while serving are held, the
//     newest 32 MiB of each file; the page gets one line saying how many
//     are no longer held, never a silent hole. A compressed backup is
//     decompressed from its start for each read of it, 32 blocks at a time.
//   - A file is followed as `dynlog view -f` follows it, from its start,
//     skipping the lines the index holds. If it was rotated between the
//     index's read and the follower's first (its first line is not the
//     one indexed), nothing is skipped and the page gets a line saying
//     so. A .gz named on the command line is read once, not followed.
//   - A record longer than logfile.MaxLineSize cannot be decoded: with a
//     filter, the page gets a line saying so in its place.
//   - Lines of several files are merged by their time; a line without one
//     goes with the line before it in its file.
//   - A request looks at 200,000 lines at most and answers 500 at most,
//     and about 4 MiB of text at most; "more" says where to go on. Two
//     requests read files at once; others wait. At most 512 tail
//     requests wait for new lines at once; one more is answered 503 (the
//     page asks again 2 s later). A client has 30 s to take
//     an answer; one that does not read holds no worker meanwhile.
//   - Every answer carries a Content-Security-Policy that allows the
//     page's own script only, and nosniff. Only GET and HEAD are served.
//     Without a token, only requests addressed to localhost or a loopback
//     address are answered (no DNS name of another site pointed at
//     127.0.0.1 reaches it); with one, every request carries it as
//     "Authorization: Bearer T", the token cookie, or ?token=T, which on a
//     page sets the cookie and redirects to the address without it.
//   - The API (/api/…) answers no request a browser marks as coming from
//     another site's page (Sec-Fetch-Site cross-site or same-site): such a
//     page cannot read an answer, but it could time one (a search's time
//     tells whether the logs hold a word) or keep the server busy.
//   - The page inserts every piece of log text with textContent.
package serve
