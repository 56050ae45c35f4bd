package scenarios

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/culturesim/culturesim/model"
	"github.com/culturesim/culturesim/sim"
)

// The decoder reads the document as a tree of TOML values
// (map[string]any, as toml.Decode delivers it) and checks every value
// against the key it is found at. A value of the wrong type is an error at
// its key like any other, so every problem of a file is reported at once;
// the tables of keys are sim.Settings and the lists below.

// last is a dotted key's last part: the name inside its table.
func last(key string) string {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// join appends a name to a dotted key.
func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// known reports every key of m not in allowed, as an unknown key with a
// suggestion among allowed.
func (p *parser) known(prefix string, m map[string]any, allowed []string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the same messages in the same order, every time
	for _, k := range keys {
		if slices.Index(allowed, k) >= 0 {
			continue
		}
		key := join(prefix, k)
		hint := suggest(k, allowed, prefix)
		if hint == "" && len(allowed) <= 16 {
			hint = " (the keys here are " + strings.Join(allowed, ", ") + ")"
		}
		p.fail(key, "unknown key%s", hint)
	}
}

// suggest proposes the allowed key nearest to a misspelt one: at most
// one edit away for keys of up to three letters, two for longer ones (so
// that "zz" is not taken for "b").
func suggest(key string, allowed []string, prefix string) string {
	best, bestD := "", min(2, max(1, len(key)/2))+1
	if len(key) > 64 {
		return "" // nobody misspells a key that long; do not spend time on it
	}
	for _, k := range allowed {
		if d := editDistance(key, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", displayKey(join(prefix, best)))
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// table returns the table at key (its last part a key of m), nil if
// absent or not a table (an error).
func (p *parser) table(key string, m map[string]any) map[string]any {
	v, ok := m[last(key)]
	if !ok {
		return nil
	}
	t, ok := v.(map[string]any)
	if !ok {
		p.fail(key, "must be a table ([%s]), not %s", displayKey(key), model.TypeName(v))
		return nil
	}
	return t
}

// tables returns the array of tables at key ([[key]]).
func (p *parser) tables(key string, m map[string]any) []map[string]any {
	v, ok := m[last(key)]
	if !ok {
		return nil
	}
	switch t := v.(type) {
	case []map[string]any:
		return t
	case []any: // an array written inline: [{…}, {…}]
		out := make([]map[string]any, 0, len(t))
		for _, e := range t {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
				continue
			}
			p.fail(key, "must be tables ([[%s]]), not a list of %s", key, model.TypeName(e))
			return nil
		}
		return out
	}
	p.fail(key, "must be an array of tables ([[%s]]), not %s", key, model.TypeName(v))
	return nil
}

// str reads an optional string.
func (p *parser) str(key string, m map[string]any) (string, bool) {
	v, ok := m[last(key)]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		p.fail(key, "must be a string, not %s", model.TypeName(v))
		return "", false
	}
	return s, true
}

// intIn reads an optional whole number within [lo, hi] (shown as
// rangeText when given).
func (p *parser) intIn(key string, m map[string]any, def, lo, hi int64, rangeText string) int64 {
	v, ok := m[last(key)]
	if !ok {
		return def
	}
	if rangeText == "" {
		rangeText = fmt.Sprintf("[%d, %d]", lo, hi)
	}
	var x int64
	switch n := v.(type) {
	case int64:
		x = n
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt64/2 {
			p.fail(key, "%s is outside its allowed range %s (a whole number is needed)", model.FormatFloat(n), rangeText)
			return def
		}
		x = int64(n)
	default:
		p.fail(key, "must be a whole number in %s, not %s", rangeText, model.TypeName(v))
		return def
	}
	if x < lo || x > hi {
		p.fail(key, "%d is outside its allowed range %s", x, rangeText)
		return def
	}
	return x
}

// missing reports a required key that is absent, saying what it is.
func (p *parser) missing(key, why string) { p.fail(key, "missing: %s", why) }

// float reads an optional finite number.
func (p *parser) float(key string, m map[string]any) (float64, bool) {
	v, ok := m[last(key)]
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			p.fail(key, "%s is not a finite number", model.FormatFloat(n))
			return 0, false
		}
		return n, true
	}
	p.fail(key, "must be a number, not %s", model.TypeName(v))
	return 0, false
}

// choice reads an optional string that must be one of options (case
// insensitive) and returns its index (0 when absent).
func (p *parser) choice(key string, m map[string]any, options ...string) int {
	s, ok := p.str(key, m)
	if !ok {
		return 0
	}
	for i, o := range options {
		if strings.EqualFold(s, o) {
			return i
		}
	}
	p.fail(key, "%q is not one of %s", s, model.QuoteList(options, "or"))
	return 0
}

// setting reads a value for one of sim.Settings, reporting type errors.
func (p *parser) setting(key string, s sim.Setting, raw any) (sim.Value, bool) {
	v, err := s.Parse(raw)
	if err != nil {
		var fe *model.FieldError
		if errors.As(err, &fe) {
			p.failField(key, fe)
		} else {
			p.fail(key, "%v", err)
		}
		return sim.Value{}, false
	}
	return v, true
}
