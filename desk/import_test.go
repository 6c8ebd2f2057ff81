package desk_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/importer"
	"github.com/insideaut/insidebot/storage"
	"github.com/insideaut/insidebot/storage/storagetest"
)

// upload posts a CSV file of kind to the Import page, with the CSRF token when csrf is set.
func (b *browser) upload(kind, name, content string, csrf bool) page {
	b.h.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf {
		if err := mw.WriteField("csrf", b.csrf()); err != nil {
			b.h.t.Fatal(err)
		}
	}
	if err := mw.WriteField("kind", kind); err != nil {
		b.h.t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.h.t.Fatal(err)
	}
	if _, err := fw.Write([]byte(content)); err != nil {
		b.h.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		b.h.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, b.h.srv.URL+"/desk/import", &body)
	if err != nil {
		b.h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

func (h *harness) count(table string) int {
	h.t.Helper()
	var n int
	if err := h.db.Get(context.Background(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
		h.t.Fatal(err)
	}
	return n
}

// problem is a problem of a rejected file as the page shows it in a language.
func (h *harness) problem(lang string, p importer.Problem) string {
	return htmlText(p.Render(h.cat.For(lang)))
}

var codeRow = regexp.MustCompile(`<a href="/desk/people/([A-Z]+-\d+)">[A-Z]+-\d+</a></th>\s*<td><code>([^<]+)</code></td>`)

// A coordinator uploads a beneficiaries file with bad rows (one of another territory, one in an
// unknown language): the page lists each problem in Italian, line and column, and nobody is
// created. The corrected file creates the people, shows each one's invite code once (the codes
// open the invites stored) and is audited as desk.import beneficiaries. A leads file works the
// same way. Without the CSRF token an upload is a 403 and changes nothing; a tutor cannot see
// the page nor post to it.
func TestImportOnTheDesk(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		h := newHarness(t, db)
		coord := h.staff(storage.RoleCoordinator, "MI", "active", "it", "Giulia Ferri")
		tutor := h.staff(storage.RoleTutor, "MI", "active", "en", "Marco Bassi")
		people, leads := h.count("beneficiaries"), h.count("leads")

		tb := h.browser("en")
		tb.signIn(h.link(tutor.ID))
		if p := tb.get("/desk/import"); p.status != http.StatusNotFound {
			t.Fatalf("a tutor's Import page: %d", p.status)
		}
		good := "territory,lang,tutor_id,name,reception_contact\nMI,fr,,Amina Diallo,CAS Via Corelli\nMI,ti,,Yonas Tesfaye,\n"
		if p := tb.upload(importer.Beneficiaries, "people.csv", good, true); p.status != http.StatusNotFound {
			t.Fatalf("a tutor's upload: %d", p.status)
		}
		if strings.Contains(tb.get("/desk/").body, `href="/desk/import"`) {
			t.Fatal("a tutor's navigation links to Import")
		}

		b := h.browser("it")
		b.signIn(h.link(coord.ID))
		form := b.get("/desk/import")
		if form.status != http.StatusOK || !strings.Contains(form.body, `enctype="multipart/form-data"`) ||
			!strings.Contains(form.body, h.text("it", "desk.import.kind_leads")) {
			t.Fatalf("the Import page: %d\n%s", form.status, form.body)
		}
		if p := b.upload(importer.Beneficiaries, "people.csv", good, false); p.status != http.StatusForbidden {
			t.Fatalf("an upload without the CSRF token: %d", p.status)
		}
		if n := h.count("beneficiaries"); n != people {
			t.Fatalf("an upload without the CSRF token created %d people", n-people)
		}

		bad := "territory,lang,tutor_id,name,reception_contact\nMI,fr,,Amina Diallo,CAS Via Corelli\nBO,en,,Omar Said,\nMI,de,,Sara Haile,\n"
		p := b.upload(importer.Beneficiaries, "people.csv", bad, true)
		want := []importer.Problem{
			{Line: 3, Column: "territory", ID: "importer.other_territory", KV: []any{"Value", "BO", "Territory", "MI"}},
			{Line: 4, Column: "lang", ID: "importer.bad_lang", KV: []any{"Value", "de"}},
		}
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.text("it", "desk.import.nothing")) {
			t.Fatalf("a file with bad rows: %d\n%s", p.status, p.body)
		}
		for _, pr := range want {
			if !strings.Contains(p.body, h.problem("it", pr)) {
				t.Fatalf("the page does not say %q\n%s", h.problem("it", pr), p.body)
			}
		}
		if !strings.Contains(p.body, "riga 3, colonna territory") {
			t.Fatalf("the problem is not in Italian\n%s", p.body)
		}
		if n := h.count("beneficiaries"); n != people {
			t.Fatalf("a rejected file created %d people", n-people)
		}

		p = b.upload(importer.Beneficiaries, "people.csv", good, true)
		if p.status != http.StatusOK || !strings.Contains(p.body, h.cat.For("it").N("importer.imported_beneficiaries", 2)) {
			t.Fatalf("a good file: %d\n%s", p.status, p.body)
		}
		if cc := p.header.Get("Cache-Control"); cc != "no-store" {
			t.Fatalf("the page with invite codes is cached: %q", cc)
		}
		rows := codeRow.FindAllStringSubmatch(p.body, -1)
		if len(rows) != 2 || h.count("beneficiaries") != people+2 {
			t.Fatalf("%d codes shown, %d people created\n%s", len(rows), h.count("beneficiaries")-people, p.body)
		}
		for i, name := range []string{"Amina Diallo", "Yonas Tesfaye"} {
			ben, err := storage.BeneficiaryByCode(ctx, db, rows[i][1])
			if err != nil || ben.Territory != "MI" || ben.DisplayName.String != name {
				t.Fatalf("line %d shown as %s: %+v %v", i+2, rows[i][1], ben, err)
			}
			var owner int64
			if err := db.Get(ctx, &owner, `SELECT beneficiary_id FROM invites WHERE code_hash = ?`, storage.HashInviteCode(rows[i][2])); err != nil || owner != ben.ID {
				t.Fatalf("the invite code shown for %s opens beneficiary %d (%v), want %d", rows[i][1], owner, err, ben.ID)
			}
		}
		es := h.audit("desk.import beneficiaries", storage.OutcomeOK)
		if len(es) != 1 || es[0].ActorKind != storage.ActorStaff || es[0].ActorID.Int64 != coord.ID {
			t.Fatalf("the import's audit entries: %+v", es)
		}
		if again := b.get("/desk/import"); strings.Contains(again.body, rows[0][2]) {
			t.Fatal("the invite codes are shown again")
		}

		badLeads := "kind,territory,title,contact\nhousing,MI,Stanza in Via Padova,Caritas\njob,BO,Magazziniere,\n"
		p = b.upload(importer.Leads, "leads.csv", badLeads, true)
		pr := importer.Problem{Line: 3, Column: "territory", ID: "importer.other_territory", KV: []any{"Value", "BO", "Territory", "MI"}}
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.problem("it", pr)) || h.count("leads") != leads {
			t.Fatalf("a leads file with another territory's row: %d, %d leads created\n%s", p.status, h.count("leads")-leads, p.body)
		}
		p = b.upload(importer.Leads, "leads.csv", strings.ReplaceAll(badLeads, "job,BO,", "job,MI,"), true)
		if p.status != http.StatusOK || h.count("leads") != leads+2 || len(h.audit("desk.import leads", storage.OutcomeOK)) != 1 {
			t.Fatalf("a good leads file: %d, %d leads created\n%s", p.status, h.count("leads")-leads, p.body)
		}
	})
}

// An admin imports rows of any territory; a file that is not a CSV of the kind is shown as
// problems; a file over the limit is refused with a notice.
func TestImportAdmin(t *testing.T) {
	storagetest.Dialects(t, func(t *testing.T, db *storage.DB) {
		h := newHarness(t, db)
		admin := h.staff(storage.RoleAdmin, "", "active", "en", "Anna Admin")
		b := h.browser("en")
		b.signIn(h.link(admin.ID))
		people := h.count("beneficiaries")

		p := b.upload(importer.Beneficiaries, "people.csv", "nome,lang\nAmina,fr\n", true)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "line 1, column nome") {
			t.Fatalf("a file with unknown columns: %d\n%s", p.status, p.body)
		}
		p = b.upload(importer.Beneficiaries, "people.csv", "territory,name\nMI,Amina Diallo\nBO,Omar Said\n", true)
		if p.status != http.StatusOK || len(codeRow.FindAllStringSubmatch(p.body, -1)) != 2 || h.count("beneficiaries") != people+2 {
			t.Fatalf("an admin's file of two territories: %d\n%s", p.status, p.body)
		}
		big := "territory,name\n" + strings.Repeat("MI,"+strings.Repeat("x", 90)+"\n", 2<<20/90)
		p = b.upload(importer.Beneficiaries, "big.csv", big, true)
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, h.text("en", "desk.import.err_large", "Max", 2)) {
			t.Fatalf("a file over 2 MB: %d\n%s", p.status, p.body)
		}
		huge := big + strings.Repeat("MI,"+strings.Repeat("y", 90)+"\n", 512<<10/90)
		if p = b.upload(importer.Beneficiaries, "huge.csv", huge, true); p.status != http.StatusRequestEntityTooLarge ||
			!strings.Contains(p.body, h.text("en", "desk.msg.too_large")) {
			t.Fatalf("an upload over the body limit: %d\n%s", p.status, p.body)
		}
		if h.count("beneficiaries") != people+2 {
			t.Fatal("a file over the limit imported rows")
		}
	})
}
