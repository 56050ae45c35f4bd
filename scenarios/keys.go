package scenarios

import (
	"strconv"
	"strings"
)

// keyLines maps the keys of a TOML document to the lines (from 1) where
// they are set. BurntSushi/toml reports positions only for syntax errors,
// so validation errors, which name a key, find their line here.
//
// Keys are stored with array-of-tables indices from 0
// ("platform.1.name" is the second platform's). Keys of inline tables
// ("sweep.c.from") get the line of their table.
type keyLines struct {
	indexed map[string]int
}

func (k keyLines) line(key string) int { return k.indexed[key] }

func scanKeys(src string) keyLines {
	kl := keyLines{indexed: map[string]int{}}
	lines := strings.Split(src, "\n")
	var prefix []string
	arrayCount := map[string]int{}
	add := func(path []string, line int) {
		if k := strings.Join(path, "."); kl.indexed[k] == 0 {
			kl.indexed[k] = line
		}
	}
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		l := strings.TrimSpace(stripComment(lines[i]))
		switch {
		case l == "":
			continue
		case strings.HasPrefix(l, "[["):
			name := splitKey(strings.TrimSuffix(strings.TrimPrefix(l, "[["), "]]"))
			full := strings.Join(name, ".")
			n := arrayCount[full]
			arrayCount[full]++
			prefix = append(append([]string(nil), name...), strconv.Itoa(n))
			add(prefix, lineNo)
			continue
		case strings.HasPrefix(l, "["):
			name := splitKey(strings.TrimSuffix(strings.TrimPrefix(l, "["), "]"))
			// A sub-table of the latest array element: [platform.model].
			prefix = name
			for full, n := range arrayCount {
				fk := splitKey(full)
				if len(name) > len(fk) && strings.Join(name[:len(fk)], ".") == full {
					prefix = append(append(append([]string(nil), fk...), strconv.Itoa(n-1)), name[len(fk):]...)
				}
			}
			add(prefix, lineNo)
			continue
		}
		eq := indexOutsideQuotes(l, '=')
		if eq < 0 {
			continue
		}
		key := splitKey(l[:eq])
		path := append(append([]string(nil), prefix...), key...)
		add(path, lineNo)
		value := strings.TrimSpace(l[eq+1:])
		if strings.HasPrefix(value, "{") {
			for _, sub := range inlineKeys(value) {
				add(append(append([]string(nil), path...), sub), lineNo)
			}
		}
		// Skip the continuation lines of multi-line arrays and strings.
		switch {
		case strings.HasPrefix(value, `"""`) || strings.HasPrefix(value, "'''"):
			delim := value[:3]
			if strings.Count(value, delim) < 2 {
				for i+1 < len(lines) && !strings.Contains(lines[i+1], delim) {
					i++
				}
				i++
			}
		case strings.HasPrefix(value, "["):
			depth := bracketDepth(value)
			for depth > 0 && i+1 < len(lines) {
				i++
				depth += bracketDepth(stripComment(lines[i]))
			}
		}
	}
	return kl
}

// stripComment removes a # comment that is not inside a string.
func stripComment(l string) string {
	if i := indexOutsideQuotes(l, '#'); i >= 0 {
		return l[:i]
	}
	return l
}

// indexOutsideQuotes finds c outside "…" and '…' strings.
func indexOutsideQuotes(s string, c byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote != 0:
			if s[i] == '\\' && quote == '"' {
				i++
			} else if s[i] == quote {
				quote = 0
			}
		case s[i] == '"' || s[i] == '\'':
			quote = s[i]
		case s[i] == c:
			return i
		}
	}
	return -1
}

// splitKey splits a dotted key, unquoting quoted parts.
func splitKey(k string) []string {
	var parts []string
	for {
		k = strings.TrimSpace(k)
		i := indexOutsideQuotes(k, '.')
		part := k
		if i >= 0 {
			part = k[:i]
		}
		part = strings.TrimSpace(part)
		if u, err := strconv.Unquote(part); err == nil {
			part = u
		} else if len(part) >= 2 && part[0] == '\'' && part[len(part)-1] == '\'' {
			part = part[1 : len(part)-1]
		}
		parts = append(parts, part)
		if i < 0 {
			return parts
		}
		k = k[i+1:]
	}
}

// inlineKeys lists the top-level keys of an inline table "{a = 1, b = 2}".
func inlineKeys(v string) []string {
	end := strings.LastIndexByte(v, '}')
	if end < 0 {
		end = len(v)
	}
	body := v[1:end]
	var keys []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i <= len(body); i++ {
		if i < len(body) {
			c := body[i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
				continue
			case c == '"' || c == '\'':
				quote = c
				continue
			case c == '{' || c == '[':
				depth++
				continue
			case c == '}' || c == ']':
				depth--
				continue
			case c != ',' || depth > 0:
				continue
			}
		}
		item := body[start:i]
		if eq := indexOutsideQuotes(item, '='); eq >= 0 {
			keys = append(keys, strings.Join(splitKey(item[:eq]), "."))
		}
		start = i + 1
	}
	return keys
}

// bracketDepth is the change in [ ] nesting along a line, outside strings.
func bracketDepth(s string) int {
	d := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			d++
		case c == ']':
			d--
		}
	}
	return d
}
