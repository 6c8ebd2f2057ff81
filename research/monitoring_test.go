package research_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"slices"
	"testing"
	"time"

	"github.com/insideaut/insidebot/research"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// monitoringFixture creates, in MI: 4 people (one invited, two active, one closed as moved), an
// erased person, two valid work outcomes of one person, a corrected housing outcome and a valid
// documents outcome; two lab modules held in MI (one twice), one only cancelled, one only in
// the future; 3 present and 1 absent attendance; in BO: 1 active person closed without a
// reason, module 1 held again, 1 present attendance; operators: 2 active in MI, 1 pending in
// MI, 1 active in BO, 1 disabled in BO; a tutor active in MI; an operators' lab (its sessions
// are no modules held) where 1 operator was trained in MI, 2 in BO, 2 over all.
func monitoringFixture(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var mi []storage.Beneficiary
	for range 3 {
		mi = append(mi, person(t, db, "MI", "fr", t0.AddDate(0, -6, 0), true))
	}
	invited, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "ar", DisplayName: "Invited"}, t0)
	must(err)
	erased := person(t, db, "MI", "it", t0.AddDate(0, -6, 0), false)
	must(storage.SetBeneficiaryStatus(ctx, db, erased.ID, storage.BeneficiaryErased, t0))
	bo := person(t, db, "BO", "so", t0.AddDate(0, -3, 0), false)

	close := func(b storage.Beneficiary, reason string) {
		t.Helper()
		_, err := storage.CloseBeneficiary(ctx, db, b.ID, t0)
		must(err)
		if reason != "" {
			_, err = storage.AddCaseEvent(ctx, db, storage.CaseEvent{BeneficiaryID: b.ID, Kind: storage.CaseClosed,
				Reason: sql.NullString{String: reason, Valid: true}, Note: sql.NullString{String: "private note", Valid: true}, At: t0})
			must(err)
		}
	}
	close(mi[2], storage.ExitMoved)
	close(bo, "")

	for _, o := range []storage.NewOutcome{
		{BeneficiaryID: mi[0].ID, Kind: storage.OutcomeWork, Type: "permanent", Detail: "h31", OccurredOn: "2025-06-20"},
		{BeneficiaryID: mi[0].ID, Kind: storage.OutcomeWork, Type: "occasional", Detail: "h1_10", OccurredOn: "2025-09-01"},
		{BeneficiaryID: mi[1].ID, Kind: storage.OutcomeHousing, Type: "hosted", Detail: "no", OccurredOn: "2025-04-01"},
		{BeneficiaryID: mi[1].ID, Kind: storage.OutcomeDocuments, Type: "spid", OccurredOn: "2025-05-01"},
		{BeneficiaryID: erased.ID, Kind: storage.OutcomeWork, Type: "permanent", Detail: "h31", OccurredOn: "2025-06-20"},
	} {
		_, err := storage.AddOutcome(ctx, db, o, t0)
		must(err)
	}
	_, err = db.Exec(ctx, `UPDATE outcomes SET status = 'corrected' WHERE kind = 'housing'`)
	must(err)

	lab, err := storage.CreateLab(ctx, db, "Lab", "", 0, t0)
	must(err)
	var mods []int64
	for _, name := range []string{"M1", "M2", "M3 cancelled", "M4 future"} {
		m, err := storage.CreateModule(ctx, db, lab.ID, name, t0)
		must(err)
		mods = append(mods, m.ID)
	}
	session := func(mod int64, territory string, starts time.Time) int64 {
		t.Helper()
		s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod, Territory: territory, StartsAt: starts,
			EndsAt: starts.Add(2 * time.Hour), Place: "P"}, t0.AddDate(0, -1, 0))
		must(err)
		return s.ID
	}
	attend := func(sess int64, b storage.Beneficiary, att string) {
		t.Helper()
		_, err := storage.Enrol(ctx, db, sess, b.ID, 0, t0)
		must(err)
		_, err = storage.SetAttendance(ctx, db, sess, b.ID, att, 0, t0)
		must(err)
	}
	s1 := session(mods[0], "MI", t0.Add(-72*time.Hour))
	s1b := session(mods[0], "MI", t0.Add(-48*time.Hour))
	s2 := session(mods[1], "MI", t0.Add(-24*time.Hour))
	cancelled := session(mods[2], "MI", t0.Add(-24*time.Hour))
	session(mods[3], "MI", t0.Add(24*time.Hour))
	sBO := session(mods[0], "BO", t0.Add(-24*time.Hour))
	attend(s1, mi[0], "present")
	attend(s1b, mi[1], "present")
	attend(s2, mi[0], "present")
	attend(s2, mi[1], "absent")
	attend(cancelled, mi[0], "present")
	attend(sBO, bo, "present")
	_, err = storage.CancelSession(ctx, db, cancelled, t0)
	must(err)

	staff := func(role, territory, status string) int64 {
		t.Helper()
		id, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Op", Role: role, Territory: territory}, t0)
		must(err)
		if status != "pending" {
			must(storage.SetStaffStatus(ctx, db, id, status))
		}
		return id
	}
	op1 := staff(storage.RoleOperator, "MI", "active")
	op2 := staff(storage.RoleOperator, "MI", "active")
	staff(storage.RoleOperator, "MI", "pending")
	opBO := staff(storage.RoleOperator, "BO", "active")
	staff(storage.RoleOperator, "BO", "disabled")
	staff(storage.RoleTutor, "MI", "active")

	// An operators' residential lab: its module is not a LabIn module held; op1 was present
	// at two MI sessions (one of two days) and at one in BO, op2 absent in MI and present only
	// at a cancelled session, opBO present in BO, nobody at the future session.
	olab, err := storage.CreateLabFor(ctx, db, storage.AudienceOperators, "", "Residenziale", "", 0, t0)
	must(err)
	om, err := storage.CreateModule(ctx, db, olab.ID, "R1", t0)
	must(err)
	oSession := func(territory string, starts time.Time) int64 {
		t.Helper()
		s, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: om.ID, Territory: territory, StartsAt: starts,
			EndsAt: starts.Add(32 * time.Hour), Place: "P"}, t0.AddDate(0, -1, 0))
		must(err)
		return s.ID
	}
	oAttend := func(sess, op int64, att string) {
		t.Helper()
		_, err := storage.EnrolOperator(ctx, db, sess, op, 0, t0)
		must(err)
		_, err = storage.SetOperatorAttendance(ctx, db, sess, op, att, 0, t0)
		must(err)
	}
	o1, o2, oBO, oCancelled := oSession("MI", t0.Add(-96*time.Hour)), oSession("MI", t0.Add(-48*time.Hour)), oSession("BO", t0.Add(-72*time.Hour)),
		oSession("MI", t0.Add(-24*time.Hour))
	oFuture := oSession("MI", t0.Add(48*time.Hour))
	oAttend(o1, op1, "present")
	oAttend(o2, op1, "present")
	oAttend(o1, op2, "absent")
	oAttend(oCancelled, op2, "present")
	oAttend(oBO, opBO, "present")
	oAttend(oBO, op1, "present")
	_, err = storage.EnrolOperator(ctx, db, oFuture, op2, 0, t0)
	must(err)
	_, err = storage.CancelSession(ctx, db, oCancelled, t0)
	must(err)
	_ = invited
}

func TestMonitoringCountsPerTerritoryAndOverall(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		monitoringFixture(t, db)
		m, err := research.BuildMonitoring(ctx, db, "", t0)
		if err != nil {
			t.Fatal(err)
		}
		cells := map[string]int{}
		territories := map[string]bool{}
		for _, r := range m.Rows {
			cells[r.Territory+"|"+r.Measure+"|"+r.Key] = r.Value
			territories[r.Territory] = true
		}
		// Every project territory and ALL, zero rows included.
		if len(territories) != 10 || !territories["ALL"] || !territories["VA"] {
			t.Fatalf("territories: %v", territories)
		}
		want := map[string]int{
			"MI|people|enrolled": 4, "MI|people|active": 2, "MI|people|closed": 1,
			"BO|people|enrolled": 1, "BO|people|active": 0, "BO|people|closed": 1,
			"ALL|people|enrolled": 5, "ALL|people|active": 2, "ALL|people|closed": 2,
			"VA|people|enrolled": 0,
			"MI|closed|moved":    1, "MI|closed|autonomy": 0, "BO|closed|unrecorded": 1, "ALL|closed|moved": 1, "ALL|closed|unrecorded": 1,
			"MI|outcomes|work": 1, "MI|outcomes|housing": 0, "MI|outcomes|documents": 1, "MI|outcomes|training": 0, "ALL|outcomes|work": 1,
			"MI|labs|modules_held": 2, "BO|labs|modules_held": 1, "ALL|labs|modules_held": 2,
			"MI|labs|attendances_present": 3, "BO|labs|attendances_present": 1, "ALL|labs|attendances_present": 4,
			"MI|operators|active": 2, "BO|operators|active": 1, "ALL|operators|active": 3, "VA|operators|active": 0,
			"MI|operators|trained": 1, "BO|operators|trained": 2, "ALL|operators|trained": 2, "VA|operators|trained": 0,
		}
		for k, v := range want {
			got, ok := cells[k]
			if !ok || got != v {
				t.Errorf("%s = %d (present %v), want %d", k, got, ok, v)
			}
		}
		if _, ok := cells["MI|closed|unrecorded"]; ok {
			t.Error("MI has no closing without a reason, but an unrecorded row")
		}

		var buf bytes.Buffer
		if err := m.WriteCSV(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(rows) != len(m.Rows)+1 || !slices.Equal(rows[0], research.MonitoringColumns()) {
			t.Fatalf("csv: %d rows, %v", len(rows), err)
		}
		if bytes.Contains(buf.Bytes(), []byte("private note")) || bytes.Contains(buf.Bytes(), []byte("MI-0")) {
			t.Fatal("the monitoring export carries a note or a code")
		}

		// One territory: only its rows, no ALL.
		one, err := research.BuildMonitoring(ctx, db, "BO", t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range one.Rows {
			if r.Territory != "BO" {
				t.Fatalf("BO export has a row of %s", r.Territory)
			}
			if r.Measure == research.MeasureOperators && r.Value != map[string]int{"active": 1, "trained": 2}[r.Key] {
				t.Fatalf("BO operators %s = %d", r.Key, r.Value)
			}
			if r.Measure == research.MeasureLabs && r.Key == "modules_held" && r.Value != 1 {
				t.Fatalf("BO modules held = %d", r.Value)
			}
		}
		boRows := 0
		for _, r := range m.Rows {
			if r.Territory == "BO" {
				boRows++
			}
		}
		if len(one.Rows) != boRows {
			t.Fatalf("BO alone: %d rows, in the full export %d", len(one.Rows), boRows)
		}
	})
}
