package desk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// reachable gives a beneficiary a Telegram chat, so what the desk does reaches them.
func (h *harness) reachable(b storage.Beneficiary) storage.Identity {
	h.t.Helper()
	id, err := storage.LinkIdentity(context.Background(), h.db, storage.NewIdentity{Channel: "telegram",
		ExternalID: "tg-" + b.Code, ChatID: "chat-" + b.Code, BeneficiaryID: b.ID}, t0)
	if err != nil {
		h.t.Fatal(err)
	}
	return id
}

// outbox is the texts queued for an identity, oldest first.
func (h *harness) outbox(identityID int64) []string {
	h.t.Helper()
	var payloads []string
	if err := h.db.Select(context.Background(), &payloads, `SELECT payload FROM outbox WHERE identity_id = ? ORDER BY id`, identityID); err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, p := range payloads {
		var o bot.Outgoing
		if err := json.Unmarshal([]byte(p), &o); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, o.Text)
	}
	return out
}

// postForm posts a form with this browser's CSRF token.
func (b *browser) postForm(path string, form url.Values) page {
	b.h.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf())
	return b.post(path, form)
}

// wantRedirect checks a change answered 303 to a page with a notice.
func wantRedirect(t *testing.T, p page, prefix string) string {
	t.Helper()
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("got %d to %q, want 303 to %s…\n%s", p.status, loc, prefix, p.body)
	}
	return loc
}

func (h *harness) openAlerts(staffID int64) []storage.Alert {
	h.t.Helper()
	as, err := storage.OpenAlerts(context.Background(), h.db, staffID)
	if err != nil {
		h.t.Fatal(err)
	}
	return as
}

// A tutor answers an alert on Home: the person gets the reply in their chat (the chat's own
// message, in their language), the alert closes, the audit log has it; Done closes another.
// Without the CSRF token nothing happens; another tutor's alert is a 404, audited.
func TestHomeReplyAndDone(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		other := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		people := caseload(t, h, tutor)
		theirs := caseload(t, h, other)
		chat := h.reachable(people[0])
		alerts := h.openAlerts(tutor.ID)
		var about0, about1 storage.Alert
		for _, a := range alerts {
			if a.BeneficiaryID == people[0].ID {
				about0 = a
			} else {
				about1 = a
			}
		}
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		if home := b.get("/desk/"); !strings.Contains(home.body, `action="/desk/alerts/`+strconv.FormatInt(about0.ID, 10)+`/reply"`) {
			t.Fatalf("Home has no Reply form for the alert\n%s", home.body)
		}

		path := "/desk/alerts/" + strconv.FormatInt(about0.ID, 10) + "/reply"
		if p := b.post(path, url.Values{"text": {"Ci vediamo domani alle 10."}}); p.status != http.StatusForbidden {
			t.Fatalf("a reply without the CSRF token: %d", p.status)
		}
		if got := h.outbox(chat.ID); len(got) != 0 {
			t.Fatalf("a forged reply was queued: %q", got)
		}
		loc := wantRedirect(t, b.postForm(path, url.Values{"text": {"  "}}), "/desk/?err=reply_empty")
		if p := b.get(loc); !strings.Contains(p.body, h.text("en", "desk.act.err.reply_empty")) {
			t.Fatalf("the empty reply's error is not on the page\n%s", p.body)
		}
		loc = wantRedirect(t, b.postForm(path, url.Values{"text": {"Ci vediamo domani alle 10."}}), "/desk/?ok=reply_sent")
		if p := b.get(loc); !strings.Contains(p.body, h.text("en", "desk.act.ok.reply_sent")) || !strings.Contains(p.body, `role="status"`) {
			t.Fatalf("the reply's notice is not on the page\n%s", p.body)
		}
		want := h.cat.For("fr").T("tutor.from_tutor", "Text", "Ci vediamo domani alle 10.")
		if got := h.outbox(chat.ID); len(got) != 1 || got[0] != want {
			t.Fatalf("the person got %q, want %q", got, want)
		}
		if h.wakes.Load() == 0 {
			t.Fatal("the outbox senders were not woken")
		}
		for _, a := range h.openAlerts(tutor.ID) {
			if a.BeneficiaryID == people[0].ID {
				t.Fatalf("alert %d about the person answered is still open", a.ID)
			}
		}
		if es := h.audit("/reply", storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != tutor.ID {
			t.Fatalf("audit of the reply: %+v", es)
		}

		done := "/desk/alerts/" + strconv.FormatInt(about1.ID, 10) + "/done"
		if p := b.post(done, url.Values{}); p.status != http.StatusForbidden {
			t.Fatalf("Done without the CSRF token: %d", p.status)
		}
		wantRedirect(t, b.postForm(done, nil), "/desk/?ok=alert_done")
		wantRedirect(t, b.postForm(done, nil), "/desk/?err=alert_closed")
		if es := h.audit("alert done", storage.OutcomeOK); len(es) != 1 {
			t.Fatalf("audit of Done: %+v", es)
		}

		foreign := h.openAlerts(other.ID)[0]
		p := b.postForm("/desk/alerts/"+strconv.FormatInt(foreign.ID, 10)+"/done", nil)
		h.wantPage(p, http.StatusNotFound, "en", "desk.msg.not_found")
		if len(h.openAlerts(other.ID)) != 3 {
			t.Fatal("another tutor's alert was closed")
		}
		if es := h.audit("desk.alert_done", storage.OutcomeDenied); len(es) != 1 || es[0].TargetID != strconv.FormatInt(foreign.ID, 10) {
			t.Fatalf("the refusal is not audited: %+v", es)
		}
		_ = theirs
	})
}

// On a person's page a tutor adds a step, changes its status and its due date: each reaches
// the person in their language exactly as the chat's /step would say it. Mistakes are shown on
// the page and change nothing; a person of another caseload is a 404, audited; a POST
// without the CSRF token is a 403.
func TestPersonPlanChanges(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "it", "Marco Bassi")
		other := h.staff(storage.RoleTutor, "BO", "active", "en", "Sara Lodi")
		people := caseload(t, h, tutor)
		theirs := caseload(t, h, other)
		p0 := people[0]
		chat := h.reachable(p0)
		b := h.browser("it")
		b.signIn(h.link(tutor.ID))
		base := "/desk/people/" + p0.Code
		steps := func() []storage.PlanStep {
			s, err := storage.StepsOf(context.Background(), db, p0.ID)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		before := len(steps())

		if p := b.post(base+"/steps", url.Values{"key": {"spid"}}); p.status != http.StatusForbidden {
			t.Fatalf("a step without the CSRF token: %d", p.status)
		}
		for form, notice := range map[string]string{
			"area=housing&title=":                         "step_title",
			"area=nowhere&title=Casa":                     "bad_area",
			"key=spid&due=2026-11-30":                     "past_date",
			"key=spid&due=domani+o+dopo":                  "bad_date",
			"area=work&title=" + strings.Repeat("x", 201): "step_long",
		} {
			f, _ := url.ParseQuery(form)
			loc := wantRedirect(t, b.postForm(base+"/steps", f), base+"?err="+notice)
			page := b.get(loc)
			if !strings.Contains(page.body, `class="notice notice-error" role="alert"`) {
				t.Fatalf("%s: no error on the page\n%s", form, page.body)
			}
		}
		if n := len(steps()); n != before {
			t.Fatalf("a bad form added steps: %d, want %d", n, before)
		}
		if got := h.outbox(chat.ID); len(got) != 0 {
			t.Fatalf("a bad form told the person: %q", got)
		}

		wantRedirect(t, b.postForm(base+"/steps", url.Values{"key": {"spid"}, "due": {"2026-12-15"}}), base+"?ok=step_added")
		all := steps()
		added := all[len(all)-1]
		if added.StepKey.String != "spid" || added.Area != "documents" || added.DueDate.String != "2026-12-15" || added.CreatedBy.Int64 != tutor.ID {
			t.Fatalf("the step added: %+v", added)
		}
		fr := h.cat.For("fr")
		title := notify.StepTitle(fr, added)
		wantAdded := fr.T("step.notice_added", "Title", title) + "\n" + fr.T("step.notice_by", "Date", notify.CivilDate(fr, "2026-12-15"))
		step := "/desk/people/" + p0.Code + "/steps/" + strconv.FormatInt(added.ID, 10)
		wantRedirect(t, b.postForm(step+"/status", url.Values{"status": {"in_progress"}}), base+"?ok=step_status")
		wantRedirect(t, b.postForm(step+"/status", url.Values{"status": {"in_progress"}}), base+"?ok=unchanged")
		wantRedirect(t, b.postForm(step+"/status", url.Values{"status": {"finished"}}), base+"?err=bad_status")
		wantRedirect(t, b.postForm(step+"/due", url.Values{"due": {"2026-12-20"}}), base+"?ok=step_due")
		want := []string{wantAdded,
			fr.T("step.notice_status", "Title", title, "Status", fr.T("step.status.in_progress")),
			fr.T("step.notice_due", "Title", title, "Date", notify.CivilDate(fr, "2026-12-20"))}
		if got := h.outbox(chat.ID); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("the person got\n%q\nwant\n%q", got, want)
		}
		for _, action := range []string{"/step add", "/step status", "/step due"} {
			if es := h.audit(action, storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != tutor.ID {
				t.Fatalf("audit of %s: %+v", action, es)
			}
		}
		page := b.get(base)
		if !strings.Contains(page.body, `id="step-`+strconv.FormatInt(added.ID, 10)+`"`) || !strings.Contains(page.body, h.text("it", "status.name.in_progress")) {
			t.Fatalf("the page does not show the changed step\n%s", page.body)
		}

		// A person of another caseload, a step of another person.
		theirsBefore, _ := storage.StepsOf(context.Background(), db, theirs[0].ID)
		p := b.postForm("/desk/people/"+theirs[0].Code+"/steps", url.Values{"key": {"spid"}})
		h.wantPage(p, http.StatusNotFound, "it", "desk.msg.not_found")
		p = b.postForm("/desk/people/"+p0.Code+"/steps/"+strconv.FormatInt(theirsBefore[0].ID, 10)+"/status", url.Values{"status": {"done"}})
		h.wantPage(p, http.StatusNotFound, "it", "desk.msg.not_found")
		p = b.postForm("/desk/people/"+theirs[0].Code+"/reply", url.Values{"text": {"Ciao"}})
		h.wantPage(p, http.StatusNotFound, "it", "desk.msg.not_found")
		theirsAfter, _ := storage.StepsOf(context.Background(), db, theirs[0].ID)
		if len(theirsAfter) != len(theirsBefore) || theirsAfter[0].Status != theirsBefore[0].Status {
			t.Fatal("another caseload's plan changed")
		}
		for _, action := range []string{"desk.step_add", "desk.step_status", "desk.reply"} {
			if es := h.audit(action, storage.OutcomeDenied); len(es) != 1 {
				t.Fatalf("the refused %s is not audited: %+v", action, es)
			}
		}

		// The reply form of the person's page.
		wantRedirect(t, b.postForm(base+"/reply", url.Values{"text": {"A domani!"}}), base+"?ok=reply_sent")
		if got := h.outbox(chat.ID); got[len(got)-1] != fr.T("tutor.from_tutor", "Text", "A domani!") {
			t.Fatalf("the reply from the person's page: %q", got)
		}
		// Someone who cannot be reached gets nothing, and the page says so.
		loc := wantRedirect(t, b.postForm("/desk/people/"+people[1].Code+"/reply", url.Values{"text": {"Ciao"}}), "/desk/people/"+people[1].Code+"?err=unreachable")
		if page := b.get(loc); !strings.Contains(page.body, h.text("it", "desk.act.err.unreachable")) {
			t.Fatalf("no unreachable notice\n%s", page.body)
		}
	})
}
