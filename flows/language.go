package flows

import (
	"context"

	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Language: a beneficiary changes the language at any time, by the picker or by typing a
// language's name; everything after it is in the new language.
const ButtonSetLanguage = "lc" // Data(ButtonSetLanguage, code)

func (e *Engine) languageRoutes() []Route {
	return []Route{
		{Command: "language", Roles: domain.RoleBeneficiary, Help: "menu.cmd_language", Handle: e.member(e.languagePicker)},
		{Button: ButtonLanguage, Roles: domain.RoleBeneficiary, Handle: e.member(e.languagePicker)},
		{Button: ButtonSetLanguage, Roles: domain.RoleBeneficiary, Handle: e.member(e.chooseLanguage)},
	}
}

func (e *Engine) languagePicker(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, e.pickerMessage(c, "language.choose", ButtonSetLanguage))
}

func (e *Engine) chooseLanguage(ctx context.Context, c *Ctx) error {
	code := c.Args().Str(0)
	if _, ok := e.cat.Lang(code); !ok {
		return c.Unknown(ctx)
	}
	return e.setLanguage(ctx, c, code)
}

// setLanguage switches the beneficiary's language and answers in it: the privacy notice while
// onboarding, else the menu (and the chat's command menu in the new language).
func (e *Engine) setLanguage(ctx context.Context, c *Ctx, code string) error {
	b := c.Actor.Beneficiary
	if b.Lang != code {
		if err := storage.SetBeneficiaryLang(ctx, c.Tx, b.ID, code); err != nil {
			return err
		}
		b.Lang = code
	}
	c.L = e.cat.For(code)
	if !b.ConsentServiceAt.Valid {
		return e.resumeOnboarding(ctx, c)
	}
	c.ClearStep()
	if err := c.Reply(ctx, e.menuMessage(c, "language.changed")); err != nil {
		return err
	}
	return e.replyCommandMenu(ctx, c)
}

// typedLanguage recognises a language typed by name (its own name, or its English or Italian
// name), such as "Français", "arabic" or "اردو"; "" when the text is not one. Codes are not
// matched: "so" or "it" typed alone are more often words than languages.
func typedLanguage(s string) string {
	t := foldWord(s)
	if t == "" {
		return ""
	}
	names := map[string][]string{
		"it":    {"italian", "italiano"},
		"en":    {"english", "inglese"},
		"fr":    {"french", "francese", "francais"},
		"ar":    {"arabic", "arabo"},
		"ur":    {"urdu"},
		"bn":    {"bengali", "bangla"},
		"fa-AF": {"dari", "persian", "farsi"},
		"ps":    {"pashto", "pashtu"},
		"ti":    {"tigrinya", "tigrino"},
		"so":    {"somali", "somalo"},
	}
	for _, l := range locales.Languages() {
		if t == foldWord(l.Native) {
			return l.Code
		}
		for _, n := range names[l.Code] {
			if t == n {
				return l.Code
			}
		}
	}
	return ""
}
