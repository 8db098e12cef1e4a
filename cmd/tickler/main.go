// Command tickler is the personnel office's reminder daemon and its tools.
// main only parses the command line and calls into the packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `tickler: the personnel office's reminder file, kept by a program.

Usage: tickler [-config FILE] COMMAND [flags]

FILE defaults to $TICKLER_CONFIG, then ./tickler.yaml.

Commands:
  serve                  run the daemon: scheduler, delivery workers, HTTP status
  check [-from TIME]     validate the config; print every job's next 3 runs after TIME
  migrate                apply database migrations
  import PATH...         import CSV files, XLSX workbooks or folders of them; all or nothing
  sample -staff N -out DIR [-at DATE] [-seed S]
                         write a synthetic agency in the import format
  run JOB [-at TIME] [-dry-run] [-format text|json]
                         run one job for the slot at TIME and deliver
  digest [-month YYYY-MM] [-unit CODE] [-format text|json|html] [-out FILE]
                         compute a monthly digest and print it
  status                 last runs per job, pending / failed deliveries

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
}

// globals are the flags before the command.
type globals struct {
	configPath string
	stdout     io.Writer
	stderr     io.Writer
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("tickler", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&g.configPath, "config", "", "configuration file")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if g.configPath == "" {
		g.configPath = os.Getenv("TICKLER_CONFIG")
	}
	if g.configPath == "" {
		g.configPath = "tickler.yaml"
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	name := fs.Arg(0)
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

// newFlags returns a flag set for a subcommand that reports errors as usage errors.
func newFlags(g *globals, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	fs.Usage = func() {
		fmt.Fprintf(g.stderr, "Usage: tickler %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns a flag error into a usage error (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{2, err}
	}
	return nil
}
