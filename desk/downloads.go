package desk

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/research"
)

// download is a file the Figures page offers.
type download struct{ Label, Href string }

// The files of the Figures page: the research dataset (one row per consenting person,
// pseudonymised), its aggregated tables and codebook (as the CLI's and the chat's /export), and
// the funder's monitoring counts (as `insidebot export monitoring`).
const (
	filePeople     = "research.csv"
	fileAggregates = "research-aggregates.csv"
	fileCodebook   = "research-codebook.csv"
	fileMonitoring = "monitoring.csv"
)

// downloads are the Figures page's files for a scope ("" all).
func downloads(l *locales.Localizer, territory string) []download {
	q := ""
	if territory != "" {
		q = "?" + url.Values{"territory": {territory}}.Encode()
	}
	var out []download
	for _, f := range []struct{ file, label string }{{filePeople, "people"}, {fileAggregates, "aggregates"}, {fileCodebook, "codebook"},
		{fileMonitoring, "monitoring"}} {
		out = append(out, download{Label: l.T("desk.figures.file_" + f.label), Href: "/desk/figures/files/" + f.file + q})
	}
	return out
}

// figuresFile sends one of the Figures page's files for the scope the request asks for,
// audited; refused with a page saying why while RESEARCH_KEY is empty.
func (d *Desk) figuresFile(w http.ResponseWriter, r *Request) error {
	file := r.PathValue("file")
	code, _, _, ok, err := d.figuresScope(r)
	if err != nil {
		return err
	}
	if !ok {
		return d.OutOfScope(w, r, "desk.export", "territory", r.URL.Query().Get("territory"))
	}
	if len(d.cfg.ResearchKey) == 0 {
		d.message(w, r.Request, r, http.StatusConflict, "no_key")
		return nil
	}
	var body bytes.Buffer
	var name, detail string
	switch file {
	case filePeople, fileAggregates:
		ds, err := research.Build(r.Context(), d.cfg.DB, d.cfg.ResearchKey, code, r.Now, d.cfg.Location)
		if err != nil {
			return err
		}
		people, aggregates := research.FileNames(code, r.Now)
		if file == filePeople {
			name, err = people, ds.WritePeople(&body)
		} else {
			name, err = aggregates, ds.WriteAggregates(&body)
		}
		if err != nil {
			return err
		}
		detail = fmt.Sprintf("people=%d rows=%d", ds.Consenting, len(ds.People))
	case fileCodebook:
		name = research.CodebookName(code, r.Now)
		if err := research.WriteCodebook(&body); err != nil {
			return err
		}
	case fileMonitoring:
		m, err := research.BuildMonitoring(r.Context(), d.cfg.DB, code, r.Now)
		if err != nil {
			return err
		}
		if err := m.WriteCSV(&body); err != nil {
			return err
		}
		name = research.MonitoringFileName(code, r.Now)
		detail = fmt.Sprintf("rows=%d", len(m.Rows))
	default:
		d.notFound(w, r.Request)
		return nil
	}
	target := code
	if target == "" {
		target = "all"
	}
	if err := domain.Audit(r.Context(), d.cfg.DB, r.Now, domain.Actor{Staff: &r.Staff}, "desk.export", "dataset",
		strings.TrimSuffix(file, ".csv"), strings.TrimSpace("territory="+target+" "+detail)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(body.Bytes())
	return err
}
