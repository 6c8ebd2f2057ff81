package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// usageError is a command line the program cannot run (an unknown flag or command). The
// process exits 2; printed says its message is already out (the flag package prints it with
// the usage).
type usageError struct {
	err     error
	printed bool
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// wantsHelp tells whether a subcommand's arguments ask for help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// parseFlags parses a subcommand's flags: help goes to stdout and returns flag.ErrHelp (exit
// 0); a bad flag is printed once, with the usage, to stderr and returns a usageError (exit 2).
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	if wantsHelp(args) {
		fs.SetOutput(stdout)
		fs.Usage()
		return flag.ErrHelp
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return usageError{err: err, printed: true}
	}
	return nil
}

// help prints a subcommand's usage when its arguments ask for it.
func help(args []string, stdout io.Writer, usage string) bool {
	if !wantsHelp(args) {
		return false
	}
	fmt.Fprint(stdout, usage)
	return true
}

// exitCode reports run's error on stderr (once) and says how the process exits: 0 when it
// worked or help was asked for, 2 for a command line it cannot run, 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if !ue.printed {
			fmt.Fprintln(stderr, "insidebot:", err)
		}
		return 2
	}
	fmt.Fprintln(stderr, "insidebot:", err)
	return 1
}
