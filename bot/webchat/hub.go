package webchat

import "sync"

// maxWaitsPerSession bounds the fetches one session may have waiting at once (a page open in
// a few tabs).
const maxWaitsPerSession = 4

// hub wakes the fetches waiting on a session when a message for it is stored in this process.
type hub struct {
	mu         sync.Mutex
	waiters    map[string]map[chan struct{}]struct{}
	n          int
	max        int
	perSession int
}

func newHub(max, perSession int) *hub {
	return &hub{waiters: map[string]map[chan struct{}]struct{}{}, max: max, perSession: perSession}
}

// wait registers a waiter for chatID. ok is false when too many are waiting already: the
// caller answers at once instead of waiting. done must be called when the waiter leaves.
func (h *hub) wait(chatID string) (wake <-chan struct{}, done func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	set := h.waiters[chatID]
	if h.n >= h.max || len(set) >= h.perSession {
		return nil, func() {}, false
	}
	if set == nil {
		set = map[chan struct{}]struct{}{}
		h.waiters[chatID] = set
	}
	ch := make(chan struct{}, 1)
	set[ch] = struct{}{}
	h.n++
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := set[ch]; !ok {
			return
		}
		delete(set, ch)
		h.n--
		if len(set) == 0 {
			delete(h.waiters, chatID)
		}
	}, true
}

// notify wakes every waiter of chatID.
func (h *hub) notify(chatID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.waiters[chatID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
