package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// BenchmarkStaffCaseload measures the staff commands that read the most, on PostgreSQL, for an
// admin who sees every beneficiary of a project of 900 (100 per territory, 8 plan steps each):
// /mine (the first page of the caseload with plan figures) and /b (a card). One op is one update
// dispatched end to end: lock, transaction, handler, outbox.
func BenchmarkStaffCaseload(b *testing.B) {
	h := flowtest.New(b)
	ctx := context.Background()
	admin := h.NewStaff(storage.RoleAdmin, "", "Anna")
	chat := h.Telegram()
	h.LinkStaff(chat, admin)
	now := h.Clock.Now()
	// Seed in bulk: 100 beneficiaries in each territory, 8 steps each, half of them done.
	if _, err := h.DB.Exec(ctx, `INSERT INTO beneficiaries (code, territory, lang, tutor_id, status, created_at)
SELECT t.code || '-' || lpad(g::text, 3, '0'), t.code, 'en', ?, 'active', ? FROM territories t, generate_series(1, 100) g`, admin.ID, now); err != nil {
		b.Fatal(err)
	}
	if _, err := h.DB.Exec(ctx, `INSERT INTO plan_steps (beneficiary_id, position, area, title, due_date, status, created_at, updated_at)
SELECT b.id, g, 'documents', 'Step ' || g, '2025-11-2' || g, CASE WHEN g % 2 = 0 THEN 'done' ELSE 'todo' END, ?, ?
FROM beneficiaries b, generate_series(1, 8) g`, now, now); err != nil {
		b.Fatal(err)
	}
	for _, bench := range []struct{ name, cmd, want string }{
		{"mine", "/mine", "900 beneficiari"},
		{"card", "/b MI-050", "MI-050"},
	} {
		b.Run(bench.name, func(b *testing.B) {
			for b.Loop() {
				chat.Send(bench.cmd)
			}
			if got := flowtest.Texts(chat.Last); !strings.Contains(got, bench.want) {
				b.Fatalf("answer %q lacks %q", got, bench.want)
			}
		})
	}
}
