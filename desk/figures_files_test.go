package desk_test

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// The Figures page shows people against target, closed cases and outcomes with their chart,
// and offers the research and monitoring files: refused with a page saying why while
// RESEARCH_KEY is empty; with it, CSV files with the CLI's columns, each download audited. A
// tutor has none of it; a coordinator asking for another territory's gets their own.
func TestFiguresCasesAndDownloads(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		for _, key := range []string{"", "k3y-for-research-0123456789abcdef0123456789"} {
			h := newHarness(t, db, func(c *desk.Config) { c.ResearchKey = []byte(key) })
			tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi "+key)
			caseload(t, h, tutor)
			coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri "+key)
			b := h.browser("en")
			b.signIn(h.link(coord.ID))
			p := b.get("/desk/figures")
			if !strings.Contains(p.body, `id="case-lines"`) || !strings.Contains(visible(p.body), "/") || !strings.Contains(p.body, "/desk/figures/cases.svg") {
				t.Fatalf("no case figures on the page\n%s", p.body)
			}
			if svg := b.get("/desk/figures/cases.svg"); svg.status != http.StatusOK || !strings.Contains(svg.body, "<svg") {
				t.Fatalf("cases chart: %d", svg.status)
			}
			files := []string{"research.csv", "research-aggregates.csv", "research-codebook.csv", "monitoring.csv"}
			if key == "" {
				if !strings.Contains(p.body, `id="no-key"`) || strings.Contains(p.body, "/desk/figures/files/") {
					t.Fatalf("downloads offered without RESEARCH_KEY\n%s", p.body)
				}
				for _, f := range files {
					h.wantPage(b.get("/desk/figures/files/"+f), http.StatusConflict, "en", "desk.msg.no_key")
				}
				if es := h.audit("desk.export", storage.OutcomeOK); len(es) != 0 {
					t.Fatalf("a refused download audited as done: %+v", es)
				}
				continue
			}
			heads := map[string][]string{"research.csv": research.PeopleColumns(), "research-aggregates.csv": research.AggregateColumns(),
				"monitoring.csv": research.MonitoringColumns()}
			for _, f := range files {
				if !strings.Contains(p.body, "/desk/figures/files/"+f) {
					t.Fatalf("no link to %s", f)
				}
				got := b.get("/desk/figures/files/" + f)
				if got.status != http.StatusOK || !strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") {
					t.Fatalf("%s: %d %q", f, got.status, got.header.Get("Content-Disposition"))
				}
				rows, err := csv.NewReader(strings.NewReader(got.body)).ReadAll()
				if err != nil || len(rows) == 0 {
					t.Fatalf("%s: %d rows, %v", f, len(rows), err)
				}
				if want, ok := heads[f]; ok && !slices.Equal(rows[0], want) {
					t.Fatalf("%s columns %q, want %q", f, rows[0], want)
				}
			}
			if es := h.audit("desk.export", storage.OutcomeOK); len(es) != len(files) {
				t.Fatalf("%d downloads audited, want %d: %+v", len(es), len(files), es)
			}
			// A coordinator of Milano asking for Bologna's gets Milano's, as on the page.
			if got := b.get("/desk/figures/files/monitoring.csv?territory=BO"); !strings.Contains(got.header.Get("Content-Disposition"), "-MI.csv") ||
				strings.Contains(got.body, "BO,") {
				t.Fatalf("another territory's monitoring: %q\n%s", got.header.Get("Content-Disposition"), got.body)
			}
			h.wantPage(b.get("/desk/figures/files/passwd"), http.StatusNotFound, "en", "desk.msg.not_found")
			tb := h.browser("en")
			tb.signIn(h.link(tutor.ID))
			h.wantPage(tb.get("/desk/figures/files/research.csv"), http.StatusNotFound, "en", "desk.msg.not_found")
		}
	})
}
