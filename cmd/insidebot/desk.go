package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/insideaut/insidebot/bot/clock"
	"github.com/insideaut/insidebot/desk"
	"github.com/insideaut/insidebot/desk/access"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// wireDesk mounts the staff's web console under /desk/; with --demo, /desk/demo-login opens it
// as the demo's tutor or coordinator.
func (a *app) wireDesk() error {
	cfg := desk.Config{DB: a.db, Catalog: a.catalog, Clock: a.clock, Log: a.log.With("component", "desk"),
		Domain: a.engine.Domain(), Translator: a.translator, Wake: func() {
			if a.wake != nil {
				a.wake()
			}
		},
		PublicURL: a.cfg.PublicURL, Location: a.cfg.Timezone, MessageRetention: a.cfg.Scheduler.MessageRetention,
		InviteTTL: a.cfg.InviteTTL, Targets: a.cfg.Targets, ResearchKey: []byte(a.cfg.ResearchKey),
		Invites: domain.Links{BotUsername: a.botUsername(), WhatsAppNumber: a.cfg.WhatsAppNumber,
			PublicURL: a.cfg.PublicURL, InviteTTL: a.cfg.InviteTTL}}
	if a.demoWorld != nil {
		cfg.Demo = a.demoWorld
		a.log.Info("demo desk: open it as the demo's staff", "tutor", a.cfg.PublicURL+"/desk/demo-login?as=tutor",
			"coordinator", a.cfg.PublicURL+"/desk/demo-login?as=coordinator")
	}
	d, err := desk.New(cfg)
	if err != nil {
		return err
	}
	d.Mount(a.mux)
	return nil
}

// deskLinkCmd prints a one-time login link to the desk for a staff member: how the first
// coordinator gets in before anyone can use the bot's /desk.
func deskLinkCmd(ctx context.Context, args []string, getenv env, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("desk-link", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: insidebot desk-link --staff <id>\n\nPrints a one-time login link to the desk (PUBLIC_URL/desk/login?t=...), valid 10 minutes, for an active staff member.\n\n")
		fs.PrintDefaults()
	}
	staffID := fs.Int64("staff", 0, "the staff member's id (printed by insidebot invite) (required)")
	if err := parseFlags(fs, args, stdout, stderr); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{err: fmt.Errorf("desk-link: unexpected argument %q", fs.Arg(0))}
	}
	if *staffID <= 0 {
		return usageError{err: errors.New("desk-link: --staff <id> is required (the id insidebot invite printed)")}
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
	now := clock.System{}.Now()
	var link string
	var staff storage.Staff
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		link, err = access.Links{PublicURL: cfg.PublicURL}.IssueLoginLinkBy(ctx, tx, *staffID, storage.Actor{Kind: storage.ActorCLI}, now)
		if err != nil {
			return err
		}
		staff, err = storage.StaffByID(ctx, tx, *staffID)
		return err
	})
	if errors.Is(err, access.ErrNotActiveStaff) {
		return fmt.Errorf("desk-link: staff #%d is not an active staff member (an invited person becomes active once they redeem their invite in the bot)", *staffID)
	}
	if err != nil {
		return err
	}
	name := staff.DisplayName
	if name == "" {
		name = "staff"
	}
	fmt.Fprintf(stdout, "Desk login link for %s (%s #%d), valid once until %s:\n%s\n", name, staff.Role, staff.ID,
		now.Add(access.LinkTTL).In(cfg.Timezone).Format("2006-01-02 15:04 MST"), link)
	return nil
}
