package scheduler_test

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/bot"
)

type botOutgoing = bot.Outgoing

func formatPending(beneficiaryID int64, at time.Time) string {
	return fmt.Sprintf("%d@%s", beneficiaryID, at.Format("Mon 02 Jan 15:04"))
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func flag(moved bool) string {
	if moved {
		return " (moved)"
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// ofKind keeps the messages carrying a template kind (session_reminder, step_reminder,
// checkin): the scheduler's messages to beneficiaries, told apart from each other.
func ofKind(msgs []bot.Outgoing, kind string) []bot.Outgoing {
	var out []bot.Outgoing
	for _, m := range msgs {
		if m.Template != nil && m.Template.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}
