package webchat

import (
	"context"
	"errors"
	"net/http"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/storage"
)

// What the page is told of the person behind its session: their language once they are known
// (the page follows it, its own texts too), and that their data was erased ("Delete my
// data"): the page then says so and offers a new conversation. A session was erased when it
// was once linked to someone and no longer is, or when it is gone as the update that erased it
// is answered.

// person tells who is behind a session, recording the first time it is seen linked. It
// answers the error itself and returns ok false when it cannot tell.
func (c *Channel) person(w http.ResponseWriter, r *http.Request, s storage.WebchatSession) (storage.WebchatPerson, bool) {
	p, err := c.personOf(r.Context(), s.ChatID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		w.Header().Set("WWW-Authenticate", `Bearer realm="webchat"`)
		writeError(w, http.StatusUnauthorized, "unauthorized", errNoSession.Error())
		return p, false
	case err != nil:
		c.log.Warn("web chat person lookup", "err", err)
		writeRetry(w, http.StatusServiceUnavailable, "retry_later", "the service is busy, try again", 0)
		return p, false
	}
	return p, true
}

func (c *Channel) personOf(ctx context.Context, chatID string) (storage.WebchatPerson, error) {
	p, err := storage.WebchatPersonOf(ctx, c.cfg.DB, chatID)
	if err != nil {
		return p, err
	}
	if p.Linked && !p.WasLinked {
		if err := storage.MarkWebchatLinked(ctx, c.cfg.DB, chatID, c.cfg.Clock.Now()); err != nil {
			c.log.Warn("web chat session not marked linked", "err", err)
		} else {
			p.WasLinked = true
		}
	}
	return p, nil
}

// erasedBy tells, after an update was handled, whether it erased the session's person.
func (c *Channel) erasedBy(ctx context.Context, chatID string) bool {
	p, err := c.personOf(ctx, chatID)
	if errors.Is(err, storage.ErrNotFound) {
		return true // the erasure ended the session with the person
	}
	if err != nil {
		c.log.Warn("web chat person lookup after an update", "chat", bot.Redact(chatID), "err", err)
		return false
	}
	return p.Erased()
}

// refuseErased answers 410 to a message on a session whose person was erased.
func refuseErased(w http.ResponseWriter) {
	writeError(w, http.StatusGone, "erased", "the data of this session's person was deleted: start a new conversation")
}
