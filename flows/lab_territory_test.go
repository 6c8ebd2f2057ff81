package flows_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/insideaut/insidebot/storage"
)

// A lab belongs to the territory of the coordinator who creates it: a coordinator of Bologna
// cannot add a module to a Milano lab, nor schedule its sessions; a Milano lab's sessions are
// held in Milano; project-wide labs are the admins'.
func TestLabsBelongToATerritory(t *testing.T) {
	t.Parallel()
	w := newCoordWorld(t)
	h := w.h
	w.coordMI.Send("/lab add Cucina insieme")
	expect(t, w.coordMI, "«Cucina insieme» creato", "📍 MI")
	labs, err := storage.Labs(h.Ctx(), h.DB)
	if err != nil {
		t.Fatal(err)
	}
	milano := labs[len(labs)-1]
	if milano.Territory.String != "MI" {
		t.Fatalf("lab territory %+v", milano.Territory)
	}
	before := counts(t, h.DB)
	deniedBefore := auditCount(t, h.DB, storage.OutcomeDenied)
	w.coordBO.Send(fmt.Sprintf("/module add %d Ricette", milano.ID))
	expect(t, w.coordBO, fmt.Sprintf("Il laboratorio #%d è del territorio MI: non puoi modificarlo", milano.ID))
	// The guided form does not offer it either.
	w.coordBO.Send("/module")
	expectNot(t, w.coordBO, "Cucina insieme")
	w.coordBO.Send("annulla")
	if after := counts(t, h.DB); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a refused module changed data:\n%v\n%v", before, after)
	}
	entries, _ := storage.AuditEntries(h.Ctx(), h.DB, storage.AuditFilter{Outcome: storage.OutcomeDenied, Action: "/module add"})
	if auditCount(t, h.DB, storage.OutcomeDenied) <= deniedBefore || len(entries) != 1 || entries[0].TargetKind != "lab" ||
		entries[0].TargetID != strconv.FormatInt(milano.ID, 10) {
		t.Fatalf("refusal not audited: %+v", entries)
	}
	// In English too.
	en := h.Catalog.For("en")
	w.coordBO.Send("/lang en")
	w.coordBO.Send(fmt.Sprintf("/module add %d Recipes", milano.ID))
	expect(t, w.coordBO, en.T("labsadmin.lab_foreign", "ID", milano.ID, "Territory", "MI"))

	// Milano's coordinator adds the module; its sessions are in Milano only.
	w.coordMI.Send(fmt.Sprintf("/module add %d Ricette", milano.ID))
	expect(t, w.coordMI, "«Ricette» aggiunto")
	mods, err := storage.ModulesOf(h.Ctx(), h.DB, milano.ID)
	if err != nil || len(mods) != 1 {
		t.Fatalf("modules %v %v", mods, err)
	}
	w.coordBO.Send(fmt.Sprintf("/session add %d BO 15/12/2025 10:00 Via Roma 1", mods[0].ID))
	expect(t, w.coordBO, en.T("labsadmin.lab_foreign", "ID", milano.ID, "Territory", "MI"))
	w.admin.Send(fmt.Sprintf("/session add %d BO 15/12/2025 10:00 Via Roma 1", mods[0].ID))
	expect(t, w.admin, "le sue sessioni si tengono lì")
	if after := counts(t, h.DB); after["lab_sessions"] != before["lab_sessions"] {
		t.Fatal("a session of a Milano lab was scheduled elsewhere")
	}
	if _, err := storage.CreateSession(h.Ctx(), h.DB, storage.NewSession{ModuleID: mods[0].ID, Territory: "BO", StartsAt: h.Clock.Now().Add(48e9 * 3600),
		EndsAt: h.Clock.Now().Add(50e9 * 3600), Place: "x"}, h.Clock.Now()); err == nil {
		t.Fatal("storage scheduled a Milano lab's session in Bologna")
	}
	w.coordMI.Send(fmt.Sprintf("/session add %d MI 15/12/2025 10:00 Via Roma 1", mods[0].ID))
	expect(t, w.coordMI, "fissata")

	// A project-wide lab: its modules are the admins' to add; every coordinator schedules its
	// sessions in their own territory.
	w.coordMI.Send(fmt.Sprintf("/module add %d Colloquio", w.lab.ID))
	expect(t, w.coordMI, fmt.Sprintf("Il laboratorio #%d è di tutto il progetto", w.lab.ID))
	w.admin.Send(fmt.Sprintf("/module add %d Colloquio", w.lab.ID))
	expect(t, w.admin, "«Colloquio» aggiunto")
	w.coordBO.Send(fmt.Sprintf("/session add %d BO 16/12/2025 10:00 Via Roma 1", w.module.ID))
	expect(t, w.coordBO, "scheduled", "(BO)")
	w.admin.Send("/lab add Teatro")
	expect(t, w.admin, "«Teatro» creato", "📍 tutto il progetto")
}
