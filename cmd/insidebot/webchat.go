package main

import (
	"context"

	"github.com/insideaut/insidebot/bot/webchat"
	"github.com/insideaut/insidebot/bot/webchat/demo"
)

// wireWebchat mounts the web chat page and API, registers its sender and, with --demo, seeds
// the demo world and lets the page talk as its people.
func (a *app) wireWebchat(ctx context.Context) error {
	cfg := webchat.Config{DB: a.db, Redis: a.redis, Dispatcher: a.dispatcher, Catalog: a.catalog, Clock: a.clock,
		Log: a.log.With("component", "webchat"), TrustedProxies: a.cfg.TrustedProxies, Media: a.media}
	if a.demo {
		d, created, err := demo.Seed(ctx, a.db, a.redis, demo.Options{Location: a.cfg.Timezone, InviteTTL: a.cfg.InviteTTL, Now: a.clock.Now()})
		if err != nil {
			return err
		}
		cfg.Demo, a.demoWorld = d, d
		a.log.Info("demo ready: open the web chat and pick a person to talk as", "url", a.cfg.PublicURL+"/",
			"seeded_now", created, "new_visitor_invite_code", d.InviteCode())
	}
	ch := webchat.New(cfg)
	ch.Mount(a.mux)
	a.senders = append(a.senders, ch.Sender())
	return nil
}
