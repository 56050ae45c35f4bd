package figures

import (
	"math"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// subText is a plain-text handler that also typesets subscripts: "T_A"
// and "T_{AB}" set the A (or AB) smaller and lower. gonum/plot's LaTeX
// handler cannot (its parser rejects subscripts), and the paper's symbols
// need them: T_A, T_B, γ_1, a_2.
type subText struct{ text.Plain }

var _ text.Handler = subText{}

const (
	subScale = 0.7  // subscript size relative to the base font
	subDrop  = 0.22 // subscript baseline drop, in base font sizes
)

// run is a piece of a line in one size.
type run struct {
	s   string
	sub bool
}

// Literal escapes the underscores of s (a scenario or platform name) so
// that they are not typeset as subscripts.
func Literal(s string) string { return strings.ReplaceAll(s, "_", `\_`) }

// Plain is a figure's text as plain text (for metadata): escaped
// underscores are underscores again.
func Plain(s string) string { return strings.ReplaceAll(s, `\_`, "_") }

// runs splits a line at subscripts.
func runs(line string) []run {
	var out []run
	for len(line) > 0 {
		i := strings.IndexByte(line, '_')
		if i > 0 && line[i-1] == '\\' {
			// An escaped underscore (see Literal) is itself.
			out = append(out, run{s: line[:i-1] + "_"})
			line = line[i+1:]
			continue
		}
		if i < 0 || i == len(line)-1 {
			out = append(out, run{s: line})
			break
		}
		if i > 0 {
			out = append(out, run{s: line[:i]})
		}
		rest := line[i+1:]
		if rest[0] == '{' {
			if j := strings.IndexByte(rest, '}'); j > 0 {
				out = append(out, run{s: rest[1:j], sub: true})
				line = rest[j+1:]
				continue
			}
		}
		// one character (rune) as subscript
		n := len(string([]rune(rest)[0]))
		out = append(out, run{s: rest[:n], sub: true})
		line = rest[n:]
	}
	return out
}

func (h subText) subFont(fnt font.Font) font.Font {
	f := fnt
	f.Size = vg.Length(float64(fnt.Size) * subScale)
	return f
}

func (h subText) width(line string, fnt font.Font) vg.Length {
	var w vg.Length
	for _, r := range runs(line) {
		f := fnt
		if r.sub {
			f = h.subFont(fnt)
		}
		face := h.Fonts.Lookup(f, f.Size)
		w += markedWidth(face, r.s)
	}
	return w
}

// Box implements text.Handler.
func (h subText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	face := h.Fonts.Lookup(fnt, fnt.Size)
	ext := face.Extents()
	depth = ext.Descent
	if strings.Contains(txt, "_") {
		sf := h.subFont(fnt)
		sface := h.Fonts.Lookup(sf, sf.Size)
		depth = max(depth, vg.Length(subDrop)*fnt.Size+sface.Extents().Descent)
	}
	return h.width(txt, fnt), ext.Ascent, depth
}

// Draw implements text.Handler, following text.Plain.Draw.
func (h subText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	ht := sty.Height(txt)
	pt.Y += ht*vg.Length(sty.YAlign) - fnt.Extents().Ascent
	for i, line := range lines {
		x := pt.X + vg.Length(sty.XAlign)*h.width(line, sty.Font)
		y := pt.Y + vg.Length(len(lines)-i)*sty.Font.Size
		for _, r := range runs(line) {
			f, dy := sty.Font, vg.Length(0)
			if r.sub {
				f, dy = h.subFont(sty.Font), -vg.Length(subDrop)*sty.Font.Size
			}
			face := h.Fonts.Lookup(f, f.Size)
			x += drawMarked(c, face, vg.Point{X: x, Y: y + dy}, r.s)
		}
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}

// spacingMark maps combining diacritics to spacing forms. The renderer does
// not position combining marks (p̂ would show as "p ^"), so the handler
// centres the spacing form over the base letter itself.
var spacingMark = map[rune]rune{
	'\u0302': '\u02c6', // circumflex: p̂
	'\u0307': '\u02d9', // dot above: ṗ
	'\u0304': '\u00af', // macron: w̄
	'\u0303': '\u02dc', // tilde
}

// segments splits s into pieces drawn as a unit: a base letter with its
// marks, or a stretch without marks.
func segments(s string) (parts []string, marks [][]rune) {
	rs := []rune(s)
	start := 0
	for i := 0; i < len(rs); i++ {
		if i+1 < len(rs) && spacingMark[rs[i+1]] != 0 {
			if start < i {
				parts, marks = append(parts, string(rs[start:i])), append(marks, nil)
			}
			j := i + 1
			var ms []rune
			for j < len(rs) && spacingMark[rs[j]] != 0 {
				ms = append(ms, spacingMark[rs[j]])
				j++
			}
			parts, marks = append(parts, string(rs[i])), append(marks, ms)
			start = j
			i = j - 1
		}
	}
	if start < len(rs) {
		parts, marks = append(parts, string(rs[start:])), append(marks, nil)
	}
	return parts, marks
}

func markedWidth(face font.Face, s string) vg.Length {
	parts, _ := segments(s)
	var w vg.Length
	for _, p := range parts {
		w += face.Width(p)
	}
	return w
}

// drawMarked draws s at pt with its diacritics centred over their letters
// and returns its advance.
func drawMarked(c vg.Canvas, face font.Face, pt vg.Point, s string) vg.Length {
	parts, marks := segments(s)
	x := pt.X
	for k, p := range parts {
		c.FillString(face, vg.Point{X: x, Y: pt.Y}, p)
		w := face.Width(p)
		for i, m := range marks[k] {
			ms := string(m)
			c.FillString(face, vg.Point{X: x + (w-face.Width(ms))/2, Y: pt.Y + vg.Length(i)*face.Font.Size*0.25}, ms)
		}
		x += w
	}
	return x - pt.X
}
