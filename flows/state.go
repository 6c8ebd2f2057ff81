package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/insideaut/insidebot/storage"
)

// StateTTL is how long an unfinished conversation step is remembered.
const StateTTL = 24 * time.Hour

// State is where a person is in a conversation: the step waiting for their text (a guided
// form, an open chat with the tutor) and its data. It lives in Redis and may be lost; losing
// it only means starting the form again.
type State struct {
	Step string            `json:"step,omitempty"`
	Data map[string]string `json:"data,omitempty"`
}

// Get returns a value of the state's data.
func (s State) Get(key string) string { return s.Data[key] }

// Int returns a value of the state's data as an integer (0 when absent).
func (s State) Int(key string) int64 {
	n, _ := strconv.ParseInt(s.Data[key], 10, 64)
	return n
}

func stateKey(c *Ctx) string {
	if c.Actor.Identity != nil {
		return "id:" + strconv.FormatInt(c.Actor.Identity.ID, 10)
	}
	return "chat:" + c.In.ChatKey()
}

func loadState(ctx context.Context, r *storage.Redis, key string) (State, error) {
	var s State
	b, found, err := r.GetState(ctx, key)
	if err != nil || !found {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return State{}, nil // a state we cannot read is a state we forget
	}
	return s, nil
}

func saveState(ctx context.Context, r *storage.Redis, key string, s State) error {
	if s.Step == "" && len(s.Data) == 0 {
		return r.DeleteState(ctx, key)
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return r.SetState(ctx, key, b, StateTTL)
}
