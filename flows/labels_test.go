package flows

import (
	"testing"
	"unicode/utf8"

	"github.com/insideaut/insidebot/locales"
)

// Every button label of the beneficiary's journeys fits WhatsApp's 20 characters as written,
// in every language that has its own translation (WhatsApp would otherwise show a list
// instead of reply buttons).
func TestButtonLabelsFit(t *testing.T) {
	t.Parallel()
	const whatsAppButtonRunes = 20
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{
		"menu.plan", "menu.housing", "menu.jobs", "menu.labs", "menu.tutor", "menu.language", "menu.privacy", "menu.help",
		"menu.back", "menu.back_menu", "menu.previous", "menu.next",
		"onboarding.agree", "onboarding.disagree", "onboarding.more", "onboarding.yes", "onboarding.no",
		"plan.done", "plan.help",
		"leads.any_filter", "leads.filter", "leads.any_rent", "leads.any_sharing", "leads.btn_shared", "leads.btn_not_shared",
		"leads.interested",
		"labs.yes", "labs.no", "labs.join", "labs.map",
		"privacy.title_button", "privacy.my_data", "privacy.choices", "privacy.erase", "privacy.research_on", "privacy.research_off",
		"privacy.news_on", "privacy.news_off", "privacy.service_off", "privacy.erase_yes", "privacy.erase_no",
		"help.contacts", "relay.send",
	}
	// Choices the filter marks with "✅ " when they are the current one.
	marked := []string{"leads.any_rent", "leads.any_sharing", "leads.btn_shared", "leads.btn_not_shared"}
	for _, l := range locales.Languages() {
		loc := cat.For(l.Code)
		check := func(id, text string) {
			if n := utf8.RuneCountInString(text); n > whatsAppButtonRunes {
				t.Errorf("%s %s is %d characters: %q", l.Code, id, n, text)
			}
		}
		for _, id := range ids {
			if cat.Has(l.Code, id) {
				check(id, loc.T(id))
			}
		}
		for _, id := range marked {
			if cat.Has(l.Code, id) {
				check(id, "✅ "+loc.T(id))
			}
		}
		if cat.Has(l.Code, "leads.btn_up_to") {
			check("leads.btn_up_to", "✅ "+loc.T("leads.btn_up_to", "Rent", 700))
		}
	}
}
