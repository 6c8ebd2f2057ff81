package desk_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// A form carrying a NUL byte, an escape or bytes that are not UTF-8 (a hostile client: no
// browser sends them from a text field) is answered 400 with a clear page, on PostgreSQL as on
// SQLite, and nothing is added; the same form typed cleanly works.
func TestFormsWithBytesNobodyTypesChangeNothing(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		people := caseload(t, h, tutor)
		b := h.browser("en")
		b.signIn(h.link(tutor.ID))
		base := "/desk/people/" + people[0].Code
		for _, title := range []string{"Rinnovo\x00permesso", "Rinnovo \x1b[31m", "Rinnovo \xff\xfe", "Rinnovo \u0085"} {
			p := b.postForm(base+"/steps", url.Values{"area": {storage.AreaDocuments}, "title": {title}})
			h.wantPage(p, http.StatusBadRequest, "en", "desk.msg.bad_form")
		}
		for _, q := range []string{"/desk/people?q=a%00b", "/desk/people?territory=%00", "/desk/audit?action=%1b", "/desk/labs?week=%ff"} {
			h.wantPage(b.get(q), http.StatusBadRequest, "en", "desk.msg.bad_form")
		}
		steps, err := storage.StepsOf(context.Background(), db, people[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		before := len(steps)
		wantRedirect(t, b.postForm(base+"/steps", url.Values{"area": {storage.AreaDocuments}, "title": {"Rinnovo permesso\r\nin Questura"}}), base+"?ok=")
		if steps, err = storage.StepsOf(context.Background(), db, people[0].ID); err != nil || len(steps) != before+1 {
			t.Fatalf("%d steps after the clean form (%d before), %v", len(steps), before, err)
		}
	})
}
