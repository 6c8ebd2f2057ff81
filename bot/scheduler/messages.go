package scheduler

import (
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// WhatsApp template kinds. Outside WhatsApp's 24-hour window a reminder goes as the approved
// template configured for its kind, with these body parameters in this order:
//
//	session_reminder  (WHATSAPP_TEMPLATE_SESSION_REMINDER)
//	                  {{1}} the session: lab and module ("LabIn Lavoro — Il curriculum")
//	                  {{2}} its date and time in BOT_TIMEZONE ("mercoledì 3 dicembre, 10:00")
//	                  {{3}} its place ("Via Padova 36, Milano")
//	step_reminder     (WHATSAPP_TEMPLATE_STEP_REMINDER)
//	                  {{1}} the step's title, or "a step of your plan" for a psychological
//	                        support step (phones are often shared)
//	                  {{2}} its due date ("venerdì 5 dicembre")
//	checkin           (WHATSAPP_TEMPLATE_CHECKIN, no parameters)
//
// Every parameter is in the recipient's language.
const (
	TemplateSessionReminder = "session_reminder"
	TemplateStepReminder    = "step_reminder"
	TemplateCheckin         = "checkin"
)

// sessionReminder is a lab session's reminder: what, when, where, a map link and RSVP buttons.
func sessionReminder(l *locales.Localizer, s storage.Session, loc *time.Location, confirmed bool) bot.Outgoing {
	title := l.T("reminder.session_title", "Lab", s.LabName, "Module", s.ModuleName)
	when := l.DateTime(s.StartsAt.In(loc))
	text := l.T("reminder.session", "Session", title, "When", when, "Place", s.Place)
	if confirmed {
		text += "\n\n" + l.T("reminder.session_confirmed")
	} else {
		text += "\n\n" + l.T("reminder.session_ask")
	}
	buttons := [][]bot.Button{{
		{Text: l.T("reminder.yes"), Data: notify.Data(notify.ButtonRSVP, s.ID, notify.RSVPYes)},
		{Text: l.T("reminder.no"), Data: notify.Data(notify.ButtonRSVP, s.ID, notify.RSVPNo)},
	}}
	if s.MapURL != "" {
		buttons = append(buttons, []bot.Button{{Text: l.T("reminder.map"), URL: s.MapURL}})
	}
	return bot.Outgoing{Text: text, Buttons: buttons,
		Template: &bot.Template{Kind: TemplateSessionReminder, Params: []string{title, when, s.Place}}}
}

// stepReminder reminds a beneficiary of a step due on due. A psychological-support step is
// named only as "a step of your plan": the phone may be shared.
func stepReminder(cat *locales.Catalog, l *locales.Localizer, step storage.PlanStep, due time.Time) bot.Outgoing {
	date := l.Date(due)
	title := stepTitle(cat, l, step)
	if step.Area == storage.AreaPsych || title == "" {
		return bot.Outgoing{Text: l.T("reminder.step_private", "Date", date),
			Template: &bot.Template{Kind: TemplateStepReminder, Params: []string{l.T("reminder.step_generic"), date}}}
	}
	return bot.Outgoing{Text: l.T("reminder.step", "Step", title, "Date", date),
		Template: &bot.Template{Kind: TemplateStepReminder, Params: []string{title, date}}}
}

// checkinMessage is the gentle word to a silent beneficiary, with a way to their tutor.
func checkinMessage(l *locales.Localizer, hasTutor bool) bot.Outgoing {
	out := bot.Outgoing{Text: l.T("checkin.message"), Template: &bot.Template{Kind: TemplateCheckin}}
	if hasTutor {
		out.Buttons = [][]bot.Button{{{Text: l.T("checkin.write_tutor"), Data: notify.Data(notify.ButtonMyTutor)}}}
	}
	return out
}

// stepTitle is a step's title in the reader's language: the standard step's when it has a key
// the catalogue knows, else its free title; empty when it has neither.
func stepTitle(cat *locales.Catalog, l *locales.Localizer, step storage.PlanStep) string {
	if step.StepKey.Valid && step.StepKey.String != "" {
		id := "steps." + step.StepKey.String + ".title"
		if cat.Has(l.Lang(), id) || cat.Has("en", id) {
			return l.T(id)
		}
	}
	if step.Title.Valid && step.Title.String != "" {
		return step.Title.String
	}
	return ""
}

// staffStepTitle is a step's title for staff, who see every step of the plans they follow:
// its number in the plan when it has no title to show.
func staffStepTitle(cat *locales.Catalog, l *locales.Localizer, step storage.PlanStep) string {
	if t := stepTitle(cat, l, step); t != "" {
		return t
	}
	return l.T("digest.step_number", "Position", step.Position)
}
