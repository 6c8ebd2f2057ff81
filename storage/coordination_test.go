package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

func TestBroadcastAudienceAndProgress(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		coord := mustStaff(t, db, storage.RoleCoordinator, "MI")
		at := t0.Add(time.Minute)
		active := func(territory, lang string) storage.Beneficiary {
			b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: territory, Lang: lang}, t0)
			if err != nil {
				t.Fatal(err)
			}
			if err := storage.MarkOnboarded(ctx, db, b.ID, t0); err != nil {
				t.Fatal(err)
			}
			if err := storage.SetConsent(ctx, db, b.ID, storage.ConsentAnnouncements, &at); err != nil {
				t.Fatal(err)
			}
			if _, err := storage.LinkIdentity(ctx, db, storage.NewIdentity{Channel: "telegram", ExternalID: b.Code, ChatID: b.Code, BeneficiaryID: b.ID}, t0); err != nil {
				t.Fatal(err)
			}
			return b
		}
		reachable := active("MI", "fr")
		stopped := active("MI", "it")
		_ = storage.SetAnnouncementsStopped(ctx, db, stopped.ID, &at)
		noConsent := active("MI", "fr")
		_ = storage.SetConsent(ctx, db, noConsent.ID, storage.ConsentAnnouncements, nil)
		blocked := active("MI", "en")
		ids, _ := storage.IdentitiesOf(ctx, db, blocked.ID, 0)
		_ = storage.SetUnreachable(ctx, db, ids[0].ID, &at)
		other := active("BO", "fr")
		mustBeneficiary(t, db, "MI", 0) // invited, not onboarded: never in an audience

		rs, err := storage.Recipients(ctx, db, storage.AudienceFilter{Territory: "MI"})
		if err != nil || len(rs) != 4 {
			t.Fatalf("MI audience = %+v, %v", rs, err)
		}
		why := map[int64]string{}
		for _, r := range rs {
			why[r.ID] = r.Exclusion()
		}
		if why[reachable.ID] != "" || why[stopped.ID] != storage.ExcludedStop || why[noConsent.ID] != storage.ExcludedNoConsent ||
			why[blocked.ID] != storage.ExcludedUnreachable {
			t.Fatalf("exclusions = %v", why)
		}
		if rs, _ := storage.Recipients(ctx, db, storage.AudienceFilter{Lang: "fr"}); len(rs) != 3 {
			t.Fatalf("French readers: %d", len(rs))
		}
		lab, _ := storage.CreateLab(ctx, db, "Lab", "", 0, t0)
		mod, _ := storage.CreateModule(ctx, db, lab.ID, "M", t0)
		s, _ := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "BO", StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(3 * time.Hour), Place: "P"}, t0)
		_, _ = storage.Enrol(ctx, db, s.ID, other.ID, 0, t0)
		if rs, _ := storage.Recipients(ctx, db, storage.AudienceFilter{LabID: lab.ID}); len(rs) != 1 || rs[0].ID != other.ID {
			t.Fatalf("lab audience = %+v", rs)
		}
		if rs, _ := storage.Recipients(ctx, db, storage.AudienceFilter{SessionID: s.ID, Territory: "MI"}); len(rs) != 0 {
			t.Fatalf("session audience limited to MI = %+v", rs)
		}
		if up, _ := storage.UpcomingSessions(ctx, db, "BO", t0, 10); len(up) != 1 || up[0].LabName != "Lab" {
			t.Fatalf("upcoming = %+v", up)
		}
		if up, _ := storage.UpcomingSessions(ctx, db, "MI", t0, 10); len(up) != 0 {
			t.Fatalf("upcoming MI = %+v", up)
		}
		if ms, _ := storage.AllModules(ctx, db); len(ms) != 1 {
			t.Fatalf("modules = %+v", ms)
		}

		bc, _ := storage.CreateBroadcast(ctx, db, coord.ID, "MI", "Ciao", 0, t0)
		oid, _ := storage.Enqueue(ctx, db, storage.NewOutboxMessage{Channel: "telegram", ChatID: "x", Kind: "broadcast", Payload: "{}", BroadcastID: bc.ID}, t0)
		_, _ = storage.AddDelivery(ctx, db, bc.ID, reachable.ID, storage.DeliveryQueued, "", oid, t0)
		_, _ = storage.AddDelivery(ctx, db, bc.ID, stopped.ID, storage.DeliveryExcluded, storage.ExcludedStop, 0, t0)
		done, err := storage.DeliveredTo(ctx, db, bc.ID)
		if err != nil || len(done) != 2 || !done[reachable.ID] || !done[stopped.ID] {
			t.Fatalf("delivered to = %v, %v", done, err)
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			pct, err := storage.LockBroadcastProgress(ctx, tx, bc.ID)
			if err != nil || pct != 0 {
				t.Fatalf("progress %d, %v", pct, err)
			}
			if ok, _ := storage.AdvanceBroadcastProgress(ctx, tx, bc.ID, 25); !ok {
				t.Fatal("advance to 25")
			}
			if ok, _ := storage.AdvanceBroadcastProgress(ctx, tx, bc.ID, 25); ok {
				t.Fatal("25% told twice")
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if pct, _ := storage.LockBroadcastProgress(ctx, db, bc.ID); pct != 25 {
			t.Fatalf("progress %d after commit", pct)
		}
		list, err := storage.RecentBroadcasts(ctx, db, "MI", coord.ID, 5)
		if err != nil || len(list) != 1 || list[0].Queued != 1 || list[0].Excluded != 1 || list[0].Sent != 0 {
			t.Fatalf("recent = %+v, %v", list, err)
		}
		if list, _ := storage.RecentBroadcasts(ctx, db, "BO", 0, 5); len(list) != 0 {
			t.Fatalf("BO sees MI's broadcasts: %+v", list)
		}
	})
}

func TestProjectFigures(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := mustBeneficiary(t, db, "MI", 0)
		b := mustBeneficiary(t, db, "MI", 0)
		c := mustBeneficiary(t, db, "BO", 0)
		_ = storage.MarkOnboarded(ctx, db, a.ID, t0)
		_ = storage.SetBeneficiaryStatus(ctx, db, b.ID, storage.BeneficiaryClosed, t0)
		for _, x := range []storage.Beneficiary{a, a, b, c} {
			if _, err := storage.AddStep(ctx, db, storage.NewStep{BeneficiaryID: x.ID, Area: storage.AreaWork, Title: "t"}, t0); err != nil {
				t.Fatal(err)
			}
		}
		lab, _ := storage.CreateLab(ctx, db, "Lab", "", 0, t0)
		mod, _ := storage.CreateModule(ctx, db, lab.ID, "M", t0)
		s, _ := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: t0, EndsAt: t0.Add(time.Hour), Place: "P"}, t0)
		_, _ = storage.Enrol(ctx, db, s.ID, a.ID, 0, t0)
		_, _ = storage.Enrol(ctx, db, s.ID, b.ID, 0, t0)
		_, _ = storage.SetAttendance(ctx, db, s.ID, a.ID, "present", 0, t0)
		l, _ := storage.CreateLead(ctx, db, storage.Lead{Kind: storage.LeadJob, Territory: "MI", Title: "J"}, t0)
		_, _ = storage.AddInterest(ctx, db, l.ID, a.ID, t0)
		f, err := storage.ProjectFigures(ctx, db, "MI")
		if err != nil {
			t.Fatal(err)
		}
		if f.Beneficiaries["active"] != 1 || f.Beneficiaries["closed"] != 1 || len(f.Steps) != 1 || f.Steps[0].N != 3 ||
			f.Enrolments != 2 || f.Present != 1 || f.Absent != 0 || len(f.Interests) != 1 || f.Interests[0].People != 1 || f.OpenLeads["job"] != 1 {
			t.Fatalf("MI figures = %+v", f)
		}
		all, _ := storage.ProjectFigures(ctx, db, "")
		if all.Steps[0].N != 4 || all.Beneficiaries["invited"] != 1 {
			t.Fatalf("all figures = %+v", all)
		}
	})
}
