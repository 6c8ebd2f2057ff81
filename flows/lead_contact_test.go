package flows_test

import (
	"database/sql"
	"testing"

	"github.com/insideaut/insidebot/storage"
)

// TestLeadContactAfterInterest: a lead's contact for beneficiaries is not on its page until
// the person taps "I'm interested"; then it is, and stays when they open the lead again. A
// lead without a contact shows no contact line.
func TestLeadContactAfterInterest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, _ := tutorOf(h)
	c, _ := member(h, "en", tutor.ID)
	addLead(h, room("Room in Via Padova", 350, true)) // contact: landlord +39 333 0000000
	job := addLead(h, storage.Lead{Kind: storage.LeadJob, Title: "Kitchen assistant", Employer: sql.NullString{String: "Trattoria Da Gino", Valid: true}})

	c.Send("/housing")
	c.Tap("Room in Via Padova")
	c.Expect("Room in Via Padova", "350")
	expectNot(t, c, "+39 333", "Contact for this offer")
	c.Tap("I'm interested")
	c.Expect("Saved!", "You said you are interested", "☎️ Contact for this offer: landlord +39 333 0000000")
	c.Tap("Back")
	c.Tap("Room in Via Padova")
	c.Expect("You said you are interested", "Contact for this offer: landlord +39 333 0000000")

	c.Send("/jobs")
	c.Tap("Kitchen assistant")
	c.Tap("I'm interested")
	c.Expect("Saved!", "Trattoria Da Gino")
	expectNot(t, c, "Contact for this offer")
	if job.Contact.Valid {
		t.Fatal("the job fixture should have no contact")
	}

	// In Arabic, the line is the person's language, the contact as written.
	ar, _ := member(h, "ar", tutor.ID)
	ar.Send("/housing")
	ar.Tap("Room in Via Padova")
	ar.Tap(h.Catalog.For("ar").T("leads.interested"))
	ar.Expect("جهة الاتصال لهذا العرض", "+39 333 0000000")
}
