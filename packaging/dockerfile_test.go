package packaging_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// instruction is one Dockerfile instruction, its continuation lines joined.
type instruction struct {
	Line int    // where it starts
	Cmd  string // upper case: FROM, RUN, ...
	Args string // the rest, as written
}

// stage is a FROM and the instructions up to the next FROM.
type stage struct {
	Name  string // the AS name, "" when none
	Image string
	Flags []string // --platform=...
	Body  []instruction
}

// parseDockerfile reads the instructions the way docker build does for
// what this Dockerfile uses: comments and parser directives are skipped, a
// line ending in a backslash continues on the next (comment lines inside a
// continuation are dropped). Heredocs and a changed escape character are not
// supported; the test fails if the file starts using them.
func parseDockerfile(path string) ([]stage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		stages []stage
		cur    strings.Builder
		start  int
	)
	flush := func() error {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return nil
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{Line: start, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		if strings.Contains(in.Args, "<<") {
			return fmt.Errorf("line %d: heredocs are not understood by this test", in.Line)
		}
		if in.Cmd == "FROM" {
			st := stage{}
			for _, w := range strings.Fields(in.Args) {
				switch {
				case strings.HasPrefix(w, "--"):
					st.Flags = append(st.Flags, w)
				case st.Image == "":
					st.Image = w
				case strings.EqualFold(w, "as"):
				default:
					st.Name = w
				}
			}
			stages = append(stages, st)
			return nil
		}
		if len(stages) == 0 {
			if in.Cmd == "ARG" {
				return nil // global ARG before the first FROM
			}
			return fmt.Errorf("line %d: %s before any FROM", in.Line, in.Cmd)
		}
		s := &stages[len(stages)-1]
		s.Body = append(s.Body, in)
		return nil
	}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			if strings.HasPrefix(strings.ToLower(strings.ReplaceAll(trimmed, " ", "")), "#escape=") {
				return nil, fmt.Errorf("line %d: a changed escape character is not understood by this test", n)
			}
			continue // a comment, a parser directive, or a comment inside a continuation
		}
		if cur.Len() == 0 {
			if trimmed == "" {
				continue
			}
			start = n
		}
		if strings.HasSuffix(trimmed, `\`) {
			cur.WriteString(strings.TrimSuffix(trimmed, `\`))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(trimmed)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur.Len() > 0 {
		return nil, fmt.Errorf("line %d: the file ends inside a continuation", start)
	}
	return stages, nil
}

// find returns the instructions of a stage with that command.
func (s stage) find(cmd string) []instruction {
	var out []instruction
	for _, in := range s.Body {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// execForm reads a JSON array argument (CMD ["a", "b"]); ok is false for the
// shell form.
func execForm(args string) ([]string, bool) {
	if !strings.HasPrefix(args, "[") {
		return nil, false
	}
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil {
		return nil, false
	}
	return out, true
}

// splitFlags takes the leading --flag=value words off args.
func splitFlags(args string) (flags map[string]string, rest string) {
	flags = map[string]string{}
	rest = strings.TrimSpace(args)
	for strings.HasPrefix(rest, "--") {
		word, after, _ := strings.Cut(rest, " ")
		k, v, _ := strings.Cut(strings.TrimPrefix(word, "--"), "=")
		flags[k] = v
		rest = strings.TrimSpace(after)
	}
	return flags, rest
}

// shellWords splits a simple shell command line: words separated by blanks,
// single and double quotes grouping (no escapes inside single quotes), no
// expansion. Enough for the Dockerfile's go build line.
func shellWords(s string) ([]string, error) {
	var (
		words []string
		cur   strings.Builder
		in    bool
		quote rune
	)
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote in %q", s)
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
