package desk

import (
	"database/sql"
	"errors"
	"net/http"
	"slices"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/importer"
)

// The Import page: a coordinator or an admin uploads a beneficiaries, leads or sessions CSV
// (the columns of `insidebot import`, README "Bulk import"). The importer checks every row;
// the page lists each problem as "line N, column X: reason" in the staff member's language,
// and nothing is imported unless every row is good. A coordinator imports rows of their own
// territory only. New beneficiaries' invite codes are shown once, on the result page.

const (
	// maxImportFile is the largest CSV the page takes.
	maxImportFile = 2 << 20
	// maxImportBody bounds the whole upload: the file, the form's other fields and the
	// multipart framing; a file between maxImportFile and this is refused with a clear notice.
	maxImportBody = maxImportFile + 256<<10
)

// importView is the Import page: the form, and after an upload its problems or its result.
type importView struct {
	Kinds    []choice
	Kind     string
	Error    string   // why the upload was not read (no file, too large, unknown kind)
	Problems []string // each problem of a rejected file, in words
	Done     string   // what was imported, in words ("" nothing yet)
	Created  []importedPerson
	Cards    []importCard // the printable QR cards of the people created (import_cards.go)
	NoCard   int          // people created beyond the cards printed
}

// importedPerson is a beneficiary created by an import, with their one-time invite.
type importedPerson struct {
	Line       int
	Code       string
	InviteCode string
	Expires    string
}

func (d *Desk) importForm(r *Request, kind string) importView {
	v := importView{Kind: kind}
	for _, k := range importer.Kinds() {
		v.Kinds = append(v.Kinds, choice{Value: k, Label: r.L.T("desk.import.kind_" + k)})
	}
	return v
}

// importPage shows the upload form.
func (d *Desk) importPage(w http.ResponseWriter, r *Request) error {
	return d.render(w, r, http.StatusOK, "import", r.L.T("desk.import.title"), d.importForm(r, importer.Beneficiaries))
}

// importFile imports an uploaded file, in one transaction, audited as "desk.import <kind>".
func (d *Desk) importFile(w http.ResponseWriter, r *Request) error {
	kind := r.PostFormValue("kind")
	if !slices.Contains(importer.Kinds(), kind) {
		kind = importer.Beneficiaries
		v := d.importForm(r, kind)
		v.Error = r.L.T("desk.import.err_kind")
		return d.render(w, r, http.StatusUnprocessableEntity, "import", r.L.T("desk.import.title"), v)
	}
	v := d.importForm(r, kind)
	file, header, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
		v.Error = r.L.T("desk.import.err_file")
	case err != nil:
		return err
	case header.Size > maxImportFile:
		v.Error = r.L.T("desk.import.err_large", "Max", maxImportFile>>20)
	case header.Size == 0:
		v.Error = r.L.T("desk.import.err_file")
	}
	if v.Error != "" {
		if file != nil {
			_ = file.Close()
		}
		return d.render(w, r, http.StatusUnprocessableEntity, "import", r.L.T("desk.import.title"), v)
	}
	defer file.Close()
	a := domain.Actor{Staff: &r.Staff}
	res, err := importer.Import(r.Context(), d.cfg.DB, kind, file, importer.Options{Location: d.cfg.Location,
		InviteTTL: d.cfg.InviteTTL, Now: r.Now, Territory: a.ScopeTerritory(),
		By: sql.NullInt64{Int64: r.Staff.ID, Valid: true}, Action: "desk.import " + kind})
	var rej *importer.Rejected
	if errors.As(err, &rej) {
		for _, p := range rej.Problems {
			v.Problems = append(v.Problems, p.Render(r.L))
		}
		return d.render(w, r, http.StatusUnprocessableEntity, "import", r.L.T("desk.import.title"), v)
	}
	if err != nil {
		return err
	}
	v.Done = r.L.N("importer.imported_"+kind, res.Rows)
	for _, c := range res.Created {
		v.Created = append(v.Created, importedPerson{Line: c.Line, Code: c.Code, InviteCode: c.InviteCode,
			Expires: r.L.DateTime(c.ExpiresAt.In(d.cfg.Location))})
	}
	if v.Cards, v.NoCard, err = d.importCards(res.Created); err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "import", r.L.T("desk.import.title"), v)
}
