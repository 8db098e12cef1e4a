package tmplexec

import (
	"bytes"
	"errors"
	htmltemplate "html/template"
	"strings"
	"testing"
	texttemplate "text/template"
	"text/template/parse"
)

type inner struct {
	N    int
	S    string
	Any  any
	List []string
}

func (inner) Method() string { return "m" }

type data struct {
	Name  string
	Count int
	Ratio float64
	Ok    bool
	In    inner
	Ptr   *inner
	Items []inner
	Map   map[string]int
	Nil   any
}

var sample = data{
	Name: `Nguyễn <b>"A"</b> & 'B' + C`, Count: 3, Ratio: 1e21, Ok: true,
	In:    inner{N: 7, S: "x", Any: "y", List: []string{"a", "b"}},
	Ptr:   &inner{N: 9, S: "p"},
	Items: []inner{{N: 1, S: "one"}, {N: 2, S: "two"}, {N: 0, S: ""}},
	Map:   map[string]int{"b": 2, "a": 1},
}

var funcs = map[string]any{
	"up":  strings.ToUpper,
	"add": func(a, b int) int { return a + b },
}

var env = Env{Funcs: map[string]Func{
	"up": func(a []any) (any, error) {
		if len(a) == 1 {
			if s, ok := a[0].(string); ok {
				return strings.ToUpper(s), nil
			}
		}
		return nil, ErrFallback
	},
	"add": func(a []any) (any, error) {
		if len(a) == 2 {
			x, ok1 := a[0].(int)
			y, ok2 := a[1].(int)
			if ok1 && ok2 {
				return x + y, nil
			}
		}
		return nil, ErrFallback
	},
}}

// cases are run by text/template and by a compiled Program; fallback says
// whether the Program is expected to leave the case to text/template.
var cases = []struct {
	src      string
	fallback bool
}{
	{`{{.Name}} {{.Count}} {{.Ok}} {{.In.N}} {{.In.S}} {{.Ptr.S}} {{.In.Any}} {{.Nil}}`, false},
	{`{{.Ratio}} {{print .Ratio .Count "s" .Ok}} {{printf "%03d|%s|%v" .Count .Name .Ok}}`, false},
	{`{{range .Items}}[{{.N}}:{{.S}}]{{else}}none{{end}}{{range .In.List}}{{.}}{{end}}`, false},
	{`{{range $i, $e := .Items}}{{$i}}={{$e.S}},{{end}}{{range $e := .Items}}{{$e.N}}{{end}}`, false},
	{`{{$x := 1}}{{range $i, $e := .Items}}{{$x = $i}}{{end}}{{$x}}{{$y := .Name}}{{with .In}}{{$y}}{{.S}}{{$.Count}}{{end}}`, false},
	{`{{$v := 1}}{{if true}}{{$v := 2}}{{$v}}{{end}}{{$v}}{{with .Name}}{{$v := 3}}{{end}}{{$v}}{{range .Items}}{{$v := 4}}{{end}}{{$v}}{{range $i, $e := .Items}}{{$v = $i}}{{end}}{{$v}}{{template "u" $v}}`, false}, // scopes
	{`{{$v := 1}}{{range .Items}}{{$v}}{{$v := 4}}{{$v}}{{end}}{{template "w"}}{{$v}}`, false},
	{`{{if and .Ok .Count}}a{{end}}{{if or .Nil .Count}}b{{end}}{{if not .Nil}}c{{end}}{{and .Count .Name}}|{{or .Nil "" 0}}|{{.Count | and 1}}`, false},
	{`{{if eq .Count 1 2 3}}eq{{end}}{{if ne .Name "x"}}ne{{end}}{{if lt .Count 4}}lt{{end}}{{if ge .In.N 7}}ge{{end}}{{if gt .Ratio 1.5}}gt{{end}}{{if eq .Ok true}}t{{end}}`, false},
	{`{{len .Items}} {{len .Name}} {{len .Map}} {{(index .Items 1).N | print}} {{(index .Items 0).S}} {{up .Name}} {{add .Count 2}} {{.Name | up}}`, false},
	{`{{with .Nil}}x{{else with .In.S}}{{.}}{{end}}{{with .Items}}{{len .}}{{end}}{{template "t" .In}}{{template "t" .Ptr}}{{template "t"}}{{template "u"}}{{template "u" .Name}}{{block "b" .Count}}[{{.}}]{{end}}`, false},
	{`{{define "r"}}{{if .}}{{.}}{{template "r" (add . -1)}}{{end}}{{end}}{{template "r" .Count}}`, false},
	{`{{print 0x10 0x1P4 0x1e -0x1e 'a' 1e3 1_000 1.0 -2}} {{eq 0x1P4 16.0}} {{eq 0x10 16}} {{eq 'a' 97}}`, false}, // constants typed as text/template types them
	{`{{print (add 0 (add .Count (len (print 0 .Name)))) (add 1 (add .Count (len (print 1 .Name)))) (add 2 (add .Count (len (print 2 .Name)))) (add 3 (add .Count (len (print 3 .Name)))) (add 4 (add .Count (len (print 4 .Name)))) (add 5 (add .Count (len (print 5 .Name)))) (add 6 (add .Count (len (print 6 .Name)))) (add 7 (add .Count (len (print 7 .Name)))) (add 8 (add .Count (len (print 8 .Name)))) (add 9 (add .Count (len (print 9 .Name)))) (add 10 (add .Count (len (print 10 .Name)))) (add 11 (add .Count (len (print 11 .Name)))) (add 12 (add .Count (len (print 12 .Name)))) (add 13 (add .Count (len (print 13 .Name)))) (add 14 (add .Count (len (print 14 .Name)))) (add 15 (add .Count (len (print 15 .Name)))) (add 16 (add .Count (len (print 16 .Name)))) (add 17 (add .Count (len (print 17 .Name)))) (add 18 (add .Count (len (print 18 .Name)))) (add 19 (add .Count (len (print 19 .Name)))) (add 20 (add .Count (len (print 20 .Name)))) (add 21 (add .Count (len (print 21 .Name)))) (add 22 (add .Count (len (print 22 .Name)))) (add 23 (add .Count (len (print 23 .Name)))) (add 24 (add .Count (len (print 24 .Name)))) (add 25 (add .Count (len (print 25 .Name)))) (add 26 (add .Count (len (print 26 .Name)))) (add 27 (add .Count (len (print 27 .Name)))) (add 28 (add .Count (len (print 28 .Name)))) (add 29 (add .Count (len (print 29 .Name)))) (add 30 (add .Count (len (print 30 .Name)))) (add 31 (add .Count (len (print 31 .Name)))) (add 32 (add .Count (len (print 32 .Name)))) (add 33 (add .Count (len (print 33 .Name)))) (add 34 (add .Count (len (print 34 .Name)))) (add 35 (add .Count (len (print 35 .Name)))) (add 36 (add .Count (len (print 36 .Name)))) (add 37 (add .Count (len (print 37 .Name)))) (add 38 (add .Count (len (print 38 .Name)))) (add 39 (add .Count (len (print 39 .Name))))}}{{range .Items}}{{printf "%d %s %d" (add .N (add 1 (len .S))) (up (print .S .N)) (len (print 1 2 3 (up .S)))}}{{end}}`, false},                              // arguments past the stack's first size, nested calls moving it
	{`{{print .Count (print 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 100 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131 132 133 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179 180 181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218 219 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 259 260 261 262 263 264 265 266 267 268 269 270 271 272 273 274 275 276 277 278 279 280 281 282 283 284 285 286 287 288 289 290 291 292 293 294 295 296 297 298 299 300 301 302 303 304 305 306 307 308 309 310 311 312 313 314 315 316 317 318 319 320 321 322 323 324 325 326 327 328 329 330 331 332 333 334 335 336 337 338 339 340 341 342 343 344 345 346 347 348 349 350 351 352 353 354 355 356 357 358 359 360 361 362 363 364 365 366 367 368 369 370 371 372 373 374 375 376 377 378 379 380 381 382 383 384 385 386 387 388 389 390 391 392 393 394 395 396 397 398 399 400 401 402 403 404 405 406 407 408 409 410 411 412 413 414 415 416 417 418 419 420 421 422 423 424 425 426 427 428 429 430 431 432 433 434 435 436 437 438 439 440 441 442 443 444 445 446 447 448 449 450 451 452 453 454 455 456 457 458 459 460 461 462 463 464 465 466 467 468 469 470 471 472 473 474 475 476 477 478 479 480 481 482 483 484 485 486 487 488 489 490 491 492 493 494 495 496 497 498 499) (add 1 .Count) .Name}}`, false}, // an argument's call moving the stack under the arguments taken before it
	{`{{.In.Method}}`, true},             // a method of a type with no Member
	{`{{.Map.a}}`, true},                 // a map
	{`{{range .Map}}{{.}}{{end}}`, true}, // a map's sorted keys
	{`{{eq .Count 3.0}}`, true},          // mixed kinds
	{`{{add .Count 1.5}}`, true},         // a function given what it does not take
	{`{{index .Items 9}}`, true},         // out of range: text/template's error
	{`{{print .In}}`, true},              // a struct printed
}

const defs = `{{define "t"}}<{{if .}}{{.S}}{{end}}>{{end}}{{define "u"}}<{{.}}>{{end}}{{define "w"}}{{$v := 9}}{{end}}`

func lookupIn(t interface {
	Lookup(string) *texttemplate.Template
}) func(string) *parse.Tree {
	return func(name string) *parse.Tree {
		if x := t.Lookup(name); x != nil {
			return x.Tree
		}
		return nil
	}
}

// TestSameAsTextTemplate runs each case through text/template and through
// its compiled Program: the bytes are the same, or the Program falls back
// exactly where expected.
func TestSameAsTextTemplate(t *testing.T) {
	for _, c := range cases {
		tt := texttemplate.Must(texttemplate.New("x").Funcs(funcs).Parse(defs + c.src))
		var want bytes.Buffer
		werr := tt.Execute(&want, sample)
		p, err := Compile(lookupIn(tt), "x", env)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		var got bytes.Buffer
		gerr := p.Execute(&got, sample)
		switch {
		case c.fallback && !errors.Is(gerr, ErrFallback):
			t.Errorf("%s: ran (%q, %v) instead of falling back; text/template gave %q, %v", c.src, got.String(), gerr, want.String(), werr)
		case !c.fallback && gerr != nil:
			t.Errorf("%s: %v; text/template gave %q, %v", c.src, gerr, want.String(), werr)
		case !c.fallback && got.String() != want.String():
			t.Errorf("%s:\n got %q\nwant %q", c.src, got.String(), want.String())
		}
	}
}

// TestSameAsHTMLTemplate: the escaped trees of html/template, compiled, give
// its bytes in text, attributes, URLs and <title>.
func TestSameAsHTMLTemplate(t *testing.T) {
	src := `{{define "t"}}{{.}}{{end}}<title>{{template "t" .Name}}</title><p title="{{.Name}}">{{.Name}} {{.Count}} {{.Nil}}</p>` +
		`<a href="{{.In.S}}">{{range .Items}}<a href="/x/{{.S}}?q={{.S}}&n={{.N}}">{{template "t" .S}}</a>{{end}}` +
		`<a href="{{.Name}}">x</a><a href="javascript:{{.Name}}">`
	for _, name := range []string{`Nguyễn <b>"A"</b> & 'B' + C`, "javascript:alert(1)", "http://x.vn/a b?c=%41%zz", "a\x00b\xff", ""} {
		d := sample
		d.Name = name
		ht := htmltemplate.Must(htmltemplate.New("x").Funcs(funcs).Parse(src))
		var want bytes.Buffer
		if err := ht.Execute(&want, d); err != nil {
			t.Fatal(err)
		}
		escaped := escapedOf(t, ht)
		p, err := Compile(lookupIn(escaped), "x", env)
		if err != nil {
			t.Logf("%s", escaped.Lookup("x").Tree.Root)
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := p.Execute(&got, d); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if got.String() != want.String() {
			t.Errorf("%q:\n got %s\nwant %s", name, got.String(), want.String())
		}
	}
}
