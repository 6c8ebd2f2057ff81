package media

import (
	"context"
	"errors"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// SendError is what a sender returns when an item could not be loaded for a delivery: the
// message fails for good when the file is gone, refused or unreadable; it waits when the
// database or the source platform is away. A failure of the source platform never marks the
// recipient unreachable, nor asks for their template: it is about someone else's chat.
func SendError(err error) *bot.SendError {
	if err == nil {
		return nil
	}
	if r, ok := AsRejection(err); ok {
		return &bot.SendError{Class: bot.Permanent, Reason: r.Error()}
	}
	var se *bot.SendError
	switch {
	case errors.Is(err, ErrGone):
		return &bot.SendError{Class: bot.Permanent, Reason: ErrGone.Error()}
	case errors.Is(err, ErrUnreadable):
		return &bot.SendError{Class: bot.Permanent, Reason: ErrUnreadable.Error()}
	case errors.As(err, &se):
		out := *se
		out.Reason = "fetching the file: " + se.Reason
		if se.Class == bot.Unreachable || se.Class == bot.NeedsTemplate {
			out.Class = bot.Permanent
		}
		return &out
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &bot.SendError{Class: bot.Retryable, Reason: "media: timeout while loading the file"}
	case storage.IsTransient(err):
		return &bot.SendError{Class: bot.Retryable, Reason: "media: database unavailable"}
	}
	return &bot.SendError{Class: bot.Retryable, Reason: "media: the file could not be loaded"}
}
