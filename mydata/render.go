package mydata

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// MaxPage is the longest message Pages writes, in characters: below Telegram's and WhatsApp's
// 4,096 with room for the page mark.
const MaxPage = 3500

// JSON is the report as the file the person gets, indented to be read by a person too.
func (r Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("my data: %w", err)
	}
	return append(b, '\n'), nil
}

// Pages writes the report in l's language as messages of at most MaxPage characters, each
// after the first marked with its number; times are shown in loc. retentionDays is how long
// the conversation with the tutor is kept.
func (r Report) Pages(l *locales.Localizer, loc *time.Location, retentionDays int) []string {
	var sections [][]string
	tutor := l.T("privacy.no_tutor")
	if r.HasTutor {
		tutor = l.T("privacy.tutor_assigned")
		if r.Tutor != "" {
			tutor = r.Tutor
		}
	}
	var accounts []string
	for _, a := range r.Accounts {
		accounts = append(accounts, l.T("privacy.channel_"+a))
	}
	about := []string{
		l.T("mydata.title", "Date", l.Date(r.GeneratedAt.In(loc))),
		l.T("privacy.summary_code", "Code", r.Code),
		l.T("privacy.summary_name", "Name", nameOr(r.Name, r.Code)),
		l.T("privacy.summary_place", "Territory", r.Territory),
		l.T("privacy.summary_language", "Language", l.Native()),
		l.T("privacy.summary_tutor", "Tutor", tutor),
		l.T("privacy.summary_accounts", "Accounts", strings.Join(accounts, ", ")),
	}
	if r.ReceptionContact != "" {
		about = append(about, l.T("mydata.reception_contact", "Contact", r.ReceptionContact))
	}
	sections = append(sections, about)

	choices := []string{l.T("privacy.summary_consents")}
	for _, c := range r.Consents {
		purpose := l.T("privacy.consent_" + c.Purpose)
		switch {
		case c.Given && c.Since != nil:
			choices = append(choices, l.T("mydata.consent_since", "Purpose", purpose, "Date", l.Date(c.Since.In(loc))))
		case c.Given:
			choices = append(choices, "✅ "+purpose)
		default:
			choices = append(choices, "❌ "+purpose)
		}
	}
	sections = append(sections, choices)

	plan := []string{l.T("mydata.plan_none")}
	if len(r.Steps) > 0 {
		plan = []string{l.N("mydata.plan_title", len(r.Steps))}
		for _, s := range r.Steps {
			args := []any{"Icon", l.T("status.icon." + s.Status), "Area", l.T("area." + s.Area),
				"Title", l.StepTitle(s.Key, s.Title, s.Position), "Status", l.T("status.name." + s.Status),
				"Added", l.Date(s.CreatedAt.In(loc))}
			if d, err := time.Parse("2006-01-02", s.Due); err == nil {
				plan = append(plan, l.T("mydata.step_due", append(args, "Due", l.Date(d))...))
			} else {
				plan = append(plan, l.T("mydata.step", args...))
			}
		}
	}
	sections = append(sections, plan)

	labs := []string{l.T("mydata.labs_none")}
	if len(r.Labs) > 0 {
		labs = []string{l.T("mydata.labs_title")}
		for _, s := range r.Labs {
			line := l.T("mydata.lab", "Lab", s.Lab, "Module", s.Module, "When", l.DateTime(s.StartsAt.In(loc)))
			var notes []string
			if s.Status == storage.SessionCancelled {
				notes = append(notes, l.T("mydata.lab_cancelled"))
			}
			if s.Answer != "" {
				notes = append(notes, l.T("mydata.answer_"+s.Answer))
			}
			if s.Attendance != "" {
				notes = append(notes, l.T("mydata.attendance_"+s.Attendance))
			}
			if len(notes) > 0 {
				line += " — " + strings.Join(notes, "; ")
			}
			labs = append(labs, line)
		}
	}
	sections = append(sections, labs)

	leads := []string{l.T("mydata.offers_none")}
	if len(r.Interests) > 0 {
		leads = []string{l.T("mydata.offers_title")}
		for _, i := range r.Interests {
			leads = append(leads, l.T("mydata.offer", "Kind", l.T("mydata.offer_"+i.Kind), "Title", i.Title, "Date", l.Date(i.At.In(loc))))
		}
	}
	sections = append(sections, leads)

	msgs := []string{l.T("mydata.messages_none", "Days", retentionDays)}
	if len(r.Messages) > 0 {
		msgs = []string{l.T("mydata.messages_title", "Days", retentionDays)}
		for _, m := range r.Messages {
			text := m.Text
			if m.File != "" {
				file := l.T("mydata.file")
				text = strings.TrimSpace(file + " " + text)
			}
			who := "mydata.message_you"
			if m.FromTutor {
				who = "mydata.message_tutor"
			}
			msgs = append(msgs, l.T(who, "When", l.DateTime(m.At.In(loc)), "Text", text))
		}
	}
	sections = append(sections, msgs, []string{l.T("privacy.summary_never")})
	return paginate(l, sections)
}

func nameOr(name, code string) string {
	if name != "" {
		return name
	}
	return code
}

// paginate joins the sections (a blank line between them) into messages of at most MaxPage
// characters, breaking between lines (a line longer than a page is cut), and marks every page
// with its number when there are several.
func paginate(l *locales.Localizer, sections [][]string) []string {
	var pages []string
	var cur []string
	size := 0
	add := func(line string) {
		if r := []rune(line); len(r) > MaxPage {
			line = string(r[:MaxPage-1]) + "…"
		}
		n := len([]rune(line)) + 1
		if size+n > MaxPage && len(cur) > 0 {
			pages = append(pages, strings.Join(cur, "\n"))
			cur, size = nil, 0
		}
		cur = append(cur, line)
		size += n
	}
	for i, s := range sections {
		if i > 0 && len(cur) > 0 {
			add("")
		}
		for _, line := range s {
			add(line)
		}
	}
	if len(cur) > 0 {
		pages = append(pages, strings.TrimRight(strings.Join(cur, "\n"), "\n"))
	}
	if len(pages) > 1 {
		for i := range pages {
			pages[i] = strings.TrimSpace(pages[i]) + "\n\n" + l.T("mydata.page", "Page", i+1, "Pages", len(pages))
		}
	}
	return pages
}
