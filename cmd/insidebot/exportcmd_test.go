package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestExportResearchCommand(t *testing.T) {
	db, dbURL := storagetest.Postgres(t)
	ctx := context.Background()
	now := time.Now()
	var ids []int64
	for i := range 7 {
		territory := "MI"
		if i == 6 {
			territory = "BO"
		}
		b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: territory, Lang: "fr", DisplayName: "Amina Diallo"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := storage.SetConsent(ctx, db, b.ID, storage.ConsentResearch, &now); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "research.csv")
	var stdout, stderr bytes.Buffer
	err := run(ctx, []string{"export", "research", "--out", out}, envOf(map[string]string{"DATABASE_URL": dbURL}), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "RESEARCH_KEY") {
		t.Fatalf("without a key: %v", err)
	}
	vars := envOf(map[string]string{"DATABASE_URL": dbURL, "RESEARCH_KEY": testResearchKey})
	if err := run(ctx, []string{"export", "research", "--out", out}, vars, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "7 people with research consent, 7 rows") {
		t.Fatalf("stdout: %s", stdout.String())
	}
	for _, f := range []string{out, filepath.Join(dir, "research-aggregates.csv"), filepath.Join(dir, "research-codebook.csv")} {
		info, err := os.Stat(f)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, info, err)
		}
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("Amina")) || bytes.Contains(data, []byte("MI-00")) {
			t.Fatalf("%s carries names or codes:\n%s", f, data)
		}
	}
	data, _ := os.ReadFile(out)
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) != 8 || !slices.Equal(rows[0], research.PeopleColumns()) {
		t.Fatalf("people: %v %v", rows, err)
	}
	var pids []string
	for _, r := range rows[1:] {
		pids = append(pids, r[0])
	}
	if !slices.Contains(pids, research.Pseudonym([]byte(testResearchKey), ids[0])) {
		t.Fatal("the CLI's pseudonyms differ from the dataset's")
	}
	// MI only; a territory that does not exist is refused.
	stdout.Reset()
	if err := run(ctx, []string{"export", "research", "--out", out, "--territory", "mi"}, vars, &stdout, &stderr); err != nil ||
		!strings.Contains(stdout.String(), "6 people") {
		t.Fatalf("MI: %v %s", err, stdout.String())
	}
	if err := run(ctx, []string{"export", "research", "--out", out, "--territory", "RM"}, vars, &stdout, &stderr); err == nil {
		t.Fatal("unknown territory accepted")
	}
	for _, args := range [][]string{{"export"}, {"export", "people"}, {"export", "research"}, {"export", "research", "--out", out, "extra"}} {
		if err := run(ctx, args, vars, &stdout, &stderr); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line error", args, err)
		}
	}
	audit, _ := storage.AuditEntries(ctx, db, storage.AuditFilter{Action: "export research"})
	if len(audit) != 2 || audit[0].ActorKind != storage.ActorCLI || audit[0].Detail != "territory=MI people=6 rows=6" {
		t.Fatalf("audit = %+v", audit)
	}
}

// testResearchKey is a RESEARCH_KEY as openssl rand -hex 32 makes one.
const testResearchKey = "5f2b9c4e81a7d03e6b9f1c2a7d4e8b0f3a6c9e1d2b5f8a0c4e7d1b3a9f6c2e8d"
