// Package filter gives zap Dynamo's per-target level filter: the DYN_LOG
// directive grammar, a gate [go.uber.org/zap/zapcore.Core] that applies it,
// filters that can be swapped while loggers run, and vLLM-style
// suppression.
//
//	f, err := filter.Parse("info,dynamo_runtime=debug,h2=error")
//	if err != nil {
//		// f still holds every directive that parsed; err names the others.
//	}
//	log := zap.New(filter.NewCore(inner, f))
//	router := filter.Named(log, "dynamo_runtime::router") // level bound in
//
// # Rules
//
// A spec is a comma-separated list; empty segments are dropped. LEVEL sets
// the default; TARGET=LEVEL applies to every target that starts with TARGET
// (a plain string prefix: dynamo=debug matches dynamo_runtime::x); TARGET
// alone means TARGET=trace; TARGET:LEVEL (the form in Dynamo's guide) is
// read as TARGET=LEVEL when the part after the last single ':' is a level
// word. Levels are off, error, warn (warning), info, debug, trace in any
// case, or 0–5. Among matching directives the longest target wins, the
// default applies last, and a target nothing matches prints nothing: with
// DYN_LOG=foo=debug alone every other target is off, as in Dynamo. White
// space around a directive, its '=' or its ':' is dropped; a target holds
// none (of any kind), no '=', '[' or ']', and is valid UTF-8, as is a span
// name: a directive that breaks this is skipped and named in the error, so
// that [Filter.String] always reads back to the same filter.
//
// # Span directives
//
// [SPAN]=LEVEL and TARGET[SPAN]=LEVEL act on lines logged inside a span, as
// in Rust tracing-subscriber's EnvFilter, which Dynamo uses. The spans in
// scope are the [vocab.SpansField] on the call
// ([github.com/dynlog/dynlog/tracing.Ctx] makes one), or else the last one
// given to the logger's With; the span names are its Chain, root first. A
// span directive matches a line when one of those names equals SPAN exactly
// and, if the directive has a TARGET, the line's target starts with TARGET. A
// line then prints if the target directives allow it or a matching span
// directive does; among matching span directives the most permissive level
// wins. Span directives only widen: [SPAN]=off never silences a line the
// target directives print, and with info,[http-request]=debug a debug line
// prints inside http-request (at any depth of the chain) and nowhere else.
// [Suppress] wins over both.
//
// Where EnvFilter compares TARGET with the span's own target, we compare it
// with the line's, since [vocab.Spans] carries no span targets; the two agree
// for lines logged through the logger the span was started with. As in the
// encoders, a spans field after a [go.uber.org/zap.Namespace] is a nested
// object, not the line's spans.
//
// # Targets
//
// A target is the zap logger's name. An unnamed logger's target is the import
// path of its caller's package, which zap learns only after the core's Check.
// So for an unnamed logger the filter decides at Check when it can (the level
// passes every target, or none) and otherwise at Write, once the caller is
// known; the price of a caller lookup is paid only for levels that some
// target prints and others do not, and only when [go.uber.org/zap.AddCaller]
// is on (without it the target is empty and the default level applies).
//
// # Speed
//
// Matching walks an index of the directives' targets (a radix tree) along
// the target's bytes, and looks the names of the spans in scope up in maps:
// its cost grows with the target's length and the depth of the spans, not
// with the number of directives.
//
// Enabled, which zap calls before building an entry, is the cheapest superset
// of the decision: the lowest level any directive, target or span, prints at,
// and a level the inner core is enabled for. Over the cores package core
// builds, whose sink takes every level, it leaves the inner core out: there
// it reads the filter's lowest level and the suppression level, and calls
// nothing.
// For a logger made with [Named] it is that logger's own level (or its
// children's, if a directive names a longer target, or a span directive's, if
// one can match its target), computed once per change of filter and read with
// two atomic loads: a rejected call costs about what zap's disabled call
// costs. Names made with zap's own Logger.Named are looked up in a per-filter
// cache of 64 slots by the address of the name's bytes, which a logger hands
// its core unchanged on every call; a name that finds its slot held by
// another walks the index. Such a call passes Enabled and is rejected in
// Check, and zap reads its clock in between: most of what it costs is that
// reading. [github.com/dynlog/dynlog/core.New]'s loggers
// read [github.com/dynlog/dynlog/core.MonotonicClock], cheaper than
// time.Now (BenchmarkFilter's -timenow variants show by how much); pass zap.WithClock(core.MonotonicClock()) to
// [go.uber.org/zap.New] for the same.
//
// zap shows a core a line's fields only at Write. So when the target
// directives reject a line that a span directive could let through at its
// level, the decision waits for Write, where the spans field is found among
// the call's fields or in the With context. Only such lines pay for it: a
// filter without span directives costs nothing for them.
//
// # Mistakes it catches
//
// The grammar reads a misspelt level as a target at trace: "dbug" means
// target dbug. Warnings lists what is probably not meant, for a person to
// read: with no default level, a target within two edits of a level word
// (with the word), or else the targets that alone still print; and a
// filter that turns every line off. The filter works as written all the
// same. Each [Directive] has a Source ([SourceBuiltin], a TOML path,
// "env DYN_LOG", [SourceRuntime]) that warnings and the HTTP handler show.
//
// # Changes at run time
//
// An [Atomic] holds the filter for a tree of loggers in two layers: the
// configured filter (Store, Configure; what
// [github.com/dynlog/dynlog/core.Reload] replaces) and a runtime override
// above it (Override; ClearOverride removes it). Every logger sees either the
// old filter or the new one. OnChange reports every change, with who made it
// and whether it came from outside the program ([Change.Outside]):
// Configure, Override and ClearOverride name who made the change (the HTTP
// handler, [github.com/dynlog/dynlog/core.Reload], a SIGHUP) and report it
// as from outside; Store is the program setting its own level, as zap's
// AtomicLevel.SetLevel, and is not. [github.com/dynlog/dynlog/core.New]
// writes one audit line of target "dynlog" for each change from outside
// and none for Store, as SetLevel writes none. [Suppress] drops lines at or below a level in every filter core of
// the process until its restore function runs; [Suppressed] restores even if
// its function panics.
//
// An Atomic is an http.Handler: GET shows the filter in force with each
// directive's source and whether an override is active, PUT sets the
// override (an empty spec is refused: send "off" for off) and answers with
// the filter's Warnings, PATCH merges directives into the filter in force
// (dynamo=debug changes that target's level and keeps every other
// directive) and sets the result as the override, DELETE removes it.
// Handler(log.Core()) finds a logger's Atomic and answers 503 if it has
// none, as a nil *Atomic does.
//
// # Limits
//
// A spec holds at most [MaxDirectives] (1,024) directives, counted as
// written, repeats included: [Parse] keeps the first 1,024 and its error
// says how many it skipped ([ErrTooManyDirectives]), so DYN_LOG loses only
// what is past the bound. The handler refuses, keeping the filter in
// force, a longer spec whole and a PATCH that would grow the filter past
// the bound with 400, and a body over 64 KiB with 413. It takes at most
// [ChangeBurst] changes at once and [ChangesPerSecond] a second after
// that, and answers one more 429: each change writes an audit line.
//
// A change's [Change.String], the message of core's audit line, says who
// made it and which directives it added and removed, by target, span and
// level, not the whole old and new filter:
//
//	filter replaced by HTTP PUT from 127.0.0.1:52114: 1 directive added, 15 removed; added debug; removed warn, h2=error, … (13 more)
//
// Each list names the directives that fit in 512 bytes and says how many
// more there are; each directive is cut at 128 bytes and who made the
// change at 256; targets, span names and the remote address are escaped
// (newlines as \n, control and bidirectional characters as \xhh and
// \u{hhhh}) so that they cannot forge a line or drive a terminal. The
// line is at most [MaxChangeBytes] (2 KiB) long.
//
// # Wrapped cores
//
// The filter core holds its [Atomic]; the once-only and tracing cores
// inside it hold their own state, and each of these cores keeps, from when
// it is built and through With, what the cores inside it hold. So
// [AtomicOf] and [Handler] answer in O(1) from a filter core, and one
// Unwrap step from a core of the module around it. Behind a wrapper that
// hides it (zap's hooked core, [go.uber.org/zap.Hooks], and sampler, a
// [go.uber.org/zap.WrapCore] wrapper that embeds a zapcore.Core as its field
// Core, a tee, whose first filter core wins), AtomicOf, Handler and [Named]
// walk the cores to find it, by [vocab.Unwrapper] and, for zap's types,
// which have no Unwrap method, by reflection on exported fields: when a
// logger is set up, never on a log line. [go.uber.org/zap.IncreaseLevel]'s
// core keeps its inner core unexported and hides the filter core from the
// walk.
//
// # Zap's Core contract
//
// The filter core's Check hands what passes to the inner core's Check,
// which adds the cores that write. A named logger's line is decided there,
// whatever the built-in directives make the filter's maximum level, unless
// a span directive that applies to its target could print it: then the
// spans among the fields decide. What Check cannot decide (that, and an
// unnamed logger's target below the level every target prints at) it
// decides at Write. It then hands the line to the once-only or tracing core
// inside by a method call, which decides as its own Check and Write would,
// so that a line through the three cores meets one nested checked entry at
// most: the sink's, written through the sink's Check, as zap's contract
// asks. The inner cores' write errors are returned, and zap reports them to
// the logger's ErrorOutput.
//
// # Process-wide state
//
// [Suppress] acts on every filter core of the process, as vLLM's
// suppress_logging does, so what it suppresses is one process-wide value.
// Beside it one counter, the epoch, counts every change that can move a
// level, a suppression or a filter swapped in any [Atomic]: a bound logger
// ([Named]) checks its cached level against it with one atomic load, which
// a counter per Atomic could not do for suppression too. Nothing else in
// the package is global: filters, Atomics and cores hold their own state.
package filter
