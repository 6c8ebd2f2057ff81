package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
)

// exportMonitoring writes the funder's monitoring counts (research.BuildMonitoring) to --out:
// aggregates per territory and overall, nothing per person. It needs no RESEARCH_KEY.
func exportMonitoring(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	const usage = "usage: insidebot export monitoring --out <file.csv> [--territory MI]\n\nWrites the monitoring counts for the funder's periodic report (columns territory,measure,key,value), per territory and overall; nothing per person.\n\n"
	fs := flag.NewFlagSet("export monitoring", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "the CSV file to write (required)")
	territory := fs.String("territory", "", "one territory (AN, AV, BO, FG, MI, PG, RG, SO, VA); default all and overall")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export monitoring: unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return errors.New("export monitoring: --out <file.csv> is required")
	}
	cfg, log, err := setup(getenv, stderr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	code, err := exportTerritory(ctx, db, "export monitoring", *territory)
	if err != nil {
		return err
	}
	now := clock.System{}.Now()
	m, err := research.BuildMonitoring(ctx, db, code, now)
	if err != nil {
		return err
	}
	if err := writeFile(*out, m.WriteCSV); err != nil {
		return err
	}
	target := code
	if target == "" {
		target = "*"
	}
	if err := storage.Audit(ctx, db, storage.AuditEntry{At: now, ActorKind: storage.ActorCLI, Action: "export monitoring", TargetKind: "dataset",
		TargetID: "monitoring", Detail: fmt.Sprintf("territory=%s rows=%d", target, len(m.Rows))}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Monitoring export: %d rows (territory,measure,key,value)\n  file: %s\n", len(m.Rows), *out)
	return nil
}
