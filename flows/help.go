package flows

import (
	"context"
	"errors"
	"strings"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

// Help: how to use the bot and the national emergency numbers; the project contacts and
// public offices of the beneficiary's territory, as the territory's coordinators keep them on
// the desk (seeded from locales/territories.toml).
const ButtonContacts = "hc"

func (e *Engine) helpRoutes() []Route {
	return []Route{
		{Command: "help", Roles: domain.RoleBeneficiary, Help: "menu.cmd_help", Handle: e.member(e.showHelp)},
		{Button: ButtonHelp, Roles: domain.RoleBeneficiary, Handle: e.member(e.showHelp)},
		{Button: ButtonContacts, Roles: domain.RoleBeneficiary, Handle: e.member(e.showContacts)},
	}
}

func (e *Engine) showHelp(ctx context.Context, c *Ctx) error {
	return c.screen(ctx, c.T("help.how")+"\n\n"+c.T("help.emergency"),
		[]bot.Button{btn(c.T("help.contacts"), notify.Data(ButtonContacts)), c.menuRow()[0]})
}

// showContacts lists the territory's contacts. Contacts nobody has confirmed since they last
// changed say so, and point to the tutor.
func (e *Engine) showContacts(ctx context.Context, c *Ctx) error {
	b := c.Actor.Beneficiary
	terr, err := storage.TerritoryByCode(ctx, c.Tx, b.Territory)
	if err != nil {
		return err
	}
	tc, err := storage.ContactListOf(ctx, c.Tx, b.Territory)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	var sb strings.Builder
	sb.WriteString(c.T("help.contacts_title", "Territory", terr.Name))
	for _, ct := range tc.Contacts {
		sb.WriteString("\n\n" + c.T("help.kind_"+ct.Kind) + "\n" + c.L.Iso(ct.Name))
		if ct.Where != "" {
			sb.WriteString("\n📍 " + c.L.Iso(ct.Where))
		}
		if ct.Phone != "" {
			sb.WriteString("\n📞 " + c.L.Iso(ct.Phone))
		}
		if ct.URL != "" {
			sb.WriteString("\n🔗 " + c.L.Iso(ct.URL))
		}
	}
	if len(tc.Contacts) == 0 {
		sb.WriteString("\n\n" + c.T("help.no_contacts"))
	} else if !tc.Confirmed() {
		sb.WriteString("\n\n" + c.T("help.unconfirmed"))
	}
	sb.WriteString("\n\n" + c.T("help.emergency_short"))
	return c.screen(ctx, sb.String(), []bot.Button{btn(c.T("menu.back"), notify.Data(ButtonHelp)), c.menuRow()[0]})
}
