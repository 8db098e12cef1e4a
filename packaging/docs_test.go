package packaging_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"gopkg.in/yaml.v3"
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
}
