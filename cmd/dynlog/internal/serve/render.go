package serve

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/outside"
)

// jsonLine is a line as the page gets it. The page inserts every string
// as text, never as markup.
type jsonLine struct {
	Stream     int         `json:"stream"`
	Pos        int64       `json:"pos"`
	File       string      `json:"file"`
	Line       int         `json:"line"`
	Level      string      `json:"level,omitempty"` // trace … error, of a record
	Time       string      `json:"time,omitempty"`
	TraceID    string      `json:"trace_id,omitempty"`
	SpanID     string      `json:"span_id,omitempty"`
	XRequestID string      `json:"x_request_id,omitempty"`
	Segments   [][2]string `json:"segs"` // [class, text]: the line as the readable layout prints it
	Note       string      `json:"note,omitempty"`
}

// maxShown is how much of a line the page gets; the rest is cut, and the
// line's note says so.
const maxShown = 64 << 10

// shown is a line rendered for the page: its segments and their text.
type shown struct {
	segs [][2]string
	text string
	note string
}

// segmentsOf splits a line the readable layout wrote with colour into
// runs of text and the classes of their SGR attributes ("d" dim, "b"
// bold, "i" italic, "c31" … "c37" the colours), cut at maxShown bytes.
// Only the encoder writes ESC: view's escaping (Config.Render) wrote the
// input's as the text \x1b.
func segmentsOf(ansi []byte) shown {
	var out shown
	var text strings.Builder
	var attrs []string
	total := 0
	emit := func(s string) {
		if s == "" || total >= maxShown {
			return
		}
		if total+len(s) > maxShown {
			s = cutUTF8(s, maxShown-total)
			out.note = "cut at " + strconv.Itoa(maxShown>>10) + " KiB for the page"
		}
		total += len(s)
		text.WriteString(s)
		out.segs = append(out.segs, [2]string{strings.Join(attrs, " "), s})
	}
	s := string(ansi)
	for len(s) > 0 {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			emit(s)
			break
		}
		emit(s[:i])
		s = s[i+2:]
		j := strings.IndexByte(s, 'm')
		if j < 0 {
			break
		}
		for _, code := range strings.Split(s[:j], ";") {
			switch {
			case code == "0" || code == "":
				attrs = attrs[:0]
			case code == "1":
				attrs = append(attrs, "b")
			case code == "2":
				attrs = append(attrs, "d")
			case code == "3":
				attrs = append(attrs, "i")
			case len(code) == 2 && code[0] == '3' && code[1] >= '0' && code[1] <= '7':
				attrs = append(attrs, "c"+code)
			}
		}
		s = s[j+1:]
	}
	out.text = text.String()
	return out
}

// plainLine renders a line that is not a record: its controls and bytes
// that are not UTF-8 escaped, as `dynlog view` passes such lines through.
func plainLine(b []byte) shown {
	if len(b) > maxShown {
		s := shown{text: cutUTF8(string(outside.Append(nil, b[:maxShown])), maxShown)}
		s.segs = [][2]string{{"", s.text}}
		s.note = "cut at " + strconv.Itoa(maxShown>>10) + " KiB for the page"
		return s
	}
	text := string(outside.Append(nil, b))
	return shown{segs: [][2]string{{"", text}}, text: text}
}

func cutUTF8(s string, n int) string {
	if n >= len(s) {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// levelName is the lower-case level word of a record the page colours.
func levelName(rec *logfile.Record) string {
	if !rec.HasLevel {
		return ""
	}
	return filter.LevelName(rec.Level)
}
