package packaging_test

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/tickler-dev/tickler/config"
)

// loadCompose reads docker-compose.yml with the Compose specification's
// loader (schema validation, interpolation, normalisation), in the given
// environment only: the test's own variables and a .env file stay out.
func loadCompose(t *testing.T, env ...string) *types.Project {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{filepath.Join(abs, "docker-compose.yml")},
		cli.WithWorkingDirectory(abs), cli.WithEnv(env), cli.WithName("tickler"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return s
}

func env(s types.ServiceConfig, key string) string {
	if v := s.Environment[key]; v != nil {
		return *v
	}
	return ""
}

// published returns the host address of a service's published target port.
func published(t *testing.T, s types.ServiceConfig, target uint32) string {
	t.Helper()
	for _, p := range s.Ports {
		if p.Target == target && p.Published != "" {
			return net.JoinHostPort(p.HostIP, p.Published)
		}
	}
	t.Errorf("%s: port %d is not published", s.Name, target)
	return ""
}

// mount returns the service's volume whose target is path.
func mount(t *testing.T, s types.ServiceConfig, target string) types.ServiceVolumeConfig {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Target == target {
			return v
		}
	}
	t.Fatalf("%s: nothing is mounted at %s", s.Name, target)
	return types.ServiceVolumeConfig{}
}

// docker-compose.yml, as `docker compose up` reads it: PostgreSQL with a
// volume and a health check, Mailpit with its web UI published, tickler built
// here, waiting for a healthy database, on the compose config; and the pieces
// agree with each other (the DSN names the postgres service and its user,
// database and password, SMTP names the mailpit service, the ports match the
// image's).
func TestCompose(t *testing.T) {
	for _, tc := range []struct {
		name     string
		env      []string
		password string
	}{
		// A trial without a .env file: the stack still comes up.
		{"default password", nil, "tickler"},
		// TICKLER_DB_PASSWORD in .env or the shell reaches both containers.
		{"password from the environment", []string{"TICKLER_DB_PASSWORD=s3cr3tH3x"}, "s3cr3tH3x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := loadCompose(t, tc.env...)
			names := p.ServiceNames()
			slices.Sort(names)
			if want := []string{"mailpit", "postgres", "tickler"}; !slices.Equal(names, want) {
				t.Errorf("services %v, want %v", names, want)
			}

			pg := service(t, p, "postgres")
			if !regexp.MustCompile(`^postgres:1[5-9](\.\d+)?$`).MatchString(pg.Image) {
				t.Errorf("postgres image %q, want the official postgres:15 to 19", pg.Image)
			}
			for _, k := range []string{"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} {
				if env(pg, k) == "" {
					t.Errorf("postgres: %s is not set", k)
				}
			}
			if got := env(pg, "POSTGRES_PASSWORD"); got != tc.password {
				t.Errorf("POSTGRES_PASSWORD %q, want %q", got, tc.password)
			}
			data := mount(t, pg, "/var/lib/postgresql/data")
			if data.Type != types.VolumeTypeVolume || p.Volumes[data.Source].Name == "" {
				t.Errorf("postgres data on %s %q, want a named volume declared under volumes:", data.Type, data.Source)
			}
			hc := pg.HealthCheck
			if hc == nil || hc.Disable || !slices.Contains([]string(hc.Test), "pg_isready") {
				t.Fatalf("postgres healthcheck %+v, want pg_isready", hc)
			}
			test := strings.Join(hc.Test, " ")
			if !strings.Contains(test, "-U "+env(pg, "POSTGRES_USER")) || !strings.Contains(test, "-d "+env(pg, "POSTGRES_DB")) {
				t.Errorf("healthcheck %q does not ask for the user and database the container creates", test)
			}

			mp := service(t, p, "mailpit")
			if !strings.HasPrefix(mp.Image, "axllent/mailpit") {
				t.Errorf("mailpit image %q", mp.Image)
			}
			if ui := published(t, mp, 8025); ui != "127.0.0.1:8025" {
				t.Errorf("Mailpit's web UI on %q, want 127.0.0.1:8025 (the messages hold personnel data)", ui)
			}

			tk := service(t, p, "tickler")
			abs, _ := filepath.Abs(root)
			if tk.Build == nil || tk.Build.Context != abs || tk.Build.Dockerfile != "Dockerfile" {
				t.Errorf("tickler build %+v, want the Dockerfile at the root", tk.Build)
			}
			if dep, ok := tk.DependsOn["postgres"]; !ok || dep.Condition != types.ServiceConditionHealthy {
				t.Errorf("tickler depends on postgres %+v, want condition service_healthy", dep)
			}
			if _, ok := tk.DependsOn["mailpit"]; !ok {
				t.Errorf("tickler does not depend on mailpit")
			}
			if status := published(t, tk, 8080); status != "127.0.0.1:8080" {
				t.Errorf("tickler's status page on %q, want 127.0.0.1:8080", status)
			}
			// The answer pages: on the host's loopback too, for the reverse
			// proxy that exposes them; never published on every interface.
			if answers := published(t, tk, 8081); answers != "127.0.0.1:8081" {
				t.Errorf("tickler's answer pages on %q, want 127.0.0.1:8081 (behind the reverse proxy)", answers)
			}
			cfgMount := mount(t, tk, imageConfig)
			if cfgMount.Type != types.VolumeTypeBind || !cfgMount.ReadOnly {
				t.Errorf("config mounted as %s read_only=%v, want a read-only bind", cfgMount.Type, cfgMount.ReadOnly)
			}
			if want := filepath.Join(abs, "examples", "compose.yaml"); cfgMount.Source != want {
				t.Errorf("config from %s, want %s", cfgMount.Source, want)
			}
			if v := mount(t, tk, dataDir); v.Type != types.VolumeTypeVolume {
				t.Errorf("%s is a %s, want a named volume", dataDir, v.Type)
			}
			if tk.StopGracePeriod == nil || time.Duration(*tk.StopGracePeriod) < 25*time.Second {
				t.Errorf("stop_grace_period %v: docker's 10s kills runs and deliveries in flight (they get 20s)", tk.StopGracePeriod)
			}

			// The config the tickler container reads, in the environment it gets.
			var tkEnv []string
			for k, v := range tk.Environment {
				if v != nil {
					tkEnv = append(tkEnv, k+"="+*v)
					t.Setenv(k, *v)
				}
			}
			cfg, err := config.Load(cfgMount.Source)
			if err != nil {
				t.Fatalf("the config the container mounts: %v", err)
			}
			dsn, err := url.Parse(cfg.Database.DSN.Reveal())
			if cfg.Database.Driver != "postgres" || err != nil {
				t.Fatalf("database %s, want postgres with a URL DSN (%v)", cfg.Database.Driver, err)
			}
			if _, err := p.GetService(dsn.Hostname()); err != nil || !strings.HasPrefix(service(t, p, dsn.Hostname()).Image, "postgres:") {
				t.Errorf("the DSN's host %q is not the postgres service", dsn.Hostname())
			}
			if port := dsn.Port(); port != "" && port != "5432" {
				t.Errorf("the DSN's port %s, want 5432", port)
			}
			pw, _ := dsn.User.Password()
			if dsn.User.Username() != env(pg, "POSTGRES_USER") || pw != env(pg, "POSTGRES_PASSWORD") || strings.TrimPrefix(dsn.Path, "/") != env(pg, "POSTGRES_DB") {
				t.Errorf("the DSN's user, password or database differ from what the postgres container creates")
			}
			smtp := cfg.Mail.SMTP
			if cfg.Mail.Transport != "smtp" || smtp.Host != "mailpit" || smtp.Port != 1025 || smtp.TLS != "none" {
				t.Errorf("mail %s via %s:%d tls %s, want smtp to mailpit:1025 without TLS", cfg.Mail.Transport, smtp.Host, smtp.Port, smtp.TLS)
			}
			if _, port, _ := net.SplitHostPort(cfg.HTTP.Listen); port != "8080" || strings.HasPrefix(cfg.HTTP.Listen, "127.") {
				t.Errorf("http.listen %q: the published port and the HEALTHCHECK need 0.0.0.0:8080", cfg.HTTP.Listen)
			}
			if !cfg.HTTP.Auth.Set() {
				t.Errorf("the status page on %s asks for no credential", cfg.HTTP.Listen)
			}
			// The answer pages listen on the port published for them, the
			// links in the trial's reminders lead there, and the proxy on the
			// host (the Docker network's gateway) may name the client.
			if _, port, _ := net.SplitHostPort(cfg.HTTP.PublicListen); port != "8081" || strings.HasPrefix(cfg.HTTP.PublicListen, "127.") {
				t.Errorf("http.public_listen %q: the published port 8081 needs 0.0.0.0:8081", cfg.HTTP.PublicListen)
			}
			if cfg.HTTP.PublicURL != "http://127.0.0.1:8081" {
				t.Errorf("http.public_url %q: the trial's links must lead to the published answer pages", cfg.HTTP.PublicURL)
			}
			gateway := netip.MustParseAddr("172.17.0.1")
			if !slices.ContainsFunc(cfg.HTTP.Proxies(), func(p netip.Prefix) bool { return p.Contains(gateway) }) {
				t.Errorf("http.trusted_proxies %v: the Docker network's gateway (the host's proxy) is not among them", cfg.HTTP.TrustedProxies)
			}
			// "docker compose up, then Mailpit shows the reminders and the
			// digest": a sample agency, and windows that run the latest slots
			// of both jobs on first start, whatever the day.
			if cfg.Sample.Staff <= 0 {
				t.Errorf("sample.staff %d: the empty database would stay empty", cfg.Sample.Staff)
			}
			if w := cfg.Jobs.CourseReminders.CatchupWindow.D(); w < 24*time.Hour {
				t.Errorf("course-reminders catchup_window %v: on first start no reminder before tomorrow 07:00", w)
			}
			if w := cfg.Jobs.MonthlyDigest.CatchupWindow.D(); w < 31*24*time.Hour {
				t.Errorf("monthly-digest catchup_window %v: on first start no digest until the 1st", w)
			}

			// The real command an operator runs on it.
			code, out, errb := tickler(t, tkEnv, "-config", cfgMount.Source, "check")
			if code != 0 || !strings.Contains(out, "configuration is valid") || !strings.Contains(out, "database postgres, mail smtp") {
				t.Errorf("tickler check examples/compose.yaml: exit %d\n%s%s", code, out, errb)
			}
		})
	}
}

// The compose config takes its database password from the environment the
// compose file gives: without it, tickler check refuses it and names the
// variable (so the test above did use it).
func TestComposeConfigNeedsPassword(t *testing.T) {
	t.Setenv("TICKLER_DB_PASSWORD", "") // restored after the test
	os.Unsetenv("TICKLER_DB_PASSWORD")
	code, _, errb := tickler(t, nil, "-config", filepath.Join(root, "examples/compose.yaml"), "check")
	if code != 2 || !strings.Contains(errb, "TICKLER_DB_PASSWORD") {
		t.Errorf("check without TICKLER_DB_PASSWORD: exit %d, %q; want exit 2 naming the variable", code, errb)
	}
}
