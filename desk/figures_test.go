package desk_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A coordinator reads their territory's figures in words and as a chart; an admin picks a
// territory; a tutor has no Figures page; a coordinator cannot read another territory's.
func TestFiguresOfACoordinatorAndAnAdmin(t *testing.T) {
	db := storagetest.SQLite(t)
	h := newHarness(t, db)
	caseload(t, h, h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi"))
	caseload(t, h, h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi"))
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
	b := h.browser("en")
	b.signIn(h.link(coord.ID))
	p := b.get("/desk/figures")
	text := visible(p.body)
	for _, want := range []string{
		h.text("en", "stats.title", "Scope", "Milano"),
		h.text("en", "stats.people", "Active", 2, "Closed", 0, "Invited", 1),
		h.text("en", "stats.steps", "Total", 3, "Done", 0, "Doing", 0, "Todo", 3, "Blocked", 0),
	} {
		if !strings.Contains(text, want) {
			t.Fatalf("Figures lack %q:\n%s", want, text)
		}
	}
	if strings.Contains(p.body, `name="territory"`) {
		t.Fatal("a coordinator of one territory is offered others")
	}
	svg := b.get("/desk/figures/steps.svg?territory=BO")
	if svg.status != http.StatusOK || svg.header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("chart: %d %s", svg.status, svg.header.Get("Content-Type"))
	}
	if err := xml.Unmarshal([]byte(svg.body), new(struct{})); err != nil {
		t.Fatalf("the chart is not an SVG document: %v", err)
	}
	// Asking for Bologna still draws Milano: a coordinator's scope is theirs.
	if !strings.Contains(svg.body, "Milano") || strings.Contains(svg.body, "Bologna") {
		t.Fatal("a Milano coordinator's chart shows another territory")
	}
	if !strings.Contains(svg.body, h.cat.For("en").T("stats.area_housing")+" · 1") {
		t.Fatalf("the chart does not count Milano's housing step:\n%.400s", svg.body)
	}

	tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Luca Verdi")
	tb := h.browser("en")
	tb.signIn(h.link(tutor.ID))
	if p := tb.get("/desk/figures"); p.status != http.StatusNotFound {
		t.Fatalf("a tutor's Figures: %d", p.status)
	}
	if strings.Contains(tb.get("/desk/").body, `href="/desk/figures"`) {
		t.Fatal("a tutor's navigation links to Figures")
	}

	admin := h.staff(storage.RoleAdmin, "", "active", "it", "Ada Rossi")
	ab := h.browser("it")
	ab.signIn(h.link(admin.ID))
	text = visible(ab.get("/desk/figures?territory=BO").body)
	if !strings.Contains(text, h.text("it", "stats.title", "Scope", "Bologna")) {
		t.Fatalf("an admin picking Bologna:\n%s", text)
	}
	text = visible(ab.get("/desk/figures").body)
	if !strings.Contains(text, h.text("it", "stats.people", "Active", 4, "Closed", 0, "Invited", 2)) {
		t.Fatalf("an admin's whole project:\n%s", text)
	}
	if p := ab.get("/desk/figures?territory=XX"); p.status != http.StatusNotFound {
		t.Fatalf("an unknown territory: %d", p.status)
	}
	if p := ab.get("/desk/figures?territory=XX%00"); p.status != http.StatusBadRequest {
		t.Fatalf("a territory with a NUL byte: %d", p.status)
	}
}
