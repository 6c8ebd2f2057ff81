package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
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

func TestExportMonitoringCommand(t *testing.T) {
	db, dbURL := storagetest.Postgres(t)
	ctx := context.Background()
	now := time.Now()
	for i := range 3 {
		territory := "MI"
		if i == 2 {
			territory = "BO"
		}
		b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: territory, Lang: "fr", DisplayName: "Amina Diallo"}, now)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := storage.MarkOnboarded(ctx, db, b.ID, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	op, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Giulia Operatrice", Role: storage.RoleOperator, Territory: "MI"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.SetStaffStatus(ctx, db, op, "active"); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	out := filepath.Join(dir, "monitoring.csv")
	var stdout, stderr bytes.Buffer
	// No RESEARCH_KEY needed: nothing is pseudonymised because nothing is per person.
	vars := envOf(map[string]string{"DATABASE_URL": dbURL})
	if err := run(ctx, []string{"export", "monitoring", "--out", out}, vars, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Monitoring export:") || !strings.Contains(stdout.String(), out) {
		t.Fatalf("stdout: %s", stdout.String())
	}
	info, err := os.Stat(out)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v", out, info, err)
	}
	data, _ := os.ReadFile(out)
	if bytes.Contains(data, []byte("Amina")) || bytes.Contains(data, []byte("MI-00")) || bytes.Contains(data, []byte("Giulia")) {
		t.Fatalf("the monitoring export carries names or codes:\n%s", data)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(rows) < 2 || !slices.Equal(rows[0], research.MonitoringColumns()) {
		t.Fatalf("monitoring: %v %v", rows, err)
	}
	cells := map[string]string{}
	for _, r := range rows[1:] {
		cells[strings.Join(r[:3], "|")] = r[3]
	}
	for k, v := range map[string]string{"MI|people|enrolled": "2", "MI|people|active": "1", "BO|people|enrolled": "1",
		"ALL|people|enrolled": "3", "MI|operators|active": "1", "ALL|operators|active": "1", "AN|people|enrolled": "0"} {
		if cells[k] != v {
			t.Errorf("%s = %q, want %s", k, cells[k], v)
		}
	}

	// MI only; a territory that does not exist is refused.
	stdout.Reset()
	if err := run(ctx, []string{"export", "monitoring", "--out", out, "--territory", "mi"}, vars, &stdout, &stderr); err != nil {
		t.Fatalf("MI: %v", err)
	}
	data, _ = os.ReadFile(out)
	rows, _ = csv.NewReader(bytes.NewReader(data)).ReadAll()
	for _, r := range rows[1:] {
		if r[0] != "MI" {
			t.Fatalf("MI export has a row of %s", r[0])
		}
	}
	if err := run(ctx, []string{"export", "monitoring", "--out", out, "--territory", "RM"}, vars, &stdout, &stderr); err == nil {
		t.Fatal("unknown territory accepted")
	}
	for _, args := range [][]string{{"export", "monitoring"}, {"export", "monitoring", "--out", out, "extra"}} {
		if err := run(ctx, args, vars, &stdout, &stderr); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line error", args, err)
		}
	}
	for _, args := range [][]string{{"export", "--help"}, {"export", "monitoring", "--help"}} {
		stdout.Reset()
		if err := run(ctx, args, vars, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) && err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if !strings.Contains(stdout.String(), "monitoring") {
			t.Errorf("%v: the usage does not name monitoring: %s", args, stdout.String())
		}
	}
	audit, _ := storage.AuditEntries(ctx, db, storage.AuditFilter{Action: "export monitoring"})
	if len(audit) != 2 || audit[0].ActorKind != storage.ActorCLI || !strings.HasPrefix(audit[0].Detail, "territory=MI rows=") ||
		!strings.HasPrefix(audit[1].Detail, "territory=* rows=") {
		t.Fatalf("audit = %+v", audit)
	}
}
