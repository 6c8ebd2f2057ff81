package desk

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// The Broadcasts pages' reads: what a list line, the form of a new broadcast and one
// broadcast's page show. Every figure comes from the domain's own computation, the one the
// chat's preview and report use (domain.ReachOf, Reach.Untranslated, OutcomesOf).

// broadcastsShown is how many of the latest broadcasts the list shows.
const broadcastsShown = 50

// broadcastRow is one broadcast in the list.
type broadcastRow struct {
	ID                              int64
	What, Status, Audience, Created string
	When                            string // scheduled for ("" none)
	Delivered, Recipients, LeftOut  int
	Counted                         bool // sending began: the counts mean something
}

// loadBroadcasts reads the latest broadcasts a coordinator or admin may see.
func loadBroadcasts(ctx context.Context, q storage.Queryer, a domain.Actor, l *locales.Localizer, loc *time.Location) ([]broadcastRow, error) {
	list, err := storage.RecentBroadcasts(ctx, q, a.ScopeTerritory(), a.StaffID(), broadcastsShown)
	if err != nil {
		return nil, err
	}
	rows := make([]broadcastRow, 0, len(list))
	for _, b := range list {
		au, err := domain.ParseAudience(b.Audience)
		if err != nil {
			return nil, err
		}
		who, err := au.Describe(ctx, q, l)
		if err != nil {
			return nil, err
		}
		row := broadcastRow{ID: b.ID, What: broadcastWhat(l, b.Broadcast, 80), Status: l.T("broadcast.list_status_" + b.Status),
			Audience: who, Created: l.DateTime(b.CreatedAt.In(loc)), Delivered: b.Sent, Recipients: b.Queued, LeftOut: b.Excluded,
			Counted: b.Queued+b.Excluded > 0}
		if b.Status == storage.BroadcastScheduled && b.ScheduledAt.Valid {
			row.When = l.DateTime(b.ScheduledAt.Time.In(loc))
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// broadcastWhat is a broadcast's text on one line, cut at n characters, or the session it
// announces.
func broadcastWhat(l *locales.Localizer, b storage.Broadcast, n int) string {
	if b.SessionID.Valid {
		return l.T("broadcast.announce_label", "ID", b.SessionID.Int64)
	}
	s := []rune(strings.Join(strings.Fields(b.Body), " "))
	if len(s) > n {
		return string(s[:n-1]) + "…"
	}
	return string(s)
}

// audienceGroups are the audiences a staff member may address, as the new broadcast's select
// offers them: everyone (of their territory), each territory they may use, each language,
// each lab, each upcoming session of their territory.
func audienceGroups(ctx context.Context, q storage.Queryer, a domain.Actor, l *locales.Localizer, now time.Time, loc *time.Location) ([]choiceGroup, error) {
	scope := a.ScopeTerritory()
	everyone, err := a.Everyone().Describe(ctx, q, l)
	if err != nil {
		return nil, err
	}
	groups := []choiceGroup{{Label: l.T("desk.broadcasts.aud_everyone"), Choices: []choice{{Value: "all", Label: everyone}}}}
	if scope == "" {
		ts, err := storage.Territories(ctx, q)
		if err != nil {
			return nil, err
		}
		g := choiceGroup{Label: l.T("desk.broadcasts.aud_territory")}
		for _, t := range ts {
			g.Choices = append(g.Choices, choice{Value: t.Code, Label: t.Code + " · " + t.Name})
		}
		groups = append(groups, g)
	}
	langs := choiceGroup{Label: l.T("desk.broadcasts.aud_lang")}
	for _, lang := range locales.Languages() {
		langs.Choices = append(langs.Choices, choice{Value: domain.AudienceLang + ":" + lang.Code, Label: lang.Native})
	}
	groups = append(groups, langs)
	labs, err := storage.Labs(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(labs) > 0 {
		g := choiceGroup{Label: l.T("desk.broadcasts.aud_lab")}
		for _, lab := range labs {
			g.Choices = append(g.Choices, choice{Value: domain.AudienceLab + ":" + strconv.FormatInt(lab.ID, 10), Label: "#" + strconv.FormatInt(lab.ID, 10) + " " + lab.Name})
		}
		groups = append(groups, g)
	}
	sessions, err := storage.UpcomingSessions(ctx, q, scope, now, 30)
	if err != nil {
		return nil, err
	}
	if len(sessions) > 0 {
		g := choiceGroup{Label: l.T("desk.broadcasts.aud_session")}
		for _, s := range sessions {
			g.Choices = append(g.Choices, choice{Value: domain.AudienceSession + ":" + strconv.FormatInt(s.ID, 10),
				Label: "#" + strconv.FormatInt(s.ID, 10) + " " + s.LabName + " › " + s.ModuleName + ", " + l.DateTime(s.StartsAt.In(loc))})
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// errBadAudience is an audience the desk does not offer (a form made up by hand).
var errBadAudience = errors.New("desk: not an audience")

// readAudience reads the audience a new broadcast's form chose, for actor a: "all", a
// territory code, lang:<code>, lab:<id> or session:<id>. Whether a may address it is the
// domain's to say (domain.Service.CreateBroadcast).
func readAudience(ctx context.Context, q storage.Queryer, a domain.Actor, v string) (domain.Audience, error) {
	kind, value, found := strings.Cut(strings.TrimSpace(v), ":")
	scope := a.ScopeTerritory()
	switch {
	case !found && kind == "all":
		return a.Everyone(), nil
	case !found:
		t, err := storage.TerritoryByCode(ctx, q, kind)
		if errors.Is(err, storage.ErrNotFound) {
			return domain.Audience{}, errBadAudience
		}
		return domain.Audience{Kind: domain.AudienceTerritory, Value: t.Code}, err
	case kind == domain.AudienceLang:
		if !slices.ContainsFunc(locales.Languages(), func(l locales.Lang) bool { return l.Code == value }) {
			return domain.Audience{}, errBadAudience
		}
		return domain.Audience{Kind: domain.AudienceLang, Value: value, Scope: scope}, nil
	case kind == domain.AudienceLab || kind == domain.AudienceSession:
		id, err := strconv.ParseInt(value, 10, 64)
		if err != nil || id <= 0 {
			return domain.Audience{}, errBadAudience
		}
		if kind == domain.AudienceSession {
			return domain.Audience{Kind: kind, Value: value}, nil
		}
		if _, err := storage.LabByID(ctx, q, id); errors.Is(err, storage.ErrNotFound) {
			return domain.Audience{}, errBadAudience
		} else if err != nil {
			return domain.Audience{}, err
		}
		return domain.Audience{Kind: kind, Value: value, Scope: scope}, nil
	}
	return domain.Audience{}, errBadAudience
}

// broadcastPage is one broadcast's page.
type broadcastPage struct {
	ID                int64
	Status, StatusKey string
	Audience, Author  string
	Created, When     string // when: scheduled for, or confirmed at ("" none)
	Body              string // the Italian text ("" for a session announcement)
	Announces         string // the session it announces ("" free text)
	Draft, Manage     bool   // still a draft; the staff member may change it (author or admin)
	Scheduled         bool
	Reach             domain.Reach
	ByLang, LeftOut   string // the reach in words
	Italian, Auto     string // the completeness warning in words ("" none)
	ItalianN, AutoN   int
	Versions          []versionForm
	Previews          []preview
	Report            *reportView
	MinWhen, Max      string
	Location          string // BOT_TIMEZONE's name, for the schedule field
	ScheduleValue     string // the schedule field as typed (after a mistake)
}

// versionForm is the text of one language: its version, or none yet (the Italian text goes).
type versionForm struct {
	Lang, Native, Text string
	People             int // recipients who read it
	RTL                bool
}

// preview is the message as one language's readers get it.
type preview struct {
	Lang, Native, Text string
	People             int
	RTL, Version       bool
}

// reportView is a broadcast's figures once sending began (the chat's report).
type reportView struct {
	Outcomes           domain.Outcomes
	FailedWhy, LeftWhy string
	Finished           bool
}

// loadBroadcastPage reads what one broadcast's page shows for staff member a, in l's language;
// typed overrides the text of a language (a version sent back with a mistake). knows tells
// whether a translation server translates from one language to another (nil: none).
func loadBroadcastPage(ctx context.Context, q storage.Queryer, dom *domain.Service, cat *locales.Catalog, a domain.Actor, l *locales.Localizer,
	b storage.Broadcast, knows func(from, to string) bool, now time.Time, typed map[string]string) (broadcastPage, error) {
	loc := dom.Location()
	p := broadcastPage{ID: b.ID, StatusKey: b.Status, Status: l.T("broadcast.list_status_" + b.Status), Body: b.Body,
		Created: l.DateTime(b.CreatedAt.In(loc)), Draft: b.Status == storage.BroadcastDraft, Manage: a.CanManageBroadcast(b),
		Scheduled: b.Status == storage.BroadcastScheduled, Max: strconv.Itoa(domain.MaxBroadcastLen), Location: loc.String(),
		MinWhen: now.In(loc).Add(time.Minute).Format(datetimeLocal)}
	if b.ScheduledAt.Valid {
		p.When = l.DateTime(b.ScheduledAt.Time.In(loc))
	}
	au, err := domain.ParseAudience(b.Audience)
	if err != nil {
		return p, err
	}
	if p.Audience, err = au.Describe(ctx, q, l); err != nil {
		return p, err
	}
	author, err := storage.StaffByID(ctx, q, b.CreatedBy)
	if err != nil {
		return p, err
	}
	p.Author = staffName(l, author)
	sn, announces, err := domain.BroadcastSession(ctx, q, b)
	if err != nil {
		return p, err
	}
	var sess *storage.Session
	if announces {
		sess = &sn
		p.Announces = l.T("broadcast.announce_label", "ID", sn.ID)
	}
	if p.Reach, err = domain.ReachOf(ctx, q, au); err != nil {
		return p, err
	}
	p.ByLang = notify.CountsByKey(p.Reach.ByLang, languageIsolated)
	p.LeftOut = notify.CountsByKey(p.Reach.Excluded, func(k string) string { return l.T("broadcast.reason_" + k) })
	texts, err := storage.BroadcastTexts(ctx, q, b.ID)
	if err != nil {
		return p, err
	}
	if sess == nil {
		auto, italian := p.Reach.Untranslated(texts, knows)
		p.Auto, p.AutoN = notify.CountsByKey(auto, languageIsolated), sum(auto)
		p.Italian, p.ItalianN = notify.CountsByKey(italian, languageIsolated), sum(italian)
		for _, lang := range locales.Languages() {
			if lang.Code == notify.StaffLang || (p.Reach.ByLang[lang.Code] == 0 && texts[lang.Code] == "" && p.Reach.Total > 0) {
				continue
			}
			text := texts[lang.Code]
			if t, ok := typed[lang.Code]; ok {
				text = t
			}
			p.Versions = append(p.Versions, versionForm{Lang: lang.Code, Native: lang.Native, Text: text, People: p.Reach.ByLang[lang.Code], RTL: lang.RTL})
		}
	}
	for _, lang := range locales.Languages() {
		if lang.Code != notify.StaffLang && p.Reach.ByLang[lang.Code] == 0 {
			continue
		}
		msg := dom.BroadcastMessage(cat.For(lang.Code), b, sess, texts)
		p.Previews = append(p.Previews, preview{Lang: lang.Code, Native: lang.Native, Text: msg.Text, People: p.Reach.ByLang[lang.Code],
			RTL: lang.RTL, Version: sess != nil || texts[lang.Code] != "" || lang.Code == notify.StaffLang})
	}
	if b.Status == storage.BroadcastSending || b.Status == storage.BroadcastSent {
		report, err := storage.BroadcastReport(ctx, q, b.ID)
		if err != nil {
			return p, err
		}
		o := domain.OutcomesOf(report)
		p.Report = &reportView{Outcomes: o, Finished: b.Status == storage.BroadcastSent,
			FailedWhy: notify.CountsByKey(o.Failed, func(k string) string { return l.T("broadcast.fail_" + k) }),
			LeftWhy:   notify.CountsByKey(o.Excluded, func(k string) string { return l.T("broadcast.reason_" + k) })}
	}
	return p, nil
}

// languageIsolated is a language's own name isolated from the text around it, so that a name
// written right to left does not reorder the count beside it.
func languageIsolated(code string) string { return "\u2068" + domain.LanguageName(code) + "\u2069" }

func sum(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// datetimeLocal is the value of an <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"
