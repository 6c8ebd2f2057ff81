package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/bot/telegram"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// inviteCmd creates a person and a one-time invite code: how the first coordinator gets in.
func inviteCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: insidebot invite --role coordinator|tutor|beneficiary|admin [--territory MI] [--lang fr] [--tutor <staff id>] [--name ...] [--json]\n\nCreates a person and a one-time invite code.\n\n")
		fs.PrintDefaults()
	}
	role := fs.String("role", "", "coordinator, tutor, operator, beneficiary or admin (required)")
	territory := fs.String("territory", "", "province code: AN, AV, BO, FG, MI, PG, RG, SO, VA (required for tutors and beneficiaries)")
	lang := fs.String("lang", "", "language: it, en, fr, ar, ur, bn, fa-AF, ps, ti, so")
	tutor := fs.Int64("tutor", 0, "a beneficiary's tutor: the id printed when the tutor was invited")
	name := fs.String("name", "", "display name (optional)")
	centre := fs.String("centre", "", "an operator's reception centre, by name (required for --role operator)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("invite: unexpected argument %q", fs.Arg(0))
	}
	if *role == "" {
		return errors.New("invite: --role is required (coordinator, tutor, operator, beneficiary or admin)")
	}
	if bot.HasUnwanted(*name) || bot.HasUnwanted(*centre) {
		return errors.New("invite: --name or --centre holds a control character (such as NUL) or bytes that are not UTF-8: remove them")
	}
	cfg, log, err := setup(getenv, stderr)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	// The links follow the configured channels: Telegram's only with a bot token, WhatsApp's
	// with WHATSAPP_NUMBER, the web chat's always.
	set := domain.Links{WhatsAppNumber: cfg.WhatsAppNumber, PublicURL: cfg.PublicURL, InviteTTL: cfg.InviteTTL}
	if cfg.TelegramToken != "" {
		set.BotUsername = cfg.BotUsername
	}
	if set.BotUsername == "" && cfg.TelegramToken != "" {
		// The link must name the real bot: ask Telegram, as serve does.
		c, err := telegram.NewClient(ctx, cfg.TelegramToken, cfg.TelegramAPIEndpoint, nil)
		if err != nil {
			return fmt.Errorf("TELEGRAM_BOT_TOKEN: cannot reach the bot for its username (or set BOT_USERNAME): %w", err)
		}
		set.BotUsername = c.Username()
	}
	now := clock.System{}.Now()
	var inv domain.Invitation
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		inv, err = domain.InvitePerson(ctx, tx, now, domain.Actor{CLI: true},
			domain.InviteRequest{Role: *role, Territory: *territory, Lang: *lang, TutorID: *tutor, Name: *name, Centre: *centre}, set)
		if err != nil {
			return err
		}
		return storage.MarkReal(ctx, tx, now)
	})
	var ie *domain.InviteError
	if errors.As(err, &ie) {
		return fmt.Errorf("invite: --%s %s", ie.Field, ie.Reason)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		out := map[string]any{"code": inv.Code, "webchat_link": inv.WebchatLink,
			"expires_at": inv.ExpiresAt.UTC().Format("2006-01-02T15:04:05Z07:00"), "role": inv.Role, "id": inv.PersonID}
		if inv.TelegramLink != "" {
			out["link"] = inv.TelegramLink
		}
		if inv.WhatsAppLink != "" {
			out["whatsapp_link"] = inv.WhatsAppLink
		}
		if inv.BeneficiaryCode != "" {
			out["beneficiary_code"] = inv.BeneficiaryCode
		}
		enc := json.NewEncoder(stdout)
		return enc.Encode(out)
	}
	who := fmt.Sprintf("%s #%d", inv.Role, inv.PersonID)
	if inv.BeneficiaryCode != "" {
		who = fmt.Sprintf("beneficiary %s (#%d)", inv.BeneficiaryCode, inv.PersonID)
	}
	fmt.Fprintf(stdout, "Invite for %s\n  code:     %s\n  expires:  %s\n", who, inv.Code, inv.ExpiresAt.In(cfg.Timezone).Format("2006-01-02 15:04 MST"))
	for _, l := range []struct{ name, link string }{{"Telegram", inv.TelegramLink}, {"WhatsApp", inv.WhatsAppLink}, {"web chat", inv.WebchatLink}} {
		if l.link != "" {
			fmt.Fprintf(stdout, "  %-9s %s\n", l.name+":", l.link)
		}
	}
	return nil
}
