package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
)

// exportCmd writes the research dataset, the same as /export: the people table to --out and
// the aggregated tables beside it (<out>-aggregates.csv).
func exportCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	const usage = "usage: insidebot export research --out <file.csv> [--territory MI]\n\nWrites the pseudonymised research dataset (needs RESEARCH_KEY); the aggregated tables go beside the file.\n\n"
	if len(args) > 0 && wantsHelp(args[:1]) {
		fmt.Fprint(stdout, usage)
		return flag.ErrHelp
	}
	if len(args) == 0 || args[0] != "research" {
		return usageError{err: errors.New("export: insidebot export research --out <file.csv> [--territory MI]")}
	}
	fs := flag.NewFlagSet("export research", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "the CSV file of the people table (required); the aggregated tables go beside it")
	territory := fs.String("territory", "", "one territory (AN, AV, BO, FG, MI, PG, RG, SO, VA); default all")
	if err := parseFlags(fs, args[1:], stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export research: unexpected argument %q", fs.Arg(0))
	}
	if *out == "" {
		return errors.New("export research: --out <file.csv> is required")
	}
	cfg, log, err := setup(getenv, stderr)
	if err != nil {
		return err
	}
	if cfg.ResearchKey == "" {
		return errors.New("export research: RESEARCH_KEY is empty: set it to the key that pseudonymises the dataset")
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	code := strings.ToUpper(strings.TrimSpace(*territory))
	if code != "" {
		if _, err := storage.TerritoryByCode(ctx, db, code); err != nil {
			return fmt.Errorf("export research: --territory %q is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)", *territory)
		}
	}
	now := clock.System{}.Now()
	d, err := research.Build(ctx, db, []byte(cfg.ResearchKey), code, now, cfg.Timezone)
	if err != nil {
		return err
	}
	aggregates := strings.TrimSuffix(*out, filepath.Ext(*out)) + "-aggregates.csv"
	if err := writeFile(*out, d.WritePeople); err != nil {
		return err
	}
	if err := writeFile(aggregates, d.WriteAggregates); err != nil {
		return err
	}
	codebook := strings.TrimSuffix(*out, filepath.Ext(*out)) + "-codebook.csv"
	if err := writeFile(codebook, research.WriteCodebook); err != nil {
		return err
	}
	target := code
	if target == "" {
		target = "*"
	}
	if err := storage.Audit(ctx, db, storage.AuditEntry{At: now, ActorKind: storage.ActorCLI, Action: "export research", TargetKind: "dataset",
		TargetID: "research", Detail: fmt.Sprintf("territory=%s people=%d rows=%d", target, d.Consenting, len(d.People))}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Research dataset: %d people with research consent, %d rows (fewer than %d people: no rows)\n  people:     %s\n  aggregates: %s\n  codebook:   %s\n",
		d.Consenting, len(d.People), research.MinCell, *out, aggregates, codebook)
	return nil
}

// writeFile writes a file readable only by its owner (research data).
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("export research: %w", err)
	}
	if err := write(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
