package digest

import (
	"github.com/tickler-dev/tickler/codes"
	"github.com/tickler-dev/tickler/i18n"
)

// The digest's words are in package i18n ("digest.…"); coded values of the
// records (ranks, categories ...) are named by i18n.Coded, from package
// codes.

// kindLabel names a kind of training: its category, and its level for
// degrees and political theory.
func kindLabel(category, level, lang string) string {
	s := i18n.Coded(codes.Category, category, lang)
	if level == "" {
		return s
	}
	lv := level
	switch category {
	case "degree":
		lv = i18n.Coded(codes.Education, level, lang)
	case "political_theory":
		lv = i18n.Coded(codes.PoliticalTheory, level, lang)
	}
	return s + " – " + lv
}
