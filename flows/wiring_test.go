package flows_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/bot/outbox"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// recordingTelegram is a Telegram sender that delivers to everyone but one chat, which blocked
// the bot (Telegram answers 403 there).
type recordingTelegram struct {
	blocked string
	mu      sync.Mutex
	got     map[string][]bot.Outgoing
}

func (r *recordingTelegram) Channel() string { return bot.Telegram }

func (r *recordingTelegram) Send(_ context.Context, to bot.Recipient, out bot.Outgoing) (string, error) {
	if to.ChatID == r.blocked {
		return "", &bot.SendError{Class: bot.Unreachable, Code: 403, Reason: "Forbidden: bot was blocked by the user"}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[to.ChatID] = append(r.got[to.ChatID], out)
	return "m", nil
}

func (r *recordingTelegram) texts(chat string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return flowtest.Texts(r.got[chat])
}

// TestScheduledBroadcastThroughSchedulerAndOutbox follows the wiring the service has: a
// coordinator schedules a broadcast in the guided form; the scheduler starts it when due; the
// outbox delivers it; a recipient who blocked the bot is marked unreachable and their tutor
// told; and when every delivery is final the coordinator gets the report.
func TestScheduledBroadcastThroughSchedulerAndOutbox(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	ctx := context.Background()
	coordStaff := h.NewStaff(storage.RoleCoordinator, "MI", "Chiara")
	coord := h.Telegram()
	h.LinkStaff(coord, coordStaff)
	tutorStaff := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	tutor := h.Telegram()
	h.LinkStaff(tutor, tutorStaff)
	var chats []*flowtest.Chat
	var codes []string
	for _, lang := range []string{"en", "it", "en"} {
		c := h.Telegram()
		b := h.LinkBeneficiary(c, h.NewBeneficiary("MI", lang, tutorStaff.ID))
		chats, codes = append(chats, c), append(codes, b.Code)
	}

	coord.Send("/broadcast MI Domani laboratorio alle 10 in via Padova")
	coord.Tap("Programma")
	when := h.Clock.Now().Add(2 * time.Hour).In(h.Rome)
	coord.Send(when.Format("02/01/2006 15:04"))
	coord.Expect("programmato")

	// Not yet due: the scheduler sends nothing.
	if _, err := h.Scheduler.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	var queued int
	if err := h.DB.Get(ctx, &queued, `SELECT COUNT(*) FROM outbox WHERE kind = 'broadcast'`); err != nil || queued != 0 {
		t.Fatalf("%d broadcast messages queued before the time, %v", queued, err)
	}
	h.Clock.Advance(2*time.Hour + time.Minute)
	if _, err := h.Scheduler.Tick(ctx); err != nil {
		t.Fatal(err)
	}

	sender := &recordingTelegram{blocked: chats[2].ID, got: map[string][]bot.Outgoing{}}
	svc := outbox.New(outbox.Config{DB: h.DB, Redis: h.Redis, Senders: []bot.Sender{sender}, Clock: h.Clock,
		Poll: 20 * time.Millisecond, Unreachable: h.Engine.IdentityUnreachable, BroadcastMessageDone: h.Domain.BroadcastProgress})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = svc.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()

	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(sender.texts(coord.ID), "concluso") {
		if time.Now().After(deadline) {
			t.Fatalf("no final report; the coordinator got:\n%s", sender.texts(coord.ID))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, c := range chats[:2] {
		if got := sender.texts(c.ID); !strings.Contains(got, "Domani laboratorio alle 10 in via Padova") {
			t.Fatalf("a recipient did not get the broadcast:\n%s", got)
		}
	}
	report := sender.texts(coord.ID)
	for _, want := range []string{"Consegnati: 2", "Non consegnati: 1"} {
		if !strings.Contains(report, want) {
			t.Fatalf("the report lacks %q:\n%s", want, report)
		}
	}
	for !strings.Contains(sender.texts(tutor.ID), codes[2]) {
		if time.Now().After(deadline) {
			t.Fatalf("the tutor was not told %s blocked the bot:\n%s", codes[2], sender.texts(tutor.ID))
		}
		time.Sleep(20 * time.Millisecond)
	}
	ident, err := storage.IdentityByExternal(ctx, h.DB, bot.Telegram, chats[2].ID)
	if err != nil || !ident.UnreachableAt.Valid {
		t.Fatalf("the blocked chat is not marked unreachable: %+v %v", ident, err)
	}
}
