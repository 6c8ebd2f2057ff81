package flows_test

import (
	"context"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/notify"
	"github.com/insideaut/insidebot/storage"
)

func TestAlertReachesTheTutorWithCodeAndButtons(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	ctx := context.Background()
	tutor := h.NewStaff(storage.RoleTutor, "MI", "Giulia")
	tchat := h.Telegram()
	h.LinkStaff(tchat, tutor)
	b := h.NewBeneficiary("MI", "fr", tutor.ID)
	err := h.DB.InTx(ctx, func(tx *storage.Tx) error {
		return h.Domain.AlertTutor(ctx, tx, h.Clock.Now(), b, storage.AlertStepHelp, 7, "Codice fiscale")
	})
	if err != nil {
		t.Fatal(err)
	}
	msgs := tchat.Inbox()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, b.Code) || !strings.Contains(msgs[0].Text, "Codice fiscale") || msgs[0].Lang != "it" {
		t.Fatalf("alert = %s", flowtest.Describe(msgs))
	}
	open, ok1 := flowtest.FindButton(msgs, "Apri")
	reply, ok2 := flowtest.FindButton(msgs, "Rispondi")
	if !ok1 || !ok2 || !strings.HasPrefix(open.Data, notify.ButtonAlertOpen+":") || !strings.HasPrefix(reply.Data, notify.ButtonAlertReply+":") {
		t.Fatalf("buttons = %s", flowtest.Describe(msgs))
	}
	alerts, _ := storage.OpenAlerts(ctx, h.DB, tutor.ID)
	if len(alerts) != 1 || alerts[0].Kind != storage.AlertStepHelp {
		t.Fatalf("open alerts = %+v", alerts)
	}
	// A beneficiary without a tutor raises nothing; an unreachable tutor keeps the alert open.
	lone := h.NewBeneficiary("MI", "en", 0)
	if err := h.DB.InTx(ctx, func(tx *storage.Tx) error {
		return h.Domain.AlertTutor(ctx, tx, h.Clock.Now(), lone, storage.AlertMessage, 0, "hi")
	}); err != nil {
		t.Fatal(err)
	}
}

func TestMessageFromTutorArrivesInTheBeneficiarysLanguage(t *testing.T) {
	t.Parallel()
	h := flowtest.New(t)
	ctx := context.Background()
	b := h.NewBeneficiary("MI", "en", 0)
	chat := h.Telegram()
	b = h.LinkBeneficiary(chat, b)
	var ok bool
	if err := h.DB.InTx(ctx, func(tx *storage.Tx) (err error) {
		ok, err = h.Domain.MessageFromTutor(ctx, tx, h.Clock.Now(), 0, b, "See you Monday at 10")
		return err
	}); err != nil || !ok {
		t.Fatalf("%v %v", ok, err)
	}
	msgs := chat.Inbox()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Message from your tutor") || !strings.Contains(msgs[0].Text, "See you Monday at 10") {
		t.Fatalf("got %s", flowtest.Describe(msgs))
	}
	if _, found := flowtest.FindButton(msgs, "Answer"); !found {
		t.Fatal("no answer button")
	}
}
