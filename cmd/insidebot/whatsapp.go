package main

import (
	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/whatsapp"
)

// wireWhatsApp mounts the WhatsApp webhook on /webhooks/whatsapp, gives the outbox the
// WhatsApp sender and starts the channel's housekeeping, when WHATSAPP_ACCESS_TOKEN is set.
func (a *app) wireWhatsApp() {
	if a.cfg.WhatsAppToken == "" {
		return
	}
	log := a.log.With("component", "whatsapp")
	wa := whatsapp.New(whatsapp.Config{
		APIURL: a.cfg.WhatsAppAPIURL, PhoneNumberID: a.cfg.WhatsAppPhoneNumberID, AccessToken: a.cfg.WhatsAppToken,
		AppSecret: a.cfg.WhatsAppAppSecret, VerifyToken: a.cfg.WhatsAppVerifyToken, Templates: a.cfg.WhatsAppTemplates,
	}, whatsapp.Deps{DB: a.db, Redis: a.redis, Dispatcher: a.dispatcher, Clock: a.clock, Log: log, Metrics: a.metrics, Media: a.media,
		Wake: func() {
			if a.wake != nil {
				a.wake()
			}
		}})
	a.mux.Handle("/webhooks/whatsapp", wa)
	a.media.Register(bot.WhatsApp, wa)
	a.senders = append(a.senders, wa)
	a.runners = append(a.runners, runner{name: "whatsapp", run: wa.Run})
	if a.cfg.WhatsAppNumber == "" {
		log.Warn("invites carry no WhatsApp link: set WHATSAPP_NUMBER to the number people write to", "variable", "WHATSAPP_NUMBER")
	}
	for name, val := range map[string]string{
		"WHATSAPP_TEMPLATE_NOTIFICATION":     a.cfg.WhatsAppTemplates.Notification,
		"WHATSAPP_TEMPLATE_SESSION_REMINDER": a.cfg.WhatsAppTemplates.SessionReminder,
		"WHATSAPP_TEMPLATE_STEP_REMINDER":    a.cfg.WhatsAppTemplates.StepReminder,
	} {
		if val == "" {
			log.Warn("no template configured: messages of its kind to people who last wrote over 24 hours ago will fail", "variable", name)
		}
	}
}
