package bot

import (
	"errors"
	"fmt"
	"time"
)

// ErrorClass says what a failed send means for the message.
type ErrorClass int

const (
	// Retryable: network trouble, 5xx, throttling. Try again later with backoff.
	Retryable ErrorClass = iota
	// RateLimited: the platform said exactly how long to wait (Telegram 429 retry_after).
	RateLimited
	// Permanent: the message itself is wrong (other 4xx). Fail it with its reason.
	Permanent
	// Unreachable: the contact stopped the bot or no longer exists. Stop sending to it.
	Unreachable
	// NeedsTemplate: outside WhatsApp's 24-hour window (131047). Send the template instead.
	NeedsTemplate
	// Held: the person must write first (WhatsApp's 24-hour window closed). Keep the message,
	// and those after it, in order until they do; not an attempt.
	Held
)

func (c ErrorClass) String() string {
	switch c {
	case Retryable:
		return "retryable"
	case RateLimited:
		return "rate_limited"
	case Permanent:
		return "permanent"
	case Unreachable:
		return "unreachable"
	case NeedsTemplate:
		return "needs_template"
	case Held:
		return "held"
	}
	return "unknown"
}

// SendError is a failed send, classified.
type SendError struct {
	Class      ErrorClass
	RetryAfter time.Duration // for RateLimited
	Code       int           // the platform's code (HTTP status, Graph API error code)
	Reason     string        // short, safe to store and show in reports: never a token or number
}

func (e *SendError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("%s (%d): %s, retry after %s", e.Class, e.Code, e.Reason, e.RetryAfter)
	}
	return fmt.Sprintf("%s (%d): %s", e.Class, e.Code, e.Reason)
}

// ClassOf returns the class of a send error; errors that are not SendErrors are retryable
// (a network failure before any answer).
func ClassOf(err error) (ErrorClass, *SendError) {
	var se *SendError
	if errors.As(err, &se) {
		return se.Class, se
	}
	return Retryable, nil
}
