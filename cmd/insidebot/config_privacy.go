package main

import (
	"strings"
	"unicode/utf8"
)

// PrivacyConfig names, on the privacy screens and the /privacy page, who is responsible for
// the data (the data controller) and whom people ask about it.
type PrivacyConfig struct {
	Controller string // PRIVACY_CONTROLLER
	Contact    string // PRIVACY_CONTACT: an e-mail address, a phone number or an address
}

// defaultPrivacyController is the INSIDE AUT project's lead partner.
const defaultPrivacyController = "Tamat (INSIDE AUT)"

func loadPrivacyConfig(get func(name, def string) string) (PrivacyConfig, error) {
	p := PrivacyConfig{Controller: get("PRIVACY_CONTROLLER", defaultPrivacyController), Contact: get("PRIVACY_CONTACT", "")}
	for _, v := range []struct{ name, val string }{{"PRIVACY_CONTROLLER", p.Controller}, {"PRIVACY_CONTACT", p.Contact}} {
		if utf8.RuneCountInString(v.val) > 200 || strings.ContainsAny(v.val, "\r\n") {
			return p, configError{name: v.name, expect: "one line of at most 200 characters", got: v.val}
		}
	}
	return p, nil
}

// checkServe refuses to serve people without a privacy contact: the privacy screens must say
// whom to ask. Only the demo, with its invented people, runs without one.
func (p PrivacyConfig) checkServe(demo bool) error {
	if p.Contact == "" && !demo {
		return configError{name: "PRIVACY_CONTACT", expect: "is empty: set it to the e-mail address or phone number people can ask about their data (only serve --demo runs without it)"}
	}
	return nil
}
