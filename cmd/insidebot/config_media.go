package main

import (
	"errors"
	"net/url"
	"strings"

	"github.com/insideaut/insidebot/media"
)

// loadMediaConfig reads the key of the files in transit and the translation server.
func loadMediaConfig(c *Config, get func(name, def string) string) error {
	c.MediaKey = get("MEDIA_KEY", "")
	if c.MediaKey != "" {
		if _, err := media.ParseKey(c.MediaKey); err != nil {
			// The value is a secret: the error never shows it.
			return configError{name: "MEDIA_KEY", expect: "32 random bytes written as 64 hex characters; make one with: openssl rand -hex 32"}
		}
	}
	c.TranslateURL = strings.TrimRight(get("TRANSLATE_URL", ""), "/")
	if c.TranslateURL != "" {
		if u, err := url.Parse(c.TranslateURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return configError{name: "TRANSLATE_URL", expect: "the URL of a LibreTranslate server, such as http://libretranslate:5000, or empty for no translation", got: c.TranslateURL}
		}
	}
	c.TranslateAPIKey = get("TRANSLATE_API_KEY", "")
	if c.TranslateAPIKey != "" && c.TranslateURL == "" {
		return configError{name: "TRANSLATE_API_KEY", expect: "needs TRANSLATE_URL as well"}
	}
	return nil
}

// errNoMediaKey stops serve without MEDIA_KEY: the web chat always takes files, and every
// channel passes them on, so there is always something to encrypt.
var errNoMediaKey = configError{name: "MEDIA_KEY", expect: "required to serve: the key that encrypts voice notes, photos and documents " +
	"while they are passed on; make one with: openssl rand -hex 32 (serve --demo makes one per process)"}

// mediaKey is the key of the transit store: MEDIA_KEY, or, without it (serve --demo, tests
// that build the service), a random key of this process: its files are unreadable after a
// restart, which only loses what was in transit.
func (c Config) mediaKey() ([]byte, bool, error) {
	if c.MediaKey == "" {
		k, err := media.RandomKey()
		return k, true, err
	}
	k, err := media.ParseKey(c.MediaKey)
	if err != nil {
		return nil, false, errors.New("MEDIA_KEY: not 32 random bytes in hex")
	}
	return k, false, nil
}
