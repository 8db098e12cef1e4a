package packaging_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/compose-spec/compose-go/v2/cli"
	"gopkg.in/yaml.v3"

	"github.com/tickler-dev/tickler/config"
)

// yamlBlocks returns the ```yaml blocks of Markdown text, in order.
func yamlBlocks(text string) []string {
	var blocks []string
	for _, m := range regexp.MustCompile("(?ms)^```yaml\n(.*?)^```").FindAllStringSubmatch(text, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// secretFiles points every *_file key of a config at a file that exists,
// since the real ones (/etc/tickler/smtp-password, /run/secrets/...) are
// on the server; it returns the text and the paths it replaced.
func secretFiles(t *testing.T, text string) (string, []string) {
	t.Helper()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("postgres://u:p@db/tickler\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var replaced []string
	re := regexp.MustCompile(`(?m)^(\s*\w+_file:\s*)(\S+)`)
	text = re.ReplaceAllStringFunc(text, func(line string) string {
		m := re.FindStringSubmatch(line)
		replaced = append(replaced, m[2])
		return m[1] + secret
	})
	return text, replaced
}

// overlay replaces the top-level sections of base that part has ("replace
// the mail section with ..." in the text).
func overlay(t *testing.T, base, part string) string {
	t.Helper()
	var b, p yaml.Node
	if err := yaml.Unmarshal([]byte(base), &b); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal([]byte(part), &p); err != nil {
		t.Fatal(err)
	}
	bm, pm := b.Content[0], p.Content[0]
	for i := 0; i < len(pm.Content); i += 2 {
		found := false
		for j := 0; j < len(bm.Content); j += 2 {
			if bm.Content[j].Value == pm.Content[i].Value {
				bm.Content[j+1] = pm.Content[i+1]
				found = true
			}
		}
		if !found {
			bm.Content = append(bm.Content, pm.Content[i], pm.Content[i+1])
		}
	}
	out, err := yaml.Marshal(&b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// deploySection is the README's "Deploy" section: from its heading to the
// next heading of the same level.
func deploySection(t *testing.T) string {
	t.Helper()
	text := readFile(t, "README.md")
	start := strings.Index(text, "\n## Deploy\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Deploy" section`)
	}
	text = text[start+1:]
	if end := strings.Index(text[3:], "\n## "); end >= 0 {
		text = text[:end+3]
	}
	return text
}

// Every configuration the README's Deploy section shows passes `tickler check` (a block
// without a database section replaces sections of the one before it, as the
// text says), every Compose file it shows loads with docker-compose.yml and
// does what the text says, and every repository file it names exists. A
// person deploying from that page alone copies these.
func TestDeployDoc(t *testing.T) {
	const doc = `README.md "Deploy"`
	section := deploySection(t)
	blocks := yamlBlocks(section)
	if len(blocks) < 4 {
		t.Fatalf("%s: %d yaml blocks; the test expects the SQLite, SMTP, Compose override and Compose config ones", doc, len(blocks))
	}
	env := []string{"SMTP_PASSWORD=x", "TICKLER_DB_PASSWORD=x", "TICKLER_HTTP_TOKEN=x"}
	var (
		full       string
		overrides  []string
		secretUsed []string
		checked    int
	)
	for i, b := range blocks {
		var top map[string]any
		if err := yaml.Unmarshal([]byte(b), &top); err != nil {
			t.Errorf("%s: yaml block %d: %v", doc, i+1, err)
			continue
		}
		if _, ok := top["services"]; ok {
			overrides = append(overrides, b)
			continue
		}
		if _, ok := top["database"]; ok {
			full = b
		} else if full == "" {
			t.Errorf("%s: yaml block %d is a part of a configuration with no whole one before it", doc, i+1)
			continue
		} else {
			b = overlay(t, full, b)
		}
		text, replaced := secretFiles(t, b)
		secretUsed = append(secretUsed, replaced...)
		path := filepath.Join(t.TempDir(), "tickler.yaml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errb := tickler(t, env, "-config", path, "check")
		if code != 0 {
			t.Errorf("%s: yaml block %d fails tickler check (exit %d):\n%s%s\n%s", doc, i+1, code, out, errb, b)
		}
		checked++
	}
	t.Logf("%d configurations checked, %d compose files loaded", checked, len(overrides))

	// The override: your config instead of the trial's, the SMTP password as
	// a secret at the path the config reads, and no Mailpit.
	if len(overrides) != 1 {
		t.Fatalf("%s: %d compose blocks, want the docker-compose.override.yml one", doc, len(overrides))
	}
	abs, _ := filepath.Abs(root)
	override := filepath.Join(t.TempDir(), "docker-compose.override.yml")
	if err := os.WriteFile(override, []byte(overrides[0]), 0o600); err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(abs, "docker-compose.yml"), override},
		cli.WithWorkingDirectory(abs), cli.WithEnv(env), cli.WithName("tickler"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml with the override of %s: %v", doc, err)
	}
	if names := p.ServiceNames(); slices.Contains(names, "mailpit") {
		t.Errorf("with the override, services %v still start mailpit", names)
	}
	tk := service(t, p, "tickler")
	if _, ok := tk.DependsOn["mailpit"]; ok {
		t.Errorf("with the override, tickler still depends on mailpit")
	}
	if dep := tk.DependsOn["postgres"]; dep.Condition != "service_healthy" {
		t.Errorf("with the override, tickler depends on postgres %+v", dep)
	}
	if m := mount(t, tk, imageConfig); m.Source != filepath.Join(abs, "tickler.yaml") {
		t.Errorf("with the override, the config comes from %s", m.Source)
	}
	var mounted []string
	for _, s := range tk.Secrets {
		target := s.Target
		if target == "" {
			target = s.Source
		}
		if !strings.HasPrefix(target, "/") {
			target = "/run/secrets/" + target
		}
		mounted = append(mounted, target)
	}
	for _, want := range secretUsed {
		if strings.HasPrefix(want, "/run/secrets/") && !slices.Contains(mounted, want) {
			t.Errorf("a config in %s reads %s, which the override does not mount (it mounts %v)", doc, want, mounted)
		}
	}

	// Files of the repository the page tells to copy or read.
	for _, m := range regexp.MustCompile(`(?:packaging|examples|config|docs)/[A-Za-z0-9_./-]+\.[a-z]+`).FindAllString(section, -1) {
		if _, err := os.Stat(filepath.Join(root, m)); err != nil {
			t.Errorf("%s names %s, which does not exist", doc, m)
		}
	}
}

// The example /etc/tickler/tickler.yaml for the systemd unit passes
// `tickler check` once its password file exists.
func TestSystemdConfig(t *testing.T) {
	text, replaced := secretFiles(t, readFile(t, "packaging/tickler.yaml"))
	if !slices.Contains(replaced, "/etc/tickler/smtp-password") {
		t.Errorf("packaging/tickler.yaml reads the SMTP password from %v, the README installs /etc/tickler/smtp-password", replaced)
	}
	path := filepath.Join(t.TempDir(), "tickler.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errb := tickler(t, nil, "-config", path, "check")
	if code != 0 || !strings.Contains(out, "database postgres, mail smtp") {
		t.Errorf("tickler check packaging/tickler.yaml: exit %d\n%s%s", code, out, errb)
	}
	// Both listeners on loopback (the answer pages behind the proxy on this
	// machine, which is the one trusted proxy), on ports the unit, which
	// grants no capability, may bind.
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for key, addr := range map[string]string{"http.listen": cfg.HTTP.Listen, "http.public_listen": cfg.HTTP.PublicListen} {
		host, port, err := net.SplitHostPort(addr)
		n, _ := strconv.Atoi(port)
		if ip, _ := netip.ParseAddr(host); err != nil || !ip.IsLoopback() || n < 1024 {
			t.Errorf("%s %q: want a loopback address and a port of 1024 or more", key, addr)
		}
	}
	if ps := cfg.HTTP.Proxies(); len(ps) != 1 || !ps[0].Contains(netip.MustParseAddr("127.0.0.1")) {
		t.Errorf("http.trusted_proxies %v: want the proxy on this machine, 127.0.0.1", cfg.HTTP.TrustedProxies)
	}
}

// The repository stands alone: a maintainer who clones it has every document
// it cites. The checks below read every tracked file.

// checksFile is this file, whose TestRepositoryChecksCatch cites what is not
// there on purpose.
const checksFile = "packaging/docs_test.go"

// repoFiles returns the repository's files as slash paths from its root: the
// files git tracks, or, where git is not available, every file of the tree
// outside .git.
func repoFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	if out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output(); err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
		return files
	}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// repoText returns the text of the repository's text files (a NUL byte in
// the first 8 KB marks a binary file), by path.
func repoText(t *testing.T, files []string) map[string]string {
	t.Helper()
	texts := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree, not yet in the index
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b[:min(len(b), 8192)], 0) >= 0 {
			continue
		}
		texts[f] = string(b)
	}
	return texts
}

// mdName is a Markdown file's name as text cites it ("docs/design.md",
// "REFERENCE.md"): a path ending in .md.
var mdName = regexp.MustCompile(`[A-Za-z0-9_./-]*[A-Za-z0-9_-]\.md\b`)

// outsideCitations returns what the text of file cites that is not in the
// repository: a Markdown file that no path in files matches, a path into the
// project's private notes (two dots, a slash, "shared"), a path that climbs
// out of the repository. A name with a slash is looked up from the file's
// folder and from the root; a bare name matches a file of that name anywhere.
func outsideCitations(file, text string, files []string) []string {
	tracked := map[string]bool{}
	base := map[string]bool{}
	for _, f := range files {
		tracked[f] = true
		base[path.Base(f)] = true
	}
	var found []string
	for i, line := range strings.Split(text, "\n") {
		at := fmt.Sprintf("%s:%d", file, i+1)
		if strings.Contains(line, ".."+"/shared") {
			found = append(found, at+": cites the private notes ("+".."+"/shared), which are not in the repository")
		}
		for _, m := range mdName.FindAllStringIndex(line, -1) {
			name := line[m[0]:m[1]]
			if strings.HasPrefix(name, "//") || (m[0] > 0 && line[m[0]-1] == ':') {
				continue // a URL
			}
			name = strings.TrimPrefix(name, "./")
			if !strings.Contains(name, "/") {
				if !base[name] {
					found = append(found, fmt.Sprintf("%s: cites %s, which is not in the repository", at, name))
				}
				continue
			}
			local := path.Join(path.Dir(file), name)
			if strings.HasPrefix(local, "../") && strings.HasPrefix(path.Clean(name), "../") {
				found = append(found, fmt.Sprintf("%s: cites %s, outside the repository", at, name))
				continue
			}
			if !tracked[local] && !tracked[path.Clean(name)] {
				found = append(found, fmt.Sprintf("%s: cites %s, which is not in the repository", at, name))
			}
		}
	}
	return found
}

// mdLink is an inline link or image target, [text](target "title"), or a
// reference definition, [label]: target.
var (
	mdLink    = regexp.MustCompile(`\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	mdRefDef  = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)`)
	mdCode    = regexp.MustCompile("`[^`]*`")
	mdHeading = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdInLink  = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// mdLines calls fn with each line of Markdown text outside fenced code blocks.
func mdLines(text string, fn func(n int, line string)) {
	fence := ""
	for i, line := range strings.Split(text, "\n") {
		trim := strings.TrimLeft(line, " ")
		switch {
		case fence == "" && (strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~")):
			fence = trim[:3]
		case fence != "" && strings.HasPrefix(trim, fence):
			fence = ""
		case fence == "":
			fn(i+1, line)
		}
	}
}

// anchors returns the fragment identifiers GitHub gives the headings of a
// Markdown text: the heading's text, lower case, without punctuation, spaces
// as hyphens, "-1", "-2" … after repeats.
func anchors(text string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	mdLines(text, func(_ int, line string) {
		m := mdHeading.FindStringSubmatch(line)
		if m == nil {
			return
		}
		h := mdInLink.ReplaceAllString(m[2], "$1")
		var b strings.Builder
		for _, r := range strings.ToLower(h) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
				b.WriteRune(r)
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	})
	return out
}

// brokenLinks returns the relative links of a Markdown file that do not lead
// to a file of the repository (or to a folder holding some), and the
// fragments that name no heading of the Markdown file they point into. texts
// holds the repository's Markdown, for the headings.
func brokenLinks(file, text string, files []string, texts map[string]string) (broken []string, checked int) {
	tracked := map[string]bool{}
	for _, f := range files {
		tracked[f] = true
	}
	isDir := func(p string) bool {
		for _, f := range files {
			if strings.HasPrefix(f, p+"/") {
				return true
			}
		}
		return false
	}
	mdLines(text, func(n int, line string) {
		line = mdCode.ReplaceAllString(line, "")
		var targets []string
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		if m := mdRefDef.FindStringSubmatch(line); m != nil {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if urlScheme.MatchString(target) {
				continue // http:, https:, mailto:
			}
			checked++
			at := fmt.Sprintf("%s:%d: link %s", file, n, target)
			p, frag, _ := strings.Cut(target, "#")
			if u, err := url.PathUnescape(p); err == nil {
				p = u
			}
			dest := file
			if p != "" {
				dest = path.Join(path.Dir(file), p)
				switch {
				case dest == ".." || strings.HasPrefix(dest, "../") || strings.HasPrefix(p, "/"):
					broken = append(broken, at+": leads outside the repository")
					continue
				case tracked[dest]:
				case dest == "." || isDir(dest):
					continue
				default:
					broken = append(broken, at+": no such file in the repository")
					continue
				}
			}
			if frag != "" && strings.HasSuffix(dest, ".md") && !anchors(texts[dest])[frag] {
				broken = append(broken, fmt.Sprintf("%s: %s has no heading #%s", at, dest, frag))
			}
		}
	})
	return broken, checked
}

// No file of the repository cites a document that is not in it: every
// Markdown file named anywhere (docs, comments, SQL, templates, tests)
// exists, and nothing points at the project's private notes.
func TestNothingCitedOutsideTheRepository(t *testing.T) {
	files := repoFiles(t)
	texts := repoText(t, files)
	if texts["README.md"] == "" || len(texts) < 100 {
		t.Fatalf("read %d text files, README.md among them: %v; the walk of the repository is broken", len(texts), texts["README.md"] != "")
	}
	for _, f := range files {
		if f == checksFile {
			continue // it plants citations, to show that the checks catch them
		}
		for _, problem := range outsideCitations(f, texts[f], files) {
			t.Error(problem)
		}
	}
	t.Logf("%d files read", len(texts))
}

// Every relative link of the repository's Markdown leads to a file in it,
// and every #fragment to a heading of the page it points into.
func TestMarkdownLinksResolve(t *testing.T) {
	files := repoFiles(t)
	texts := repoText(t, files)
	total := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") {
			continue
		}
		broken, checked := brokenLinks(f, texts[f], files, texts)
		total += checked
		for _, b := range broken {
			t.Error(b)
		}
	}
	if total < 20 {
		t.Errorf("only %d relative links checked; the README and docs/ have more: the scan is broken", total)
	}
	t.Logf("%d relative links checked", total)
}

// The two checks above find what they are meant to find, so a pass means
// something.
func TestRepositoryChecksCatch(t *testing.T) {
	files := []string{"README.md", "docs/design.md", "docs/domain.md", "config/REFERENCE.md", "examples/agency/units.csv"}
	for _, c := range []struct {
		file, text string
		want       int // problems found
	}{
		// A private document, by name, in a comment.
		{"jobs/x.go", "// see " + "DESIGN" + ".md, \"Import format\"", 1},
		{"README.md", "rules: " + "DOMAIN" + ".md and " + "STYLE" + ".md", 2},
		// The private folder.
		{"docs/x.md", "[brief](" + ".." + "/shared/notes.txt)", 1},
		// What is in the repository, cited from anywhere; URLs are not checked.
		{"jobs/x.go", "// docs/design.md, REFERENCE.md, ../docs/domain.md https://example.org/NOTES.md", 0},
		{"config/x.md", "[domain](../docs/domain.md)", 0},
		// A path that does not exist, or leaves the repository.
		{"docs/x.md", "see docs/plan.md", 1},
		{"docs/x.md", "see ../../other/README.md", 1},
	} {
		if got := outsideCitations(c.file, c.text, files); len(got) != c.want {
			t.Errorf("outsideCitations(%s, %q) = %q, want %d problems", c.file, c.text, got, c.want)
		}
	}

	texts := map[string]string{
		"README.md":      "# tickler\n\n## How it is built\n\n## 1. The binary, with `SQLite`\n",
		"docs/design.md": "# Design\n\n## Contract 2: the import format\n\n```sh\n# not a heading\n```\n",
	}
	for _, c := range []struct {
		file, text string
		want       int
	}{
		{"docs/x.md", "[d](design.md) [r](../README.md#how-it-is-built) [e](../examples/agency/) [w](https://example.org/x.md)", 0},
		{"docs/x.md", "[d](design.md#contract-2-the-import-format) [b](../README.md#1-the-binary-with-sqlite)", 0},
		{"docs/x.md", "[d](design.md#not-a-heading)", 1},
		{"docs/x.md", "[n](nothere.md) [o](../../outside.md) [img](../examples/none.png)", 3},
		{"README.md", "[self](#how-it-is-built) [missing](#nowhere)\n\n```\n[not a link](nothere.md)\n```\n`[code](nothere.md)`", 1},
		{"README.md", "[ref]: docs/gone.md", 1},
	} {
		if got, _ := brokenLinks(c.file, c.text, files, texts); len(got) != c.want {
			t.Errorf("brokenLinks(%s, %q) = %q, want %d problems", c.file, c.text, got, c.want)
		}
	}
}

// docs/reliability.md names, for each fault, the test that covers it: every
// test it names exists.
func TestReliabilityNamesRealTests(t *testing.T) {
	texts := repoText(t, repoFiles(t))
	doc, ok := texts["docs/reliability.md"]
	if !ok {
		t.Fatal("docs/reliability.md is missing")
	}
	have := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	for f, text := range texts {
		if strings.HasSuffix(f, "_test.go") {
			for _, m := range decl.FindAllStringSubmatch(text, -1) {
				have[m[1]] = true
			}
		}
	}
	named := regexp.MustCompile("`(Test\\w+)`").FindAllStringSubmatch(doc, -1)
	if len(named) < 30 {
		t.Fatalf("docs/reliability.md names %d tests; the table is gone?", len(named))
	}
	for _, m := range named {
		if !have[m[1]] {
			t.Errorf("docs/reliability.md names %s, which no test file declares", m[1])
		}
	}
}
