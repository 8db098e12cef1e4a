// Command tickler is the personnel office's reminder daemon and its tools.
// main only parses the command line and calls into the packages.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/tickler-dev/tickler/config"
	"github.com/tickler-dev/tickler/jobs"
)

const usage = `tickler: the personnel office's reminder file, kept by a program.

Usage: tickler [-config FILE] COMMAND [flags]

FILE defaults to $TICKLER_CONFIG, then ./tickler.yaml.

Commands:
  serve                  run the daemon: scheduler, delivery workers, HTTP status
  check [-from TIME]     validate the config; print every job's next 3 runs after TIME
  migrate                apply database migrations (serve and import also migrate)
  import PATH...         import CSV files, XLSX workbooks or folders of them; all or nothing
  sample -staff N -out DIR [-at DATE] [-seed S]
                         write a synthetic agency in the import format
  run JOB [-at TIME] [-dry-run] [-format text|json]
                         run one job for the slot at TIME (default: now) and deliver
  digest [-month YYYY-MM] [-unit CODE] [-format text|json|html] [-out FILE] [-sql FILE]
                         compute a monthly digest (default: the last full month) and print it
  status [-message ID|KEY]
                         last runs per job, pending / failed deliveries; or one
                         outbox message as it goes on the wire
  answers [-format text|csv] [-state STATE]  or  answers reject ID [-reason TEXT]
                         the answers people gave through their reminders' links; reject one
  help [COMMAND]         this summary, or a command's flags (also: tickler COMMAND -h)

TIME is YYYY-MM-DD or YYYY-MM-DDTHH:MM in the configured time zone.
Exit codes: 0 ok, 1 runtime failure, 2 usage or config error.
`

// exitError carries an exit code: 2 for usage and configuration errors, 1 for
// failures at run time.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{2, fmt.Errorf(format, a...)}
}

func configErr(err error) error { return &exitError{2, err} }

type command func(ctx context.Context, g *globals, args []string) error

var commands = map[string]command{
	"serve":   cmdServe,
	"check":   cmdCheck,
	"migrate": cmdMigrate,
	"import":  cmdImport,
	"sample":  cmdSample,
	"run":     cmdRun,
	"digest":  cmdDigest,
	"status":  cmdStatus,
	"answers": cmdAnswers,
}

// globals are the flags before the command, and the settings of the run.
type globals struct {
	configPath string
	configFrom string // "-config", "TICKLER_CONFIG" or "" (the default)
	stdout     io.Writer
	stderr     io.Writer
	serve      serveOptions // zero but in the tests
}

func main() {
	// A run at a province's scale allocates a lot and keeps little. Collect
	// less often while the heap is small, and at most let it reach a soft
	// limit, so that a replica stays within its memory budget. GOGC and
	// GOMEMLIMIT in the environment override both.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(150 << 20)
	}
	os.Exit(runMain(os.Args[1:], serveOptions{}))
}

// runMain runs the command line as the program does: SIGTERM or SIGINT ends
// the context (serve stops taking work and finishes what is in flight).
func runMain(args []string, opts serveOptions) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runWith(ctx, args, os.Stdout, os.Stderr, opts)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, serveOptions{})
}

func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, opts serveOptions) int {
	g := &globals{stdout: stdout, stderr: stderr, serve: opts}
	fs := flag.NewFlagSet("tickler", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the usage and the error are written below, once
	fs.StringVar(&g.configPath, "config", "", "configuration file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "tickler: %v (tickler -h lists the commands and flags)\n", err)
		return 2
	}
	g.configFrom = "-config"
	if g.configPath == "" {
		g.configPath, g.configFrom = os.Getenv("TICKLER_CONFIG"), "TICKLER_CONFIG"
	}
	if g.configPath == "" {
		g.configPath, g.configFrom = "tickler.yaml", ""
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name := fs.Arg(0)
	if name == "help" {
		return help(ctx, g, fs.Args()[1:])
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "tickler: unknown command %q (run tickler -h for the list)\n", name)
		return 2
	}
	stopProfile := startProfile()
	err := cmd(ctx, g, fs.Args()[1:])
	stopProfile()
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "tickler %s: %v\n", name, err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}

// help prints the usage, or a command's usage and flags (tickler help
// COMMAND), to standard output: asked for, it is not an error.
func help(ctx context.Context, g *globals, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(g.stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	switch {
	case !ok:
		fmt.Fprintf(g.stderr, "tickler help: unknown command %q (run tickler -h for the list)\n", args[0])
		return 2
	case len(args) > 1:
		fmt.Fprintf(g.stderr, "tickler help: one command at a time, not %q\n", strings.Join(args, " "))
		return 2
	}
	if err := cmd(ctx, g, []string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(g.stderr, "tickler help %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// notes follow a command's synopsis in its usage (tickler COMMAND -h).
var notes = map[string]func() string{
	"run": func() string {
		var b strings.Builder
		b.WriteString("JOB is one of:\n")
		for _, name := range config.JobNames {
			if jobs.Implemented(name) {
				fmt.Fprintf(&b, "  %s\n", name)
			} else {
				fmt.Fprintf(&b, "  %s (not in this build)\n", name)
			}
		}
		return b.String()
	},
}

// flagOutput takes what the flag package writes while parsing: parseFlags
// shows the usage on -h, on standard output, and reports an error once.
type flagOutput struct {
	stdout io.Writer
	buf    bytes.Buffer
}

func (o *flagOutput) Write(p []byte) (int, error) { return o.buf.Write(p) }

// newFlags returns a flag set for a subcommand that reports errors as usage errors.
func newFlags(g *globals, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(&flagOutput{stdout: g.stdout})
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: tickler %s\n", synopsis)
		if note := notes[name]; note != nil {
			fmt.Fprintf(w, "\n%s", note())
		}
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(w, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses and turns a flag error into a usage error (exit 2); on
// -h it prints the command's usage to standard output and returns
// flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		if out, ok := fs.Output().(*flagOutput); ok {
			out.stdout.Write(out.buf.Bytes()) // the usage, nothing else
		}
		return err
	}
	return &exitError{2, fmt.Errorf("%v (tickler %s -h lists its flags)", err, fs.Name())}
}

// parseArgs parses flags given before, between or after the positional
// arguments, which it returns: "run JOB -dry-run" and "run -dry-run JOB" are
// the same command (the flag package alone stops at the first positional
// argument, and would leave -dry-run unread).
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// noConfig explains a configuration file that is not there: where tickler
// looked, and the two ways to name another.
func (g *globals) noConfig(err error) error {
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	switch g.configFrom {
	case "-config":
		return fmt.Errorf("no configuration file %s (named by -config; without it, TICKLER_CONFIG, else ./tickler.yaml, is read)", g.configPath)
	case "TICKLER_CONFIG":
		return fmt.Errorf("no configuration file %s (named by TICKLER_CONFIG; -config FILE overrides it; without either, ./tickler.yaml is read)", g.configPath)
	}
	wd, _ := os.Getwd()
	return fmt.Errorf("no configuration file ./tickler.yaml in %s: name one with -config FILE or TICKLER_CONFIG=FILE", wd)
}
