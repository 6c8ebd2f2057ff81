package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func mustStaff(t *testing.T, q storage.Queryer, role, territory string) storage.Staff {
	t.Helper()
	id, err := storage.CreateStaff(context.Background(), q, storage.NewStaff{DisplayName: "Giulia", Role: role, Territory: territory}, t0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := storage.StaffByID(context.Background(), q, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustBeneficiary(t *testing.T, q storage.Queryer, territory string, tutor int64) storage.Beneficiary {
	t.Helper()
	b, err := storage.CreateBeneficiary(context.Background(), q, storage.NewBeneficiary{Territory: territory, Lang: "fr", TutorID: tutor, DisplayName: "Amina"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStaffAndBeneficiaries(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		if tutor.Status != "pending" || tutor.Lang != "it" || tutor.Territory.String != "MI" {
			t.Fatalf("new tutor = %+v", tutor)
		}
		if err := storage.SetStaffStatus(ctx, db, tutor.ID, "active"); err != nil {
			t.Fatal(err)
		}
		if err := storage.SetStaffLang(ctx, db, tutor.ID, "en"); err != nil {
			t.Fatal(err)
		}
		if err := storage.SetStaffName(ctx, db, tutor.ID, "Giulia R."); err != nil {
			t.Fatal(err)
		}
		coord := mustStaff(t, db, storage.RoleCoordinator, "")
		staff, err := storage.ListStaff(ctx, db, "MI")
		if err != nil || len(staff) != 2 {
			t.Fatalf("ListStaff(MI) = %d, %v; want tutor and the all-territory coordinator", len(staff), err)
		}
		if staff[0].Status != "active" || staff[0].Lang != "en" || staff[0].DisplayName != "Giulia R." || staff[1].ID != coord.ID {
			t.Fatalf("staff = %+v", staff)
		}
		if _, err := storage.CreateStaff(ctx, db, storage.NewStaff{Role: "boss"}, t0); err == nil {
			t.Fatal("a role outside tutor/coordinator/admin was stored")
		}

		b1 := mustBeneficiary(t, db, "MI", tutor.ID)
		b2 := mustBeneficiary(t, db, "mi", tutor.ID)
		b3 := mustBeneficiary(t, db, "BO", 0)
		if b1.Code != "MI-001" || b2.Code != "MI-002" || b3.Code != "BO-001" {
			t.Fatalf("codes %s %s %s, want MI-001 MI-002 BO-001", b1.Code, b2.Code, b3.Code)
		}
		if b1.Status != storage.BeneficiaryInvited || b1.Lang != "fr" || b1.Name() != "Amina" || b1.TutorID.Int64 != tutor.ID {
			t.Fatalf("b1 = %+v", b1)
		}
		got, err := storage.BeneficiaryByCode(ctx, db, " mi-002 ")
		if err != nil || got.ID != b2.ID {
			t.Fatalf("by code = %+v, %v", got, err)
		}
		if _, err := storage.BeneficiaryByCode(ctx, db, "MI-999"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("unknown code: %v, want ErrNotFound", err)
		}
		if err := storage.MarkOnboarded(ctx, db, b1.ID, t0); err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Minute)
		for _, p := range []string{storage.ConsentService, storage.ConsentResearch, storage.ConsentAnnouncements} {
			if err := storage.SetConsent(ctx, db, b1.ID, p, &at); err != nil {
				t.Fatal(err)
			}
		}
		if err := storage.SetConsent(ctx, db, b1.ID, "marketing", &at); err == nil {
			t.Fatal("unknown consent purpose accepted")
		}
		if err := storage.SetConsent(ctx, db, b1.ID, storage.ConsentResearch, nil); err != nil {
			t.Fatal(err)
		}
		if err := storage.SetBeneficiaryLang(ctx, db, b1.ID, "ar"); err != nil {
			t.Fatal(err)
		}
		if err := storage.TouchBeneficiary(ctx, db, b1.ID, at); err != nil {
			t.Fatal(err)
		}
		got, _ = storage.BeneficiaryByID(ctx, db, b1.ID)
		if got.Status != "active" || !got.ConsentServiceAt.Valid || got.ConsentResearchAt.Valid || got.Lang != "ar" ||
			!got.LastInboundAt.Time.Equal(at) || !got.WantsAnnouncements() {
			t.Fatalf("after onboarding = %+v", got)
		}
		if err := storage.SetAnnouncementsStopped(ctx, db, b1.ID, &at); err != nil {
			t.Fatal(err)
		}
		got, _ = storage.BeneficiaryByID(ctx, db, b1.ID)
		if got.WantsAnnouncements() {
			t.Fatal("STOP did not end announcements")
		}
		if err := storage.SetBeneficiaryStatus(ctx, db, b2.ID, storage.BeneficiaryClosed, at); err != nil {
			t.Fatal(err)
		}
		if err := storage.SetBeneficiaryTutor(ctx, db, b3.ID, tutor.ID); err != nil {
			t.Fatal(err)
		}
		mine, err := storage.ListBeneficiaries(ctx, db, storage.BeneficiaryFilter{TutorID: tutor.ID, Statuses: []string{"active", "invited"}})
		if err != nil || len(mine) != 2 || mine[0].Code != "BO-001" || mine[1].Code != "MI-001" {
			t.Fatalf("tutor's open beneficiaries = %+v, %v", mine, err)
		}
		ar, _ := storage.ListBeneficiaries(ctx, db, storage.BeneficiaryFilter{Lang: "ar", Territory: "MI"})
		if len(ar) != 1 {
			t.Fatalf("by lang and territory: %d", len(ar))
		}
	})
}

func TestIdentitiesAndInvites(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)

		code, inv, err := storage.CreateInvite(ctx, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, CreatedBy: tutor.ID, TTL: 72 * time.Hour}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != storage.InviteCodeLength || inv.CodeHash == code || inv.CodeHash != storage.HashInviteCode(code) {
			t.Fatalf("code %q stored as %q", code, inv.CodeHash)
		}
		if _, err := storage.RedeemInvite(ctx, db, "nonsense!", t0); !errors.Is(err, storage.ErrInviteUnknown) {
			t.Fatalf("garbage code: %v", err)
		}
		if _, err := storage.RedeemInvite(ctx, db, "ABCDEFGH", t0); !errors.Is(err, storage.ErrInviteUnknown) {
			t.Fatalf("unknown code: %v", err)
		}
		typed := code[:4] + "-" + code[4:]
		red, err := storage.RedeemInvite(ctx, db, " "+typed+" ", t0.Add(time.Hour))
		if err != nil || red.BeneficiaryID.Int64 != b.ID || red.Role != "beneficiary" {
			t.Fatalf("redeem = %+v, %v", red, err)
		}
		if _, err := storage.RedeemInvite(ctx, db, code, t0.Add(2*time.Hour)); !errors.Is(err, storage.ErrInviteUsed) {
			t.Fatalf("second redeem: %v, want ErrInviteUsed", err)
		}
		code2, _, _ := storage.CreateInvite(ctx, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, TTL: time.Hour}, t0)
		if _, err := storage.RedeemInvite(ctx, db, code2, t0.Add(time.Hour)); !errors.Is(err, storage.ErrInviteExpired) {
			t.Fatalf("expired redeem: %v, want ErrInviteExpired", err)
		}
		code3, _, _ := storage.CreateInvite(ctx, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, TTL: time.Hour}, t0)
		if err := storage.ExpireInvitesOf(ctx, db, b.ID, 0, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.RedeemInvite(ctx, db, code3, t0.Add(2*time.Minute)); !errors.Is(err, storage.ErrInviteExpired) {
			t.Fatalf("replaced invite: %v, want ErrInviteExpired", err)
		}

		id, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "42", ChatID: "42", BeneficiaryID: b.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := storage.InviteUsedBy(ctx, db, red.ID, id.ID); err != nil {
			t.Fatal(err)
		}
		web, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "webchat", ExternalID: "h1", ChatID: "h1", BeneficiaryID: b.ID}, t0.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		pref, err := storage.PreferredIdentity(ctx, db, b.ID, 0)
		if err != nil || pref.ID != id.ID {
			t.Fatalf("preferred = %+v, %v; want the telegram identity, most recent", pref, err)
		}
		if err := storage.TouchIdentity(ctx, db, web.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		pref, _ = storage.PreferredIdentity(ctx, db, b.ID, 0)
		if pref.ID != web.ID {
			t.Fatalf("preferred after web message = %d, want %d", pref.ID, web.ID)
		}
		if _, err := storage.SetUnreachableByChat(ctx, db, "webchat", "h1", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		pref, _ = storage.PreferredIdentity(ctx, db, b.ID, 0)
		if pref.ID != id.ID {
			t.Fatalf("preferred with web unreachable = %d, want %d", pref.ID, id.ID)
		}
		if err := storage.SetUnreachable(ctx, db, id.ID, &t0); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.PreferredIdentity(ctx, db, b.ID, 0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("all unreachable: %v, want ErrNotFound", err)
		}
		// A phone handed on: the same account relinked to a staff member.
		moved, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: "42", ChatID: "42", StaffID: tutor.ID}, t0)
		if err != nil || moved.ID != id.ID || moved.StaffID.Int64 != tutor.ID || moved.BeneficiaryID.Valid || moved.UnreachableAt.Valid {
			t.Fatalf("relink = %+v, %v", moved, err)
		}
		ids, _ := storage.IdentitiesOf(ctx, db, 0, tutor.ID)
		if len(ids) != 1 {
			t.Fatalf("staff identities = %d", len(ids))
		}
		found, err := storage.IdentityByExternal(ctx, db, "telegram", "42")
		if err != nil || found.ID != id.ID {
			t.Fatalf("by external = %+v, %v", found, err)
		}
	})
}

func TestPlanSteps(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		s1, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: "documents", StepKey: "codice_fiscale", DueDate: "2026-11-28", CreatedBy: tutor.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		s2, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: "housing", Title: "Visit the flat in via Padova"}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if s1.Position != 1 || s2.Position != 2 || s1.Status != storage.StepTodo || s1.DueDate.String != "2026-11-28" {
			t.Fatalf("steps %+v %+v", s1, s2)
		}
		if _, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: "cooking", Title: "x"}, t0); err == nil {
			t.Fatal("unknown area accepted")
		}
		by := storage.Actor{Kind: storage.ActorBeneficiary, ID: b.ID}
		changed, err := storage.SetStepStatus(ctx, db, s1.ID, storage.StepDone, by, t0.Add(time.Hour))
		if err != nil || !changed {
			t.Fatalf("done: %v %v", changed, err)
		}
		changed, _ = storage.SetStepStatus(ctx, db, s1.ID, storage.StepDone, by, t0.Add(2*time.Hour))
		if changed {
			t.Fatal("marking done twice changed something")
		}
		if changed, err := storage.SetStepDue(ctx, db, s2.ID, "2026-12-10", storage.Actor{Kind: storage.ActorStaff, ID: tutor.ID}, t0); err != nil || !changed {
			t.Fatalf("due: %v %v", changed, err)
		}
		hist, err := storage.StepHistory(ctx, db, s1.ID)
		if err != nil || len(hist) != 2 || hist[1].Field != "status" || hist[1].OldValue.String != "todo" ||
			hist[1].NewValue.String != "done" || hist[1].ActorKind != "beneficiary" {
			t.Fatalf("history = %+v, %v", hist, err)
		}
		steps, _ := storage.StepsOf(ctx, db, b.ID)
		if len(steps) != 2 || steps[1].DueDate.String != "2026-12-10" {
			t.Fatalf("steps = %+v", steps)
		}
		got, err := storage.StepByPosition(ctx, db, b.ID, 2)
		if err != nil || got.ID != s2.ID {
			t.Fatalf("by position = %+v, %v", got, err)
		}
		if err := storage.MarkOnboarded(ctx, db, b.ID, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: "work", Title: "CV", DueDate: "2026-11-20"}, t0); err != nil {
			t.Fatal(err)
		}
		over, err := storage.OverdueSteps(ctx, db, "2026-12-01", tutor.ID)
		if err != nil || len(over) != 1 || over[0].Code != b.Code || over[0].Position != 3 {
			t.Fatalf("overdue = %+v, %v (done steps are not overdue)", over, err)
		}
	})
}

func TestLeads(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		mk := func(title string, rent int64, shared bool, expires string, at time.Time) storage.Lead {
			l, err := storage.CreateLead(ctx, db, storage.Lead{Kind: "housing", Territory: "MI", Title: title,
				HousingType: nullS("room"), RentEUR: nullI(rent), Shared: nullB(shared), City: nullS("Milano"),
				ExpiresOn: nullS(expires), CreatedBy: nullI(tutor.ID)}, at)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		cheap := mk("Room near Loreto", 350, true, "", t0)
		mk("Flat in Lambrate", 800, false, "", t0.Add(time.Hour))
		mk("Expired room", 300, true, "2026-11-30", t0.Add(2*time.Hour))
		if _, err := storage.CreateLead(ctx, db, storage.Lead{Kind: "job", Territory: "MI", Title: "Warehouse", JobRole: nullS("picker"),
			Employer: nullS("Logistica Srl"), Contract: nullS("tempo determinato")}, t0); err != nil {
			t.Fatal(err)
		}
		all, total, err := storage.ActiveLeads(ctx, db, storage.LeadQuery{Territory: "MI", Kind: "housing", Today: "2026-12-01"})
		if err != nil || total != 2 || all[0].Title != "Flat in Lambrate" {
			t.Fatalf("active = %d %+v %v; want 2 newest first", total, all, err)
		}
		yes := true
		shared, total, _ := storage.ActiveLeads(ctx, db, storage.LeadQuery{Territory: "MI", Kind: "housing", Today: "2026-12-01", Shared: &yes, MaxRent: 400})
		if total != 1 || shared[0].ID != cheap.ID || !shared[0].Shared.Bool || shared[0].RentEUR.Int64 != 350 {
			t.Fatalf("filtered = %+v", shared)
		}
		page2, total, _ := storage.ActiveLeads(ctx, db, storage.LeadQuery{Territory: "MI", Kind: "housing", Today: "2026-12-01", Limit: 1, Offset: 1})
		if total != 2 || len(page2) != 1 || page2[0].ID != cheap.ID {
			t.Fatalf("page 2 = %+v", page2)
		}
		if isNew, err := storage.AddInterest(ctx, db, cheap.ID, b.ID, t0); err != nil || !isNew {
			t.Fatalf("interest: %v %v", isNew, err)
		}
		if isNew, _ := storage.AddInterest(ctx, db, cheap.ID, b.ID, t0); isNew {
			t.Fatal("interest recorded twice")
		}
		mine, _ := storage.InterestsOf(ctx, db, b.ID)
		theirs, _ := storage.InterestedIn(ctx, db, cheap.ID)
		if len(mine) != 1 || mine[0].Title != "Room near Loreto" || len(theirs) != 1 {
			t.Fatalf("interests %+v %+v", mine, theirs)
		}
		if ok, _ := storage.CloseLead(ctx, db, cheap.ID, t0); !ok {
			t.Fatal("close")
		}
		if ok, _ := storage.CloseLead(ctx, db, cheap.ID, t0); ok {
			t.Fatal("closed twice")
		}
		_, total, _ = storage.ActiveLeads(ctx, db, storage.LeadQuery{Territory: "MI", Kind: "housing", Today: "2026-12-01"})
		if total != 1 {
			t.Fatalf("closed lead still active: %d", total)
		}
		got, _ := storage.LeadByID(ctx, db, cheap.ID)
		if got.Status != "closed" || !got.ClosedAt.Valid {
			t.Fatalf("closed lead = %+v", got)
		}
	})
}

func TestLabsSessionsEnrolments(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		coord := mustStaff(t, db, storage.RoleCoordinator, "MI")
		b := mustBeneficiary(t, db, "MI", 0)
		b2 := mustBeneficiary(t, db, "MI", 0)
		lab, err := storage.CreateLab(ctx, db, "LabIn Casa", "Living in a shared flat", coord.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		mod, err := storage.CreateModule(ctx, db, lab.ID, "House rules", t0)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
		s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
			Place: "Via Padova 36", MapURL: "https://maps.example/1", OpenEnrolment: true, Capacity: 1, CreatedBy: coord.ID}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if s.LabName != "LabIn Casa" || s.ModuleName != "House rules" || !s.StartsAt.Equal(start) || !s.OpenEnrolment || s.Capacity.Int64 != 1 {
			t.Fatalf("session = %+v", s)
		}
		if _, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: start, EndsAt: start.Add(-time.Hour), Place: "x"}, t0); err == nil {
			t.Fatal("a session ending before it starts was stored")
		}
		open, _ := storage.OpenSessions(ctx, db, "MI", b.ID, t0)
		if len(open) != 1 {
			t.Fatalf("open = %d", len(open))
		}
		if isNew, err := storage.Enrol(ctx, db, s.ID, b.ID, 0, t0); err != nil || !isNew {
			t.Fatalf("enrol: %v %v", isNew, err)
		}
		if isNew, _ := storage.Enrol(ctx, db, s.ID, b.ID, 0, t0); isNew {
			t.Fatal("enrolled twice")
		}
		if open, _ := storage.OpenSessions(ctx, db, "MI", b2.ID, t0); len(open) != 0 {
			t.Fatal("a full session is still open")
		}
		mine, _ := storage.SessionsOfBeneficiary(ctx, db, b.ID, t0)
		if len(mine) != 1 || mine[0].ID != s.ID {
			t.Fatalf("mine = %+v", mine)
		}
		if changed, _ := storage.SetRSVP(ctx, db, s.ID, b.ID, "no", t0); !changed {
			t.Fatal("rsvp")
		}
		if changed, _ := storage.SetRSVP(ctx, db, s.ID, b.ID, "no", t0); changed {
			t.Fatal("same rsvp changed")
		}
		if changed, _ := storage.SetAttendance(ctx, db, s.ID, b.ID, "absent", coord.ID, t0); !changed {
			t.Fatal("attendance")
		}
		e, err := storage.EnrolmentOf(ctx, db, s.ID, b.ID)
		if err != nil || e.RSVP.String != "no" || e.Attendance.String != "absent" || e.Code != b.Code {
			t.Fatalf("enrolment = %+v, %v", e, err)
		}
		es, _ := storage.EnrolmentsOf(ctx, db, s.ID)
		eb, _ := storage.EnrolmentsOfBeneficiary(ctx, db, b.ID)
		if len(es) != 1 || len(eb) != 1 {
			t.Fatal("enrolment lists")
		}
		moved := start.Add(24 * time.Hour)
		if err := storage.MoveSession(ctx, db, s.ID, moved, moved.Add(time.Hour), t0); err != nil {
			t.Fatal(err)
		}
		between, _ := storage.SessionsBetween(ctx, db, "MI", moved.Add(-time.Minute), moved.Add(time.Minute))
		if len(between) != 1 {
			t.Fatal("moved session not found at its new time")
		}
		if ok, _ := storage.CancelSession(ctx, db, s.ID, t0); !ok {
			t.Fatal("cancel")
		}
		if err := storage.MoveSession(ctx, db, s.ID, moved, moved, t0); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("moving a cancelled session: %v", err)
		}
		labs, _ := storage.Labs(ctx, db)
		mods, _ := storage.ModulesOf(ctx, db, lab.ID)
		l, _ := storage.LabByID(ctx, db, lab.ID)
		m, _ := storage.ModuleByID(ctx, db, mod.ID)
		if len(labs) != 1 || len(mods) != 1 || l.Name != lab.Name || m.LabID != lab.ID {
			t.Fatal("lab and module reads")
		}
	})
}

func TestOutboxClaimsInOrderOnce(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		enq := func(chat string, prio int) int64 {
			id, err := storage.Enqueue(ctx, db, storage.NewOutboxMessage{Channel: "telegram", ChatID: chat, Priority: prio, Kind: "reply", Payload: `{"text":"hi"}`}, t0)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		a1, a2, b1 := enq("1", 0), enq("1", 0), enq("2", 0)
		bulk := enq("3", 1)
		got, err := storage.ClaimOutbox(ctx, db, "s1", "telegram", 0, 10, t0, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[int64]bool{}
		for _, m := range got {
			ids[m.ID] = true
			if m.Status != "sending" || m.Attempts != 1 {
				t.Fatalf("claimed %+v", m)
			}
		}
		if len(got) != 2 || !ids[a1] || !ids[b1] {
			t.Fatalf("claimed %v, want first of chat 1 and chat 2 only", ids)
		}
		if again, _ := storage.ClaimOutbox(ctx, db, "s2", "telegram", 0, 10, t0, time.Minute); len(again) != 0 {
			t.Fatalf("a second sender claimed %d leased messages", len(again))
		}
		if err := storage.MarkSent(ctx, db, a1, "s1", "m-1", t0); err != nil {
			t.Fatal(err)
		}
		if err := storage.MarkSent(ctx, db, a1, "s1", "m-1", t0); err == nil {
			t.Fatal("marked sent twice")
		}
		next, _ := storage.ClaimOutbox(ctx, db, "s2", "telegram", 0, 10, t0, time.Minute)
		if len(next) != 1 || next[0].ID != a2 {
			t.Fatalf("after the first of chat 1 was sent: %+v", next)
		}
		if err := storage.MarkRetry(ctx, db, a2, "s2", "429", t0.Add(3*time.Second)); err != nil {
			t.Fatal(err)
		}
		if early, _ := storage.ClaimOutbox(ctx, db, "s2", "telegram", 0, 10, t0.Add(time.Second), time.Minute); len(early) != 0 {
			t.Fatal("claimed before retry time")
		}
		late, _ := storage.ClaimOutbox(ctx, db, "s2", "telegram", 0, 10, t0.Add(3*time.Second), time.Minute)
		if len(late) != 1 || late[0].Attempts != 2 {
			t.Fatalf("retry claim = %+v", late)
		}
		if err := storage.MarkFailed(ctx, db, a2, "s2", "400 chat not found", t0); err != nil {
			t.Fatal(err)
		}
		// A sender that died: its lease expires and another takes the message.
		stolen, _ := storage.ClaimOutbox(ctx, db, "s3", "telegram", 0, 10, t0.Add(2*time.Minute), time.Minute)
		if len(stolen) != 1 || stolen[0].ID != b1 || stolen[0].LeaseOwner.String != "s3" {
			t.Fatalf("expired lease = %+v", stolen)
		}
		bulks, _ := storage.ClaimOutbox(ctx, db, "s3", "telegram", 1, 10, t0, time.Minute)
		if len(bulks) != 1 || bulks[0].ID != bulk {
			t.Fatalf("bulk = %+v", bulks)
		}
		depth, _ := storage.OutboxDepths(ctx, db)
		if len(depth) != 2 {
			t.Fatalf("depth = %+v", depth)
		}
		m, _ := storage.OutboxByID(ctx, db, a1)
		if m.Payload != "" || m.ProviderID.String != "m-1" {
			t.Fatalf("a sent message keeps its payload: %+v", m)
		}
	})
}

func TestProcessedUpdatesAuditAlerts(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		first, err := storage.MarkProcessed(ctx, db, "telegram", "100", t0)
		if err != nil || !first {
			t.Fatalf("first: %v %v", first, err)
		}
		if again, _ := storage.MarkProcessed(ctx, db, "telegram", "100", t0); again {
			t.Fatal("an update was processed twice")
		}
		if other, _ := storage.MarkProcessed(ctx, db, "whatsapp", "100", t0); !other {
			t.Fatal("ids of different channels collided")
		}
		if n, _ := storage.PurgeProcessed(ctx, db, t0.Add(time.Second)); n != 2 {
			t.Fatalf("purged %d", n)
		}

		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		if err := storage.Audit(ctx, db, storage.AuditEntry{At: t0, ActorKind: "staff", ActorID: nullI(tutor.ID), Action: "broadcast", Outcome: "denied"}); err != nil {
			t.Fatal(err)
		}
		if err := storage.Audit(ctx, db, storage.AuditEntry{At: t0, ActorKind: "staff", ActorID: nullI(tutor.ID), Action: "step.add", TargetKind: "beneficiary", TargetID: b.Code}); err != nil {
			t.Fatal(err)
		}
		denied, _ := storage.AuditEntries(ctx, db, storage.AuditFilter{ActorID: tutor.ID, Outcome: "denied"})
		all, _ := storage.AuditEntries(ctx, db, storage.AuditFilter{ActorKind: "staff", Action: "step.add"})
		if len(denied) != 1 || denied[0].Action != "broadcast" || len(all) != 1 || all[0].TargetID != b.Code {
			t.Fatalf("audit %+v %+v", denied, all)
		}

		a, err := storage.CreateAlert(ctx, db, tutor.ID, b.ID, storage.AlertStepHelp, 7, t0)
		if err != nil || a.Code != b.Code || a.RefID.Int64 != 7 {
			t.Fatalf("alert = %+v, %v", a, err)
		}
		open, _ := storage.OpenAlerts(ctx, db, tutor.ID)
		if len(open) != 1 {
			t.Fatal("open alerts")
		}
		if ok, _ := storage.HandleAlert(ctx, db, a.ID, tutor.ID, t0); !ok {
			t.Fatal("handle")
		}
		if ok, _ := storage.HandleAlert(ctx, db, a.ID, tutor.ID, t0); ok {
			t.Fatal("handled twice")
		}
		if open, _ := storage.OpenAlerts(ctx, db, tutor.ID); len(open) != 0 {
			t.Fatal("handled alert still open")
		}
	})
}

func TestBroadcastsAndReminders(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		coord := mustStaff(t, db, storage.RoleCoordinator, "")
		b1 := mustBeneficiary(t, db, "MI", 0)
		b2 := mustBeneficiary(t, db, "MI", 0)
		bc, err := storage.CreateBroadcast(ctx, db, coord.ID, "MI", "Lab tomorrow", 0, t0)
		if err != nil || bc.Status != "draft" {
			t.Fatalf("broadcast = %+v, %v", bc, err)
		}
		if err := storage.SetBroadcastText(ctx, db, bc.ID, "fr", "Atelier demain"); err != nil {
			t.Fatal(err)
		}
		if err := storage.SetBroadcastText(ctx, db, bc.ID, "fr", "Atelier demain !"); err != nil {
			t.Fatal(err)
		}
		texts, _ := storage.BroadcastTexts(ctx, db, bc.ID)
		if texts["fr"] != "Atelier demain !" {
			t.Fatalf("texts = %v", texts)
		}
		if ok, _ := storage.TransitionBroadcast(ctx, db, bc.ID, "draft", "sending", t0); !ok {
			t.Fatal("confirm")
		}
		if ok, _ := storage.TransitionBroadcast(ctx, db, bc.ID, "draft", "sending", t0); ok {
			t.Fatal("confirmed twice")
		}
		oid, _ := storage.Enqueue(ctx, db, storage.NewOutboxMessage{Channel: "telegram", ChatID: "9", Priority: 1, Kind: "broadcast", Payload: "{}", BroadcastID: bc.ID}, t0)
		if ok, _ := storage.AddDelivery(ctx, db, bc.ID, b1.ID, "queued", "", oid, t0); !ok {
			t.Fatal("delivery")
		}
		if ok, _ := storage.AddDelivery(ctx, db, bc.ID, b1.ID, "queued", "", oid, t0); ok {
			t.Fatal("delivery twice")
		}
		if _, err := storage.AddDelivery(ctx, db, bc.ID, b2.ID, "excluded", "stop", 0, t0); err != nil {
			t.Fatal(err)
		}
		rep, err := storage.BroadcastReport(ctx, db, bc.ID)
		if err != nil || len(rep) != 2 || rep[0].Outcome != "excluded" || rep[0].Reason != "stop" || rep[1].Outcome != "pending" {
			t.Fatalf("report = %+v, %v", rep, err)
		}
		if ok, _ := storage.TransitionBroadcast(ctx, db, bc.ID, "sending", "sent", t0); !ok {
			t.Fatal("finish")
		}
		got, _ := storage.BroadcastByID(ctx, db, bc.ID)
		if got.Status != "sent" || !got.FinishedAt.Valid || !got.ConfirmedAt.Valid {
			t.Fatalf("finished = %+v", got)
		}

		due := t0.Add(time.Hour)
		r := storage.NewReminder{Kind: "session", TargetKey: "s:1:b:1", OffsetKey: "24h", BeneficiaryID: b1.ID, DueAt: due, EventAt: due.Add(24 * time.Hour)}
		if err := storage.PlanReminder(ctx, db, r, t0); err != nil {
			t.Fatal(err)
		}
		r.DueAt = due.Add(time.Hour)
		if err := storage.PlanReminder(ctx, db, r, t0); err != nil {
			t.Fatal(err)
		}
		if d, _ := storage.DueReminders(ctx, db, due, 10); len(d) != 0 {
			t.Fatal("rescheduled reminder still due at its old time")
		}
		d, _ := storage.DueReminders(ctx, db, due.Add(time.Hour), 10)
		if len(d) != 1 {
			t.Fatalf("due = %+v", d)
		}
		if ok, _ := storage.FinishReminder(ctx, db, d[0].ID, "sent", "", t0); !ok {
			t.Fatal("finish reminder")
		}
		if ok, _ := storage.FinishReminder(ctx, db, d[0].ID, "sent", "", t0); ok {
			t.Fatal("reminder finished twice")
		}
		r.DueAt = due.Add(5 * time.Hour)
		if err := storage.PlanReminder(ctx, db, r, t0); err != nil {
			t.Fatal(err)
		}
		rs, _ := storage.RemindersOf(ctx, db, "session", "s:1:b:1")
		if len(rs) != 1 || rs[0].Status != "sent" || !rs[0].DueAt.Equal(due.Add(time.Hour)) {
			t.Fatalf("a sent reminder was replanned: %+v", rs)
		}
		r2 := storage.NewReminder{Kind: "session", TargetKey: "s:1:b:2", OffsetKey: "2h", BeneficiaryID: b2.ID, DueAt: due}
		_ = storage.PlanReminder(ctx, db, r2, t0)
		if n, _ := storage.CancelReminders(ctx, db, "session", "s:1:b:2", "cancelled"); n != 1 {
			t.Fatalf("cancelled %d", n)
		}
		if d, _ := storage.DueReminders(ctx, db, due.Add(24*time.Hour), 10); len(d) != 0 {
			t.Fatal("cancelled reminder still due")
		}
		// Re-planning revives a cancelled reminder (a session moved back).
		_ = storage.PlanReminder(ctx, db, r2, t0)
		if d, _ := storage.DueReminders(ctx, db, due, 10); len(d) != 1 {
			t.Fatal("cancelled reminder not revived")
		}
	})
}

func TestEraseBeneficiaryLeavesNothingPersonal(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		tutor := mustStaff(t, db, storage.RoleTutor, "MI")
		b := mustBeneficiary(t, db, "MI", tutor.ID)
		_, _, _ = storage.CreateInvite(ctx, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID, TTL: time.Hour}, t0)
		id, _ := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "whatsapp", ExternalID: "393331234567", ChatID: "393331234567", BeneficiaryID: b.ID}, t0)
		web, _ := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "webchat", ExternalID: "w1", ChatID: "w1", BeneficiaryID: b.ID}, t0)
		_, _ = storage.AppendWebchat(ctx, db, web.ChatID, `{"text":"hello"}`, t0)
		if _, err := db.Exec(ctx, `INSERT INTO whatsapp_lists (chat_id, token, payload, updated_at) VALUES (?, 't', '{}', ?)`, id.ChatID, t0); err != nil {
			t.Fatal(err)
		}
		oid, _ := storage.Enqueue(ctx, db, storage.NewOutboxMessage{IdentityID: id.ID, Channel: "whatsapp", ChatID: id.ChatID, Kind: "reply", Payload: `{"text":"x"}`}, t0)
		_, _ = storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: b.ID, Area: "work", Title: "CV"}, t0)
		_ = storage.PlanReminder(ctx, db, storage.NewReminder{Kind: "step_due", TargetKey: "st:1", BeneficiaryID: b.ID, DueAt: t0}, t0)
		at := t0
		_ = storage.SetConsent(ctx, db, b.ID, storage.ConsentService, &at)

		if _, err := storage.EraseBeneficiary(ctx, db, b.ID, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, err := storage.BeneficiaryByID(ctx, db, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != "erased" || got.DisplayName.Valid || got.ReceptionContact.Valid || got.Code == b.Code || got.ConsentServiceAt.Valid {
			t.Fatalf("erased beneficiary keeps personal data: %+v", got)
		}
		if ids, _ := storage.IdentitiesOf(ctx, db, b.ID, 0); len(ids) != 0 {
			t.Fatalf("%d identities left", len(ids))
		}
		if _, err := storage.OutboxByID(ctx, db, oid); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("a pending message to the erased person is still queued: %v", err)
		}
		if msgs, _ := storage.WebchatAfter(ctx, db, "w1", 0, 10); len(msgs) != 0 {
			t.Fatal("web chat history left")
		}
		var lists int
		if err := db.Get(ctx, &lists, `SELECT COUNT(*) FROM whatsapp_lists WHERE chat_id = ?`, id.ChatID); err != nil || lists != 0 {
			t.Fatalf("a WhatsApp list keyed by the phone number survived erasure: %d %v", lists, err)
		}
		if d, _ := storage.DueReminders(ctx, db, t0.Add(time.Hour), 10); len(d) != 0 {
			t.Fatal("reminder left for an erased person")
		}
		if steps, _ := storage.StepsOf(ctx, db, b.ID); len(steps) != 1 {
			t.Fatal("pseudonymised plan steps should remain for the figures")
		}
		// The same account can onboard again as a new beneficiary.
		nb := mustBeneficiary(t, db, "MI", tutor.ID)
		if _, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "whatsapp", ExternalID: "393331234567", ChatID: "393331234567", BeneficiaryID: nb.ID}, t0); err != nil {
			t.Fatal(err)
		}
	})
}

func TestWebchatMessages(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, _ := storage.AppendWebchat(ctx, db, "c1", `{"text":"one"}`, t0)
		_, _ = storage.AppendWebchat(ctx, db, "c2", `{"text":"other"}`, t0)
		b, _ := storage.AppendWebchat(ctx, db, "c1", `{"text":"two"}`, t0)
		msgs, err := storage.WebchatAfter(ctx, db, "c1", a, 10)
		if err != nil || len(msgs) != 1 || msgs[0].ID != b {
			t.Fatalf("after = %+v, %v", msgs, err)
		}
	})
}
