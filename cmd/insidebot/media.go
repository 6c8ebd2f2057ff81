package main

import (
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/translate"
)

// openMedia builds the transit store of passed-on files (each channel registers its fetcher
// when it is wired) and the translation client (disabled without TRANSLATE_URL; its runner
// reads the server's languages every hour).
func (a *app) openMedia() error {
	key, random, err := a.cfg.mediaKey()
	if err != nil {
		return err
	}
	if random {
		a.log.Info("files in transit are encrypted with a key of this process (no MEDIA_KEY): they are unreadable after a restart")
	}
	a.media, err = media.New(media.Config{DB: a.db, Redis: a.redis, Key: key, Clock: a.clock, Log: a.log.With("component", "media")})
	if err != nil {
		return err
	}
	a.translator = translate.New(translate.Config{URL: a.cfg.TranslateURL, APIKey: a.cfg.TranslateAPIKey, Redis: a.redis,
		Metrics: a.metrics, Log: a.log.With("component", "translate")})
	if a.translator.Enabled() {
		a.runners = append(a.runners, runner{name: "translate", run: a.translator.Run})
	}
	return nil
}
