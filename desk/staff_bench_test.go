package desk_test

import (
	"context"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// BenchmarkStaffPage times the Staff page over HTTP on PostgreSQL with 10,000 beneficiaries
// shared by 180 tutors (20 in each of the nine territories, each tutor's open cases counted):
// a Milano coordinator's page and an admin's (every territory). It reports the p99.
func BenchmarkStaffPage(b *testing.B) {
	ctx := context.Background()
	db, _ := storagetest.Postgres(b)
	h := newHarness(b, db)
	var coord, admin storage.Staff
	if _, err := db.Exec(ctx, `INSERT INTO staff (display_name, role, territory, lang, status, created_at)
SELECT 'Tutor ' || t.code || ' ' || g, 'tutor', t.code, 'it', 'active', ? FROM territories t, generate_series(1, 20) g`, t0); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO beneficiaries (code, territory, lang, tutor_id, status, created_at)
SELECT s.territory || '-' || lpad((row_number() OVER (PARTITION BY s.territory ORDER BY s.id, g))::text, 5, '0'), s.territory, 'en', s.id,
CASE WHEN g % 10 = 0 THEN 'closed' ELSE 'active' END, ?
FROM staff s, generate_series(1, 56) g WHERE s.role = 'tutor'`, t0); err != nil {
		b.Fatal(err)
	}
	for _, who := range []struct {
		name string
		s    *storage.Staff
		role string
		terr string
	}{{"coordinator", &coord, storage.RoleCoordinator, "MI"}, {"admin", &admin, storage.RoleAdmin, ""}} {
		id, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: who.name, Role: who.role, Territory: who.terr}, t0)
		if err != nil {
			b.Fatal(err)
		}
		if err := storage.SetStaffStatus(ctx, db, id, "active"); err != nil {
			b.Fatal(err)
		}
		*who.s = storage.Staff{ID: id}
	}
	for _, who := range []struct {
		name string
		id   int64
	}{{"coordinator", coord.ID}, {"admin", admin.ID}} {
		b.Run(who.name, func(b *testing.B) {
			br := h.browser("it")
			br.signIn(h.link(who.id))
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if p := br.get("/desk/staff"); p.status != http.StatusOK {
					b.Fatalf("the Staff page: %d", p.status)
				}
				took = append(took, time.Since(start))
			}
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
