package flows_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// TestEveryJourneyInEveryLanguage walks, in each of the ten languages, what a beneficiary does:
// onboarding from the invite, My plan, housing leads, labs, what insidebot keeps about them, and
// a session reminder. Every text must be in that language's script with nothing falling back
// to another language, every button label must fit WhatsApp, and in right-to-left languages
// codes and places sit in directional isolates.
func TestEveryJourneyInEveryLanguage(t *testing.T) {
	t.Parallel()
	for _, lang := range locales.Languages() {
		t.Run(lang.Code, func(t *testing.T) {
			walkLanguage(t, lang)
		})
	}
}

func walkLanguage(t *testing.T, lang locales.Lang) {
	h := flowtest.New(t)
	ctx := context.Background()
	l := h.Catalog.For(lang.Code)
	now := h.Clock.Now()
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	b := h.NewBeneficiary("MI", lang.Code, tutor.ID)
	if _, err := storage.AddStep(ctx, h.DB, storage.NewStep{BeneficiaryID: b.ID, Area: storage.AreaDocuments, StepKey: "codice_fiscale",
		DueDate: now.AddDate(0, 0, 10).Format("2006-01-02"), CreatedBy: tutor.ID}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.CreateLead(ctx, h.DB, storage.Lead{Kind: storage.LeadHousing, Territory: "MI", Title: "Stanza in via Padova",
		HousingType: sql.NullString{String: "room", Valid: true}, RentEUR: sql.NullInt64{Int64: 350, Valid: true},
		Shared: sql.NullBool{Bool: true, Valid: true}, City: sql.NullString{String: "Milano", Valid: true}}, now); err != nil {
		t.Fatal(err)
	}
	lab, _ := storage.CreateLab(ctx, h.DB, "LabIn Casa", "", 0, now)
	mod, _ := storage.CreateModule(ctx, h.DB, lab.ID, "Regole di casa", now)
	startsAt := time.Date(2025, 12, 4, 10, 0, 0, 0, h.Rome)
	session, err := storage.CreateSession(ctx, h.DB, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: startsAt,
		EndsAt: startsAt.Add(2 * time.Hour), Place: "Via Padova 36"}, now)
	if err != nil {
		t.Fatal(err)
	}
	code := h.Invite("beneficiary", b.ID, 0)

	c := h.Telegram()
	c.LangHint = lang.Code
	var seen []bot.Outgoing
	step := func(msgs []bot.Outgoing) []bot.Outgoing {
		t.Helper()
		if len(msgs) == 0 {
			t.Fatal("no answer")
		}
		seen = append(seen, msgs...)
		return msgs
	}
	step(c.Send("/start " + code))
	step(c.Tap(lang.Native))
	step(c.Tap(l.T("onboarding.agree")))
	step(c.Tap(l.T("onboarding.yes")))
	step(c.Tap(l.T("onboarding.yes")))
	step(c.Tap(l.T("menu.plan")))
	c.Expect(l.T("steps.codice_fiscale.title"))
	step(c.Send("/menu"))
	step(c.Tap(l.T("menu.housing")))
	c.Expect("Stanza in via Padova")
	step(c.Send("/menu"))
	// Enrolled by a coordinator meanwhile: the labs screen shows the session.
	if _, err := storage.Enrol(ctx, h.DB, session.ID, b.ID, 0, now); err != nil {
		t.Fatal(err)
	}
	if err := h.Planner.SessionChanged(ctx, h.DB, session.ID, now); err != nil {
		t.Fatal(err)
	}
	step(c.Tap(l.T("menu.labs")))
	c.Expect("LabIn Casa")
	step(c.Send("/menu"))
	step(c.Tap(l.T("menu.privacy")))
	summary := step(c.Tap(l.T("privacy.my_data")))

	// The reminder the day before, at the same time.
	h.Clock.Set(startsAt.Add(-24 * time.Hour))
	if _, err := h.Scheduler.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	reminder := step(c.Inbox())
	if !strings.Contains(flowtest.Texts(reminder), l.Weekday(time.Thursday)) || !strings.Contains(flowtest.Texts(reminder), "10:00") {
		t.Fatalf("the reminder does not give the day in %s:\n%s", lang.Code, flowtest.Describe(reminder))
	}

	for _, f := range h.Fallbacks() {
		if strings.HasPrefix(f, lang.Code+" ") {
			t.Errorf("fallback shown: %s", f)
		}
	}
	for _, m := range seen {
		if m.Lang != lang.Code {
			t.Errorf("a message in %q, want %q: %q", m.Lang, lang.Code, m.Text)
		}
		if len(strings.Fields(m.Text)) >= 3 && locales.ScriptShare(m.Text, lang.Script) < 0.5 {
			t.Errorf("not in the %s script: %q", lang.Script, m.Text)
		}
		// Labels are cut per channel: WhatsApp's renderer fits them to its 20 (reply buttons) and
		// 24/72 (list rows and their descriptions); Telegram and the web chat show them whole.
		limit := flows.MaxLabelRunes
		for _, btn := range m.AllButtons() {
			if n := utf8.RuneCountInString(btn.Text); n > limit {
				t.Errorf("button %q is %d characters, over %d", btn.Text, n, limit)
			}
		}
	}
	if lang.RTL {
		iso := func(s string) string { return locales.FSI + s + locales.PDI }
		if !strings.Contains(flowtest.Texts(summary), iso(b.Code)) {
			t.Errorf("the code is not isolated in %s:\n%s", lang.Code, flowtest.Texts(summary))
		}
		if !strings.Contains(flowtest.Texts(reminder), iso("Via Padova 36")) {
			t.Errorf("the place is not isolated in %s:\n%s", lang.Code, flowtest.Texts(reminder))
		}
	}
}
