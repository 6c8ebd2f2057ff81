package flows

import (
	"context"
	"fmt"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/storage"
)

// A session of an operators' lab (a residential lab) may span days: /session add asks for its
// last day and the time it ends there, after its start. A beneficiaries' session lasts
// SessionLength and these two fields are left out, typed or guided.

// notSpanning skips the end fields for a module whose lab is not the operators'.
func notSpanning(ctx context.Context, c *Ctx, v map[string]string) (bool, error) {
	id, ok := parseID(v["module"])
	if !ok {
		return true, nil
	}
	m, err := storage.ModuleByID(ctx, c.Tx, id)
	if err != nil {
		return false, err
	}
	return m.LabAudience != storage.AudienceOperators, nil
}

// untilField is a spanning session's last day: its start date or later.
func untilField() field {
	return field{key: "until", prompt: "oplabs.ask_until", skip: notSpanning,
		check: func(_ context.Context, c *Ctx, v map[string]string, in string) (string, error) {
			d, err := c.checkDate(in)
			if err != nil {
				return "", err
			}
			if d < v["date"] {
				return "", badInput("oplabs.until_before", "Input", in)
			}
			return d, nil
		}}
}

// endField is when a spanning session ends on its last day: after its start.
func endField() field {
	return field{key: "end", prompt: "oplabs.ask_end", skip: notSpanning,
		check: func(_ context.Context, c *Ctx, v map[string]string, in string) (string, error) {
			h, m, err := civil.ParseClock(in)
			if err != nil {
				return "", badInput("coordform.bad_time", "Input", in)
			}
			end, err := civil.At(v["until"], h, m, c.e.set.Location)
			if err != nil {
				return "", badInput("coordform.bad_date", "Input", v["until"])
			}
			start, err := c.startOf(v)
			if err != nil {
				return "", err
			}
			if !end.After(start) {
				return "", badInput("oplabs.end_before", "When", c.L.DateTime(start))
			}
			return fmt.Sprintf("%02d:%02d", h, m), nil
		}}
}

// endOf is when a session of the form ends: its last day and end time when given, otherwise
// SessionLength after its start.
func (c *Ctx) endOf(v map[string]string, starts time.Time) (time.Time, error) {
	if v["until"] == "" || v["end"] == "" {
		return starts.Add(SessionLength), nil
	}
	h, m, err := civil.ParseClock(v["end"])
	if err != nil {
		return time.Time{}, fmt.Errorf("checked end %q: %w", v["end"], err)
	}
	return civil.At(v["until"], h, m, c.e.set.Location)
}

// sessionRoom is a session's capacity and how many are enrolled: operators in an operators'
// lab, beneficiaries otherwise.
func sessionRoom(ctx context.Context, c *Ctx, s storage.Session) (storage.SessionRoom, error) {
	if s.ForOperators() {
		return storage.OperatorRoomOf(ctx, c.Tx, s.ID)
	}
	return storage.RoomOf(ctx, c.Tx, s.ID)
}
