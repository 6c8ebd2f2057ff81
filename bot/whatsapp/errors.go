package whatsapp

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/insideaut/insidebot/bot"
)

// Graph API error codes with a meaning of their own for the outbox.
const (
	codeReengagement  = 131047 // more than 24 hours since the user last wrote: a template is needed
	codeUndeliverable = 131026 // the number cannot receive the message (not on WhatsApp, old app, blocked)
	codeUnsupported   = 131051 // the message type is not supported
)

// retryReason names throttling and temporary failures: try again later.
func retryReason(code int) (string, bool) {
	switch code {
	case 1:
		return "graph api unknown error", true
	case 2:
		return "graph api service temporarily unavailable", true
	case 4:
		return "application request limit reached", true
	case 80007:
		return "business account rate limit reached", true
	case 130429:
		return "phone number throughput limit reached", true
	case 131016:
		return "whatsapp service unavailable", true
	case 131048:
		return "spam rate limit reached", true
	case 131056:
		return "too many messages to this person (pair rate limit)", true
	case 133004:
		return "whatsapp server temporarily unavailable", true
	}
	return "", false
}

// classify turns a Graph API failure into a send error. Throttling, server trouble and a
// rejected token (an operator fixes it; nothing is lost meanwhile) are retryable; an
// undeliverable number is unreachable; 131047 needs a template; anything else the request
// itself got wrong is permanent, with the platform's message as the reason.
func classify(status int, e graphError) *bot.SendError {
	code := e.Code
	if code == 0 {
		code = status
	}
	if r, ok := retryReason(e.Code); ok {
		return &bot.SendError{Class: bot.Retryable, Code: code, Reason: r}
	}
	switch {
	case e.Code == codeReengagement:
		return &bot.SendError{Class: bot.NeedsTemplate, Code: code, Reason: "outside the 24-hour window: re-engagement template needed"}
	case e.Code == codeUndeliverable:
		return &bot.SendError{Class: bot.Unreachable, Code: code, Reason: graphReason(e, "the number cannot receive WhatsApp messages")}
	case e.Code == 190 || status == http.StatusUnauthorized:
		return &bot.SendError{Class: bot.Retryable, Code: code, Reason: "access token rejected: check WHATSAPP_ACCESS_TOKEN"}
	case status == http.StatusTooManyRequests:
		return &bot.SendError{Class: bot.Retryable, Code: code, Reason: "too many requests"}
	case status >= 500:
		return &bot.SendError{Class: bot.Retryable, Code: code, Reason: graphReason(e, fmt.Sprintf("graph api server error %d", status))}
	}
	return &bot.SendError{Class: bot.Permanent, Code: code, Reason: graphReason(e, fmt.Sprintf("graph api refused the message (HTTP %d)", status))}
}

// longDigits finds phone numbers an error message might quote.
var longDigits = regexp.MustCompile(`\+?\d[\d ]{6,}\d`)

// graphReason is the platform's own words, short and without numbers, or def.
func graphReason(e graphError, def string) string {
	r := strings.TrimSpace(e.Message)
	if d := strings.TrimSpace(e.ErrorData.Details); d != "" && !strings.Contains(r, d) {
		if r != "" {
			r += ": "
		}
		r += d
	}
	if r == "" {
		return def
	}
	r = longDigits.ReplaceAllString(r, "[number]")
	if len([]rune(r)) > 300 {
		r = string([]rune(r)[:300]) + "…"
	}
	return r
}
