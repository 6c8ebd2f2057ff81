package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A coordinator publishes a housing lead on the desk, corrects it, closes and reopens it; the
// chat's audit actions record each. A mistake shows the form again as typed; another
// territory's lead is a 404, audited; a POST without the CSRF token is a 403.
func TestLeadsOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		people := caseload(t, h, tutor)
		bo, err := storage.CreateLead(ctx, db, storage.Lead{Kind: storage.LeadJob, Territory: "BO", Title: "Cameriere"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		b := h.browser("en")
		b.signIn(h.link(coord.ID))

		form := url.Values{"kind": {"housing"}, "title": {"Room in Via Padova"}, "rent": {"450"}, "shared": {"1"},
			"contact": {"Caritas Ambrosiana, via San Bernardino 4"}, "details": {"Two rooms, near the metro."}}
		if p := b.post("/desk/leads", form); p.status != http.StatusForbidden {
			t.Fatalf("a lead without the CSRF token: %d", p.status)
		}
		bad := url.Values{"kind": {"housing"}, "title": {"Room in Via Padova"}, "rent": {"a lot"}}
		p := b.postForm("/desk/leads", bad)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.text("en", "desk.act.err.lead_rent")) ||
			!strings.Contains(p.body, `value="Room in Via Padova"`) {
			t.Fatalf("a bad rent: %d\n%s", p.status, p.body)
		}
		loc := wantRedirect(t, b.postForm("/desk/leads", form), "/desk/leads/")
		id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/desk/leads/"), "?ok=lead_created"), 10, 64)
		if err != nil {
			t.Fatalf("redirected to %s", loc)
		}
		ld, err := storage.LeadByID(ctx, db, id)
		if err != nil || ld.Territory != "MI" || ld.RentEUR.Int64 != 450 || !ld.Shared.Bool || ld.Contact.String != "Caritas Ambrosiana, via San Bernardino 4" ||
			ld.CreatedBy.Int64 != coord.ID || ld.Status != "open" {
			t.Fatalf("the lead stored: %+v %v", ld, err)
		}
		if _, err := storage.AddInterest(ctx, db, id, people[0].ID, t0); err != nil {
			t.Fatal(err)
		}
		list := b.get("/desk/leads")
		if !strings.Contains(list.body, "Room in Via Padova") || strings.Contains(list.body, "Cameriere") {
			t.Fatalf("the list of Milano's leads\n%s", list.body)
		}
		page := b.get("/desk/leads/" + strconv.FormatInt(id, 10))
		if !strings.Contains(page.body, `href="/desk/people/`+people[0].Code+`"`) {
			t.Fatalf("the lead's page does not show who showed interest\n%s", page.body)
		}

		path := "/desk/leads/" + strconv.FormatInt(id, 10)
		form.Set("title", "Room in Via Padova 36")
		form.Set("rent", "")
		wantRedirect(t, b.postForm(path, form), path+"?ok=lead_saved")
		if ld, _ = storage.LeadByID(ctx, db, id); ld.Title != "Room in Via Padova 36" || ld.RentEUR.Valid {
			t.Fatalf("the edited lead: %+v", ld)
		}
		wantRedirect(t, b.postForm(path+"/close", nil), path+"?ok=lead_closed")
		wantRedirect(t, b.postForm(path+"/close", nil), path+"?err=lead_already_closed")
		if ld, _ = storage.LeadByID(ctx, db, id); ld.Status != "closed" {
			t.Fatalf("closed: %+v", ld)
		}
		if closed := b.get("/desk/leads?status=closed"); !strings.Contains(closed.body, "Room in Via Padova 36") {
			t.Fatalf("the closed lead is not listed as closed\n%s", closed.body)
		}
		wantRedirect(t, b.postForm(path+"/reopen", nil), path+"?ok=lead_reopened")
		if ld, _ = storage.LeadByID(ctx, db, id); ld.Status != "open" || ld.ClosedAt.Valid {
			t.Fatalf("reopened: %+v", ld)
		}
		for _, action := range []string{"/lead add", "/lead edit", "/lead close", "/lead reopen"} {
			if es := h.audit(action, storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != coord.ID || es[0].TargetID != strconv.FormatInt(id, 10) {
				t.Fatalf("audit of %s: %+v", action, es)
			}
		}

		other := "/desk/leads/" + strconv.FormatInt(bo.ID, 10)
		h.wantPage(b.get(other), http.StatusNotFound, "en", "desk.msg.not_found")
		h.wantPage(b.postForm(other+"/close", nil), http.StatusNotFound, "en", "desk.msg.not_found")
		if ld, _ := storage.LeadByID(ctx, db, bo.ID); ld.Status != "open" {
			t.Fatal("another territory's lead was closed")
		}
		if es := h.audit("desk.lead_close", storage.OutcomeDenied); len(es) != 1 {
			t.Fatalf("the refusal is not audited: %+v", es)
		}
		// A lead in a territory the coordinator does not work in is refused.
		form.Set("territory", "BO")
		wantRedirect(t, b.postForm("/desk/leads", form), "/desk/leads/")
		var n int
		if err := db.Get(ctx, &n, `SELECT COUNT(*) FROM leads WHERE territory = 'BO'`); err != nil || n != 1 {
			t.Fatalf("leads of BO: %d %v", n, err)
		}
	})
}
