package model

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// FieldError reports one setting outside its allowed range, named by its
// path from the root of a configuration.
//
// A path is a dot-separated list of field names with 0-based list indices
// in brackets: "c", "migration[1].rate", "platform[0].model.alpha". The
// packages that check configurations (model, sim) write paths; the
// scenario decoder maps them to file keys and lines. Messages never
// depend on who reads them.
type FieldError struct {
	Path   string
	Value  any    // the offending value; nil when the setting is missing
	Domain string // the allowed range, e.g. "[0, 1]"; empty when Detail says it all
	Detail string // why, when the range alone does not say (e.g. "c = 0.5 is not below b")
}

// Error renders "path = value is outside its allowed range domain (detail)".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Message()
	}
	if e.Value == nil || e.Domain == "" {
		return e.Path + ": " + e.Message()
	}
	return e.Path + " = " + e.Message()
}

// Message is the error without its path: "value is outside its allowed
// range domain (detail)", or the detail alone when there is no value or
// range.
func (e *FieldError) Message() string {
	if e.Value == nil || e.Domain == "" {
		if e.Detail != "" {
			return e.Detail
		}
		return "outside its allowed range " + e.Domain
	}
	s := FormatValue(e.Value) + " is outside its allowed range " + e.Domain
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Field returns the last name of the path: "rate" for "migration[1].rate".
func (e *FieldError) Field() string {
	p := e.Path
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		p = p[i+1:]
	}
	if i := strings.IndexByte(p, '['); i >= 0 {
		p = p[:i]
	}
	return p
}

// FormatValue prints a setting's value as messages show it: floats in the
// shortest form that reads back (FormatFloat), strings quoted.
func FormatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return FormatFloat(x)
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "(missing)"
	}
	return fmt.Sprint(v)
}

// TypeName names the type of a decoded value (TOML, JSON) for messages:
// "a string", "a number", "a list", …
func TypeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, int, float64:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("a %T", v)
}

// QuoteList quotes a list of names for messages: "a", "b" or "c" with
// conj "or"; with an empty conj, "a", "b", "c" (as a TOML list writes
// them).
func QuoteList(xs []string, conj string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	if conj == "" || len(q) < 2 {
		return strings.Join(q, ", ")
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}

// FormatFloat prints a float the way error messages and reports show it:
// the shortest representation that reads back to the same value.
func FormatFloat(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return fmt.Sprint(x)
}

// Within returns err with prefix prepended to the path of every
// *FieldError in it (errors.Join trees are kept flat): Within("platform[1]",
// err) turns "model.c" into "platform[1].model.c". Other errors are kept
// as they are. A nil err gives nil.
func Within(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, e := range Unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			c := *fe
			switch {
			case c.Path == "":
				c.Path = prefix
			case strings.HasPrefix(c.Path, "["):
				c.Path = prefix + c.Path
			default:
				c.Path = prefix + "." + c.Path
			}
			out = append(out, &c)
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// Unjoin flattens the errors of an errors.Join tree (or returns err
// itself, or nothing for nil).
func Unjoin(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, Unjoin(e)...)
	}
	return out
}

// FieldErrors returns every *FieldError in err (errors.Join trees
// included), in order.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	for _, e := range Unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			out = append(out, fe)
		}
	}
	return out
}
