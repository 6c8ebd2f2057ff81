// Package locales holds every text a person reads, as go-i18n message files embedded in the
// binary (active.<lang>.toml), and renders them: a fallback chain per language so nothing
// shows empty or as a message id, CLDR plurals, localized dates, and directional isolates
// around codes, numbers and names inside right-to-left sentences.
package locales

import (
	"bufio"
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed active.*.toml
var messageFiles embed.FS

// GenericErrorID is the message shown when something failed; every language has it.
const GenericErrorID = "error.generic"

// Catalog is every message in every language.
type Catalog struct {
	bundle   *i18n.Bundle
	langs    map[string]Lang
	single   map[string]*i18n.Localizer // one go-i18n localizer per language, no fallback of its own
	reviewed map[string]bool
	ids      map[string]map[string]bool // language -> message ids present
	log      *slog.Logger
	// onFallback, when set, hears of every message rendered from a language other than the
	// one asked for (tests use it to prove a flow shows no fallback).
	onFallback func(lang, id, from string)
}

// Load reads the embedded message files. Missing messages found at run time are logged to
// log (which may be nil).
func Load(log *slog.Logger) (*Catalog, error) { return LoadWith(log, nil) }

// LoadWith is Load with a function told of every message that had to come from a fallback
// language: lang asked for, message id, language it came from.
func LoadWith(log *slog.Logger, onFallback func(lang, id, from string)) (*Catalog, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Catalog{
		bundle:   i18n.NewBundle(language.Italian),
		langs:    map[string]Lang{},
		single:   map[string]*i18n.Localizer{},
		reviewed: map[string]bool{},
		ids:      map[string]map[string]bool{},
		log:      log,

		onFallback: onFallback,
	}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages() {
		c.langs[l.Code] = l
	}
	err := fs.WalkDir(messageFiles, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := messageFiles.ReadFile(path)
		if err != nil {
			return err
		}
		mf, err := c.bundle.ParseMessageFileBytes(data, path)
		if err != nil {
			return fmt.Errorf("locale file %s: %w", path, err)
		}
		code := mf.Tag.String()
		if _, ok := c.langs[code]; !ok {
			return fmt.Errorf("locale file %s: %s is not one of the supported languages", path, code)
		}
		c.reviewed[code] = reviewedHeader(data)
		if c.ids[code] == nil {
			c.ids[code] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			c.ids[code][m.ID] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for code := range c.langs {
		c.single[code] = i18n.NewLocalizer(c.bundle, code)
	}
	if !c.ids["it"][GenericErrorID] || !c.ids["en"][GenericErrorID] {
		return nil, errors.New("locales: it and en must have " + GenericErrorID)
	}
	return c, nil
}

// reviewedHeader reads the "# reviewed-by-native-speaker: yes|no" line at the top of a file.
func reviewedHeader(data []byte) bool {
	s := bufio.NewScanner(bytes.NewReader(data))
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if !strings.HasPrefix(line, "#") {
			break
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "#"), ":")
		if ok && strings.TrimSpace(k) == "reviewed-by-native-speaker" {
			return strings.HasPrefix(strings.TrimSpace(v), "yes")
		}
	}
	return false
}

// Reviewed tells whether a native speaker has reviewed a language's file.
func (c *Catalog) Reviewed(code string) bool { return c.reviewed[code] }

// MessageIDs lists the message ids present in a language, sorted.
func (c *Catalog) MessageIDs(code string) []string {
	out := make([]string, 0, len(c.ids[code]))
	for id := range c.ids[code] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Has tells whether a language has its own translation of a message.
func (c *Catalog) Has(code, id string) bool { return c.ids[code][id] }

// For returns the localizer of a language; an unknown code gets English.
func (c *Catalog) For(code string) *Localizer {
	l, ok := c.langs[code]
	if !ok {
		if m := Match(code); m != "" {
			l = c.langs[m]
		} else {
			l = c.langs["en"]
		}
	}
	chain := append([]string{l.Code}, l.Fallback...)
	return &Localizer{cat: c, lang: l, chain: chain}
}

// Lang returns a supported language by code.
func (c *Catalog) Lang(code string) (Lang, bool) {
	l, ok := c.langs[code]
	return l, ok
}
