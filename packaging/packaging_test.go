// Package packaging_test checks the ways tickler is deployed, without a Docker
// engine or a running systemd: the Dockerfile and its build context, the
// binary built the way the Dockerfile builds it, docker-compose.yml read by
// the Compose specification's own loader, the configurations they use passed
// through `tickler check`, and the systemd unit through systemd-analyze.
package packaging_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// root is the repository, where the Dockerfile and docker-compose.yml are.
const root = ".."

// binary is tickler built from the Docker build context (the repository less
// .dockerignore) with the Dockerfile's own go build command.
var binary string

// buildContext is that copy of the build context; the binary must not name it.
var buildContext string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tickler-packaging-")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		buildContext = filepath.Join(dir, "context")
		binary = filepath.Join(dir, "tickler")
		if err := copyBuildContext(root, buildContext); err != nil {
			os.Stderr.WriteString("build context: " + err.Error() + "\n")
			return 1
		}
		if err := buildLikeDockerfile(buildContext, binary); err != nil {
			os.Stderr.WriteString("build as the Dockerfile does: " + err.Error() + "\n")
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// copyBuildContext copies what `docker build` would send: every file of
// the repository that .dockerignore does not exclude.
func copyBuildContext(src, dst string) error {
	f, err := os.Open(filepath.Join(src, ".dockerignore"))
	if err != nil {
		return err
	}
	patterns, err := ignorefile.ReadAll(f)
	f.Close()
	if err != nil {
		return err
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return err
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		skip, err := pm.MatchesOrParentMatches(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if skip {
			if d.IsDir() && !pm.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// buildLikeDockerfile runs the go build line of the Dockerfile's build stage
// in dir, with its variable assignments (CGO_ENABLED=0, GOOS, GOARCH for this
// machine) and its flags, writing the binary to out instead of /out/tickler.
func buildLikeDockerfile(dir, out string) error {
	env, args, err := dockerfileGoBuild(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return err
	}
	for i := range args {
		if args[i] == "-o" && i+1 < len(args) {
			args[i+1] = out
		}
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return errors.New(err.Error() + ": " + stderr.String())
	}
	return nil
}

// dockerfileGoBuild finds the RUN of the first stage that calls go build and
// returns its environment assignments and go's arguments ("build", ...), with
// $TARGETOS and $TARGETARCH read as this machine's.
func dockerfileGoBuild(path string) (env, args []string, err error) {
	stages, err := parseDockerfile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(stages) == 0 {
		return nil, nil, errors.New("no FROM")
	}
	for _, run := range stages[0].find("RUN") {
		_, cmdline := splitFlags(run.Args) // the --mount flags
		for _, part := range strings.Split(cmdline, "&&") {
			words, err := shellWords(strings.TrimSpace(part))
			if err != nil {
				return nil, nil, err
			}
			i := 0
			for ; i < len(words) && strings.Contains(words[i], "=") && !strings.HasPrefix(words[i], "-"); i++ {
				v := strings.NewReplacer("$TARGETOS", runtime.GOOS, "$TARGETARCH", runtime.GOARCH).Replace(words[i])
				env = append(env, v)
			}
			if i+1 < len(words) && words[i] == "go" && words[i+1] == "build" {
				return env, words[i+1:], nil
			}
			env = nil
		}
	}
	return nil, nil, errors.New("no RUN with go build in the first stage")
}

// tickler runs the built binary and returns its exit code, stdout and stderr.
func tickler(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String(), errb.String()
	case errors.As(err, &ee):
		return ee.ExitCode(), out.String(), errb.String()
	}
	t.Fatal(err)
	return 0, "", ""
}

// readFile returns a repository file's text.
func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// daemon is a running `tickler serve` whose log the test reads.
type daemon struct {
	cmd   *exec.Cmd
	lines chan string // every log line, closed when the process closes stderr
	mu    sync.Mutex
	log   []string
}

// startServe starts the built binary's serve in dir on the config at path;
// it is killed at cleanup if the test has not stopped it.
func startServe(t *testing.T, dir, path string) *daemon {
	t.Helper()
	d := &daemon{cmd: exec.Command(binary, "-config", path, "serve"), lines: make(chan string, 10000)}
	d.cmd.Dir = dir
	stderr, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if d.cmd.ProcessState == nil {
			d.cmd.Process.Kill()
			d.cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			d.mu.Lock()
			d.log = append(d.log, sc.Text())
			d.mu.Unlock()
			d.lines <- sc.Text()
		}
		close(d.lines)
	}()
	return d
}

// Log is everything the daemon logged so far.
func (d *daemon) Log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.log, "\n")
}

// waitFor reads the log until a line matches re and returns its submatches;
// ok is false if the daemon exited or the timeout passed first.
func (d *daemon) waitFor(re *regexp.Regexp, timeout time.Duration) (m []string, ok bool) {
	deadline := time.After(timeout)
	for {
		select {
		case l, open := <-d.lines:
			if !open {
				return nil, false
			}
			if m := re.FindStringSubmatch(l); m != nil {
				return m, true
			}
		case <-deadline:
			return nil, false
		}
	}
}

// stop sends SIGTERM, as docker stop and systemctl stop do, and waits.
func (d *daemon) stop(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Wait(); err != nil {
		t.Errorf("tickler serve after SIGTERM: %v\n%s", err, d.Log())
	}
}

// listening is the log line that names the status server's address.
var listening = regexp.MustCompile(`msg="http listening" addr=(\S+)`)
