// Command insidebot is the INSIDE AUT chatbot: one binary that serves Telegram, WhatsApp and
// the web chat, runs the outbox senders and the scheduler, and carries the admin subcommands.
//
//	insidebot [serve [--demo]]   start everything (the default)
//	insidebot migrate            apply database migrations
//	insidebot invite ...         create a person and a one-time invite code
//	insidebot import ...         load beneficiaries, leads or lab sessions from a CSV file
//	insidebot export ...         write the research dataset or the monitoring counts
//	insidebot desk-link ...      print a one-time login link to the desk for a staff member
//	insidebot healthcheck        exit 0 when the running server answers /healthz
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // BOT_TIMEZONE works in images without a zoneinfo database

	"github.com/redis/go-redis/v9"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stderr := &lockedWriter{w: os.Stderr}
	// go-redis logs through a package-level logger of its own, plain text on stderr: it is set
	// here, once for the process (the only place), to write through slog in LOG_FORMAT. With a
	// configuration that does not load the command fails before using Redis.
	if cfg, err := loadConfig(os.Getenv); err == nil {
		log := newLogger(stderr, cfg.LogFormat, cfg.LogLevel, cfg.Secrets()).With("component", "redis")
		redis.SetLogger(redisLogger{log: log})
	}
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, stderr)
	stop()
	os.Exit(exitCode(err, stderr))
}

// run is main without the process: arguments, environment and output are passed in.
func run(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !isFlag(args[0]) {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serveCmd(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, args, getenv, stdout, stderr)
	case "invite":
		return inviteCmd(ctx, args, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, args, getenv, stdout, stderr)
	case "export":
		return exportCmd(ctx, args, getenv, stdout, stderr)
	case "desk-link":
		return deskLinkCmd(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		return healthcheckCmd(ctx, args, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{err: fmt.Errorf("unknown command %q (try: insidebot help)", cmd)}
}

func isFlag(s string) bool { return len(s) > 0 && s[0] == '-' && s != "-h" && s != "--help" }

const usage = `insidebot: the INSIDE AUT chatbot

Commands:
  insidebot [serve] [--demo]   start the bot (with --demo: seed demo people and data)
  insidebot migrate            apply database migrations and exit
  insidebot invite --role coordinator|tutor|beneficiary [--territory MI] [--lang fr]
                   [--tutor <staff id>] [--name ...] [--json]
                               create a person and a one-time invite code
  insidebot import beneficiaries|leads|sessions [--lang it|en] <file.csv>
                               check every row, then import them all (or nothing)
  insidebot export research --out <file.csv> [--territory MI]
                               write the pseudonymised research dataset
  insidebot export monitoring --out <file.csv> [--territory MI]
                               write the monitoring counts for the funder (no per-person rows)
  insidebot desk-link --staff <id>
                               print a one-time login link to the desk (valid 10 minutes)
  insidebot healthcheck        exit 0 when the server on HTTP_ADDR answers /healthz

Configuration comes from environment variables: see README.md.
`
