package mydata_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/mydata"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

type world struct {
	person, other storage.Beneficiary
}

// seed makes a person with a tutor, a plan, a lab session, an offer and a conversation, and
// someone else in the same session and the same offer, with their own conversation.
func seed(t *testing.T, db *storage.DB) world {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	tutor, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Giulia Tutor", Role: storage.RoleTutor, Territory: "MI"}, t0)
	must(err)
	person, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutor, DisplayName: "Amina Yusuf"}, t0)
	must(err)
	other, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutor, DisplayName: "Omar Other"}, t0)
	must(err)
	must(storage.SetConsent(ctx, db, person.ID, "service", &t0))
	_, err = storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "777000", ChatID: "777000", BeneficiaryID: person.ID}, t0)
	must(err)
	_, err = storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: person.ID, Area: "documents", StepKey: "codice_fiscale", DueDate: "2026-12-15"}, t0)
	must(err)
	_, err = storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: person.ID, Area: "housing", Title: "Visit the flat in via Padova"}, t0)
	must(err)
	lab, err := storage.CreateLabIn(ctx, db, "MI", "Italian at work", "", tutor, t0)
	must(err)
	mod, err := storage.CreateModule(ctx, db, lab.ID, "Job interviews", t0)
	must(err)
	s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: t0.Add(72 * time.Hour), EndsAt: t0.Add(74 * time.Hour), Place: "Via Roma 1"}, t0)
	must(err)
	for _, id := range []int64{person.ID, other.ID} {
		_, err = storage.Enrol(ctx, db, s.ID, id, tutor, t0)
		must(err)
	}
	_, err = storage.SetRSVP(ctx, db, s.ID, person.ID, "yes", t0)
	must(err)
	lead, err := storage.CreateLead(ctx, db, storage.Lead{Kind: storage.LeadHousing, Territory: "MI", Title: "Room in a shared flat", Status: "active"}, t0)
	must(err)
	for _, id := range []int64{person.ID, other.ID} {
		_, err = storage.AddInterest(ctx, db, lead.ID, id, t0)
		must(err)
	}
	for _, m := range []storage.NewConversationMessage{
		{BeneficiaryID: person.ID, StaffID: tutor, Direction: storage.ToTutor, Body: "Can we meet on Monday?"},
		{BeneficiaryID: person.ID, StaffID: tutor, Direction: storage.ToPerson, Body: "Yes, at 10 at the office."},
		{BeneficiaryID: person.ID, StaffID: tutor, Direction: storage.ToTutor, MediaKind: "voice"},
		{BeneficiaryID: other.ID, StaffID: tutor, Direction: storage.ToTutor, Body: "Omar's secret question"},
	} {
		_, err = storage.AppendConversation(ctx, db, m, t0.Add(time.Hour))
		must(err)
	}
	return world{person: person, other: other}
}

// A person's access request shows them their data itself, in their language, and nothing
// about the other person who shares their session, their offer and their tutor.
func TestTheReportShowsTheirDataAndNoOneElses(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		w := seed(t, db)
		r, err := mydata.Collect(context.Background(), db, w.person.ID, t0.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		cat, err := locales.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		pages := r.Pages(cat.For("en"), time.UTC, 30)
		text := strings.Join(pages, "\n")
		for _, want := range []string{w.person.Code, "Amina Yusuf", "Giulia Tutor", "Telegram",
			"yes, since", "Visit the flat in via Padova", "(2 steps)", "by", "15",
			"Italian at work, Job interviews", "you said you would come", "Room in a shared flat",
			"You: Can we meet on Monday?", "Tutor: Yes, at 10 at the office.", "You: 📎 (a file)", "kept 30 days"} {
			if !strings.Contains(text, want) {
				t.Errorf("the report does not show %q:\n%s", want, text)
			}
		}
		file, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{w.other.Code, "Omar", "secret question", "777000"} {
			if strings.Contains(text, leak) || strings.Contains(string(file), leak) {
				t.Errorf("the report shows %q, which is not theirs to see (or a platform id)", leak)
			}
		}
		var back mydata.Report
		if err := json.Unmarshal(file, &back); err != nil {
			t.Fatalf("the file is not JSON: %v", err)
		}
		if len(back.Steps) != 2 || len(back.Labs) != 1 || len(back.Interests) != 1 || len(back.Messages) != 3 ||
			back.Messages[0].Text != "Can we meet on Monday?" || !back.Messages[1].FromTutor || back.Messages[2].File != "voice" {
			t.Fatalf("the file holds %+v", back)
		}
	})
}

// A long conversation comes in numbered messages that each fit a chat message.
func TestALongReportIsPaged(t *testing.T) {
	db := storagetest.SQLite(t)
	w := seed(t, db)
	for i := range 120 {
		if _, err := storage.AppendConversation(context.Background(), db, storage.NewConversationMessage{BeneficiaryID: w.person.ID,
			Direction: storage.ToTutor, Body: strings.Repeat("parole ", 10) + string(rune('A'+i%26))}, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := mydata.Collect(context.Background(), db, w.person.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := r.Pages(cat.For("it"), time.UTC, 30)
	if len(pages) < 2 {
		t.Fatalf("%d page for 123 messages", len(pages))
	}
	for i, p := range pages {
		if n := len([]rune(p)); n > 4096 {
			t.Errorf("page %d has %d characters", i+1, n)
		}
		if !strings.Contains(p, "Pagina ") {
			t.Errorf("page %d is not numbered", i+1)
		}
	}
}
