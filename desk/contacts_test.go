package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// contactsForm is the Contacts page's form for a list, with one blank row to add a contact.
func contactsForm(cs []storage.TerritoryContact) url.Values {
	f := url.Values{"rows": {strconv.Itoa(len(cs) + 1)}}
	for i, c := range cs {
		s := strconv.Itoa(i)
		f.Set("kind"+s, c.Kind)
		f.Set("name"+s, c.Name)
		f.Set("where"+s, c.Where)
		f.Set("phone"+s, c.Phone)
		f.Set("url"+s, c.URL)
	}
	f.Set("kind"+strconv.Itoa(len(cs)), "project")
	return f
}

// A coordinator of Milano edits the territory's contacts on the desk and marks them as
// confirmed; a beneficiary of Milano sees them in the bot's Help, first "being checked", then
// without that notice. A bad phone number or site shows the form again as typed and saves
// nothing; a POST without the CSRF token is a 403; a coordinator of Bologna gets 404 (audited).
func TestContactsOnTheDesk(t *testing.T) {
	for _, dialect := range []string{"postgres", "sqlite"} {
		t.Run(dialect, func(t *testing.T) {
			var opts []flowtest.Option
			if dialect == "sqlite" {
				opts = append(opts, flowtest.SQLite())
			}
			fh := flowtest.New(t, opts...)
			testContactsOnTheDesk(t, fh)
		})
	}
}

func testContactsOnTheDesk(t *testing.T, fh *flowtest.Harness) {
	ctx := context.Background()
	db := fh.DB
	h := newHarness(t, db)
	coord := h.staff(storage.RoleCoordinator, "MI", "active", "en", "Giulia Ferri")
	bologna := h.staff(storage.RoleCoordinator, "BO", "active", "en", "Paolo Neri")
	chat := fh.Telegram()
	fh.LinkBeneficiary(chat, fh.NewBeneficiary("MI", "en", 0))
	help := func(wants ...string) string {
		t.Helper()
		chat.Send("/help")
		chat.Tap("Contacts")
		chat.Expect(wants...)
		return flowtest.Texts(chat.Last)
	}
	help("Useful contacts in Milano", "Questura di Milano", "still being checked by the project")

	seeded, err := storage.ContactListOf(ctx, db, "MI")
	if err != nil || len(seeded.Contacts) != 5 || seeded.Confirmed() {
		t.Fatalf("Milano's contacts as seeded: %+v %v", seeded, err)
	}
	b := h.browser("en")
	b.signIn(h.link(coord.ID))
	wantRedirect(t, b.get("/desk/contacts"), "/desk/contacts/MI")
	page := b.get("/desk/contacts/MI")
	if page.status != http.StatusOK || !strings.Contains(page.body, htmlText("Questura di Milano – Ufficio immigrazione")) ||
		!strings.Contains(page.body, h.text("en", "desk.contacts.unconfirmed")) {
		t.Fatalf("Milano's contacts page: %d\n%s", page.status, page.body)
	}

	edited := append([]storage.TerritoryContact(nil), seeded.Contacts...)
	edited[0].Where, edited[0].Phone, edited[0].URL = "Via Padova 36", "+39 02 1234 5678", "https://inside.example/milano"
	form := contactsForm(edited)
	form.Set("remove3", "1") // the Centro per l'impiego
	form.Set("kind5", "cpi")
	form.Set("name5", "Centro per l'impiego – sede di Lorenteggio")
	form.Set("phone5", "02 8845 1234")

	if p := b.post("/desk/contacts/MI", form); p.status != http.StatusForbidden {
		t.Fatalf("a save without the CSRF token: %d", p.status)
	}
	bad := contactsForm(edited)
	bad.Set("phone1", "call 02-1234")
	p := b.postForm("/desk/contacts/MI", bad)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.text("en", "desk.contacts.err_phone", "Row", 2)) ||
		!strings.Contains(p.body, `value="call 02-1234"`) || !strings.Contains(p.body, `value="Via Padova 36"`) {
		t.Fatalf("a bad phone number: %d\n%s", p.status, p.body)
	}
	bad = contactsForm(edited)
	bad.Set("url0", "ftp://inside.example")
	if p := b.postForm("/desk/contacts/MI", bad); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, h.text("en", "desk.contacts.err_url", "Row", 1)) {
		t.Fatalf("a bad site: %d\n%s", p.status, p.body)
	}
	if l, _ := storage.ContactListOf(ctx, db, "MI"); l.Contacts[0].Phone != "" || l.UpdatedBy.Valid {
		t.Fatalf("a form with a mistake changed the contacts: %+v", l)
	}

	wantRedirect(t, b.postForm("/desk/contacts/MI", form), "/desk/contacts/MI?ok=contacts_saved")
	l, err := storage.ContactListOf(ctx, db, "MI")
	if err != nil || len(l.Contacts) != 5 || l.Contacts[0].Phone != "+39 02 1234 5678" || l.Contacts[3].Kind != "asl" ||
		l.Contacts[4].Name != "Centro per l'impiego – sede di Lorenteggio" || l.Confirmed() || l.UpdatedBy.Int64 != coord.ID {
		t.Fatalf("the saved contacts: %+v %v", l, err)
	}
	wantRedirect(t, b.postForm("/desk/contacts/MI", form), "/desk/contacts/MI?ok=unchanged")
	shown := help("📞 +39 02 1234 5678", "🔗 https://inside.example/milano", "sede di Lorenteggio", "still being checked by the project")
	if strings.Contains(shown, "Centro per l'impiego di Milano") {
		t.Fatalf("the removed contact is still shown:\n%s", shown)
	}

	if p := b.post("/desk/contacts/MI/confirm", url.Values{}); p.status != http.StatusForbidden {
		t.Fatalf("a confirmation without the CSRF token: %d", p.status)
	}
	wantRedirect(t, b.postForm("/desk/contacts/MI/confirm", nil), "/desk/contacts/MI?ok=contacts_confirmed")
	page = b.get("/desk/contacts/MI?ok=contacts_confirmed")
	if !strings.Contains(page.body, "Confirmed by Giulia Ferri on") || !strings.Contains(page.body, h.text("en", "desk.contacts.ok_contacts_confirmed")) {
		t.Fatalf("the page after the confirmation\n%s", page.body)
	}
	shown = help("📍 Via Padova 36", "📞 +39 02 1234 5678", "📞 02 8845 1234")
	if strings.Contains(shown, "still being checked") {
		t.Fatalf("confirmed contacts still say they are being checked:\n%s", shown)
	}
	for _, action := range []string{"contacts edit", "contacts confirm"} {
		if es := h.audit(action, storage.OutcomeOK); len(es) != 1 || es[0].ActorID.Int64 != coord.ID || es[0].TargetID != "MI" {
			t.Fatalf("audit of %s: %+v", action, es)
		}
	}

	other := h.browser("en")
	other.signIn(h.link(bologna.ID))
	wantRedirect(t, other.get("/desk/contacts"), "/desk/contacts/BO")
	h.wantPage(other.get("/desk/contacts/MI"), http.StatusNotFound, "en", "desk.msg.not_found")
	h.wantPage(other.postForm("/desk/contacts/MI", form), http.StatusNotFound, "en", "desk.msg.not_found")
	h.wantPage(other.postForm("/desk/contacts/MI/confirm", nil), http.StatusNotFound, "en", "desk.msg.not_found")
	if es := h.audit("desk.contacts", storage.OutcomeDenied); len(es) != 1 || es[0].ActorID.Int64 != bologna.ID {
		t.Fatalf("the refusal is not audited: %+v", es)
	}
	if l, _ := storage.ContactListOf(ctx, db, "MI"); !l.Confirmed() || l.ConfirmedBy.Int64 != coord.ID {
		t.Fatalf("another territory's coordinator changed Milano's contacts: %+v", l)
	}

	// A tutor has no Contacts page; an admin sees every territory's state and keeps any.
	tutor := h.browser("en")
	tutor.signIn(h.link(h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi").ID))
	h.wantPage(tutor.get("/desk/contacts/MI"), http.StatusNotFound, "en", "desk.msg.not_found")
	admin := h.browser("it")
	admin.signIn(h.link(h.staff(storage.RoleAdmin, "", "active", "it", "Anna Conti").ID))
	list := admin.get("/desk/contacts")
	if list.status != http.StatusOK || strings.Count(list.body, `href="/desk/contacts/`) != 9 ||
		strings.Count(list.body, h.text("it", "desk.contacts.state_confirmed")) != 1 {
		t.Fatalf("the admin's list of territories: %d\n%s", list.status, list.body)
	}
	if p := admin.get("/desk/contacts/BO"); p.status != http.StatusOK || !strings.Contains(p.body, h.text("it", "desk.contacts.confirm")) {
		t.Fatalf("the admin's page of Bologna: %d\n%s", p.status, p.body)
	}
}
