package flows_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/media"
	"github.com/insideaut/insidebot/media/mediatest"
	"github.com/insideaut/insidebot/storage"
)

func transitCount(h *flowtest.Harness) int {
	return count(h, `SELECT COUNT(*) FROM media_transit`)
}

// A beneficiary's voice note, photo or PDF in "My tutor" reaches the tutor: Telegram to
// Telegram by copy (nothing downloaded or kept), from WhatsApp or the web chat through the
// transit store. Too big or a type not accepted: the localized answer, nothing sent.
func TestFilesReachTheTutor(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h) // the tutor is on Telegram

	tg := h.Telegram()
	b := h.LinkBeneficiary(tg, h.NewBeneficiary("MI", "en", tutor.ID))
	tg.Send("/tutor")
	tg.File(bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg", Size: 12_000})
	tg.Expect("Sent ✓")
	got := tchat.Inbox()
	if len(got) != 1 || got[0].Media == nil || got[0].Media.Copy == nil || got[0].Media.Copy.ChatID != tg.ID ||
		!strings.Contains(got[0].Text, b.Code) || !strings.Contains(got[0].Text, "messaggio vocale") {
		t.Fatalf("tutor got %s (media %+v)", flowtest.Describe(got), got[0].Media)
	}
	if n := transitCount(h); n != 0 {
		t.Fatalf("a Telegram-to-Telegram copy kept %d files", n)
	}
	if as := alertsOf(h, tutor.ID); len(as) != 1 || as[0].Kind != storage.AlertMessage {
		t.Fatalf("alerts %+v", as)
	}
	if n := count(h, `SELECT COUNT(*) FROM conversation_messages WHERE beneficiary_id = ? AND media_kind = 'voice'`, b.ID); n != 1 {
		t.Fatalf("%d voice notes recorded in the conversation", n)
	}
	// A photo with a caption: the caption is the alert's detail.
	tg.File(bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg", Caption: "the letter from the Questura"})
	if got := tchat.Inbox(); len(got) != 1 || !strings.Contains(got[0].Text, "the letter from the Questura") || got[0].Media == nil {
		t.Fatalf("tutor got %s", flowtest.Describe(got))
	}
	// Too big, or a kind of file not passed on: said in the person's words, nothing sent.
	tg.File(bot.MediaItem{Kind: bot.MediaVideo, MIME: "video/mp4", Size: 30 << 20})
	tg.Expect("too big", "20 MB")
	tg.File(bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/zip", Name: "x.zip"})
	tg.Expect("PDF")
	if n := len(tchat.Inbox()); n != 0 {
		t.Fatalf("%d refused files reached the tutor", n)
	}

	// WhatsApp: the file goes through the transit store, fetched when the sender needs it.
	wa := h.Chat(bot.WhatsApp, "393401112299")
	h.LinkBeneficiary(wa, h.NewBeneficiary("MI", "it", tutor.ID))
	wa.Send("/tutor")
	wa.File(bot.MediaItem{Kind: bot.MediaDocument, MIME: "application/pdf", Name: "contratto.pdf", Ref: "wamid-media-1"})
	wa.Expect("Inviato ✓")
	got = tchat.Inbox()
	if len(got) != 1 || got[0].Media == nil || got[0].Media.Transit == "" || got[0].Media.Copy != nil {
		t.Fatalf("tutor got %s", flowtest.Describe(got))
	}
	if _, err := h.Media.Info(h.Ctx(), got[0].Media.Transit); err != nil {
		t.Fatalf("the file is not in transit: %v", err)
	}

	// The web chat: an upload already in the transit store is passed on as it is.
	web := h.Chat(bot.Webchat, "web-file-1")
	wb := h.LinkBeneficiary(web, h.NewBeneficiary("MI", "so", tutor.ID))
	up, err := h.Media.Put(h.Ctx(), media.Upload{Kind: bot.MediaPhoto, Declared: "image/png", Data: mediatest.PNG(2048)})
	if err != nil {
		t.Fatal(err)
	}
	web.Send("/tutor")
	web.File(bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/png", Ref: up.ID})
	got = tchat.Inbox()
	if len(got) != 1 || got[0].Media == nil || got[0].Media.Transit != up.ID {
		t.Fatalf("tutor got %s", flowtest.Describe(got))
	}
	if it, err := h.Media.Info(h.Ctx(), up.ID); err != nil || it.Owner != wb.ID {
		t.Fatalf("upload %+v, %v: its owner should be the beneficiary (erasure removes it)", it, err)
	}
}

// Outside "My tutor" a file is kept for a moment with "Send to tutor"; the tap sends it.
func TestFileOutsideTheTutorChat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	for _, channel := range []string{bot.Telegram, bot.WhatsApp} {
		c := h.Chat(channel, "393409990001"+channel[:1])
		h.LinkBeneficiary(c, h.NewBeneficiary("MI", "en", tutor.ID))
		c.File(bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg"})
		c.Expect("I can send this one to your tutor")
		if n := len(tchat.Inbox()); n != 0 {
			t.Fatalf("%s: sent before the tap", channel)
		}
		c.Tap("Send to tutor")
		c.Expect("Sent ✓")
		got := tchat.Inbox()
		if len(got) != 1 || got[0].Media == nil || got[0].Media.Kind != bot.MediaVoice {
			t.Fatalf("%s: tutor got %s", channel, flowtest.Describe(got))
		}
		if channel == bot.Telegram && got[0].Media.Copy == nil {
			t.Fatalf("Telegram to Telegram should copy: %+v", got[0].Media)
		}
	}
	// Without a tutor, a file gets the menu and no offer.
	c, _ := member(h, "en", 0)
	c.File(bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg"})
	expectNot(t, c, "Send to tutor")
}

// A tutor sends a file back: /reply <code> then the file, or Reply on an alert then the file.
func TestTutorSendsAFileBack(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	wa := h.Chat(bot.WhatsApp, "393401112277")
	b := h.LinkBeneficiary(wa, h.NewBeneficiary("MI", "ar", tutor.ID))

	tchat.Send("/reply " + b.Code)
	tchat.File(bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg", Caption: "Questo è il modulo"})
	tchat.Expect("Messaggio inviato a " + b.Code)
	got := wa.Inbox()
	if len(got) != 1 || got[0].Media == nil || got[0].Media.Transit == "" || !strings.Contains(got[0].Text, "Questo è il modulo") {
		t.Fatalf("beneficiary got %s", flowtest.Describe(got))
	}

	// The alert's Reply, then a voice note without caption: announced in the person's language.
	wa.Send("/tutor")
	wa.Send("شكرا")
	tchat.Last = tchat.Inbox()
	tchat.Tap("Rispondi")
	tchat.File(bot.MediaItem{Kind: bot.MediaVoice, MIME: "audio/ogg"})
	tchat.Expect("Messaggio inviato a "+b.Code, "1 avviso chiuso")
	got = wa.Inbox()
	if len(got) != 1 || got[0].Media == nil || !strings.Contains(got[0].Text, "أرسل إليك مرشدك ملفًا") {
		t.Fatalf("beneficiary got %s", flowtest.Describe(got))
	}
	if n := count(h, `SELECT COUNT(*) FROM conversation_messages WHERE beneficiary_id = ? AND direction = 'to_person' AND media_kind IS NOT NULL`, b.ID); n != 2 {
		t.Fatalf("%d files from the tutor recorded", n)
	}
	// A file anywhere else: the tutor is told how to send one; nothing goes.
	tchat.File(bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg"})
	tchat.Expect("/reply")
	if n := len(wa.Inbox()); n != 0 {
		t.Fatalf("%d messages reached the beneficiary", n)
	}
}

// /alerts and the card show what the person wrote (a file by its kind and caption); the alert
// itself carries the text.
func TestAlertsShowTheMessages(t *testing.T) {
	t.Parallel()
	for _, channel := range []string{bot.Telegram, bot.WhatsApp, bot.Webchat} {
		t.Run(channel, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			tutor, tchat := tutorOf(h)
			c := h.Chat(channel, "393401119900")
			b := h.LinkBeneficiary(c, h.NewBeneficiary("MI", "en", tutor.ID))
			c.Send("/tutor")
			c.Send("My landlord changed the lock of the door")
			if channel != bot.Webchat { // the web chat's files are uploads (TestFilesReachTheTutor)
				c.File(bot.MediaItem{Kind: bot.MediaPhoto, MIME: "image/jpeg", Caption: "the new lock"})
			}
			if got := tchat.Inbox(); len(got) == 0 || !strings.Contains(got[0].Text, "changed the lock of the door") {
				t.Fatalf("the alert lacks the text: %s", flowtest.Describe(got))
			}
			tchat.Send("/alerts")
			tchat.Expect("«My landlord changed the lock of the door»")
			if channel != bot.Webchat {
				tchat.Expect("📷 foto: «the new lock»")
			}
			tchat.Send("/b " + b.Code)
			tchat.Expect("Ultimi messaggi", "«My landlord changed the lock of the door»")
			tchat.Send("/reply " + b.Code + " Arrivo domani")
			tchat.Send("/b " + b.Code)
			tchat.Expect("📤", "«Arrivo domani»")
		})
	}
}
