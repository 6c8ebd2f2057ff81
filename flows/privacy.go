package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/mydata"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Privacy: what insidebot keeps about me (a readable summary), the optional consents given or
// withdrawn, and erasure: after a confirmation the tutor is told, the beneficiary's identities
// and personal fields are erased (their records stay only in pseudonymised form for the
// project's figures) and a goodbye goes to the chat. Withdrawing the service consent is the
// same as erasing.
const (
	ButtonMyData       = "pk" // the summary of what is kept
	ButtonConsents     = "pc" // the consents
	ButtonSetConsent   = "pg" // Data(ButtonSetConsent, r|a, 1|0)
	ButtonErase        = "px" // the confirmation; Data(ButtonErase, "s") when withdrawing the service consent
	ButtonEraseConfirm = "py" // erase: Data(ButtonEraseConfirm, one-time token)
)

func (e *Engine) privacyRoutes() []Route {
	return []Route{
		{Command: "privacy", Roles: domain.RoleBeneficiary, Help: "menu.cmd_privacy", Handle: e.member(e.privacyMenu)},
		{Button: ButtonPrivacy, Roles: domain.RoleBeneficiary, Handle: e.member(e.privacyMenu)},
		{Button: ButtonMyData, Roles: domain.RoleBeneficiary, Handle: e.member(e.myData)},
		{Button: ButtonConsents, Roles: domain.RoleBeneficiary, Handle: e.member(e.consents)},
		{Button: ButtonSetConsent, Roles: domain.RoleBeneficiary, Handle: e.member(e.setConsent)},
		// Erasure is open to a beneficiary who has not agreed to the service too.
		{Button: ButtonErase, Roles: domain.RoleBeneficiary, Handle: e.eraseAsk},
		{Button: ButtonEraseConfirm, Roles: domain.RoleBeneficiary, Action: "erase", Handle: e.erase},
	}
}

func (e *Engine) privacyMenu(ctx context.Context, c *Ctx) error {
	return c.screen(ctx, c.T("privacy.menu", e.privacyParams(c)...),
		[]bot.Button{btn(c.T("privacy.my_data"), notify.Data(ButtonMyData)), btn(c.T("privacy.choices"), notify.Data(ButtonConsents))},
		[]bot.Button{btn(c.T("onboarding.more"), notify.Data(ButtonOnbMore)), btn(c.T("privacy.erase"), notify.Data(ButtonErase))},
		c.menuRow())
}

// myData answers the right of access: everything kept about the beneficiary (mydata.Collect),
// as readable messages in their language, one per page, then, where the channel carries files
// (Telegram, the web chat), the same as a JSON file; WhatsApp gets the messages only. Then the
// privacy choices.
func (e *Engine) myData(ctx context.Context, c *Ctx) error {
	r, err := mydata.Collect(ctx, c.Tx, c.Actor.Beneficiary.ID, c.Now)
	if err != nil {
		return err
	}
	for _, page := range r.Pages(c.L, e.set.Location, e.retentionDays()) {
		if err := c.Reply(ctx, bot.Outgoing{Text: page}); err != nil {
			return err
		}
	}
	if c.In.Channel == bot.Telegram || c.In.Channel == bot.Webchat {
		file, err := r.JSON()
		if err != nil {
			return err
		}
		if err := c.Reply(ctx, bot.Outgoing{Text: c.T("mydata.file_caption"),
			Document: &bot.File{Name: myDataFile, MIME: "application/json", Data: file}}); err != nil {
			return err
		}
	}
	return e.privacyMenu(ctx, c)
}

// myDataFile is the name of the file a person gets with their data.
const myDataFile = "insidebot-my-data.json"

// retentionDays is MESSAGE_RETENTION in days, as the access request states it.
func (e *Engine) retentionDays() int {
	d := e.set.MessageRetention
	if d <= 0 {
		d = defaultMessageRetention
	}
	return int(d.Hours() / 24)
}

// defaultMessageRetention is MESSAGE_RETENTION's default (720h).
const defaultMessageRetention = 30 * 24 * time.Hour

func (e *Engine) consentLine(c *Ctx, purpose string, on bool) string {
	if on {
		return "✅ " + c.T("privacy.consent_"+purpose)
	}
	return "❌ " + c.T("privacy.consent_"+purpose)
}

// consents shows the three consents with buttons to give or withdraw each.
func (e *Engine) consents(ctx context.Context, c *Ctx) error { return e.showConsents(ctx, c, "") }

func (e *Engine) showConsents(ctx context.Context, c *Ctx, note string) error {
	b := c.Actor.Beneficiary
	var sb strings.Builder
	if note != "" {
		sb.WriteString(note + "\n\n")
	}
	sb.WriteString(c.T("privacy.choices_title"))
	sb.WriteString("\n" + e.consentLine(c, "service", true))
	sb.WriteString("\n" + e.consentLine(c, "research", b.ConsentResearchAt.Valid))
	sb.WriteString("\n" + e.consentLine(c, "announcements", b.WantsAnnouncements()))
	sb.WriteString("\n\n" + c.T("privacy.choices_explain"))
	research := btn(c.T("privacy.research_on"), notify.Data(ButtonSetConsent, "r", 1))
	if b.ConsentResearchAt.Valid {
		research = btn(c.T("privacy.research_off"), notify.Data(ButtonSetConsent, "r", 0))
	}
	news := btn(c.T("privacy.news_on"), notify.Data(ButtonSetConsent, "a", 1))
	if b.WantsAnnouncements() {
		news = btn(c.T("privacy.news_off"), notify.Data(ButtonSetConsent, "a", 0))
	}
	return c.screen(ctx, sb.String(),
		[]bot.Button{research, news},
		[]bot.Button{btn(c.T("privacy.service_off"), notify.Data(ButtonErase, "s"))},
		[]bot.Button{btn(c.T("menu.back"), notify.Data(ButtonPrivacy)), c.menuRow()[0]})
}

func (e *Engine) setConsent(ctx context.Context, c *Ctx) error {
	purpose, v := c.Args().Str(0), c.Args().Str(1)
	if (purpose != "r" && purpose != "a") || (v != "1" && v != "0") {
		return c.Unknown(ctx)
	}
	if err := e.setOptionalConsent(ctx, c, purpose, v == "1"); err != nil {
		return err
	}
	return e.showConsents(ctx, c, c.T("privacy.saved"))
}

// eraseAsk asks for confirmation before erasing.
func (e *Engine) eraseAsk(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	return e.confirmErase(ctx, c, c.Args().Str(0) == "s")
}

func (e *Engine) confirmErase(ctx context.Context, c *Ctx, service bool) error {
	text := c.T("privacy.erase_confirm")
	if service {
		text = c.T("privacy.service_is_erase") + "\n\n" + text
	}
	back := notify.Data(ButtonPrivacy)
	if !c.Actor.Beneficiary.ConsentServiceAt.Valid {
		back = notify.Data(ButtonOnbConsent, "s", 1)
	}
	token, err := c.confirmToken(ctx, confirmErase, strconv.FormatInt(c.Actor.Beneficiary.ID, 10))
	if err != nil {
		return err
	}
	return c.screen(ctx, text,
		[]bot.Button{btn(c.T("privacy.erase_yes"), notify.Data(ButtonEraseConfirm, token))},
		[]bot.Button{btn(c.T("privacy.erase_no"), back)})
}

// erase erases the beneficiary (storage.EraseBeneficiary), tells the tutor with the code they
// knew, and says goodbye in their language to the chat, which is no longer linked to anyone.
// Redis is cleared once the update commits; the second purge, once the goodbye and the tutor's
// alert are delivered, removes what those deliveries left (domain/erasure.go).
func (e *Engine) erase(ctx context.Context, c *Ctx) error {
	b := *c.Actor.Beneficiary
	// Only the button shown with the question erases: a payload made up by hand or pressed
	// twice finds no token.
	target, ok, err := c.takeConfirm(ctx, confirmErase, 0)
	if err != nil || !ok {
		return err
	}
	if target != strconv.FormatInt(b.ID, 10) {
		return c.Unknown(ctx)
	}
	err = e.domain.ErasePerson(ctx, c.Tx, c.Now, c.Actor, b)
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, domain.ErrDenied) {
		return c.Unknown(ctx)
	}
	if err != nil {
		return err
	}
	c.ClearStep()
	c.Actor = domain.Actor{} // the identity is gone: the goodbye goes to the chat as it is
	return c.ReplyText(ctx, "privacy.goodbye")
}
