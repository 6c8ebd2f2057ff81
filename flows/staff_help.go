package flows

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// tutorMenuText lists the commands of the actor's role with their descriptions, from the route
// table: exactly what the policy lets them use.
func (e *Engine) tutorMenuText(c *Ctx) string {
	var b strings.Builder
	b.WriteString(c.T("staffhelp.title"))
	for _, cmd := range e.Menu(c.Actor.Role(), c.L) {
		b.WriteString("\n/" + cmd.Command + " — " + cmd.Description)
	}
	return b.String()
}

// tutorHelp answers /help (and /menu) for staff.
func (e *Engine) tutorHelp(ctx context.Context, c *Ctx) error {
	c.ClearStep()
	return c.Reply(ctx, bot.Outgoing{Text: e.tutorMenuText(c)})
}

// tutorFallback answers staff input nothing else takes: what they can do instead.
func (e *Engine) tutorFallback(ctx context.Context, c *Ctx) error {
	return c.Reply(ctx, bot.Outgoing{Text: c.T("staffhelp.unknown") + "\n\n" + e.tutorMenuText(c)})
}

// StaffMenuUpdate queues, for every reachable identity of a staff member, their role's command
// menu in their language (Outgoing.Commands: Telegram sets the chat's menu with setMyCommands,
// other channels ignore it). Call it when a staff identity is linked or their language changes.
func (e *Engine) StaffMenuUpdate(ctx context.Context, q storage.Queryer, staffID int64, now time.Time) error {
	s, err := storage.StaffByID(ctx, q, staffID)
	if err != nil {
		return err
	}
	if s.Status == "disabled" {
		return nil
	}
	l := e.cat.For(s.Lang)
	cmds := e.Menu(domain.Actor{Staff: &s}.Role(), l)
	idents, err := storage.IdentitiesOf(ctx, q, 0, staffID)
	if err != nil {
		return err
	}
	for _, id := range idents {
		if id.UnreachableAt.Valid {
			continue
		}
		if _, err := notify.Enqueue(ctx, q, l, bot.Outgoing{Commands: cmds}, storage.NewOutboxMessage{
			IdentityID: id.ID, Channel: id.Channel, ChatID: id.ChatID, Priority: storage.PriorityInteractive, Kind: "menu",
		}, now); err != nil {
			return err
		}
	}
	return nil
}

// tutorLang answers /lang [code]: the language a staff member reads the bot in.
func (e *Engine) tutorLang(ctx context.Context, c *Ctx) error {
	args := tutorFields(c)
	switch len(args) {
	case 0:
		return e.tutorLangPicker(ctx, c)
	case 1:
		return e.tutorSetLang(ctx, c, args[0])
	}
	return c.ReplyText(ctx, "stafflang.usage")
}

func (e *Engine) tutorLangPicker(ctx context.Context, c *Ctx) error {
	var rows [][]bot.Button
	var row []bot.Button
	for _, l := range locales.Languages() {
		row = append(row, bot.Button{Text: l.Native, Data: notify.Data(ButtonTutorLang, l.Code)})
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	return c.Reply(ctx, bot.Outgoing{Text: c.T("stafflang.pick", "Lang", c.L.Native()), Buttons: tutorRows(rows, row)})
}

// tutorLangButton sets the language picked on a button.
func (e *Engine) tutorLangButton(ctx context.Context, c *Ctx) error {
	code := c.Args().Str(0)
	if _, ok := e.cat.Lang(code); !ok {
		return e.tutorStale(ctx, c, "lang", code)
	}
	return e.tutorSetLang(ctx, c, code)
}

func (e *Engine) tutorSetLang(ctx context.Context, c *Ctx, typed string) error {
	code := locales.Match(typed)
	if code == "" {
		return c.ReplyText(ctx, "stafflang.unknown", "Typed", typed, "Codes", tutorLangCodes())
	}
	s := c.Actor.Staff
	if s.Lang == code {
		return c.ReplyText(ctx, "stafflang.same", "Lang", c.L.Native())
	}
	old := s.Lang
	if err := storage.SetStaffLang(ctx, c.Tx, s.ID, code); err != nil {
		return err
	}
	if err := c.Audit(ctx, "/lang", "staff", strconv.FormatInt(s.ID, 10), old+" -> "+code); err != nil {
		return err
	}
	s.Lang = code
	c.L = e.cat.For(code)
	if err := e.StaffMenuUpdate(ctx, c.Tx, s.ID, c.Now); err != nil {
		return err
	}
	return c.ReplyText(ctx, "stafflang.set", "Lang", c.L.Native())
}
