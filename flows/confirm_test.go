package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// A "Yes, delete my data" button made up by hand, pressed twice or pressed from another chat
// erases nothing: only the button shown with the question does, once.
func TestForgedEraseButtonErasesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "fr", 0)
	other, ob := member(h, "en", 0)
	fr := h.Catalog.For("fr")
	for _, forged := range []string{"py", "py:AAAAAAAAAAAAAAAAAAAAAA", "py:x:y"} {
		c.Press(forged)
		c.Expect(fr.T("confirm.expired"))
		if reload(h, b.ID).Status == storage.BeneficiaryErased {
			t.Fatalf("%q erased without the question", forged)
		}
	}
	// The genuine button, pressed from another person's chat, is theirs to press only.
	c.Send("/privacy")
	c.Tap(fr.T("privacy.erase"))
	yes := expectButton(t, c, fr.T("privacy.erase_yes"))
	other.Press(yes.Data)
	other.Expect(h.Catalog.For("en").T("confirm.expired"))
	if reload(h, b.ID).Status == storage.BeneficiaryErased || reload(h, ob.ID).Status == storage.BeneficiaryErased {
		t.Fatal("a button pressed from another chat erased someone")
	}
	if n := count(h, `SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND outcome = 'denied'`); n != 4 {
		t.Fatalf("%d refused presses audited, want 4", n)
	}
	c.Press(yes.Data)
	c.Expect(fr.T("privacy.goodbye"))
	if reload(h, b.ID).Status != storage.BeneficiaryErased {
		t.Fatal("the genuine button did not erase")
	}
}

// The coordinators' destructive buttons made up by hand, or pressed a second time, change
// nothing and say the button has expired.
func TestForgedOrReusedDestructiveButtonsChangeNothing(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h, coord := w.h, w.coordMI
	draft := w.draftOf(t)
	session := w.session("MI", h.Clock.Now().Add(72*time.Hour))
	lead, err := storage.CreateLead(h.Ctx(), h.DB, storage.Lead{Kind: "job", Territory: "MI", Title: "Magazziniere"}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	before := counts(t, h.DB)
	for _, forged := range []string{
		fmt.Sprintf("kbc:%d", draft), fmt.Sprintf("kbc:%d:AAAAAAAAAAAAAAAAAAAAAA", draft), fmt.Sprintf("kbx:%d", draft),
		"kscy", fmt.Sprintf("kscy:%d", session.ID), "keoy:AAAAAAAAAAAAAAAAAAAAAA", fmt.Sprintf("tl:x:%d", lead.ID),
	} {
		coord.Press(forged)
		expect(t, coord, "Questo pulsante è scaduto")
		if after := counts(t, h.DB); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("%q changed data:\n%v\n%v", forged, before, after)
		}
	}
	if s := broadcastStatus(t, h.DB, draft); s != storage.BroadcastDraft {
		t.Fatalf("a forged button moved the broadcast to %s", s)
	}
	// Genuine, then reused.
	coord.Send(fmt.Sprintf("/session cancel %d", session.ID))
	yes := expectButton(t, coord, "Sì, annulla")
	coord.Press(yes.Data)
	expect(t, coord, "annullata")
	coord.Press(yes.Data)
	expect(t, coord, "Questo pulsante è scaduto")
	coord.Send("/lead close")
	closeBtn := expectButton(t, coord, "Magazziniere")
	coord.Press(closeBtn.Data)
	expect(t, coord, "chiusa")
	coord.Press(closeBtn.Data)
	expect(t, coord, "Questo pulsante è scaduto")
	if n := count(h, `SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied' AND detail = 'expired or unknown confirmation'`); n != 9 {
		t.Fatalf("%d refused presses audited, want 9", n)
	}
	if strings.Contains(flowtest.Texts(coord.Last), "qualcosa non ha funzionato") {
		t.Fatal("an apology for a refused button")
	}
}
