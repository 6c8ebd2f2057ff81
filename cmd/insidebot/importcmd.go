package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/importer"
	"github.com/insideaut/insidebot/locales"
)

// importCmd loads beneficiaries, leads or lab sessions from a CSV file: every row is checked
// first, and if any is wrong nothing is imported. Problems go to stderr, one per line; the
// imported beneficiaries' codes and invite codes go to stdout as CSV.
func importCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	const usage = "usage: insidebot import beneficiaries|leads|sessions [--lang it|en] <file.csv>\n\nChecks every row, then imports them all or nothing (README.md lists the columns); - reads standard input.\n\n"
	if len(args) > 0 && wantsHelp(args[:1]) {
		fmt.Fprint(stdout, usage)
		return flag.ErrHelp
	}
	if len(args) == 0 || !slices.Contains(importer.Kinds(), args[0]) {
		return usageError{err: errors.New("import: say what to import: insidebot import beneficiaries|leads|sessions [--lang it|en] <file.csv>")}
	}
	kind := args[0]
	fs := flag.NewFlagSet("import "+kind, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	lang := fs.String("lang", "en", "language of the report: it or en")
	if err := parseFlags(fs, args[1:], stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("import %s: name one CSV file (- reads standard input)", kind)
	}
	cfg, log, err := setup(getenv, stderr)
	if err != nil {
		return err
	}
	cat, err := locales.Load(log.With("component", "locales"))
	if err != nil {
		return err
	}
	l := cat.For(*lang)
	var in io.Reader = os.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("import %s: %w", kind, err)
		}
		defer f.Close()
		in = f
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := importer.Import(ctx, db, kind, in, importer.Options{Location: cfg.Timezone, InviteTTL: cfg.InviteTTL, Now: clock.System{}.Now()})
	var rej *importer.Rejected
	if errors.As(err, &rej) {
		for _, p := range rej.Problems {
			fmt.Fprintln(stderr, p.Render(l))
		}
		return errors.New(l.N("importer.failed", len(rej.Problems)))
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, l.N("importer.imported_"+kind, res.Rows))
	if kind != importer.Beneficiaries {
		return nil
	}
	w := csv.NewWriter(stdout)
	_ = w.Write([]string{"line", "code", "invite_code", "expires_at"})
	for _, c := range res.Created {
		_ = w.Write([]string{strconv.Itoa(c.Line), c.Code, c.InviteCode, c.ExpiresAt.In(cfg.Timezone).Format(time.RFC3339)})
	}
	w.Flush()
	return w.Error()
}
