package message

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// tidyTextSplit is tidyText as it was first written, by strings.Split: the
// reference the faster one must match.
func tidyTextSplit(s string) string {
	var b strings.Builder
	blank := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteString("\n")
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String() + "\n"
}

func TestTidyText(t *testing.T) {
	cases := []string{"", "\n", "a", "a\n", "\na", "a\n\n\nb", "a \t\n \n\tb\t\n", "  x  \n\n\n", "a\nb\n\n c \n"}
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "ễ", " ", "\t", "\n", "\n\n", "line", "\u00a0", "\u3000", "\r", "\v", "\xff", "\xe1\xba"}
	for range 2000 {
		var b strings.Builder
		for range r.IntN(12) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		if got, want := tidyText([]byte(s)), tidyTextSplit(s); got != want {
			t.Fatalf("tidyText(%q) = %q, want %q", s, got, want)
		}
		// A subject: its words on one line, as Fields and Join make it.
		if got, want := oneLine([]byte(s)), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("oneLine(%q) = %q, want %q", s, got, want)
		}
	}
}
