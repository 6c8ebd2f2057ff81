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

// exportUsage is the export command's usage line.
const exportUsage = "export: insidebot export research|monitoring --out <file.csv> [--territory MI]"

// exportCmd runs `export research` (the research dataset) or `export monitoring` (the funder's
// monitoring counts).
func exportCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	if len(args) > 0 && wantsHelp(args[:1]) {
		fmt.Fprint(stdout, "usage: insidebot export research|monitoring --out <file.csv> [--territory MI]\n\n"+
			"research:   the pseudonymised research dataset (needs RESEARCH_KEY); the aggregated tables and the codebook go beside the file\n"+
			"monitoring: counts per territory and overall for the funder's periodic report; nothing per person\n")
		return flag.ErrHelp
	}
	if len(args) == 0 {
		return usageError{err: errors.New(exportUsage)}
	}
	switch args[0] {
	case "research":
		return exportResearch(ctx, args[1:], getenv, stdout, stderr)
	case "monitoring":
		return exportMonitoring(ctx, args[1:], getenv, stdout, stderr)
	}
	return usageError{err: errors.New(exportUsage)}
}

// exportResearch writes the research dataset, the same as /export: the people table to --out
// and the aggregated tables and the codebook beside it.
func exportResearch(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	const usage = "usage: insidebot export research --out <file.csv> [--territory MI]\n\nWrites the pseudonymised research dataset (needs RESEARCH_KEY); the aggregated tables go beside the file.\n\n"
	fs := flag.NewFlagSet("export research", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "the CSV file of the people table (required); the aggregated tables go beside it")
	territory := fs.String("territory", "", "one territory (AN, AV, BO, FG, MI, PG, RG, SO, VA); default all")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
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
	code, err := exportTerritory(ctx, db, "export research", *territory)
	if err != nil {
		return err
	}
	now := clock.System{}.Now()
	d, err := research.Build(ctx, db, []byte(cfg.ResearchKey), code, now, cfg.Timezone)
	if err != nil {
		return err
	}
	aggregates := strings.TrimSuffix(*out, filepath.Ext(*out)) + "-aggregates.csv"
	codebook := strings.TrimSuffix(*out, filepath.Ext(*out)) + "-codebook.csv"
	if err := writeFile(*out, d.WritePeople); err != nil {
		return err
	}
	if err := writeFile(aggregates, d.WriteAggregates); err != nil {
		return err
	}
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

// exportTerritory checks --territory: "" for every territory, else a project territory's code.
func exportTerritory(ctx context.Context, q storage.Queryer, command, territory string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(territory))
	if code == "" {
		return "", nil
	}
	if _, err := storage.TerritoryByCode(ctx, q, code); err != nil {
		return "", fmt.Errorf("%s: --territory %q is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)", command, territory)
	}
	return code, nil
}

// writeFile writes a file readable only by its owner (exports).
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := write(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
