package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestImportCommand(t *testing.T) {
	db, dbURL := storagetest.Postgres(t)
	vars := envOf(map[string]string{"DATABASE_URL": dbURL})
	dir := t.TempDir()
	good := filepath.Join(dir, "people.csv")
	if err := os.WriteFile(good, []byte("territory,lang,name\nMI,fr,Amina\nBO,en,Omar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"import", "beneficiaries", good}, vars, &out, &errOut); err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if !strings.Contains(errOut.String(), "Imported 2 beneficiaries.") {
		t.Fatalf("stderr: %s", errOut.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil || len(rows) != 3 || strings.Join(rows[0], ",") != "line,code,invite_code,expires_at" || rows[1][0] != "2" || rows[1][1] != "MI-001" ||
		len(rows[1][2]) != storage.InviteCodeLength || rows[2][1] != "BO-001" {
		t.Fatalf("codes: %v %v", rows, err)
	}

	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("territory,lang,name\nRM,fr,Sara\nMI,xx,Yonas\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errOut.Reset()
	err = run(context.Background(), []string{"import", "beneficiaries", "--lang", "it", bad}, vars, &out, &errOut)
	if err == nil || err.Error() != "2 problemi: non ho importato niente." {
		t.Fatalf("bad file: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "riga 2, colonna territory: «RM» non è un territorio") ||
		!strings.HasPrefix(lines[1], "riga 3, colonna lang: «xx» non è una lingua") || out.Len() != 0 {
		t.Fatalf("report:\n%s\nstdout: %s", errOut.String(), out.String())
	}
	var n int
	if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM beneficiaries`); err != nil || n != 2 {
		t.Fatalf("%d beneficiaries, %v", n, err)
	}

	for _, args := range [][]string{{"import"}, {"import", "people", good}, {"import", "leads"}, {"import", "leads", good, good},
		{"import", "sessions", filepath.Join(dir, "missing.csv")}} {
		if err := run(context.Background(), args, vars, &out, &errOut); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v, want a one-line error", args, err)
		}
	}
}
