package waterfall

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultWidth is the width of the bars, in columns, when Options.Width is
// not positive.
const DefaultWidth = 40

// maxNameWidth bounds the span-name and target columns: a longer name is
// cut with "…".
const maxNameWidth = 48

// maxIndent bounds the indentation of deep trees, in levels.
const maxIndent = 24

// Options says how Render draws.
type Options struct {
	Width int  // of the bars in columns; DefaultWidth if ≤ 0
	Color bool // ANSI colour, for a terminal
}

// ANSI colours: a bar's colour tells its service.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiOpen  = "\x1b[33m"
)

var serviceColors = []string{"\x1b[36m", "\x1b[32m", "\x1b[35m", "\x1b[34m", "\x1b[33m", "\x1b[31m"}

// Render draws t: a header with the trace's IDs, span and service counts and
// duration, then one row per span, indented by its depth, with its service,
// its start offset in the trace, a bar placed and scaled on the trace's
// time line, its duration and its busy and idle times. An open span's bar is
// drawn in a lighter shade to the end of the trace.
func Render(w io.Writer, t *Trace, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = DefaultWidth
	}
	paint := func(code, s string) string {
		if !opts.Color || s == "" {
			return s
		}
		return code + s + ansiReset
	}

	var b strings.Builder
	b.WriteString(paint(ansiBold, "trace "+clean(t.ID, 64)))
	if t.XRequestID != "" {
		b.WriteString("  x_request_id=" + clean(t.XRequestID, 64))
	}
	if t.RequestID != "" {
		b.WriteString("  request_id=" + clean(t.RequestID, 64))
	}
	b.WriteByte('\n')
	targets := t.Targets()
	fmt.Fprintf(&b, "%d %s in %d %s, %s, from %s\n",
		len(t.Spans), plural(len(t.Spans), "span", "spans"),
		len(targets), plural(len(targets), "service", "services"),
		FormatDuration(t.Duration), t.Start.UTC().Format("2006-01-02T15:04:05.000000Z"))

	color := map[string]string{}
	for i, tg := range targets {
		color[tg] = serviceColors[i%len(serviceColors)]
	}
	names := make([]string, len(t.Spans))
	nameW, targetW, offW, durW := len("span"), len("service"), len("start"), len("duration")
	for i, s := range t.Spans {
		names[i] = strings.Repeat("  ", min(s.Depth, maxIndent)) + clean(orDash(s.Name), maxNameWidth)
		nameW = max(nameW, utf8.RuneCountInString(names[i]))
		targetW = max(targetW, utf8.RuneCountInString(clean(orDash(s.Target), maxNameWidth)))
		offW = max(offW, utf8.RuneCountInString(offset(s.Start.Sub(t.Start))))
		durW = max(durW, utf8.RuneCountInString(FormatDuration(s.Duration)))
	}
	total := FormatDuration(t.Duration)
	scale := "0" + strings.Repeat(" ", max(width-1-utf8.RuneCountInString(total), 1)) + total
	fmt.Fprintf(&b, "%s  %s  %s   %s   %s  %s\n",
		pad("span", nameW), pad("service", targetW), padLeft("start", offW),
		pad(scale, width), padLeft("duration", durW), "busy, idle")
	for i, s := range t.Spans {
		b.WriteString(paint(ansiBold, pad(names[i], nameW)))
		b.WriteString("  ")
		b.WriteString(paint(ansiDim, pad(clean(orDash(s.Target), maxNameWidth), targetW)))
		b.WriteString("  ")
		b.WriteString(padLeft(offset(s.Start.Sub(t.Start)), offW))
		b.WriteString("  |")
		lead, fill := bar(s.Start.Sub(t.Start), s.Duration, t.Duration, width)
		b.WriteString(strings.Repeat(" ", lead))
		if s.Open {
			b.WriteString(paint(ansiOpen, strings.Repeat("░", fill)))
		} else {
			b.WriteString(paint(color[s.Target], strings.Repeat("█", fill)))
		}
		b.WriteString(strings.Repeat(" ", width-lead-fill))
		b.WriteString("|  ")
		b.WriteString(padLeft(FormatDuration(s.Duration), durW))
		b.WriteString("  ")
		if s.Open {
			b.WriteString(paint(ansiOpen, "open (no SPAN_CLOSED)"))
		} else {
			b.WriteString(FormatDuration(s.Busy) + " busy, " + FormatDuration(s.Idle) + " idle")
		}
		if s.ParentMissing {
			b.WriteString("  (parent " + clean(s.Parent, 32) + " not in the logs)")
		}
		if s.ParentLoop {
			b.WriteString("  (parent " + clean(s.Parent, 32) + " loops back to this span: drawn as a root)")
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// bar places a span on a line of width cells: the empty cells before it and
// the cells it fills, at least one and never past the end.
func bar(off, dur, total time.Duration, width int) (lead, fill int) {
	if total <= 0 {
		return 0, 1
	}
	scale := float64(width) / float64(total)
	from := math.Floor(float64(max(off, 0)) * scale)
	to := math.Ceil(float64(max(off+dur, 0)) * scale)
	lead = int(min(max(from, 0), float64(width-1)))
	end := int(min(max(to, 0), float64(width)))
	return lead, max(end-lead, 1)
}

// FormatDuration writes d for a person, to three significant digits or so:
// 850µs, 1.09ms, 2.12s, 3m5s.
func FormatDuration(d time.Duration) string {
	switch {
	case d == math.MinInt64:
		return "-" + FormatDuration(math.MaxInt64)
	case d < 0:
		return "-" + FormatDuration(-d)
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

// offset is a span's start in its trace: +1.09ms.
func offset(d time.Duration) string {
	if d < 0 {
		return FormatDuration(d)
	}
	return "+" + FormatDuration(d)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clean makes s safe to draw: control characters (C0, DEL, C1) become "?",
// and more than limit runes are cut with "…".
func clean(s string, limit int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n == limit {
			b.WriteString("…")
			break
		}
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

func pad(s string, w int) string {
	return s + strings.Repeat(" ", max(w-utf8.RuneCountInString(s), 0))
}

func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(w-utf8.RuneCountInString(s), 0)) + s
}
