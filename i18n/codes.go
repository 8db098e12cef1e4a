package i18n

// codesTexts are what Coded says of a coded value left blank. The labels of
// the values themselves are package codes' (see the package comment).
var codesTexts = Catalog{
	VI: {
		"codes.not_recorded": "Chưa cập nhật",
	},
	EN: {
		"codes.not_recorded": "Not recorded",
	},
}
