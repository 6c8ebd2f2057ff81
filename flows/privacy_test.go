package flows_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/mydata"
	"github.com/insideaut/insidebot/storage"
)

func TestWhatInsidebotKeepsAboutMe(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, _ := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	addStep(h, b, storage.AreaWork, "curriculum", "", "")
	addStep(h, b, storage.AreaWork, "colloquio", "", "")
	c.Send("/privacy")
	c.Expect("Full privacy notice: https://insidebot.example/privacy")
	c.Tap("What I keep")
	c.Expect("Everything insidebot keeps about you", "Your code: "+b.Code, "Your area: Milano", "Your language: English",
		"Your tutor: Giulia", "How I write to you: Telegram", "Your plan (2 steps)", "Work · ", "not enrolled in any lab session",
		"✅ Use of the service: yes, since", "✅ Research", "✅ News from the project", "never what is said in them",
		"Staff see you by this code and by your name")
	expectNot(t, c, c.ID)
	if last := c.Last[len(c.Last)-1]; len(c.Last) != 3 || len(c.Last[0].Buttons) != 0 || c.Last[1].Document == nil || len(last.Buttons) == 0 {
		t.Fatalf("the data should be a message of its own, then the file, then the choices:\n%s", flowtest.Describe(c.Last))
	}
	c.Tap("My choices")
	c.Tap("Stop research")
	c.Expect("Saved", "❌ Research")
	if reload(h, b.ID).ConsentResearchAt.Valid {
		t.Fatal("research consent not withdrawn")
	}
	c.Tap("Allow research")
	c.Expect("✅ Research")
	if !reload(h, b.ID).ConsentResearchAt.Valid {
		t.Fatal("research consent not given")
	}
	if n := count(h, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'consent:research:%' AND actor_id = ?`, b.ID); n != 2 {
		t.Fatalf("%d consent changes audited", n)
	}
}

// An access request shows the data itself (plan, offers, the conversation with the tutor, how
// long it is kept) on every channel, and the JSON file where the channel carries files
// (Telegram, the web chat; on WhatsApp the messages only); nothing about the other person who
// shares the tutor and the offer.
func TestAnAccessRequestShowsTheDataOnEveryChannel(t *testing.T) {
	t.Parallel()
	h := newHarness(t, flowtest.WithSettings(func(s *flows.Settings) { s.MessageRetention = 14 * 24 * time.Hour }))
	tutor, _ := tutorOf(h)
	now := h.Clock.Now()
	other, err := storage.CreateBeneficiary(h.Ctx(), h.DB, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutor.ID, DisplayName: "Omar Other"}, now)
	if err != nil {
		t.Fatal(err)
	}
	lead, err := storage.CreateLead(h.Ctx(), h.DB, storage.Lead{Kind: storage.LeadHousing, Territory: "MI", Title: "Room in a shared flat", Status: "active"}, now)
	if err != nil {
		t.Fatal(err)
	}
	for i, channel := range []string{bot.Telegram, bot.Webchat, bot.WhatsApp} {
		t.Run(channel, func(t *testing.T) {
			created, err := storage.CreateBeneficiary(h.Ctx(), h.DB, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutor.ID, DisplayName: "Amina Yusuf"}, now)
			if err != nil {
				t.Fatal(err)
			}
			c := h.Chat(channel, "39340111222"+strconv.Itoa(i))
			b := h.LinkBeneficiary(c, created)
			addStep(h, b, storage.AreaHousing, "", "Visit the flat in via Padova", "")
			for _, id := range []int64{b.ID, other.ID} {
				if _, err := storage.AddInterest(h.Ctx(), h.DB, lead.ID, id, now); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range []storage.NewConversationMessage{
				{BeneficiaryID: b.ID, StaffID: tutor.ID, Direction: storage.ToTutor, Body: "Can we meet on Monday?"},
				{BeneficiaryID: b.ID, StaffID: tutor.ID, Direction: storage.ToPerson, Body: "Yes, at 10 at the office."},
				{BeneficiaryID: other.ID, StaffID: tutor.ID, Direction: storage.ToTutor, Body: "Omar's secret question"},
			} {
				if _, err := storage.AppendConversation(h.Ctx(), h.DB, m, now); err != nil {
					t.Fatal(err)
				}
			}
			c.Send("/privacy")
			c.Tap("What I keep")
			c.Expect("Amina Yusuf", b.Code, "Visit the flat in via Padova", "Room in a shared flat",
				"You: Can we meet on Monday?", "Tutor: Yes, at 10 at the office.", "kept 14 days")
			expectNot(t, c, other.Code, "Omar", "secret question", c.ID)
			var files []*bot.File
			for _, m := range c.Last {
				if m.Document != nil {
					files = append(files, m.Document)
				}
			}
			if channel == bot.WhatsApp {
				if len(files) != 0 {
					t.Fatalf("WhatsApp got a file:\n%s", flowtest.Describe(c.Last))
				}
				return
			}
			if len(files) != 1 || files[0].Name != "insidebot-my-data.json" || files[0].MIME != "application/json" {
				t.Fatalf("files = %+v", files)
			}
			c.Expect("The same, as a file")
			var r mydata.Report
			if err := json.Unmarshal(files[0].Data, &r); err != nil {
				t.Fatalf("the file is not JSON: %v", err)
			}
			if r.Code != b.Code || r.Name != "Amina Yusuf" || len(r.Steps) != 1 || len(r.Interests) != 1 || len(r.Messages) != 2 {
				t.Fatalf("the file holds %+v", r)
			}
			for _, leak := range []string{other.Code, "Omar", "secret question", c.ID} {
				if strings.Contains(string(files[0].Data), leak) {
					t.Fatalf("the file shows %q", leak)
				}
			}
		})
	}
}

// The privacy screen names who is responsible for the data and whom to ask, in every
// language; "what I keep" shows the name staff see.
func TestPrivacyScreenNamesTheControllerAndTheContact(t *testing.T) {
	t.Parallel()
	h := newHarness(t, flowtest.WithSettings(func(s *flows.Settings) {
		s.PrivacyController, s.PrivacyContact = "Cooperativa Esempio ETS", "privacy@esempio.example"
	}))
	for _, lang := range locales.Languages() {
		created, err := storage.CreateBeneficiary(h.Ctx(), h.DB, storage.NewBeneficiary{Territory: "MI", Lang: lang.Code, DisplayName: "Amina Yusuf"}, h.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		c := h.Telegram()
		h.LinkBeneficiary(c, created)
		c.Send("/privacy")
		c.Expect("Cooperativa Esempio ETS", "privacy@esempio.example")
		c.Tap(h.Catalog.For(lang.Code).T("privacy.my_data"))
		c.Expect("Amina Yusuf")
	}
}

func TestErasureLeavesNothingPersonalAndAllowsANewStart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	created, err := storage.CreateBeneficiary(h.Ctx(), h.DB, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutor.ID,
		DisplayName: "Amina", ReceptionContact: "CAS via Corelli"}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := h.Telegram()
	b := h.LinkBeneficiary(c, created)
	wa := h.Chat(bot.WhatsApp, "393409998877")
	if _, err := storage.LinkIdentity(h.Ctx(), h.DB, storage.NewIdentity{Channel: bot.WhatsApp, ExternalID: wa.ID, ChatID: wa.ID, BeneficiaryID: b.ID}, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	step := addStep(h, b, storage.AreaDocuments, "spid", "", "")
	h.Invite("beneficiary", b.ID, 0) // an unused invite
	oldCode := b.Code
	c.Send("/tutor")
	c.Send("A message about my life")
	tchat.Inbox()
	// Something still waiting to be sent to the other account.
	h.Clock.Advance(time.Minute)
	if err := h.DB.InTx(h.Ctx(), func(tx *storage.Tx) error {
		_, err := h.Domain.MessageFromTutor(h.Ctx(), tx, h.Clock.Now(), tutor.ID, b, "Call me")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	idents, _ := storage.IdentitiesOf(h.Ctx(), h.DB, b.ID, 0)

	c.Send("/privacy")
	c.Tap("Delete my data")
	c.Expect("Do you want to delete your data?", "new code")
	c.Tap("No, go back")
	if reload(h, b.ID).Status == storage.BeneficiaryErased {
		t.Fatal("erased without confirmation")
	}
	c.Tap("Delete my data")
	yes := expectButton(t, c, "Yes, delete")
	c.Send("/tutor") // the conversation with the tutor is open when the confirmation is tapped
	if _, found, _ := h.Redis.GetState(h.Ctx(), "id:"+itoa(idents[0].ID)); !found {
		t.Fatal("fixture: no open conversation")
	}
	c.Press(yes.Data)
	c.Expect("your data is deleted", "Take care")

	alerts := tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, oldCode) || !strings.Contains(alerts[0].Text, "cancellato") {
		t.Fatalf("tutor alert = %s", flowtest.Describe(alerts))
	}
	got := reload(h, b.ID)
	if got.Status != storage.BeneficiaryErased || got.Code == oldCode || got.DisplayName.Valid || got.ReceptionContact.Valid ||
		got.ConsentServiceAt.Valid || got.ConsentResearchAt.Valid || got.ConsentAnnouncementsAt.Valid || got.LastInboundAt.Valid {
		t.Fatalf("personal fields left: %+v", got)
	}
	if _, err := storage.BeneficiaryByCode(h.Ctx(), h.DB, oldCode); err == nil {
		t.Fatal("the old code still finds the record")
	}
	if n := count(h, `SELECT COUNT(*) FROM identities WHERE beneficiary_id = ? OR external_id IN (?, ?)`, b.ID, c.ID, wa.ID); n != 0 {
		t.Fatalf("%d identities left", n)
	}
	if n := count(h, `SELECT COUNT(*) FROM invites WHERE beneficiary_id = ?`, b.ID); n != 0 {
		t.Fatalf("%d invites left", n)
	}
	for _, i := range idents {
		if n := count(h, `SELECT COUNT(*) FROM outbox WHERE identity_id = ?`, i.ID); n != 0 {
			t.Fatalf("%d messages of an erased identity left", n)
		}
	}
	if n := count(h, `SELECT COUNT(*) FROM outbox WHERE chat_id = ? AND status = 'pending'`, wa.ID); n != 0 {
		t.Fatal("a message is still waiting for the erased WhatsApp account")
	}
	for _, i := range idents {
		if _, found, _ := h.Redis.GetState(h.Ctx(), "id:"+itoa(i.ID)); found {
			t.Fatal("conversation state left in Redis")
		}
	}
	// The records stay, pseudonymised, for the figures.
	if s, err := storage.StepByID(h.Ctx(), h.DB, step.ID); err != nil || s.BeneficiaryID != b.ID {
		t.Fatalf("step %v", err)
	}

	// The same account is a stranger now, and can start again with a new code.
	c.Send("/plan")
	c.Expect("personal code")
	again := h.NewBeneficiary("MI", "en", tutor.ID)
	c.Send("/start " + h.Invite("beneficiary", again.ID, 0))
	c.Expect("Welcome", "Choose your language")
	c.Tap("English")
	c.Tap("I agree")
	if got := reload(h, again.ID); got.Status != storage.BeneficiaryActive {
		t.Fatalf("new start: %+v", got)
	}
}

func TestWithdrawingTheServiceIsErasure(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	c.Send("/privacy")
	c.Tap("My choices")
	c.Tap("Stop the service")
	c.Expect("To stop the service, I must delete your data", "Do you want to delete your data?")
	c.Tap("Yes, delete")
	c.Expect("your data is deleted")
	if reload(h, b.ID).Status != storage.BeneficiaryErased {
		t.Fatal("not erased")
	}
	c.Press("py") // the old confirmation again: a stranger now
	c.Expect("personal code")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
