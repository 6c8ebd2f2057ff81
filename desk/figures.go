package desk

import (
	"net/http"

	"github.com/insideaut/insidebot/charts"
	"github.com/insideaut/insidebot/figures"
	"github.com/insideaut/insidebot/storage"
)

// figuresView is the Figures page as its template shows it.
type figuresView struct {
	Lines       []string // the figures in words, the first one their title
	CaseLines   []string // cases, outcomes and self-assessment in words
	CasesURL    string   // the chart of people against target
	CasesAlt    string
	Downloads   []download // the research and monitoring files; none while RESEARCH_KEY is empty
	NoKey       bool       // RESEARCH_KEY is empty: the downloads are refused
	Territories []option   // the territory picker, empty for a coordinator of one territory
	ChartURL    string
	ChartAlt    string
	Empty       bool // no plan step to chart
}

// figuresScope is the territory whose figures a request asks for ("" for all): a coordinator
// of a territory sees only theirs; an admin, or a coordinator of every territory, picks one.
// ok is false for a territory that does not exist.
func (d *Desk) figuresScope(r *Request) (code, name string, all []storage.Territory, ok bool, err error) {
	if own := caseloadScope(r.Staff).Territory; own != "" {
		t, err := storage.TerritoryByCode(r.Context(), d.cfg.DB, own)
		return own, t.Name, nil, err == nil, err
	}
	if all, err = storage.Territories(r.Context(), d.cfg.DB); err != nil {
		return "", "", nil, false, err
	}
	want := r.URL.Query().Get("territory")
	if want == "" {
		return "", r.L.T("stats.scope_all"), all, true, nil
	}
	for _, t := range all {
		if t.Code == want {
			return t.Code, t.Name, all, true, nil
		}
	}
	return "", "", all, false, nil
}

// scopedFigures are the figures a request may read, with the scope's code ("" for all), name
// and the territories an admin may pick (nil for a coordinator of one territory).
type scopedFigures struct {
	code, name string
	all        []storage.Territory
	f          storage.Figures
	cases      figures.Cases
}

// loadFigures reads the figures of the scope a request asks for; ok is false for a territory
// that does not exist (the caller answers OutOfScope).
func (d *Desk) loadFigures(r *Request) (sf scopedFigures, ok bool, err error) {
	if sf.code, sf.name, sf.all, ok, err = d.figuresScope(r); err != nil || !ok {
		return sf, ok, err
	}
	if sf.f, err = storage.ProjectFigures(r.Context(), d.cfg.DB, sf.code); err != nil {
		return sf, true, err
	}
	sf.cases, err = figures.ReadCases(r.Context(), d.cfg.DB, sf.code, d.cfg.Targets)
	return sf, true, err
}

// figuresPage shows the project's figures, in words and as a chart, for the staff member's
// territory or the one picked.
func (d *Desk) figuresPage(w http.ResponseWriter, r *Request) error {
	sf, ok, err := d.loadFigures(r)
	if err != nil {
		return err
	}
	if !ok {
		return d.OutOfScope(w, r, "desk.figures", "territory", r.URL.Query().Get("territory"))
	}
	v := figuresView{Lines: figures.Lines(r.L, sf.name, sf.f), ChartURL: "/desk/figures/steps.svg", Empty: len(sf.f.Steps) == 0,
		ChartAlt: r.L.T("stats.chart_title", "Scope", sf.name), CaseLines: sf.cases.Lines(r.L, sf.code),
		CasesURL: "/desk/figures/cases.svg", CasesAlt: r.L.T("casestats.chart_title", "Scope", sf.name),
		Downloads: downloads(r.L, sf.code), NoKey: len(d.cfg.ResearchKey) == 0}
	if sf.code != "" {
		v.ChartURL += "?territory=" + sf.code
		v.CasesURL += "?territory=" + sf.code
	}
	if sf.all != nil {
		v.Territories = []option{{Value: "", Label: r.L.T("stats.scope_all"), Selected: sf.code == ""}}
		for _, t := range sf.all {
			v.Territories = append(v.Territories, option{Value: t.Code, Label: t.Name, Selected: t.Code == sf.code})
		}
	}
	return d.render(w, r, http.StatusOK, "figures", r.L.T("desk.figures.title"), v)
}

// figuresChart is the chart of plan steps by area and status as an SVG image: it reads the
// steps' counts only, not the whole figures of the page.
func (d *Desk) figuresChart(w http.ResponseWriter, r *Request) error {
	return d.chart(w, r, func(code, name string) (charts.Stacked, error) {
		steps, err := storage.StepCounts(r.Context(), d.cfg.DB, code)
		return figures.StepsChart(r.L, name, steps), err
	})
}

// casesChart is the chart of people against target (active, closed, missing) as an SVG image.
func (d *Desk) casesChart(w http.ResponseWriter, r *Request) error {
	return d.chart(w, r, func(code, name string) (charts.Stacked, error) {
		c, err := figures.ReadCaseCounts(r.Context(), d.cfg.DB, code, d.cfg.Targets)
		return c.CasesChart(r.L, code, name), err
	})
}

// chart draws, as an SVG image, a chart of the scope a request asks for.
func (d *Desk) chart(w http.ResponseWriter, r *Request, draw func(code, name string) (charts.Stacked, error)) error {
	code, name, _, ok, err := d.figuresScope(r)
	if err != nil {
		return err
	}
	if !ok {
		return d.OutOfScope(w, r, "desk.figures", "territory", r.URL.Query().Get("territory"))
	}
	c, err := draw(code, name)
	if err != nil {
		return err
	}
	svg, err := c.SVG()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(svg)
	return nil
}
