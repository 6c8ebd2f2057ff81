package whatsapp

import (
	"fmt"
	"sort"
	"strings"

	"github.com/insideaut/insidebot/bot"
)

// Template kinds: Outgoing.Template.Kind values with a template of their own. Any other
// message is announced outside the window by the generic notification template.
const (
	TemplateSessionReminder = "session_reminder"
	TemplateStepReminder    = "step_reminder"
	TemplateNotification    = "notification"
)

// Templates are the approved message templates that stand in for messages outside the 24-hour
// window, and the template language code for each locale.
type Templates struct {
	SessionReminder string            // WHATSAPP_TEMPLATE_SESSION_REMINDER: body parameters from Template.Params
	StepReminder    string            // WHATSAPP_TEMPLATE_STEP_REMINDER: body parameters from Template.Params
	Notification    string            // WHATSAPP_TEMPLATE_NOTIFICATION: no parameters ("a new message, reply to read it")
	Languages       map[string]string // locale (it, fa-AF, ...) -> template language code (it, fa, ...)
}

// DefaultTemplateLanguages is the WHATSAPP_TEMPLATE_LANGUAGES default. WhatsApp has no
// Tigrinya template language: Tigrinya speakers get the English template.
const DefaultTemplateLanguages = "it=it,en=en,fr=fr,ar=ar,ur=ur,bn=bn,fa-AF=fa,ps=ps,ti=en,so=so"

// ParseTemplateLanguages reads "locale=code,locale=code". Every locale must be one of known;
// codes look like "en" or "en_US".
func ParseTemplateLanguages(s string, known []string) (map[string]string, error) {
	isKnown := map[string]bool{}
	for _, k := range known {
		isKnown[k] = true
	}
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		loc, code, ok := strings.Cut(pair, "=")
		loc, code = strings.TrimSpace(loc), strings.TrimSpace(code)
		if !ok || !isKnown[loc] {
			sorted := append([]string(nil), known...)
			sort.Strings(sorted)
			return nil, fmt.Errorf("%q: expected locale=code with a locale among %s", pair, strings.Join(sorted, ", "))
		}
		if !validLanguageCode(code) {
			return nil, fmt.Errorf("%q: %q is not a WhatsApp template language code such as en or en_US", pair, code)
		}
		out[loc] = code
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no locale=code pair")
	}
	return out, nil
}

func validLanguageCode(c string) bool {
	base, region, hasRegion := strings.Cut(c, "_")
	if len(base) < 2 || len(base) > 3 || strings.Trim(base, "abcdefghijklmnopqrstuvwxyz") != "" {
		return false
	}
	return !hasRegion || len(region) == 2 && strings.Trim(region, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// ValidTemplateName tells whether s can be a template name: lowercase letters, digits and _.
func ValidTemplateName(s string) bool {
	return s != "" && len(s) <= 512 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == ""
}

// templateOf is the template-only message that stands for out outside the window: its own
// reminder template, or the generic notification.
func templateOf(out bot.Outgoing) bot.Outgoing {
	t := bot.Template{Kind: TemplateNotification}
	if out.Template != nil && (out.Template.Kind == TemplateSessionReminder || out.Template.Kind == TemplateStepReminder) {
		t = bot.Template{Kind: out.Template.Kind, Params: append([]string(nil), out.Template.Params...)}
	}
	return bot.Outgoing{Template: &t, Lang: out.Lang, RTL: out.RTL}
}

// templateOnly tells whether out is a template and nothing else (what templateOf makes): it is
// sent as the template whatever the window.
func templateOnly(out bot.Outgoing) bool {
	return out.Template != nil && strings.TrimSpace(out.Text) == "" && len(out.AllButtons()) == 0 &&
		out.Image == nil && out.Document == nil
}

// message builds the template message for t in a locale, or a permanent error naming the
// variable to set when no template is configured for its kind.
func (ts Templates) message(t bot.Template, lang string) (message, error) {
	name, variable := ts.Notification, "WHATSAPP_TEMPLATE_NOTIFICATION"
	params := []string(nil)
	switch t.Kind {
	case TemplateSessionReminder:
		name, variable, params = ts.SessionReminder, "WHATSAPP_TEMPLATE_SESSION_REMINDER", t.Params
	case TemplateStepReminder:
		name, variable, params = ts.StepReminder, "WHATSAPP_TEMPLATE_STEP_REMINDER", t.Params
	}
	kind := t.Kind
	if variable == "WHATSAPP_TEMPLATE_NOTIFICATION" {
		kind = TemplateNotification
	}
	if name == "" {
		return message{}, &bot.SendError{Class: bot.Permanent,
			Reason: fmt.Sprintf("outside the 24-hour window and no %s template: set %s", kind, variable)}
	}
	code, ok := ts.Languages[lang]
	if !ok {
		if code, ok = ts.Languages["en"]; !ok {
			code = "en"
		}
	}
	tr := &templateRef{Name: name, Language: language{Code: code}}
	if len(params) > 0 {
		c := component{Type: "body"}
		for _, p := range params {
			c.Parameters = append(c.Parameters, parameter{Type: "text", Text: templateParam(p)})
		}
		tr.Components = []component{c}
	}
	return message{Type: "template", Template: tr}, nil
}

// templateParam makes a value acceptable as a template parameter: WhatsApp refuses new lines,
// tabs, runs of spaces and empty values.
func templateParam(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "-"
	}
	return s
}
