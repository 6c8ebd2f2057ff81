package demo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/bot/webchat/demo"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var now = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

func seed(t *testing.T, db *storage.DB, r *storage.Redis) (*demo.Demo, bool) {
	t.Helper()
	rome, _ := time.LoadLocation("Europe/Rome")
	d, created, err := demo.Seed(context.Background(), db, r, demo.Options{Location: rome, InviteTTL: 24 * time.Hour, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return d, created
}

// counts of every table the seed writes.
func counts(t *testing.T, db *storage.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"staff", "beneficiaries", "plan_steps", "leads", "labs", "lab_modules", "lab_sessions", "enrolments", "identities"} {
		var n int
		if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func TestSeedOnceWithAFreshInviteEachStart(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		r := storagetest.Redis(t)
		first, created := seed(t, db, r)
		if !created {
			t.Fatal("the first start did not seed")
		}
		before := counts(t, db)
		second, created := seed(t, db, r)
		if created {
			t.Fatal("the second start seeded again")
		}
		if after := counts(t, db); !equal(before, after) {
			t.Fatalf("a second start added rows: %v -> %v", before, after)
		}
		if before["staff"] != 3 || before["beneficiaries"] != 7 || before["identities"] != 0 {
			t.Fatalf("seeded %v: want 3 staff, 6 beneficiaries and the new visitor, no identities yet", before)
		}
		// The first start's code was expired by the second; the second's works, once.
		if _, err := storage.RedeemInvite(ctx, db, first.InviteCode(), now.Add(time.Minute)); !errors.Is(err, storage.ErrInviteExpired) {
			t.Fatalf("the previous start's code: %v, want expired", err)
		}
		inv, err := storage.RedeemInvite(ctx, db, second.InviteCode(), now.Add(time.Minute))
		if err != nil {
			t.Fatalf("this start's code: %v", err)
		}
		b, _ := storage.BeneficiaryByID(ctx, db, inv.BeneficiaryID.Int64)
		if b.Status != storage.BeneficiaryInvited || b.Territory != "MI" {
			t.Fatalf("the new visitor = %+v", b)
		}
	})
}

func TestTheDemoWorldHasWhatTheJourneysShow(t *testing.T) {
	db, _ := storagetest.Postgres(t)
	ctx := context.Background()
	seed(t, db, storagetest.Redis(t))
	today := now.Format(time.DateOnly)

	bens, err := storage.ListBeneficiaries(ctx, db, storage.BeneficiaryFilter{Statuses: []string{storage.BeneficiaryActive}})
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]bool{}
	statuses := map[string]bool{}
	keyed, titled, overdue, upcoming := 0, 0, 0, 0
	for _, b := range bens {
		langs[b.Lang] = true
		if !b.ConsentServiceAt.Valid || !b.ConsentAnnouncementsAt.Valid || !b.OnboardedAt.Valid || !b.TutorID.Valid {
			t.Errorf("%s lacks consents, onboarding or a tutor: %+v", b.Code, b)
		}
		steps, _ := storage.StepsOf(ctx, db, b.ID)
		if len(steps) < 4 {
			t.Errorf("%s has a plan of %d steps", b.Code, len(steps))
		}
		for _, s := range steps {
			statuses[s.Status] = true
			if s.StepKey.Valid {
				keyed++
			} else {
				titled++
			}
			switch {
			case s.DueDate.Valid && s.DueDate.String < today:
				overdue++
			case s.DueDate.Valid:
				upcoming++
			}
		}
		if sess, _ := storage.SessionsOfBeneficiary(ctx, db, b.ID, now); b.Territory == "MI" && b.Lang == "ar" && len(sess) == 0 {
			t.Errorf("%s is enrolled in no upcoming session", b.Code)
		}
	}
	for _, l := range []string{"en", "fr", "ar", "fa-AF", "ti", "so"} {
		if !langs[l] {
			t.Errorf("no beneficiary speaks %s", l)
		}
	}
	if len(statuses) != 4 || keyed == 0 || titled == 0 || overdue == 0 || upcoming == 0 {
		t.Errorf("plans: statuses %v, %d standard and %d free steps, %d overdue and %d upcoming", statuses, keyed, titled, overdue, upcoming)
	}
	for _, kind := range []string{storage.LeadHousing, storage.LeadJob} {
		_, total, err := storage.ActiveLeads(ctx, db, storage.LeadQuery{Territory: "MI", Kind: kind, Today: today})
		if err != nil || total <= 5 {
			t.Errorf("%s leads in MI: %d, %v; want more than a page of 5", kind, total, err)
		}
	}
	open, _ := storage.OpenSessions(ctx, db, "MI", 0, now)
	week, _ := storage.SessionsBetween(ctx, db, "", now, now.AddDate(0, 0, 30))
	if len(open) == 0 || len(week) < 8 {
		t.Errorf("%d sessions open to enrolment in MI, %d upcoming in all", len(open), len(week))
	}
}

func TestPersonasLinkTheSessionToTheirPerson(t *testing.T) {
	db, _ := storagetest.Postgres(t)
	ctx := context.Background()
	d, _ := seed(t, db, storagetest.Redis(t))
	ps, err := d.Personas(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, p := range ps {
		roles[p.Role]++
	}
	if roles[storage.RoleCoordinator] != 1 || roles[storage.RoleTutor] != 2 || roles[webchat.PersonaBeneficiary] != 6 || roles[webchat.PersonaNewcomer] != 1 {
		t.Fatalf("personas by role: %v", roles)
	}
	last := ps[len(ps)-1]
	if last.Role != webchat.PersonaNewcomer || last.Invite != d.InviteCode() {
		t.Fatalf("the new visitor = %+v", last)
	}
	for _, p := range ps {
		chat := "chat-" + p.Key
		got, err := d.Link(ctx, db, p.Key, chat, now)
		if err != nil || got.Key != p.Key {
			t.Fatalf("link %s: %+v, %v", p.Key, got, err)
		}
		ident, err := storage.IdentityByExternal(ctx, db, storage.ChannelWebchat, chat)
		switch p.Role {
		case webchat.PersonaNewcomer:
			if !errors.Is(err, storage.ErrNotFound) {
				t.Fatalf("the new visitor was linked to someone: %+v %v", ident, err)
			}
		case webchat.PersonaBeneficiary:
			if err != nil || !ident.BeneficiaryID.Valid || ident.ChatID != chat {
				t.Fatalf("%s: identity %+v, %v", p.Key, ident, err)
			}
		default:
			if err != nil || !ident.StaffID.Valid {
				t.Fatalf("%s: identity %+v, %v", p.Key, ident, err)
			}
		}
	}
	for _, bad := range []string{"staff-999", "beneficiary-x", "root", "beneficiary-7"} {
		if _, err := d.Link(ctx, db, bad, "chat-bad", now); !errors.Is(err, webchat.ErrUnknownPersona) {
			t.Errorf("link %s: %v, want unknown persona", bad, err)
		}
	}
}

func equal(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
