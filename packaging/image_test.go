package packaging_test

import (
	"bytes"
	"debug/elf"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The Dockerfile as an operator relies on it: a Go builder and a small
// runtime, a static build, a non-root user, the data volume, the port, a
// health check on /healthz and `tickler serve` on the image's config.
func TestDockerfile(t *testing.T) {
	stages, err := parseDockerfile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a builder and a runtime", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	if !strings.HasPrefix(build.Image, "golang:1.26") {
		t.Errorf("builder image %q, want golang:1.26 (go.mod's Go)", build.Image)
	}
	if build.Name == "" {
		t.Errorf("the builder stage has no name for COPY --from")
	}
	env, args, err := dockerfileGoBuild(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// A static, reproducible, small binary: no cgo, no local paths, no symbols.
	if !slices.Contains(env, "CGO_ENABLED=0") {
		t.Errorf("go build runs with %v, want CGO_ENABLED=0", env)
	}
	for _, want := range []string{"-trimpath", "-ldflags=-s -w", "./cmd/tickler"} {
		if !slices.Contains(args, want) {
			t.Errorf("go %s: missing %q", strings.Join(args, " "), want)
		}
	}

	// The runtime: a small base, the binary from the builder, a non-root user.
	if !regexp.MustCompile(`^(alpine:\d|gcr\.io/distroless/static)`).MatchString(final.Image) {
		t.Errorf("runtime image %q, want a small base (alpine or distroless static)", final.Image)
	}
	copied := false
	for _, c := range final.find("COPY") {
		flags, _ := splitFlags(c.Args)
		if flags["from"] == build.Name {
			copied = true
		}
	}
	if !copied {
		t.Errorf("the runtime stage copies nothing from the %q stage", build.Name)
	}
	users := final.find("USER")
	if len(users) == 0 {
		t.Fatal("no USER in the runtime stage: the daemon would run as root")
	}
	user, group, _ := strings.Cut(users[len(users)-1].Args, ":")
	for _, id := range []string{user, group} {
		if id == "0" || id == "root" {
			t.Errorf("USER %s: runs as root", users[len(users)-1].Args)
		}
	}
	if !regexp.MustCompile(`^\d+$`).MatchString(user) {
		t.Errorf("USER %s: numeric, so that Kubernetes' runAsNonRoot can verify it", user)
	}

	// The command: tickler serve on the config the compose file mounts.
	var entry, cmd []string
	for _, in := range final.find("ENTRYPOINT") {
		if entry, _ = execForm(in.Args); entry == nil {
			t.Errorf("line %d: ENTRYPOINT in shell form: signals would go to a shell, not tickler", in.Line)
		}
	}
	for _, in := range final.find("CMD") {
		if cmd, _ = execForm(in.Args); cmd == nil {
			t.Errorf("line %d: CMD in shell form", in.Line)
		}
	}
	argv := append(entry, cmd...)
	if want := []string{"/usr/local/bin/tickler", "-config", imageConfig, "serve"}; !slices.Equal(argv, want) {
		t.Errorf("the container runs %q, want %q", argv, want)
	}

	var volumes []string
	for _, in := range final.find("VOLUME") {
		v, ok := execForm(in.Args)
		if !ok {
			v = strings.Fields(in.Args)
		}
		volumes = append(volumes, v...)
	}
	if !slices.Contains(volumes, dataDir) {
		t.Errorf("VOLUME %v, want %s (the SQLite file and the outbox)", volumes, dataDir)
	}
	workdirs := final.find("WORKDIR")
	if len(workdirs) == 0 || workdirs[len(workdirs)-1].Args != dataDir {
		t.Errorf("WORKDIR is not %s: relative paths in a config would land outside the volume", dataDir)
	}

	exposed := ""
	for _, in := range final.find("EXPOSE") {
		exposed += " " + in.Args
	}
	if !slices.Contains(strings.Fields(exposed), "8080") {
		t.Errorf("EXPOSE%s, want 8080", exposed)
	}

	hc := healthcheck(t, final)
	if !strings.HasSuffix(hc[len(hc)-1], ":8080/healthz") {
		t.Errorf("HEALTHCHECK asks %q, want the exposed port's /healthz", hc[len(hc)-1])
	}
}

const (
	imageConfig = "/etc/tickler/tickler.yaml" // the config path inside the image
	dataDir     = "/var/lib/tickler"          // the data volume
)

// healthcheck returns the runtime stage's HEALTHCHECK command (exec form),
// its last word being the URL it asks.
func healthcheck(t *testing.T, final stage) []string {
	t.Helper()
	hcs := final.find("HEALTHCHECK")
	if len(hcs) != 1 {
		t.Fatalf("%d HEALTHCHECK instructions, want 1", len(hcs))
	}
	flags, rest := splitFlags(hcs[0].Args)
	for _, k := range []string{"interval", "timeout", "start-period"} {
		if _, err := time.ParseDuration(flags[k]); err != nil {
			t.Errorf("HEALTHCHECK --%s=%q: %v", k, flags[k], err)
		}
	}
	body, ok := strings.CutPrefix(rest, "CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %q: want CMD [...]", rest)
	}
	cmd, ok := execForm(strings.TrimSpace(body))
	if !ok || len(cmd) < 2 {
		t.Fatalf("HEALTHCHECK CMD %s: want the exec form (the runtime needs no shell for it)", body)
	}
	return cmd
}

// The binary the Dockerfile builds runs on an empty base: no program
// interpreter, no shared libraries; stripped; no path of the build machine.
func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary has a program interpreter (PT_INTERP): it is dynamically linked")
		}
		if p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a dynamic section")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}
	for _, name := range []string{".symtab", ".debug_info", ".zdebug_info"} {
		if f.Section(name) != nil {
			t.Errorf("the binary has %s: not built with -ldflags=\"-s -w\"", name)
		}
	}
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte(buildContext)) {
		t.Errorf("the binary names the build directory %s: not built with -trimpath", buildContext)
	}
	info, _ := os.Stat(binary)
	t.Logf("static binary: %.1f MiB", float64(info.Size())/(1<<20))
}

// What docker build copies into the runtime stage is in the build context,
// and the default configuration the image ships passes `tickler check`.
func TestImageFilesInBuildContext(t *testing.T) {
	stages, err := parseDockerfile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stages {
		for _, c := range st.find("COPY") {
			flags, rest := splitFlags(c.Args)
			if flags["from"] != "" {
				continue
			}
			words := strings.Fields(rest)
			for _, src := range words[:len(words)-1] {
				if src == "." {
					continue
				}
				if _, err := os.Stat(filepath.Join(buildContext, src)); err != nil {
					t.Errorf("line %d: COPY %s: not in the build context (.dockerignore?)", c.Line, src)
				}
			}
		}
	}
	// The status server listens on every interface of the container: the
	// config takes its token from the environment, and needs it.
	t.Setenv("TICKLER_HTTP_TOKEN", "") // restored after the test
	os.Unsetenv("TICKLER_HTTP_TOKEN")
	if code, _, errb := tickler(t, nil, "-config", filepath.Join(root, "packaging/docker.yaml"), "check"); code != 2 || !strings.Contains(errb, "TICKLER_HTTP_TOKEN") {
		t.Errorf("check packaging/docker.yaml without TICKLER_HTTP_TOKEN: exit %d, %q; want exit 2 naming the variable", code, errb)
	}
	code, out, errb := tickler(t, []string{"TICKLER_HTTP_TOKEN=x"}, "-config", filepath.Join(root, "packaging/docker.yaml"), "check")
	if code != 0 {
		t.Errorf("tickler check packaging/docker.yaml: exit %d\n%s%s", code, out, errb)
	}
	// Nothing the jobs send is dropped: every list they name has an address.
	if strings.Contains(out, "warning:") {
		t.Errorf("tickler check packaging/docker.yaml warns:\n%s", out)
	}
}

// The container as docker runs it: the image's command on the image's
// default config (its paths moved into a temporary folder, its port chosen
// free), and the HEALTHCHECK command, run with busybox wget as in Alpine,
// passing while tickler serves and failing once it has stopped.
func TestImageHealthcheck(t *testing.T) {
	wget := []string{"busybox", "wget"}
	if _, err := exec.LookPath("busybox"); err != nil {
		if _, err := exec.LookPath("wget"); err != nil {
			t.Skip("neither busybox nor wget on PATH: cannot run the HEALTHCHECK command (apt-get install busybox-static)")
		}
		wget = []string{"wget"} // GNU wget takes the same -q -O flags
	}
	stages, err := parseDockerfile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	hc := healthcheck(t, stages[len(stages)-1])
	if hc[0] != "wget" {
		t.Fatalf("HEALTHCHECK runs %q; this test knows how to run wget", hc[0])
	}

	dir := t.TempDir()
	cfg := strings.NewReplacer(dataDir, dir, "0.0.0.0:8080", "127.0.0.1:0").Replace(readFile(t, "packaging/docker.yaml"))
	cfgPath := filepath.Join(dir, "tickler.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TICKLER_HTTP_TOKEN", "a-token") // docker run --env-file tickler.env
	serve := startServe(t, dir, cfgPath)
	m, ok := serve.waitFor(listening, 30*time.Second)
	if !ok {
		t.Fatalf("tickler did not start listening within 30s:\n%s", serve.Log())
	}
	listen := m[1]
	_, port, _ := net.SplitHostPort(listen)
	url := strings.Replace(hc[len(hc)-1], ":8080/", ":"+port+"/", 1)
	check := func() error {
		args := append(append(slices.Clone(wget), hc[1:len(hc)-1]...), url)
		return exec.Command(args[0], args[1:]...).Run()
	}
	if err := check(); err != nil {
		t.Errorf("HEALTHCHECK on a serving tickler: %v", err)
	}
	// The health check needs no credential; the status page does.
	for token, want := range map[string]int{"": http.StatusUnauthorized, "a-token": http.StatusOK} {
		req, _ := http.NewRequest("GET", "http://"+listen+"/", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != want {
			t.Errorf("the status page with token %q: %v %v, want %d", token, resp, err, want)
		} else {
			resp.Body.Close()
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "tickler.db")); err != nil {
		t.Errorf("the default config did not create its SQLite file in the data volume: %v", err)
	}

	// docker stop: SIGTERM, a clean exit, then the check must fail.
	serve.stop(t)
	if err := check(); err == nil {
		t.Errorf("HEALTHCHECK passes with tickler stopped: it cannot fail")
	}
}
