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

// The person's tutor corrects an outcome from the person's page and the territory's
// coordinator withdraws it: the old rows stay (corrected, withdrawn) and the page lists them
// in the history; the project's outcome figures (/stats) count only the valid outcome; each change is audited.
// A withdrawal needs its confirmation; an outcome ended already is refused; a forged form
// changes nothing; a tutor of another caseload gets 404, audited, and changes nothing.
func TestOutcomeCorrectedAndWithdrawn(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		ctx := context.Background()
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
		far := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		people := caseload(t, h, tutor)
		theirs := caseload(t, h, far)
		p := people[0]
		path := "/desk/people/" + p.Code
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		cb := h.browser("en")
		cb.signIn(h.link(coord.ID))
		// The outcome figures of /stats (people with a first valid housing or work outcome).
		figures := func(housing, work int) {
			t.Helper()
			f, err := storage.ProjectCaseFigures(ctx, db, "MI")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, o := range f.FirstOutcomes {
				got[o.Kind]++
			}
			if got[storage.OutcomeHousing] != housing || got[storage.OutcomeWork] != work {
				t.Fatalf("the figures count %v, want housing %d, work %d", got, housing, work)
			}
		}
		outcome := func(id int64) storage.CaseOutcome {
			t.Helper()
			o, err := storage.OutcomeByID(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}

		wantRedirect(t, b.postForm(path+"/outcomes", url.Values{"what": {"housing/own_rental"}, "detail": {"yes"}, "date": {"2026-11-20"}}),
			path+"?ok=outcome_recorded")
		valid, err := storage.OutcomesOf(ctx, db, p.ID)
		if err != nil || len(valid) != 1 {
			t.Fatalf("outcomes: %+v %v", valid, err)
		}
		first := valid[0]
		figures(1, 0)
		page := b.get(path)
		for _, want := range []string{`action="` + path + `/outcomes/` + strconv.FormatInt(first.ID, 10) + `/correct"`,
			`action="` + path + `/outcomes/` + strconv.FormatInt(first.ID, 10) + `/withdraw"`, `name="confirm" value="yes" required`} {
			if !strings.Contains(page.body, want) {
				t.Fatalf("the outcome has no %s\n%s", want, page.body)
			}
		}

		correct := func(id int64) string { return path + "/outcomes/" + strconv.FormatInt(id, 10) + "/correct" }
		withdraw := func(id int64) string { return path + "/outcomes/" + strconv.FormatInt(id, 10) + "/withdraw" }
		fix := url.Values{"what": {"work/permanent"}, "detail": {"h21_30"}, "date": {"2026-11-25"}}
		if got := b.post(correct(first.ID), fix); got.status != http.StatusForbidden {
			t.Fatalf("a correction without the CSRF token: %d", got.status)
		}
		wantRedirect(t, b.postForm(correct(first.ID), url.Values{"what": {"work/permanent"}, "detail": {"yes"}, "date": {"2026-11-25"}}),
			path+"?err=outcome_invalid")
		wantRedirect(t, b.postForm(correct(first.ID), url.Values{"what": {"work/permanent"}, "detail": {"h21_30"}, "date": {"2026-12-05"}}),
			path+"?err=outcome_date")
		if o := outcome(first.ID); o.Status != storage.OutcomeValid {
			t.Fatalf("a refused correction ended the outcome: %+v", o)
		}

		loc := wantRedirect(t, b.postForm(correct(first.ID), fix), path+"?ok=outcome_corrected")
		valid, err = storage.OutcomesOf(ctx, db, p.ID)
		if err != nil || len(valid) != 1 || valid[0].Kind != "work" || valid[0].ReplacesID.Int64 != first.ID || valid[0].CreatedBy.Int64 != tutor.ID {
			t.Fatalf("after the correction: %+v %v", valid, err)
		}
		second := valid[0]
		if o := outcome(first.ID); o.Status != storage.OutcomeCorrected || o.EndedBy.Int64 != tutor.ID {
			t.Fatalf("the corrected outcome: %+v", o)
		}
		text := visible(b.get(loc).body)
		for _, want := range []string{h.text("en", "desk.outcome_edit.ok.corrected"), h.text("en", "outcomes.type_work_permanent"),
			h.text("en", "desk.outcome_edit.history"), h.text("en", "outcomes.type_housing_own_rental"),
			h.text("en", "desk.outcome_edit.corrected_on", "Date", h.cat.For("en").Date(t0))} {
			if !strings.Contains(text, want) {
				t.Fatalf("the page after the correction lacks %q:\n%s", want, text)
			}
		}
		if es := h.audit("/outcome correct", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != tutor.ID {
			t.Fatalf("the correction is not audited: %+v", es)
		}
		figures(0, 1)

		// The coordinator of the territory withdraws it, once confirmed.
		cpath := withdraw(second.ID)
		wantRedirect(t, cb.postForm(cpath, nil), path+"?err=outcome_confirm")
		if o := outcome(second.ID); o.Status != storage.OutcomeValid {
			t.Fatalf("an unconfirmed withdrawal ended the outcome: %+v", o)
		}
		loc = wantRedirect(t, cb.postForm(cpath, url.Values{"confirm": {"yes"}}), path+"?ok=outcome_withdrawn")
		if o := outcome(second.ID); o.Status != storage.OutcomeWithdrawn || o.EndedBy.Int64 != coord.ID {
			t.Fatalf("the withdrawn outcome: %+v", o)
		}
		if es := h.audit("/outcome withdraw", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != coord.ID {
			t.Fatalf("the withdrawal is not audited: %+v", es)
		}
		text = visible(cb.get(loc).body)
		for _, want := range []string{h.text("en", "desk.outcome_edit.ok.withdrawn"), h.text("en", "desk.case.no_outcomes"),
			h.text("en", "desk.outcome_edit.withdrawn_on", "Date", h.cat.For("en").Date(t0))} {
			if !strings.Contains(text, want) {
				t.Fatalf("the page after the withdrawal lacks %q:\n%s", want, text)
			}
		}
		figures(0, 0)
		wantRedirect(t, b.postForm(withdraw(second.ID), url.Values{"confirm": {"yes"}}), path+"?err=outcome_gone")
		wantRedirect(t, b.postForm(correct(first.ID), fix), path+"?err=outcome_gone")
		if es := h.audit("/outcome withdraw", storage.OutcomeDenied); len(es) != 1 {
			t.Fatalf("the refusal of an ended outcome is not audited: %+v", es)
		}

		// A tutor of another caseload: neither through the person's path nor through their own.
		wantRedirect(t, b.postForm(path+"/outcomes", url.Values{"what": {"documents/spid"}, "date": {"2026-11-30"}}), path+"?ok=outcome_recorded")
		valid, _ = storage.OutcomesOf(ctx, db, p.ID)
		third := valid[0]
		fb := h.browser("en")
		fb.signIn(h.link(far.ID))
		if got := fb.postForm(withdraw(third.ID), url.Values{"confirm": {"yes"}}); got.status != http.StatusNotFound {
			t.Fatalf("a withdrawal by a tutor of another caseload: %d", got.status)
		}
		if es := h.audit("desk.outcome_withdraw", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != strconv.FormatInt(p.ID, 10) {
			t.Fatalf("the out-of-scope withdrawal is not audited: %+v", es)
		}
		own := "/desk/people/" + theirs[0].Code + "/outcomes/" + strconv.FormatInt(third.ID, 10)
		if got := fb.postForm(own+"/correct", fix); got.status != http.StatusNotFound {
			t.Fatalf("a correction of another person's outcome through one's own: %d", got.status)
		}
		if es := h.audit("desk.outcome_correct", storage.OutcomeDenied); len(es) != 1 || es[0].TargetKind != "outcome" {
			t.Fatalf("the mismatched outcome is not audited: %+v", es)
		}
		if o := outcome(third.ID); o.Status != storage.OutcomeValid {
			t.Fatalf("another tutor ended the outcome: %+v", o)
		}
		if strings.Contains(fb.get("/desk/people/"+theirs[0].Code).body, "/outcomes/"+strconv.FormatInt(third.ID, 10)) {
			t.Fatal("another person's page offers this outcome")
		}
	})
}
