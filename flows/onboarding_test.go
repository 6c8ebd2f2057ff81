package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

// onboardingPath runs the whole beneficiary onboarding on h and checks what a person and
// their tutor would notice, and what is stored.
func onboardingPath(t *testing.T, h *flowtest.Harness) {
	tutor, tchat := tutorOf(h)
	b := h.NewBeneficiary("MI", "en", tutor.ID)
	code := h.Invite("beneficiary", b.ID, 0)
	c := h.Telegram()
	c.LangHint = "it-IT" // Telegram's language_code preselects Italian

	c.Send("/start " + code)
	c.Expect("Benvenuto", "Scegli la tua lingua")
	expectButton(t, c, "✅ Italiano")
	for _, native := range []string{"English", "Français", "العربية", "اردو", "বাংলা", "دری", "پښتو", "ትግርኛ", "Soomaali"} {
		expectButton(t, c, native)
	}
	c.Tap("English")
	c.Expect("Your data", "never your phone number", "Do you agree")
	c.Tap("Tell me more")
	c.Expect("More about your data", "https://insidebot.example/privacy")
	if got := reload(h, b.ID); got.OnboardedAt.Valid || got.ConsentServiceAt.Valid {
		t.Fatal("onboarded before the service consent")
	}
	c.Tap("I agree")
	c.Expect("research")
	c.Tap("Yes")
	c.Expect("news from the project", "STOP")
	c.Tap("No")
	c.Expect("All done")
	expectMenu(t, c)
	var menu []bot.Command
	for _, m := range c.Last {
		menu = append(menu, m.Commands...)
	}
	if len(menu) == 0 || menu[0].Command != "menu" || !strings.Contains(menu[1].Description, "plan") {
		t.Fatalf("command menu = %+v", menu)
	}

	got := reload(h, b.ID)
	if got.Status != storage.BeneficiaryActive || !got.OnboardedAt.Valid || got.Lang != "en" ||
		!got.ConsentServiceAt.Valid || !got.ConsentResearchAt.Valid || got.ConsentAnnouncementsAt.Valid {
		t.Fatalf("after onboarding: %+v", got)
	}
	ident, err := storage.IdentityByExternal(h.Ctx(), h.DB, bot.Telegram, c.ID)
	if err != nil || ident.BeneficiaryID.Int64 != b.ID || ident.ChatID != c.ID {
		t.Fatalf("identity %+v %v", ident, err)
	}
	if n := count(h, `SELECT COUNT(*) FROM invites WHERE beneficiary_id = ? AND used_at IS NOT NULL AND used_by = ?`, b.ID, ident.ID); n != 1 {
		t.Fatalf("invite not recorded as used by the identity: %d", n)
	}
	alerts := tchat.Inbox()
	if len(alerts) != 1 || !strings.Contains(alerts[0].Text, b.Code) || strings.Contains(alerts[0].Text, c.ID) {
		t.Fatalf("tutor alert = %s", flowtest.Describe(alerts))
	}
	if as := alertsOf(h, tutor.ID); len(as) != 1 || as[0].Kind != storage.AlertOnboarded {
		t.Fatalf("open alerts %+v", as)
	}
	// The deep link tapped again: no "already used", no failure, the menu.
	c.Send("/start " + code)
	expectNot(t, c, "already used")
	expectMenu(t, c)
}

func TestOnboardingPostgres(t *testing.T) { onboardingPath(t, newHarness(t)) }

func TestOnboardingSQLite(t *testing.T) { onboardingPath(t, newHarness(t, flowtest.SQLite())) }

func TestEachBadCodeHasItsAnswerAndFiveFailuresLock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	used := h.NewBeneficiary("MI", "en", 0)
	usedCode := h.Invite("beneficiary", used.ID, 0)
	h.LinkBeneficiary(h.Telegram(), used)
	if _, err := storage.RedeemInvite(h.Ctx(), h.DB, usedCode, h.Clock.Now()); err != nil {
		t.Fatal(err)
	}
	old := h.NewBeneficiary("MI", "en", 0)
	oldCode := h.Invite("beneficiary", old.ID, 0)
	h.Clock.Advance(73 * time.Hour) // the harness's invites live 72 hours
	fresh := h.NewBeneficiary("MI", "en", 0)
	freshCode := h.Invite("beneficiary", fresh.ID, 0)

	c := h.Telegram()
	c.Send("/start 23456789")
	c.Expect("This code is not right")
	c.Send("/start " + usedCode)
	c.Expect("already used", "new code")
	c.Send("/start " + oldCode)
	c.Expect("too old", "new code")
	c.Send("hello, I want to join") // not a code: the explanation, and not counted
	c.Expect("insidebot", "personal code")
	c.Send("ABCD-2345") // typed as text, shaped like a code: tried
	c.Expect("not right")
	c.Send("/start nonsense")
	c.Expect("not right", "Too many wrong codes", "60 minutes")
	// Locked: even the right code waits.
	c.Send("/start " + freshCode)
	c.Expect("Too many wrong codes")
	if n := count(h, `SELECT COUNT(*) FROM identities WHERE external_id = ?`, c.ID); n != 0 {
		t.Fatalf("a locked chat got linked")
	}
	if reload(h, fresh.ID).Status != storage.BeneficiaryInvited {
		t.Fatal("the invite was used by a locked chat")
	}
	// Another chat is not locked.
	other := h.Telegram()
	other.Send("/start " + freshCode)
	other.Expect("Welcome", "Choose your language")
}

func TestStartWithoutCodeExplainsAndStoresNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := h.Telegram()
	c.LangHint = "it"
	c.Send("/start")
	c.Expect("insidebot", "codice personale", "tutor")
	c.Send("/menu")
	c.Expect("codice personale")
	c.Send("STOP")
	c.Expect("codice personale")
	if n := count(h, `SELECT COUNT(*) FROM identities`); n != 0 {
		t.Fatalf("%d identities stored for a stranger", n)
	}
	if n := count(h, `SELECT COUNT(*) FROM beneficiaries`); n != 0 {
		t.Fatalf("%d beneficiaries stored for a stranger", n)
	}
}

func TestCodeTypedAsTextAndOnTheWebChat(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.NewBeneficiary("BO", "en", 0)
	code := h.Invite("beneficiary", b.ID, 0)
	web := h.Chat(bot.Webchat, "web-session-1")
	web.Send(strings.ToLower(code[:4]) + " " + strings.ToLower(code[4:]))
	web.Expect("Welcome", "Choose your language")
	web.Tap("English")
	web.Tap("I agree")
	web.Tap("No")
	web.Tap("Yes")
	expectMenu(t, web)
	if got := reload(h, b.ID); !got.WantsAnnouncements() || got.ConsentResearchAt.Valid {
		t.Fatalf("consents %+v", got)
	}
}

// A coordinator invited without --name is greeted without a name, not "Benvenuto/a, 👋!".
func TestAStaffMemberWithoutANameIsGreetedWithoutOne(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, err := storage.CreateStaff(h.Ctx(), h.DB, storage.NewStaff{Role: storage.RoleCoordinator, Lang: "it"}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := h.Telegram()
	c.Send("/start " + h.Invite(storage.RoleCoordinator, 0, id))
	c.Expect("👋 Benvenuto/a! Sei registrato/a come coordinatore", "/help")
	expectNot(t, c, ", 👋", "👋!", "{{")
	c.Send("/start")
	c.Expect("👋 Ciao. Scrivi /help")
	b := h.NewBeneficiary("MI", "en", 0)
	c.Send("/start " + h.Invite("beneficiary", b.ID, 0))
	c.Expect("👋 Questo account è già registrato come staff")
	expectNot(t, c, ", 👋", "👋,")
}

func TestStaffInviteActivatesAndGreets(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, err := storage.CreateStaff(h.Ctx(), h.DB, storage.NewStaff{DisplayName: "Marco", Role: storage.RoleCoordinator, Territory: "MI", Lang: "it"}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code := h.Invite(storage.RoleCoordinator, 0, id)
	c := h.Telegram()
	c.LangHint = "en"
	c.Send("/start " + code)
	c.Expect("Benvenuto/a, Marco", "coordinatore", "/help")
	s, err := storage.StaffByID(h.Ctx(), h.DB, id)
	if err != nil || s.Status != "active" {
		t.Fatalf("staff %+v %v", s, err)
	}
	ident, err := storage.IdentityByExternal(h.Ctx(), h.DB, bot.Telegram, c.ID)
	if err != nil || ident.StaffID.Int64 != id || ident.BeneficiaryID.Valid {
		t.Fatalf("identity %+v %v", ident, err)
	}
	c.Send("/start")
	c.Expect("Ciao, Marco", "/help")
	// The same account taps a beneficiary's link: nothing is relinked, the code stays usable.
	b := h.NewBeneficiary("MI", "en", id)
	bcode := h.Invite("beneficiary", b.ID, 0)
	c.Send("/start " + bcode)
	c.Expect("già registrato come staff", "Niente è stato cambiato")
	if ident, _ := storage.IdentityByExternal(h.Ctx(), h.DB, bot.Telegram, c.ID); ident.StaffID.Int64 != id {
		t.Fatal("the staff account was relinked")
	}
	other := h.Telegram()
	other.Send("/start " + bcode)
	other.Expect("Choose your language")
}

func TestRefusingTheServiceStopsThereAndOffersErasure(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tutor, tchat := tutorOf(h)
	b := h.NewBeneficiary("MI", "en", tutor.ID)
	c := h.Telegram()
	c.Send("/start " + h.Invite("beneficiary", b.ID, 0))
	c.Tap("English")
	c.Tap("❌ No")
	c.Expect("Without your agreement I cannot help you")
	// Nothing else opens before the agreement: every screen leads back to it.
	for _, try := range []func(){func() { c.Send("/plan") }, func() { c.Press("pl:0") }, func() { c.Send("help") }, func() { c.Media("photo") }} {
		try()
		c.Expect("Do you agree")
		expectNot(t, c, "Your plan")
	}
	if got := reload(h, b.ID); got.OnboardedAt.Valid || got.ConsentServiceAt.Valid {
		t.Fatal("onboarded without consent")
	}
	if len(tchat.Inbox()) != 0 {
		t.Fatal("the tutor was told of an onboarding that did not happen")
	}
	c.Tap("✅ I agree")
	c.Tap("No")
	c.Tap("No")
	expectMenu(t, c)
	c.Tap("Privacy")
	c.Tap("Delete my data")
	c.Expect("Do you want to delete your data?")
	c.Tap("Yes, delete")
	c.Expect("your data is deleted")
	if got := reload(h, b.ID); got.Status != storage.BeneficiaryErased {
		t.Fatalf("status %s", got.Status)
	}
}

func TestLanguageHintOnlyPreselects(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.NewBeneficiary("MI", "it", 0)
	c := h.Telegram()
	c.LangHint = "xx" // not one of the ten: the invite's language stays
	c.Send("/start " + h.Invite("beneficiary", b.ID, 0))
	c.Expect("Benvenuto")
	expectButton(t, c, "✅ Italiano")
	c.Send("English") // typing a language's name picks it
	c.Expect("Do you agree")
	if reload(h, b.ID).Lang != "en" {
		t.Fatal("typed language not taken")
	}
}

func TestSecondAccountOfAnOnboardedBeneficiary(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	tg, b := member(h, "en", 0)
	_ = tg
	wa := h.Chat(bot.WhatsApp, "393331234567")
	wa.Send("/start " + h.Invite("beneficiary", b.ID, 0))
	wa.Expect("This chat is now linked to you too")
	expectMenu(t, wa)
	if n := count(h, `SELECT COUNT(*) FROM identities WHERE beneficiary_id = ?`, b.ID); n != 2 {
		t.Fatalf("%d identities", n)
	}
}

func TestADisabledStaffMembersCodeDoesNotLetThemIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, err := storage.CreateStaff(h.Ctx(), h.DB, storage.NewStaff{DisplayName: "Ex", Role: storage.RoleTutor, Territory: "MI"}, h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code := h.Invite(storage.RoleTutor, 0, id)
	if err := storage.SetStaffStatus(h.Ctx(), h.DB, id, "disabled"); err != nil {
		t.Fatal(err)
	}
	c := h.Telegram()
	c.Send("/start " + code)
	c.Expect("This code is not right")
	if n := count(h, `SELECT COUNT(*) FROM identities WHERE staff_id = ?`, id); n != 0 {
		t.Fatal("a disabled staff member was linked")
	}
	if s, _ := storage.StaffByID(h.Ctx(), h.DB, id); s.Status != "disabled" {
		t.Fatalf("status %s", s.Status)
	}
}
