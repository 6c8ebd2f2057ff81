package flows_test

import (
	"testing"

	"github.com/insideaut/insidebot/flows"
	"github.com/insideaut/insidebot/locales"
)

func TestStopAndStartInSeveralLanguages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	if !b.WantsAnnouncements() {
		t.Fatal("fixture should want announcements")
	}
	pairs := []struct{ stop, start string }{
		{"STOP", "START"},
		{" stop! ", "Start."},
		{"Basta", "riprendi"},
		{"ARRÊT", "reprendre"},
		{"arret", "reprenez"},
		{"توقف", "ابدأ"},
		{"اوقف", "ابدا"},
		{"بند کرو", "شروع"},
		{"বন্ধ", "শুরু"},
		{"ودروه", "پیل"},
		{"ኣቁም", "ጀምር"},
		{"Jooji", "bilow"},
	}
	for _, p := range pairs {
		c.Send(p.stop)
		c.Expect("no more news", "START")
		if reload(h, b.ID).WantsAnnouncements() {
			t.Fatalf("%q did not stop announcements", p.stop)
		}
		c.Send(p.start)
		c.Expect("on again", "STOP")
		if !reload(h, b.ID).WantsAnnouncements() {
			t.Fatalf("%q did not resume announcements", p.start)
		}
	}
}

func TestStopWorksInTheMiddleOfTheTutorConversation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	c, b := member(h, "en", tutor.ID)
	c.Send("/tutor")
	c.Send("stop")
	c.Expect("no more news")
	if reload(h, b.ID).WantsAnnouncements() {
		t.Fatal("not stopped")
	}
	if len(tchat.Inbox()) != 0 {
		t.Fatal("STOP was relayed to the tutor")
	}
	c.Send("I still want to talk to you") // the conversation is still open
	c.Expect("Sent ✓")
}

func TestStartGivesTheAnnouncementsConsent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c, b := member(h, "en", 0)
	c.Send("/privacy")
	c.Tap("My choices")
	c.Tap("Stop news")
	c.Expect("Saved", "❌ News from the project")
	if reload(h, b.ID).ConsentAnnouncementsAt.Valid {
		t.Fatal("consent not withdrawn")
	}
	c.Send("START")
	if !reload(h, b.ID).WantsAnnouncements() {
		t.Fatal("START did not give the consent back")
	}
}

func TestStopWordsAreWordsAlone(t *testing.T) {
	t.Parallel()
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(flows.Deps{Catalog: cat})
	for _, s := range []string{"stop", "STOP.", "Arrêter", "أوقف", "بند کریں", "joogso",
		// Forms the translators added, and an Urdu word typed with an Arabic keyboard's ن for ں.
		"ستوب", "বন্ধ করো", "স্টপ", "band karo", "بند کرین", "بس کنید", "iska jooji", "Arrêtez", "بند کره", "ኣቁሚ", "አቁም"} {
		if !e.IsStopWord(s) {
			t.Errorf("%q is a stop word", s)
		}
	}
	for _, s := range []string{"don't stop", "stopped", "start", "", "🛑"} {
		if e.IsStopWord(s) {
			t.Errorf("%q is not a stop word", s)
		}
	}
	if !e.IsStartWord("Start") || e.IsStartWord("stop") || e.IsStartWord("commencer") || !e.IsStartWord("پیل کره") {
		t.Error("start words")
	}
}
