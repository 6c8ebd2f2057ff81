package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Onboarding: an invite code (/start <code> from a Telegram deep link or the web-chat link, or
// the code typed as text by someone not yet linked) links the account to the beneficiary or
// staff member it was made for. A beneficiary then picks a language, reads a layered privacy
// notice and answers three separate consents: the service (needed to go on), research and
// announcements (both optional). A staff member is greeted and pointed to /help.
const (
	ButtonOnbLanguage = "ol" // Data(ButtonOnbLanguage) shows the picker; Data(ButtonOnbLanguage, code) picks
	ButtonOnbMore     = "ot" // the simple version of the privacy notice
	ButtonOnbConsent  = "oc" // Data(ButtonOnbConsent, s|r|a, 1|0)
)

// Invite failures: five wrong, used or expired codes from one chat within an hour lock further
// attempts for an hour.
const (
	maxInviteFailures = 5
	inviteFailWindow  = time.Hour
)

func (e *Engine) onboardingRoutes() []Route {
	return []Route{
		{Command: "start", Roles: domain.Anyone, Action: "/start", Handle: e.start},
		{Text: true, Roles: domain.RoleAnonymous, Action: "invite-text", Handle: e.anonymousText},
		{Button: ButtonOnbLanguage, Roles: domain.RoleBeneficiary, Handle: e.onboardingLanguage},
		{Button: ButtonOnbMore, Roles: domain.RoleBeneficiary, Handle: e.onboardingMore},
		{Button: ButtonOnbConsent, Roles: domain.RoleBeneficiary, Handle: e.onboardingConsent},
	}
}

// start handles /start with or without a code. A staff member's account is never relinked by
// a code: a tutor who taps the link they made for someone would otherwise lose their own
// access and use up the other person's code.
func (e *Engine) start(ctx context.Context, c *Ctx) error {
	code := strings.TrimSpace(c.In.Text)
	if code == "" {
		return e.startWithoutCode(ctx, c)
	}
	if c.Actor.Staff != nil {
		return c.ReplyText(ctx, staffGreeting(*c.Actor.Staff, "onboarding.staff_code"), "Name", c.Actor.Staff.DisplayName)
	}
	return e.redeem(ctx, c, code)
}

// startWithoutCode: a stranger learns what the service is (nothing is stored); a beneficiary
// goes on where they are; a staff member is pointed to /help.
func (e *Engine) startWithoutCode(ctx context.Context, c *Ctx) error {
	switch {
	case c.Actor.Staff != nil:
		return c.ReplyText(ctx, staffGreeting(*c.Actor.Staff, "onboarding.staff_hello"), "Name", c.Actor.Staff.DisplayName)
	case c.Actor.Beneficiary != nil:
		if !c.Actor.Beneficiary.ConsentServiceAt.Valid {
			return e.resumeOnboarding(ctx, c)
		}
		c.ClearStep()
		return c.Reply(ctx, e.menuMessage(c, "menu.hello"))
	}
	return e.aboutService(ctx, c)
}

// anonymousText tries a typed text that looks like an invite code; any other text from
// someone not linked gets the explanation of the service.
func (e *Engine) anonymousText(ctx context.Context, c *Ctx) error {
	if looksLikeInviteCode(c.In.Text) {
		return e.redeem(ctx, c, c.In.Text)
	}
	return e.aboutService(ctx, c)
}

// looksLikeInviteCode tells whether a typed text was meant as a code: one short word of
// letters and digits (spaces and dashes aside) with a digit in it, or exactly a valid code.
func looksLikeInviteCode(s string) bool {
	if _, ok := storage.NormalizeInviteCode(s); ok {
		return true
	}
	var n int
	var digit bool
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '_':
		case r < unicode.MaxASCII && unicode.IsDigit(r):
			digit = true
			n++
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			n++
		default:
			return false
		}
	}
	return digit && n >= 6 && n <= 12
}

func inviteFailKey(c *Ctx) string { return "invite-fail:" + c.In.ChatKey() }

// redeem tries an invite code and, when it is good, links this account in the update's
// transaction.
func (e *Engine) redeem(ctx context.Context, c *Ctx, typed string) error {
	key := inviteFailKey(c)
	n, ttl, err := e.redis.Count(ctx, key)
	if err != nil {
		return err
	}
	if n >= maxInviteFailures {
		return c.Reply(ctx, bot.Outgoing{Text: c.L.N("onboarding.locked", minutesLeft(ttl))})
	}
	inv, err := storage.RedeemInvite(ctx, c.Tx, typed, c.Now)
	switch {
	case errors.Is(err, storage.ErrInviteUsed) && c.Actor.Identity != nil && inv.UsedBy.Valid && inv.UsedBy.Int64 == c.Actor.Identity.ID:
		// The person's own code again (the deep link tapped twice): go on where they are.
		return e.startWithoutCode(ctx, c)
	case errors.Is(err, storage.ErrInviteUnknown):
		return e.inviteFailed(ctx, c, "onboarding.code_unknown")
	case errors.Is(err, storage.ErrInviteUsed):
		return e.inviteFailed(ctx, c, "onboarding.code_used")
	case errors.Is(err, storage.ErrInviteExpired):
		return e.inviteFailed(ctx, c, "onboarding.code_expired")
	case err != nil:
		return err
	}
	var linked bool
	switch {
	case inv.BeneficiaryID.Valid:
		linked, err = e.onboardBeneficiary(ctx, c, inv)
	case inv.StaffID.Valid:
		linked, err = e.onboardStaff(ctx, c, inv)
	default:
		return fmt.Errorf("invite %d names nobody", inv.ID)
	}
	if err != nil || !linked {
		return err
	}
	// A success starts the count of failures again (a phone handed on to someone else).
	return e.redis.SetCounter(ctx, key, 0, time.Minute)
}

// inviteFailed counts a failed attempt and answers why it failed, or that attempts are locked.
func (e *Engine) inviteFailed(ctx context.Context, c *Ctx, msgID string) error {
	key := inviteFailKey(c)
	n, err := e.redis.Incr(ctx, key, inviteFailWindow)
	if err != nil {
		return err
	}
	if n >= maxInviteFailures {
		if err := e.redis.SetCounter(ctx, key, n, inviteFailWindow); err != nil {
			return err
		}
		return c.Reply(ctx, bot.Outgoing{Text: c.T(msgID) + "\n\n" + c.L.N("onboarding.locked", minutesLeft(inviteFailWindow))})
	}
	return c.ReplyText(ctx, msgID)
}

func minutesLeft(d time.Duration) int {
	m := int((d + time.Minute - 1) / time.Minute)
	return max(m, 1)
}

// onboardBeneficiary links the account to the beneficiary of the invite and shows the language
// picker, with the platform's language preselected. linked is false when the invite's
// beneficiary was erased meanwhile (answered as a wrong code).
func (e *Engine) onboardBeneficiary(ctx context.Context, c *Ctx, inv storage.Invite) (linked bool, err error) {
	b, err := storage.BeneficiaryByID(ctx, c.Tx, inv.BeneficiaryID.Int64)
	if err != nil {
		return false, err
	}
	if b.Status == storage.BeneficiaryErased {
		return false, e.inviteFailed(ctx, c, "onboarding.code_unknown")
	}
	ident, err := storage.LinkIdentity(ctx, c.Tx, storage.NewIdentity{Channel: c.In.Channel, ExternalID: c.In.UserID,
		ChatID: c.In.ChatID, BeneficiaryID: b.ID}, c.Now)
	if err != nil {
		return false, err
	}
	if err := storage.InviteUsedBy(ctx, c.Tx, inv.ID, ident.ID); err != nil {
		return false, err
	}
	if lang := locales.Match(c.In.LangHint); lang != "" && lang != b.Lang && !b.ConsentServiceAt.Valid {
		if err := storage.SetBeneficiaryLang(ctx, c.Tx, b.ID, lang); err != nil {
			return false, err
		}
		b.Lang = lang
	}
	c.ClearStep() // a phone handed on starts clean
	c.Actor = domain.Actor{Identity: &ident, Beneficiary: &b}
	c.L = e.cat.For(b.Lang)
	if err := c.Audit(ctx, "invite:redeem", "beneficiary", strconv.FormatInt(b.ID, 10), ""); err != nil {
		return false, err
	}
	if b.ConsentServiceAt.Valid {
		// Already onboarded on another channel: this account joins them.
		return true, c.Reply(ctx, e.menuMessage(c, "onboarding.linked_again"))
	}
	return true, c.Reply(ctx, e.pickerMessage(c, "onboarding.welcome", ButtonOnbLanguage))
}

// onboardStaff activates the staff member of the invite, links the account and greets them.
// linked is false when the staff member was disabled (answered as a wrong code).
func (e *Engine) onboardStaff(ctx context.Context, c *Ctx, inv storage.Invite) (linked bool, err error) {
	s, err := storage.StaffByID(ctx, c.Tx, inv.StaffID.Int64)
	if err != nil {
		return false, err
	}
	if s.Status == "disabled" {
		return false, e.inviteFailed(ctx, c, "onboarding.code_unknown")
	}
	if s.Status != "active" {
		if err := storage.SetStaffStatus(ctx, c.Tx, s.ID, "active"); err != nil {
			return false, err
		}
		s.Status = "active"
	}
	ident, err := storage.LinkIdentity(ctx, c.Tx, storage.NewIdentity{Channel: c.In.Channel, ExternalID: c.In.UserID,
		ChatID: c.In.ChatID, StaffID: s.ID}, c.Now)
	if err != nil {
		return false, err
	}
	if err := storage.InviteUsedBy(ctx, c.Tx, inv.ID, ident.ID); err != nil {
		return false, err
	}
	c.ClearStep()
	c.Actor = domain.Actor{Identity: &ident, Staff: &s}
	c.L = e.cat.For(s.Lang)
	if err := c.Audit(ctx, "invite:redeem", "staff", strconv.FormatInt(s.ID, 10), ""); err != nil {
		return false, err
	}
	if err := c.ReplyText(ctx, staffGreeting(s, "onboarding.staff_welcome"), "Name", s.DisplayName, "Role", c.T("onboarding.role_"+s.Role)); err != nil {
		return false, err
	}
	return true, e.replyCommandMenu(ctx, c)
}

// staffGreeting is the message id that greets s: its "_anon" form, without a name, when s has
// none (a coordinator invited without --name).
func staffGreeting(s storage.Staff, id string) string {
	if s.DisplayName == "" {
		return id + "_anon"
	}
	return id
}

// replyCommandMenu sets the chat's command menu (Telegram) to what the actor's role may use,
// in their language.
func (e *Engine) replyCommandMenu(ctx context.Context, c *Ctx) error {
	cmds := e.Menu(c.Actor.Role(), c.L)
	if len(cmds) == 0 {
		return nil
	}
	return c.Reply(ctx, bot.Outgoing{Commands: cmds})
}

// pickerMessage is the language picker: the ten languages by their own names, the current one
// marked.
func (e *Engine) pickerMessage(c *Ctx, textID, button string) bot.Outgoing {
	var bs []bot.Button
	for _, l := range locales.Languages() {
		name := l.Native
		if l.Code == c.L.Lang() {
			name = "✅ " + name
		}
		bs = append(bs, btn(name, notify.Data(button, l.Code)))
	}
	return bot.Outgoing{Text: c.T(textID), Buttons: grid(bs, buttonsPerRow)}
}

// onboardingLanguage shows the picker (no argument) or sets the language and goes on to the
// privacy notice.
func (e *Engine) onboardingLanguage(ctx context.Context, c *Ctx) error {
	code := c.Args().Str(0)
	if code == "" {
		return c.Reply(ctx, e.pickerMessage(c, "language.choose", ButtonOnbLanguage))
	}
	if _, ok := e.cat.Lang(code); !ok {
		return c.Unknown(ctx)
	}
	return e.setLanguage(ctx, c, code)
}

// resumeOnboarding brings a beneficiary who has not agreed to the service yet to the privacy
// notice and the service consent.
func (e *Engine) resumeOnboarding(ctx context.Context, c *Ctx) error {
	return c.screen(ctx, c.T("onboarding.notice")+"\n\n"+c.T("onboarding.ask_service"), e.serviceConsentRows(c)...)
}

func (e *Engine) serviceConsentRows(c *Ctx) [][]bot.Button {
	return [][]bot.Button{
		{btn(c.T("onboarding.agree"), notify.Data(ButtonOnbConsent, "s", 1)), btn(c.T("onboarding.disagree"), notify.Data(ButtonOnbConsent, "s", 0))},
		{btn(c.T("onboarding.more"), notify.Data(ButtonOnbMore)), btn(c.T("menu.language"), notify.Data(ButtonOnbLanguage))},
	}
}

// onboardingMore is the simple version of the privacy notice, with the link to the full text.
func (e *Engine) onboardingMore(ctx context.Context, c *Ctx) error {
	text := c.T("onboarding.notice_more", e.privacyParams(c)...)
	if c.Actor.Beneficiary.ConsentServiceAt.Valid {
		return c.screen(ctx, text, []bot.Button{btn(c.T("privacy.title_button"), notify.Data(ButtonPrivacy))}, c.menuRow())
	}
	return c.screen(ctx, text+"\n\n"+c.T("onboarding.ask_service"), e.serviceConsentRows(c)[0])
}

func (e *Engine) privacyURL() string { return strings.TrimRight(e.set.PublicURL, "/") + "/privacy" }

// privacyParams are the values of the privacy screens: the full notice's link, who is
// responsible for the data and whom to ask.
func (e *Engine) privacyParams(c *Ctx) []any {
	controller, contact := e.set.PrivacyController, e.set.PrivacyContact
	if controller == "" {
		controller = "INSIDE AUT"
	}
	if contact == "" {
		contact = c.T("privacy.contact_unset")
	}
	return []any{"Link", e.privacyURL(), "Controller", controller, "Contact", contact}
}

// onboardingConsent records an answer to one of the three consents and asks the next.
func (e *Engine) onboardingConsent(ctx context.Context, c *Ctx) error {
	b := c.Actor.Beneficiary
	purpose, yes := c.Args().Str(0), c.Args().Str(1) == "1"
	if c.Args().Str(1) != "1" && c.Args().Str(1) != "0" {
		return c.Unknown(ctx)
	}
	switch purpose {
	case "s":
		if b.ConsentServiceAt.Valid {
			if !yes {
				// Withdrawing the service consent is erasing: ask for confirmation.
				return e.confirmErase(ctx, c, true)
			}
			c.Answer(c.T("onboarding.already"))
			return c.Reply(ctx, e.menuMessage(c, ""))
		}
		if !yes {
			return c.screen(ctx, c.T("onboarding.service_refused"),
				[]bot.Button{btn(c.T("onboarding.agree"), notify.Data(ButtonOnbConsent, "s", 1))},
				[]bot.Button{btn(c.T("privacy.erase"), notify.Data(ButtonErase))})
		}
		if err := e.domain.GiveServiceConsent(ctx, c.Tx, c.Now, c.Actor); err != nil {
			return err
		}
		return c.Reply(ctx, bot.Outgoing{Text: c.T("onboarding.thanks") + "\n\n" + c.T("onboarding.ask_research"),
			Buttons: [][]bot.Button{{btn(c.T("onboarding.yes"), notify.Data(ButtonOnbConsent, "r", 1)), btn(c.T("onboarding.no"), notify.Data(ButtonOnbConsent, "r", 0))}}})
	case "r", "a":
		if !b.ConsentServiceAt.Valid {
			return e.resumeOnboarding(ctx, c)
		}
		if err := e.setOptionalConsent(ctx, c, purpose, yes); err != nil {
			return err
		}
		if purpose == "r" {
			return c.Reply(ctx, bot.Outgoing{Text: c.T("onboarding.ask_announcements"),
				Buttons: [][]bot.Button{{btn(c.T("onboarding.yes"), notify.Data(ButtonOnbConsent, "a", 1)), btn(c.T("onboarding.no"), notify.Data(ButtonOnbConsent, "a", 0))}}})
		}
		if err := c.Reply(ctx, e.menuMessage(c, "onboarding.done")); err != nil {
			return err
		}
		return e.replyCommandMenu(ctx, c)
	}
	return c.Unknown(ctx)
}

// setOptionalConsent gives or withdraws the research ("r") or announcements ("a") consent.
// Giving the announcements consent also undoes an earlier STOP.
func (e *Engine) setOptionalConsent(ctx context.Context, c *Ctx, purpose string, yes bool) error {
	p := storage.ConsentResearch
	if purpose == "a" {
		p = storage.ConsentAnnouncements
	}
	if err := e.domain.SetOptionalConsent(ctx, c.Tx, c.Now, c.Actor, p, yes); err != nil {
		return err
	}
	return e.reloadBeneficiary(ctx, c)
}

// reloadBeneficiary reads the actor's record again after a change.
func (e *Engine) reloadBeneficiary(ctx context.Context, c *Ctx) error {
	b, err := storage.BeneficiaryByID(ctx, c.Tx, c.Actor.Beneficiary.ID)
	if err != nil {
		return err
	}
	c.Actor.Beneficiary = &b
	return nil
}
