package flows

import (
	"context"

	"github.com/insideaut/insidebot/bot"
)

// slowDown answers the first update of a person over their inbound limit (bot.FloodLimit):
// once, in their language, that what they send now is not read, and to wait and send again
// what matters. Nothing else of the update is handled and the conversation does not move.
func (e *Engine) slowDown(ctx context.Context, c *Ctx) (bot.Result, error) {
	return bot.Result{CallbackText: c.T("flood.wait")}, c.ReplyText(ctx, "flood.slow_down")
}
