package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/locales"
)

// invitation is what `insidebot invite --json` prints.
type invitation struct {
	Code            string `json:"code"`
	ID              int64  `json:"id"`
	BeneficiaryCode string `json:"beneficiary_code"`
}

func (h *Harness) invite(args ...string) invitation {
	h.t.Helper()
	var inv invitation
	if err := json.Unmarshal(h.Run(append([]string{"invite", "--json"}, args...)...), &inv); err != nil {
		h.t.Fatal(err)
	}
	return inv
}

// TestTelegramJourney drives the real binary over the emulated Bot API through a whole
// journey: a tutor and a coordinator join with their codes; the tutor adds a plan step; the
// beneficiary follows the deep link, picks a language, agrees to the notice, answers the
// optional consents and opens "My plan"; the coordinator schedules a session a minute or two
// ahead and enrols them; the session reminder arrives (REMINDER_OFFSETS set so it is due
// during the test), with the place and RSVP buttons, and pressing "I will come" is answered.
func TestTelegramJourney(t *testing.T) {
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	en := cat.For("en")
	rome, _ := time.LoadLocation("Europe/Rome")

	// Reminders go REMINDER_OFFSETS before a session. The session's time is chosen only when the
	// coordinator schedules it, so that its reminder falls 40 to 100 s after that moment however
	// long the setup took on a busy machine.
	const offset = 5 * time.Minute
	h := Start(t, fmt.Sprintf("REMINDER_OFFSETS=%ds", int(offset.Seconds())), "QUIET_HOURS=off", "SCHEDULER_INTERVAL=200ms")

	tutorInv := h.invite("--role", "tutor", "--territory", "MI", "--name", "Giulia")
	coordInv := h.invite("--role", "coordinator", "--territory", "MI", "--name", "Marco")
	benInv := h.invite("--role", "beneficiary", "--territory", "MI", "--lang", "en", "--tutor", fmt.Sprint(tutorInv.ID))

	tutor := h.NewUser("it")
	tutor.SendCommand("/start " + tutorInv.Code)
	tutor.WaitForBotMessage("Giulia")
	due := time.Now().In(rome).AddDate(0, 0, 10).Format("02/01/2006")
	tutor.SendCommand("/step " + benInv.BeneficiaryCode + " add codice_fiscale due " + due)
	tutor.WaitForBotMessage("Passo 1 aggiunto", benInv.BeneficiaryCode)

	// The beneficiary joins: language, notice, consents, menu, My plan.
	ben := h.NewUser("en")
	ben.SendCommand("/start " + benInv.Code)
	ben.Tap(ben.WaitForBotMessageWithButton("English"), "English")
	ben.Tap(ben.WaitForBotMessageWithButton(en.T("onboarding.agree")), en.T("onboarding.agree"))
	ben.Tap(ben.WaitForBotMessageWithButton(en.T("onboarding.yes")), en.T("onboarding.yes")) // research
	ben.Tap(ben.WaitForBotMessageWithButton(en.T("onboarding.yes")), en.T("onboarding.yes")) // announcements
	menu := ben.WaitForBotMessageWithButton(en.T("menu.plan"))
	ben.Tap(menu, en.T("menu.plan"))
	ben.WaitForBotMessage(en.T("steps.codice_fiscale.title"))
	// The tutor heard the beneficiary started.
	tutor.WaitForBotMessage(benInv.BeneficiaryCode)

	// The coordinator schedules the session and enrols the beneficiary.
	coord := h.NewUser("it")
	coord.SendCommand("/start " + coordInv.Code)
	coord.WaitForBotMessage("Marco")
	coord.SendCommand("/lab add Casa")
	coord.WaitForBotMessage("Laboratorio #1")
	coord.SendCommand("/module add 1 Regole di casa")
	coord.WaitForBotMessage("Modulo #1")
	// The next whole minute at least offset+40 s away: the reminder is due in 40 to 100 s.
	at := time.Now().Add(offset + 40*time.Second + time.Minute - time.Nanosecond).Truncate(time.Minute).In(rome)
	coord.SendCommand(fmt.Sprintf("/session add 1 MI %s %s Via Padova 36", at.Format("02/01/2006"), at.Format("15:04")))
	coord.WaitForBotMessage("Sessione #1")
	coord.SendCommand("/enrol 1 " + benInv.BeneficiaryCode)
	coord.WaitForBotMessage(benInv.BeneficiaryCode)

	// The reminder comes on its own, in English, within about 100 s of scheduling.
	reminder := ben.WaitForBotMessageWithin(3*time.Minute, "Via Padova 36", strings.SplitN(en.T("reminder.session_ask"), "?", 2)[0])
	if _, ok := reminder.ButtonLabelled(en.T("reminder.yes")); !ok {
		t.Fatalf("reminder without RSVP buttons: %+v", reminder)
	}
	ben.Tap(reminder, en.T("reminder.yes"))
	ben.WaitForBotMessage()

	// The whole run was logged at debug level: no token, no platform id of a person.
	log := h.botLog.String()
	for _, leak := range []string{botToken, fmt.Sprint(ben.ID), fmt.Sprint(tutor.ID), fmt.Sprint(coord.ID)} {
		if strings.Contains(log, leak) {
			t.Errorf("the bot's log carries %q", leak)
		}
	}
}
