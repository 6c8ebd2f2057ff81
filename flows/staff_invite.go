package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Kinds of person /invite creates (the first argument of an "ti" button).
const (
	tutorInviteBeneficiary = "b"
	tutorInviteTutor       = "t"
)

// tutorQRSize is the side of the invite's QR code image, in pixels.
const tutorQRSize = 512

// tutorInvite answers /invite [lang] [territory] (a beneficiary assigned to the caller) and
// /invite tutor [territory] (coordinators and admins: a pending tutor). Missing arguments are
// asked with buttons.
func (e *Engine) tutorInvite(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	args := tutorFields(c)
	kind := tutorInviteBeneficiary
	if len(args) > 0 && strings.EqualFold(args[0], storage.RoleOperator) {
		return e.inviteOperator(ctx, c, args[1:])
	}
	if len(args) > 0 && strings.EqualFold(args[0], "tutor") {
		kind, args = tutorInviteTutor, args[1:]
		if !c.Actor.IsCoordinator() {
			return c.Deny(ctx, "/invite tutor", "territory", strings.Join(args, " "))
		}
		if len(args) > 1 {
			return c.ReplyText(ctx, "invite.usage")
		}
	} else if len(args) > 2 {
		return c.ReplyText(ctx, "invite.usage")
	}
	if len(tutorFields(c)) == 0 && c.Actor.IsCoordinator() {
		kind = ""
	}
	lang, terr := "", ""
	if kind == tutorInviteBeneficiary && len(args) > 0 {
		lang = locales.Match(args[0])
		if lang == "" {
			return c.ReplyText(ctx, "invite.bad_lang", "Typed", args[0], "Codes", tutorLangCodes())
		}
		args = args[1:]
	}
	if len(args) > 0 {
		t, err := ParseTerritory(ctx, c.Tx, args[0])
		if errors.Is(err, storage.ErrNotFound) {
			return c.ReplyText(ctx, "ui.bad_territory", "Input", args[0])
		}
		if err != nil {
			return err
		}
		terr = t.Code
	}
	return e.tutorInviteFlow(ctx, c, kind, lang, terr)
}

// tutorInviteButton runs the /invite pickers: ti:<kind>[:<lang>[:<territory>]]. They work only
// while the form is open, so a second tap creates no second person.
func (e *Engine) tutorInviteButton(ctx context.Context, c *Ctx) error {
	if c.State.Step != stepTutorInvite {
		return e.tutorStale(ctx, c, "", "")
	}
	args := c.Args()
	kind, lang, terr := args.Str(0), args.Str(1), args.Str(2)
	if kind != tutorInviteBeneficiary && kind != tutorInviteTutor {
		return e.tutorStale(ctx, c, "", "")
	}
	if lang == "-" {
		lang = ""
	}
	if lang != "" {
		if _, ok := e.cat.Lang(lang); !ok {
			return e.tutorStale(ctx, c, "", "")
		}
	}
	if terr != "" {
		t, err := ParseTerritory(ctx, c.Tx, terr)
		if errors.Is(err, storage.ErrNotFound) {
			return e.tutorStale(ctx, c, "territory", terr)
		}
		if err != nil {
			return err
		}
		terr = t.Code
	}
	return e.tutorInviteFlow(ctx, c, kind, lang, terr)
}

// tutorInviteFlow asks what is still missing, then creates the person and their invite.
func (e *Engine) tutorInviteFlow(ctx context.Context, c *Ctx, kind, lang, terr string) error {
	l := c.L
	if kind == tutorInviteTutor && !c.Actor.IsCoordinator() {
		c.ClearStep()
		return c.Deny(ctx, "/invite tutor", "territory", terr)
	}
	if kind == "" {
		c.SetStep(stepTutorInvite, nil)
		return c.Reply(ctx, bot.Outgoing{Text: l.T("invite.ask_kind"), Buttons: [][]bot.Button{
			{{Text: l.T("invite.kind_beneficiary"), Data: notify.Data(ButtonTutorInvite, tutorInviteBeneficiary)},
				{Text: l.T("invite.kind_tutor"), Data: notify.Data(ButtonTutorInvite, tutorInviteTutor)}},
			tutorCancelRow(l),
		}})
	}
	if kind == tutorInviteBeneficiary && lang == "" {
		c.SetStep(stepTutorInvite, nil)
		var rows [][]bot.Button
		var row []bot.Button
		for _, lg := range locales.Languages() {
			row = append(row, bot.Button{Text: lg.Native, Data: notify.Data(ButtonTutorInvite, kind, lg.Code, terr)})
			if len(row) == 2 {
				rows = append(rows, row)
				row = nil
			}
		}
		return c.Reply(ctx, bot.Outgoing{Text: l.T("invite.ask_lang"), Buttons: tutorRows(rows, row, tutorCancelRow(l))})
	}
	if terr == "" {
		terr = c.Actor.HomeTerritory()
	}
	if terr == "" {
		ts, err := storage.Territories(ctx, c.Tx)
		if err != nil {
			return err
		}
		c.SetStep(stepTutorInvite, nil)
		var rows [][]bot.Button
		var row []bot.Button
		langArg := lang
		if langArg == "" {
			langArg = "-"
		}
		for _, t := range ts {
			row = append(row, bot.Button{Text: label(t.Code + " " + t.Name), Data: notify.Data(ButtonTutorInvite, kind, langArg, t.Code)})
			if len(row) == 3 {
				rows = append(rows, row)
				row = nil
			}
		}
		return c.Reply(ctx, bot.Outgoing{Text: l.T("invite.ask_territory"), Buttons: tutorRows(rows, row, tutorCancelRow(l))})
	}
	c.ClearStep()
	action := "/invite"
	if kind == tutorInviteTutor {
		action = "/invite tutor"
	}
	if !c.Actor.CanUseTerritory(terr) {
		return tutorRefuse(ctx, c, action, "territory", terr, "invite.foreign_territory", "Territory", terr)
	}
	req := domain.InviteRequest{Role: "beneficiary", Territory: terr, Lang: lang, TutorID: c.Actor.Staff.ID, CreatedBy: c.Actor.Staff.ID}
	if kind == tutorInviteTutor {
		req = domain.InviteRequest{Role: storage.RoleTutor, Territory: terr, CreatedBy: c.Actor.Staff.ID}
	}
	inv, err := domain.InvitePerson(ctx, c.Tx, c.Now, c.Actor, req, e.links())
	var ie *domain.InviteError
	if errors.As(err, &ie) {
		// The arguments were checked above: what is left is a tutor who can no longer be assigned.
		return c.ReplyText(ctx, "invite.failed")
	}
	if err != nil {
		return err
	}
	var text string
	if kind == tutorInviteTutor {
		text = l.T("invite.tutor_done", "Territory", terr)
	} else {
		native := lang
		if lg, ok := e.cat.Lang(lang); ok {
			native = lg.Native
		}
		text = l.T("invite.beneficiary_done", "Code", inv.BeneficiaryCode, "Territory", terr, "Lang", native)
	}
	return e.replyInvite(ctx, c, text, inv)
}

// replyInvite answers a created invite: what was created (text), the code with its links, and
// the QR code of the link it should be opened with.
func (e *Engine) replyInvite(ctx context.Context, c *Ctx, text string, inv domain.Invitation) error {
	qr, err := qrcode.Encode(inv.QRLink(), qrcode.Medium, tutorQRSize)
	if err != nil {
		return fmt.Errorf("invite QR code: %w", err)
	}
	text += "\n\n" + inviteDetails(c.L, inv, e.tutorTime(c.L, inv.ExpiresAt))
	return c.Reply(ctx, bot.Outgoing{Text: text, Image: &bot.File{Name: "invite.png", MIME: "image/png", Data: qr}})
}

// inviteDetails is the code with its deadline, a line for each channel that is on, and how
// to hand it out.
func inviteDetails(l *locales.Localizer, inv domain.Invitation, until string) string {
	lines := []string{l.T("invite_links.code", "Invite", inv.Code, "Until", until)}
	for _, c := range []struct{ id, link string }{
		{"invite_links.telegram", inv.TelegramLink}, {"invite_links.whatsapp", inv.WhatsAppLink}, {"invite_links.web", inv.WebchatLink},
	} {
		if c.link != "" {
			lines = append(lines, l.T(c.id, "Link", c.link))
		}
	}
	return strings.Join(append(lines, l.T("invite_links.show")), "\n")
}

func tutorLangCodes() string {
	var codes []string
	for _, l := range locales.Languages() {
		codes = append(codes, l.Code)
	}
	return strings.Join(codes, ", ")
}

// tutorRows closes a grid of buttons: the rows so far, the last partial row if any, then more
// rows.
func tutorRows(rows [][]bot.Button, partial []bot.Button, more ...[]bot.Button) [][]bot.Button {
	if len(partial) > 0 {
		rows = append(rows, partial)
	}
	return append(rows, more...)
}
