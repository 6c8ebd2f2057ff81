package storage_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// scaleWorld is the project at 100,000 beneficiaries (the scale aim): 11,111 in each
// territory, 10 plan steps each (1,000,000 steps, a third done, some overdue), and one
// Milano tutor who follows 10,000 of them.
type scaleWorld struct {
	db    *storage.DB
	tutor int64
	some  int64 // a beneficiary of the tutor's
}

func seedScale(b *testing.B) scaleWorld {
	b.Helper()
	ctx := context.Background()
	db, _ := storagetest.Postgres(b)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tutor, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Marco", Role: storage.RoleTutor, Territory: "MI"}, now)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO beneficiaries (code, territory, lang, tutor_id, status, created_at, last_inbound_at)
SELECT t.code || '-' || lpad(g::text, 5, '0'), t.code, 'en', CASE WHEN t.code = 'MI' AND g <= 10000 THEN CAST(? AS BIGINT) END,
CASE WHEN g % 10 = 0 THEN 'invited' ELSE 'active' END, ?, CAST(? AS TIMESTAMPTZ) - g * interval '1 minute'
FROM territories t, generate_series(1, 11111) g`, tutor, now, now); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO plan_steps (beneficiary_id, position, area, title, due_date, status, created_at, updated_at)
SELECT b.id, g, (ARRAY['housing','work','psych','social','documents'])[1 + g % 5], 'Step ' || g,
CASE WHEN g % 4 = 0 THEN '2026-11-' || lpad((1 + g)::text, 2, '0') END,
CASE WHEN g % 3 = 0 THEN 'done' WHEN g % 7 = 0 THEN 'blocked' ELSE 'todo' END, ?, ?
FROM beneficiaries b, generate_series(1, 10) g`, now, now); err != nil {
		b.Fatal(err)
	}
	var some int64
	if err := db.Get(ctx, &some, `SELECT id FROM beneficiaries WHERE tutor_id = ? ORDER BY id LIMIT 1 OFFSET 5000`, tutor); err != nil {
		b.Fatal(err)
	}
	return scaleWorld{db: db, tutor: tutor, some: some}
}

// BenchmarkStaffQueriesAt100k times the reads behind the staff's busiest screens on PostgreSQL
// at 100,000 beneficiaries and 1,000,000 plan steps (no VACUUM or ANALYZE after seeding: the
// test server runs without autovacuum): a plan (the beneficiary's plan view), a page of a
// 10,000-person caseload (/mine and the desk's People), the project's figures (/stats) for all
// territories and for one. Each sub-benchmark reports its p99 as well as its mean.
func BenchmarkStaffQueriesAt100k(b *testing.B) {
	w := seedScale(b)
	ctx := context.Background()
	today := "2026-12-01"
	for _, q := range []struct {
		name string
		run  func() error
	}{
		{"plan", func() error { _, err := storage.StepsOf(ctx, w.db, w.some); return err }},
		{"mine-page-1", func() error {
			_, _, err := storage.Caseload(ctx, w.db, storage.CaseloadFilter{TutorID: w.tutor}, today, 10, 0)
			return err
		}},
		{"mine-page-500", func() error {
			_, _, err := storage.Caseload(ctx, w.db, storage.CaseloadFilter{TutorID: w.tutor}, today, 10, 4990)
			return err
		}},
		{"people-territory", func() error {
			_, _, err := storage.People(ctx, w.db, storage.PeopleQuery{Scope: storage.CaseloadFilter{Territory: "MI"}, Today: today})
			return err
		}},
		{"people-overdue-by-activity", func() error {
			_, _, err := storage.People(ctx, w.db, storage.PeopleQuery{Scope: storage.CaseloadFilter{TutorID: w.tutor}, Overdue: true, Sort: "activity", Today: today})
			return err
		}},
		{"stats-all", func() error { _, err := storage.ProjectFigures(ctx, w.db, ""); return err }},
		{"stats-territory", func() error { _, err := storage.ProjectFigures(ctx, w.db, "MI"); return err }},
	} {
		b.Run(q.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if err := q.run(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
