package flows

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// My tutor: ButtonMyTutor opens a conversation with the assigned tutor. While it is open each
// text, voice note, photo, video or PDF the beneficiary sends reaches the tutor as an alert
// with the beneficiary's code (never a phone number or a platform), and the bot answers only
// "sent"; "menu", "/menu", the menu words of the person's language, "Back to menu" (or any
// other screen) close it. The tutor's answers arrive through Engine.MessageFromTutor, or as a
// reply (/reply, the alert's Reply) with a text or a file.

// StepTutorChat is the conversation step of an open conversation with the tutor.
const StepTutorChat = "tutor_chat"

func (e *Engine) tutorChatRoutes() []Route {
	rs := []Route{
		{Command: "tutor", Roles: domain.RoleBeneficiary, Help: "menu.cmd_tutor", Handle: e.member(e.openTutorChat)},
		{Button: notify.ButtonMyTutor, Roles: domain.RoleBeneficiary, Handle: e.member(e.openTutorChat)},
		{Step: StepTutorChat, Roles: domain.RoleBeneficiary, Action: "tutor-message", Handle: e.relayToTutor},
		{Media: true, Roles: domain.Staff, Action: "reply", Handle: e.tutorFile},
	}
	return append(rs, e.saidRoutes()...)
}

func (e *Engine) openTutorChat(ctx context.Context, c *Ctx) error {
	if !c.Actor.Beneficiary.TutorID.Valid {
		return c.screen(ctx, c.T("mytutor.none"), []bot.Button{btn(c.T("menu.help"), notify.Data(ButtonHelp)), c.menuRow()[0]})
	}
	c.SetStep(StepTutorChat, nil)
	return c.screen(ctx, c.T("mytutor.open"), c.menuRow())
}

// tutorChatReady checks that a beneficiary may write to a tutor now; when not, it has
// answered (onboarding resumed, or "no tutor yet") and closed the conversation.
func (e *Engine) tutorChatReady(ctx context.Context, c *Ctx) (bool, error) {
	b := c.Actor.Beneficiary
	if !b.ConsentServiceAt.Valid {
		c.ClearStep()
		return false, e.resumeOnboarding(ctx, c)
	}
	if !b.TutorID.Valid {
		c.ClearStep()
		return false, c.screen(ctx, c.T("mytutor.none"), []bot.Button{btn(c.T("menu.help"), notify.Data(ButtonHelp)), c.menuRow()[0]})
	}
	return true, nil
}

// relayToTutor passes a text on to the tutor and acknowledges it; a menu word leaves the
// conversation instead.
func (e *Engine) relayToTutor(ctx context.Context, c *Ctx) error {
	if ok, err := e.tutorChatReady(ctx, c); err != nil || !ok {
		return err
	}
	text := strings.TrimSpace(c.In.Text)
	if text == "" {
		return nil
	}
	if e.isMenuWord(c, text) {
		c.ClearStep()
		return e.showMenu(ctx, c)
	}
	c.SetStep(StepTutorChat, nil) // the conversation stays open another StateTTL
	return e.relayText(ctx, c, text)
}

// isMenuWord tells whether a whole text is one of the words for the menu (menu.words.menu) in
// the person's language, English or Italian: "menu", "back", "القائمة".
func (e *Engine) isMenuWord(c *Ctx, text string) bool {
	t := foldWord(text)
	for _, l := range []*locales.Localizer{c.L, e.cat.For("en"), e.cat.For("it")} {
		for _, w := range strings.Split(l.T("menu.words.menu"), ",") {
			if f := foldWord(w); f != "" && f == t {
				return true
			}
		}
	}
	return false
}

// relayText passes a beneficiary's text on to their tutor, with the emergency numbers first
// when it looks urgent.
func (e *Engine) relayText(ctx context.Context, c *Ctx, text string) error {
	if utf8.RuneCountInString(text) > maxRelayRunes {
		return c.screen(ctx, c.T("mytutor.too_long", "Max", maxRelayRunes), c.menuRow())
	}
	if _, err := e.domain.MessageToTutor(ctx, c.Tx, c.Now, *c.Actor.Beneficiary, text, ""); err != nil {
		return err
	}
	if e.looksUrgent(text) {
		if err := e.emergencyFirst(ctx, c); err != nil {
			return err
		}
	}
	return c.screen(ctx, c.T("mytutor.sent"), c.menuRow())
}

// relayFile passes the file of in (this update's, or one kept for "Send to tutor") on to the
// beneficiary's tutor: by copy between Telegram chats, otherwise through the transit store to
// the tutor's channel. A file refused by the limits is answered with what can be sent.
func (e *Engine) relayFile(ctx context.Context, c *Ctx, in bot.Incoming) error {
	m := in.Attachment
	if e.media == nil { // a process without a transit store passes on text only
		return c.screen(ctx, c.T("mytutor.only_text"), c.menuRow())
	}
	if !m.Present() {
		return c.screen(ctx, c.T("relay.unsupported"), c.menuRow())
	}
	b := *c.Actor.Beneficiary
	file, err := e.attachFor(ctx, c, in, b.ID, notify.Person{StaffID: b.TutorID.Int64})
	if err != nil {
		return e.fileRefused(ctx, c, err, c.menuRow())
	}
	if _, err := e.domain.FileToTutor(ctx, c.Tx, c.Now, b, m.Caption, m.Kind, file); err != nil {
		return err
	}
	if m.Caption != "" && e.looksUrgent(m.Caption) {
		if err := e.emergencyFirst(ctx, c); err != nil {
			return err
		}
	}
	return c.screen(ctx, c.T("mytutor.sent"), c.menuRow())
}

// attachFor is how the file of in reaches a person on the channel they last wrote from
// (media.Store.Attach), checked against the limits first; nil, and nothing kept, when they
// cannot be reached now. owner is the beneficiary the file is about.
func (e *Engine) attachFor(ctx context.Context, c *Ctx, in bot.Incoming, owner int64, to notify.Person) (*bot.OutMedia, error) {
	if err := media.CheckDeclared(in.Attachment); err != nil {
		return nil, err
	}
	ident, err := storage.PreferredIdentity(ctx, c.Tx, to.BeneficiaryID, to.StaffID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return e.media.Attach(ctx, c.Tx, in, owner, ident.Channel)
}

// fileRefused answers a file that cannot be passed on (too big, a type not accepted, gone
// from the transit store); any other error is returned.
func (e *Engine) fileRefused(ctx context.Context, c *Ctx, err error, rows ...[]bot.Button) error {
	if r, ok := media.AsRejection(err); ok {
		return c.screen(ctx, r.Localize(c.L), rows...)
	}
	if errors.Is(err, media.ErrGone) {
		return c.screen(ctx, c.T("relay.gone"), rows...)
	}
	return err
}

// tutorFile takes a file a staff member sends: at the reply step (/reply <code>, the Reply of
// an alert or a card) it reaches the beneficiary like a reply; anywhere else the bot says how
// to send one (a sticker gets the commands, as any input the bot does not take).
func (e *Engine) tutorFile(ctx context.Context, c *Ctx) error {
	if c.State.Step != stepTutorReply {
		if !c.In.Attachment.Present() {
			return e.unknown(ctx, c) // a sticker: what staff get for anything the bot does not take
		}
		return c.ReplyText(ctx, "relay.staff_media")
	}
	b, ok, err := e.tutorFormBeneficiary(ctx, c)
	if err != nil || !ok {
		return err
	}
	if e.media == nil || !c.In.Attachment.Present() {
		return c.ReplyText(ctx, "relay.unsupported")
	}
	file, err := e.attachFor(ctx, c, c.In, b.ID, notify.Person{BeneficiaryID: b.ID})
	if err != nil {
		return e.fileRefused(ctx, c, err)
	}
	if file == nil {
		return c.ReplyText(ctx, "reply.unreachable", "Code", b.Code)
	}
	alertID := c.State.Int("a")
	c.ClearStep()
	r, err := e.domain.ReplyFileToPerson(ctx, c.Tx, c.Now, c.Actor, b, c.In.Attachment.Caption, file, alertID)
	if err != nil {
		return err
	}
	return e.tutorReplied(ctx, c, b, r)
}
