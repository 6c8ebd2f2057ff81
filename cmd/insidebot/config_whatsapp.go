package main

import (
	"strings"

	"github.com/insideaut/insidebot/bot/whatsapp"
	"github.com/insideaut/insidebot/locales"
)

// loadWhatsAppTemplates reads the approved templates that stand in for messages outside
// WhatsApp's 24-hour window, and the template language of each locale. Every variable may be
// empty: a message that needs a missing template fails with a reason naming the variable.
func loadWhatsAppTemplates(get func(name, def string) string) (whatsapp.Templates, error) {
	t := whatsapp.Templates{
		SessionReminder: get("WHATSAPP_TEMPLATE_SESSION_REMINDER", ""),
		StepReminder:    get("WHATSAPP_TEMPLATE_STEP_REMINDER", ""),
		Notification:    get("WHATSAPP_TEMPLATE_NOTIFICATION", ""),
	}
	for _, v := range []struct{ name, val string }{
		{"WHATSAPP_TEMPLATE_SESSION_REMINDER", t.SessionReminder},
		{"WHATSAPP_TEMPLATE_STEP_REMINDER", t.StepReminder},
		{"WHATSAPP_TEMPLATE_NOTIFICATION", t.Notification},
	} {
		if v.val != "" && !whatsapp.ValidTemplateName(v.val) {
			return t, configError{name: v.name, expect: "the name of an approved template: lowercase letters, digits and _", got: v.val}
		}
	}
	var known []string
	for _, l := range locales.Languages() {
		known = append(known, l.Code)
	}
	langs, err := whatsapp.ParseTemplateLanguages(whatsapp.DefaultTemplateLanguages, known)
	if err != nil {
		return t, configError{name: "WHATSAPP_TEMPLATE_LANGUAGES", expect: "default mapping: " + err.Error()}
	}
	if raw := get("WHATSAPP_TEMPLATE_LANGUAGES", ""); raw != "" {
		set, err := whatsapp.ParseTemplateLanguages(raw, known)
		if err != nil {
			return t, configError{name: "WHATSAPP_TEMPLATE_LANGUAGES", expect: "locale=code pairs such as ti=en,fa-AF=fa: " + err.Error()}
		}
		for loc, code := range set {
			langs[loc] = code
		}
	}
	t.Languages = langs
	return t, nil
}

// loadWhatsAppNumber reads WHATSAPP_NUMBER, the number people write to on WhatsApp, for the
// click-to-chat links of invites (https://wa.me/<number>): written as people write it (+39 02
// 1234 5678), kept as digits. It means something only with WhatsApp configured.
func loadWhatsAppNumber(get func(name, def string) string, whatsAppOn bool) (string, error) {
	raw := get("WHATSAPP_NUMBER", "")
	if raw == "" {
		return "", nil
	}
	if !whatsAppOn {
		return "", configError{name: "WHATSAPP_NUMBER", expect: "set only with WhatsApp configured (WHATSAPP_ACCESS_TOKEN and the others)"}
	}
	digits := strings.NewReplacer("+", "", " ", "", "-", "", ".", "", "(", "", ")", "").Replace(strings.TrimSpace(raw))
	if len(digits) < 8 || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" || digits[0] == '0' {
		// Not echoed: it is a phone number.
		return "", configError{name: "WHATSAPP_NUMBER", expect: "the WhatsApp number people write to, with its country code (+39 and the number)"}
	}
	return digits, nil
}
