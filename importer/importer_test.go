package importer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/importer"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// now is Monday 1 December 2025, 10:00 in Rome.
var now = time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC)

func options(t testing.TB) importer.Options {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	return importer.Options{Location: rome, InviteTTL: 72 * time.Hour, Now: now}
}

func english(t testing.TB) *locales.Localizer {
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return cat.For("en")
}

// rejected runs an import that must fail and returns its problems, rendered in English.
func rejected(t *testing.T, db *storage.DB, kind, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = importer.Import(context.Background(), db, kind, f, options(t))
	var rej *importer.Rejected
	if !errors.As(err, &rej) {
		t.Fatalf("%s: %v, want a rejection", file, err)
	}
	l := english(t)
	out := make([]string, len(rej.Problems))
	for i, p := range rej.Problems {
		out[i] = p.Render(l)
	}
	return out
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func count(t *testing.T, db *storage.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Get(context.Background(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

func staff(t *testing.T, db *storage.DB, role, territory string) int64 {
	t.Helper()
	id, err := storage.CreateStaff(context.Background(), db, storage.NewStaff{Role: role, Territory: territory}, now)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestImportBeneficiariesReportsEveryProblemAndImportsNothing(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		staff(t, db, storage.RoleTutor, "MI") // 1
		staff(t, db, storage.RoleTutor, "BO") // 2
		if _, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "BO", DisplayName: "Esistente"}, now); err != nil {
			t.Fatal(err)
		}
		sameLines(t, rejected(t, db, importer.Beneficiaries, "testdata/beneficiaries_bad.csv"), []string{
			"line 3, column territory: “RM” is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)",
			"line 4, column lang: “de” is not one of the bot's languages (it, en, fr, ar, ur, bn, fa-AF, ps, ti, so)",
			"line 5, column tutor_id: no staff member with id 99",
			"line 6, column tutor_id: staff member 2 works in another territory (BO)",
			"line 7, column name: duplicate of line 2",
			"line 8, column name: a beneficiary with this name already exists in this territory (BO-001)",
		})
		if n := count(t, db, "beneficiaries"); n != 1 {
			t.Fatalf("%d beneficiaries after a rejected import, want 1", n)
		}
		// The next code is still BO-002 / MI-001: no code was used up.
		b, _ := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI"}, now)
		if b.Code != "MI-001" {
			t.Fatalf("a rejected import used up codes: next is %s", b.Code)
		}
		sameLines(t, rejected(t, db, importer.Beneficiaries, "testdata/beneficiaries_columns.csv"), []string{
			"line 1, column nome: unknown column (the valid ones: territory, lang, tutor_id, name, reception_contact, centre)",
			"line 1, column lang: column repeated",
			"line 1, column territory: required column missing",
		})
		sameLines(t, rejected(t, db, importer.Beneficiaries, "testdata/quotes_bad.csv"), []string{
			"line 3, column name: unreadable CSV (a quote not closed or out of place)",
		})
		sameLines(t, rejected(t, db, importer.Beneficiaries, "testdata/rows_short.csv"), []string{
			"line 2, column name: 2 fields, the header has 3",
			"line 3, column 4: 4 fields, the header has 3",
		})
		if _, err := importer.Import(ctx, db, importer.Beneficiaries, strings.NewReader(""), options(t)); err == nil ||
			!strings.Contains(rejectedText(t, err), "line 1, column -: the file is empty") {
			t.Fatalf("empty file: %v", err)
		}
		if _, err := importer.Import(ctx, db, importer.Beneficiaries, strings.NewReader("territory,lang\n"), options(t)); err == nil ||
			!strings.Contains(rejectedText(t, err), "the file is empty") {
			t.Fatalf("header only: %v", err)
		}
		if n := count(t, db, "beneficiaries"); n != 2 {
			t.Fatalf("%d beneficiaries", n)
		}
	})
}

func rejectedText(t *testing.T, err error) string {
	t.Helper()
	var rej *importer.Rejected
	if !errors.As(err, &rej) {
		t.Fatalf("%v is not a rejection", err)
	}
	var lines []string
	for _, p := range rej.Problems {
		lines = append(lines, p.Render(english(t)))
	}
	return strings.Join(lines, "\n")
}

func TestImportBeneficiariesFromASpreadsheet(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		f, _ := os.Open("testdata/beneficiaries_semicolon.csv")
		defer f.Close()
		res, err := importer.Import(ctx, db, importer.Beneficiaries, f, options(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 2 || len(res.Created) != 2 || res.Created[0].Code != "MI-001" || res.Created[1].Code != "BO-001" || res.Created[1].Line != 3 {
			t.Fatalf("result = %+v", res)
		}
		b, err := storage.BeneficiaryByCode(ctx, db, "MI-001")
		if err != nil || b.Name() != "Diallo; Amina" || b.Lang != "fr" || b.Status != storage.BeneficiaryInvited {
			t.Fatalf("imported = %+v, %v", b, err)
		}
		if b2, _ := storage.BeneficiaryByCode(ctx, db, "BO-001"); b2.Lang != "en" {
			t.Fatalf("language %q, want en", b2.Lang)
		}
		inv, err := storage.RedeemInvite(ctx, db, res.Created[0].InviteCode, now)
		if err != nil || inv.BeneficiaryID.Int64 != b.ID {
			t.Fatalf("invite of an imported beneficiary: %+v, %v", inv, err)
		}
		audit, _ := storage.AuditEntries(ctx, db, storage.AuditFilter{Action: "import beneficiaries"})
		if len(audit) != 1 || audit[0].ActorKind != storage.ActorCLI || audit[0].Detail != "rows=2" {
			t.Fatalf("audit = %+v", audit)
		}
	})
}

func TestImportLeadsChecksEveryField(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		existing, err := storage.CreateLead(ctx, db, storage.Lead{Kind: storage.LeadHousing, Territory: "MI", Title: "Posto letto"}, now)
		if err != nil {
			t.Fatal(err)
		}
		sameLines(t, rejected(t, db, importer.Leads, "testdata/leads_bad.csv"), []string{
			"line 3, column housing_type: only for housing leads (kind housing)",
			"line 4, column housing_type: “villa” is not a kind of housing: room, flat or shared",
			"line 4, column rent_eur: “tanti” is not a positive whole number",
			"line 4, column shared: “forse” is not yes or no (yes, no, true, false, 1, 0)",
			"line 5, column expires_on: the expiry date 2025-11-30 has passed",
			"line 6, column title: duplicate of line 2",
			"line 7, column kind: “boat” is not a kind of lead: housing or job",
			"line 7, column expires_on: “32/01/2026” is not a date: dd/mm/yyyy or yyyy-mm-dd",
			"line 8, column job_role: only for job leads (kind job)",
			fmt.Sprintf("line 8, column title: the same open lead already exists (#%d)", existing.ID),
		})
		if n := count(t, db, "leads"); n != 1 {
			t.Fatalf("%d leads after a rejected import", n)
		}
		good := "kind,territory,title,housing_type,rent_eur,shared,city,contact,expires_on\n" +
			"housing,MI,Stanza in Via Padova,room,350,sì,Milano,Sig. Rossi,31/12/2025\n" +
			"job,BO,Magazziniere,,,,Bologna,,\n"
		res, err := importer.Import(ctx, db, importer.Leads, strings.NewReader(good), options(t))
		if err != nil || res.Rows != 2 {
			t.Fatalf("%+v %v", res, err)
		}
		var l storage.Lead
		if err := db.Get(ctx, &l, `SELECT id, kind, territory, title, details, housing_type, rent_eur, shared, city, job_role, employer, contract,
contact, expires_on, status, created_by, created_at, closed_at FROM leads WHERE title = 'Stanza in Via Padova'`); err != nil {
			t.Fatal(err)
		}
		if l.RentEUR.Int64 != 350 || !l.Shared.Bool || l.HousingType.String != "room" || l.ExpiresOn.String != "2025-12-31" || l.Status != "open" {
			t.Fatalf("lead = %+v", l)
		}
	})
}

func TestImportSessionsChecksDatesModulesAndDuplicates(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		rome := options(t).Location
		lab, _ := storage.CreateLab(ctx, db, "Lab", "", 0, now)
		mod, _ := storage.CreateModule(ctx, db, lab.ID, "Modulo", now)
		at := time.Date(2025, 12, 20, 9, 0, 0, 0, rome)
		existing, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: at, EndsAt: at.Add(2 * time.Hour), Place: "X"}, now)
		if err != nil {
			t.Fatal(err)
		}
		sameLines(t, rejected(t, db, importer.Sessions, "testdata/sessions_bad.csv"), []string{
			"line 3, column module_id: no module with id 7",
			"line 4, column date: “31/02/2026” is not a date: dd/mm/yyyy or yyyy-mm-dd",
			"line 5, column time: “25:00” is not a time: hh:mm",
			"line 6, column date: 30/11/2025 10:00 is in the past",
			"line 7, column date: duplicate of line 2",
			"line 8, column map_url: “maps.example” is not an http(s) link",
			"line 8, column open: “sometimes” is not yes or no (yes, no, true, false, 1, 0)",
			"line 8, column capacity: “zero” is not a positive whole number",
			"line 8, column duration_minutes: “5”: the length in minutes goes from 15 to 720",
			fmt.Sprintf("line 9, column date: this session already exists (#%d)", existing.ID),
			"line 10, column territory: “XX” is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)",
			"line 10, column place: required value missing",
		})
		if n := count(t, db, "lab_sessions"); n != 1 {
			t.Fatalf("%d sessions after a rejected import", n)
		}
		good := "module_id,territory,date,time,place,map_url,open,capacity,duration_minutes\n" +
			fmt.Sprintf("%d,MI,15/12/2025,10:00,Via Padova 36,https://maps.example/x,yes,12,90\n", mod.ID) +
			fmt.Sprintf("%d,bo,2025-12-16,9.30,Via Irnerio 1,,,,\n", mod.ID)
		if _, err := importer.Import(ctx, db, importer.Sessions, strings.NewReader(good), options(t)); err != nil {
			t.Fatal(err)
		}
		ss, err := storage.SessionsBetween(ctx, db, "", now, now.Add(30*24*time.Hour))
		if err != nil || len(ss) != 3 {
			t.Fatalf("sessions = %+v, %v", ss, err)
		}
		first := ss[0]
		want := time.Date(2025, 12, 15, 10, 0, 0, 0, rome)
		if !first.StartsAt.Equal(want) || !first.EndsAt.Equal(want.Add(90*time.Minute)) || !first.OpenEnrolment || first.Capacity.Int64 != 12 ||
			first.MapURL != "https://maps.example/x" {
			t.Fatalf("first = %+v", first)
		}
		if second := ss[1]; second.Territory != "BO" || !second.EndsAt.Equal(second.StartsAt.Add(2*time.Hour)) || second.StartsAt.In(rome).Hour() != 9 {
			t.Fatalf("second = %+v", second)
		}
	})
}

// tenThousand is a file of 10,000 beneficiaries across the nine territories.
func tenThousand(bad int) string {
	var b strings.Builder
	b.WriteString("territory,lang,tutor_id,name,reception_contact\n")
	codes := []string{"AN", "AV", "BO", "FG", "MI", "PG", "RG", "SO", "VA"}
	langs := []string{"en", "fr", "ar", "ur", "bn", "fa-AF", "ps", "ti", "so"}
	for i := range 10000 {
		territory := codes[i%len(codes)]
		if i+2 == bad {
			territory = "ZZ"
		}
		fmt.Fprintf(&b, "%s,%s,,Persona %d,\n", territory, langs[i%len(langs)], i)
	}
	return b.String()
}

func TestImportTenThousandRows(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		_, err := importer.Import(ctx, db, importer.Beneficiaries, strings.NewReader(tenThousand(7777)), options(t))
		if got := rejectedText(t, err); got != "line 7777, column territory: “ZZ” is not a project territory (AN, AV, BO, FG, MI, PG, RG, SO, VA)" {
			t.Fatalf("one bad row among 10,000: %s", got)
		}
		if n := count(t, db, "beneficiaries"); n != 0 {
			t.Fatalf("%d imported despite a bad row", n)
		}
		res, err := importer.Import(ctx, db, importer.Beneficiaries, strings.NewReader(tenThousand(0)), options(t))
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 10000 || count(t, db, "beneficiaries") != 10000 || count(t, db, "invites") != 10000 {
			t.Fatalf("imported %d, %d rows, %d invites", res.Rows, count(t, db, "beneficiaries"), count(t, db, "invites"))
		}
		last := res.Created[9999]
		if last.Code != "AN-1112" || last.Line != 10001 {
			t.Fatalf("last created = %+v", last)
		}
		b, err := storage.BeneficiaryByCode(ctx, db, "AN-1112")
		if err != nil || b.ID != last.ID || b.Name() != "Persona 9999" || b.Lang != "en" {
			t.Fatalf("AN-1112 = %+v, %v", b, err)
		}
		// The same file again: every row is a duplicate.
		_, err = importer.Import(ctx, db, importer.Beneficiaries, strings.NewReader(tenThousand(0)), options(t))
		var rej *importer.Rejected
		if !errors.As(err, &rej) || len(rej.Problems) != 10000 {
			t.Fatalf("re-import: %v", err)
		}
	})
}

// BenchmarkImportTenThousandBeneficiaries measures checking and importing 10,000 rows on
// PostgreSQL (`make bench`).
func BenchmarkImportTenThousandBeneficiaries(b *testing.B) {
	file := tenThousand(0)
	for b.Loop() {
		b.StopTimer()
		db, _ := storagetest.Postgres(b)
		b.StartTimer()
		if _, err := importer.Import(context.Background(), db, importer.Beneficiaries, strings.NewReader(file), options(b)); err != nil {
			b.Fatal(err)
		}
	}
}

// A file saved by a broken tool may hold NUL bytes (which PostgreSQL refuses in text), other
// control characters or bytes that are not UTF-8: each is reported where it is, in the
// reader's language, and nothing is imported (never a database error).
func TestImportRefusesControlCharacters(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		sameLines(t, rejected(t, db, importer.Beneficiaries, "testdata/control_chars.csv"), []string{
			"line 2, column name: contains a control character (such as NUL) that is not text: remove it",
			"line 3, column reception_contact: contains a control character (such as NUL) that is not text: remove it",
			"line 4, column name: contains a control character (such as NUL) that is not text: remove it",
		})
		sameLines(t, rejected(t, db, importer.Leads, "testdata/leads_control_chars.csv"), []string{
			"line 2, column title: contains a control character (such as NUL) that is not text: remove it",
			"line 3, column details: contains a control character (such as NUL) that is not text: remove it",
		})
		if n := count(t, db, "beneficiaries") + count(t, db, "leads"); n != 0 {
			t.Fatalf("%d rows imported from rejected files", n)
		}
	})
}

// TestImportLinksReceptionCentres: the centre column (else the reception contact) names the
// person's reception centre, found in their territory whatever the case and spacing, or
// created once; the same name in another territory is another centre.
func TestImportLinksReceptionCentres(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		csv := "territory,name,reception_contact,centre\n" +
			"MI,Amina,Casa Aurora,\n" +
			"MI,Yonas,Sig.ra Rossi 02 555,casa  aurora\n" +
			"BO,Sara,Casa Aurora,\n" +
			"MI,Omar,,\n"
		if _, err := importer.Import(ctx, db, importer.Beneficiaries, strings.NewReader(csv), options(t)); err != nil {
			t.Fatal(err)
		}
		centre := func(code string) int64 {
			b, err := storage.BeneficiaryByCode(ctx, db, code)
			if err != nil {
				t.Fatal(err)
			}
			return b.CentreID.Int64
		}
		amina, yonas, sara, omar := centre("MI-001"), centre("MI-002"), centre("BO-001"), centre("MI-003")
		if amina == 0 || amina != yonas || sara == 0 || sara == amina || omar != 0 {
			t.Fatalf("centres: Amina %d, Yonas %d, Sara %d, Omar %d", amina, yonas, sara, omar)
		}
		if n := count(t, db, "centres"); n != 2 {
			t.Fatalf("%d centres, want 2", n)
		}
	})
}
