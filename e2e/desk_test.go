package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/insideaut/insidebot/bot/webchat/browsertest"
	"github.com/insideaut/insidebot/locales"
)

// deskLink is the sign-in link in the bot's answer to /desk.
var deskLink = regexp.MustCompile(`https?://\S+/desk/login\?t=\S+`)

// TestDeskEndToEnd drives the built binary, the Telegram emulator and a real Chromium together:
// a tutor asks the bot for a desk link with /desk, opens it, sees their own person and not a
// colleague's, adds a plan step on the person's page, and the beneficiary receives it in their
// Telegram chat in English. A person of another territory answers "not found"; a form sent
// without its CSRF token is refused and changes nothing; the used link, opened again, says so.
func TestDeskEndToEnd(t *testing.T) {
	cat, err := locales.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	en, it := cat.For("en"), cat.For("it")
	h := Start(t, "QUIET_HOURS=off")

	tutorInv := h.invite("--role", "tutor", "--territory", "MI", "--name", "Giulia")
	otherTutor := h.invite("--role", "tutor", "--territory", "MI", "--name", "Sara")
	boTutor := h.invite("--role", "tutor", "--territory", "BO", "--name", "Luca")
	benInv := h.invite("--role", "beneficiary", "--territory", "MI", "--lang", "en", "--tutor", fmt.Sprint(tutorInv.ID))
	colleagues := h.invite("--role", "beneficiary", "--territory", "MI", "--lang", "fr", "--tutor", fmt.Sprint(otherTutor.ID))
	bologna := h.invite("--role", "beneficiary", "--territory", "BO", "--lang", "ar", "--tutor", fmt.Sprint(boTutor.ID))

	tutor := h.NewUser("it")
	tutor.SendCommand("/start " + tutorInv.Code)
	tutor.WaitForBotMessage("Giulia")

	ben := h.NewUser("en")
	ben.SendCommand("/start " + benInv.Code)
	ben.Tap(ben.WaitForBotMessageWithButton("English"), "English")
	ben.Tap(ben.WaitForBotMessageWithButton(en.T("onboarding.agree")), en.T("onboarding.agree"))
	ben.Tap(ben.WaitForBotMessageWithButton(en.T("onboarding.no")), en.T("onboarding.no"))   // research
	ben.Tap(ben.WaitForBotMessageWithButton(en.T("onboarding.yes")), en.T("onboarding.yes")) // announcements
	ben.WaitForBotMessageWithButton(en.T("menu.plan"))

	tutor.SendCommand("/desk")
	link := deskLink.FindString(tutor.WaitForBotMessage("/desk/login?t=").Text)

	c := browsertest.Launch(t, 1440, 900, browsertest.Lang("it"))
	c.Do(chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("Home", `location.pathname === '/desk/'`)

	c.Do(chromedp.Navigate("http://" + h.addr + "/desk/people"))
	c.WaitFor("the tutor's own person listed", fmt.Sprintf(`document.body.innerText.includes(%q)`, benInv.BeneficiaryCode))
	if body := c.Eval(`document.body.innerText`); strings.Contains(body, colleagues.BeneficiaryCode) || strings.Contains(body, bologna.BeneficiaryCode) {
		t.Fatalf("the tutor's People page lists people of others: %q", body)
	}

	c.Do(chromedp.Navigate("http://" + h.addr + "/desk/people/" + bologna.BeneficiaryCode))
	c.WaitFor("another territory's person is not found", fmt.Sprintf(`document.querySelector('h1') !== null &&
		document.querySelector('h1').textContent.includes(%q)`, it.T("desk.msg.not_found_title")))

	// A form whose CSRF token is gone is refused and adds nothing.
	c.Do(chromedp.Navigate("http://" + h.addr + "/desk/people/" + benInv.BeneficiaryCode))
	c.WaitFor("the add-step form", `document.querySelector('#add-step') !== null`)
	c.Eval(`document.querySelector('#add-step').form.querySelector('input[name=csrf]').remove(); 'ok'`)
	c.Do(chromedp.SetValue(chromedp.CSS("#step-key"), "spid"), chromedp.Click(chromedp.CSS("#add-step")))
	c.WaitFor("refused without the CSRF token", fmt.Sprintf(`document.querySelector('h1') !== null &&
		document.querySelector('h1').textContent.includes(%q)`, it.T("desk.msg.forbidden_title")))

	c.Do(chromedp.Navigate("http://" + h.addr + "/desk/people/" + benInv.BeneficiaryCode))
	c.WaitFor("the add-step form", `document.querySelector('#add-step') !== null`)
	if body := c.Eval(`document.body.innerText`); strings.Contains(body, it.T("steps.spid.title")) {
		t.Fatalf("the refused form added a step: %q", body)
	}
	c.Do(chromedp.SetValue(chromedp.CSS("#step-key"), "spid"), chromedp.Click(chromedp.CSS("#add-step")))
	c.WaitFor("the step added, said on the page", fmt.Sprintf(`document.querySelector('.notice') !== null &&
		document.querySelector('.notice').textContent === %q`, it.T("desk.act.ok.step_added")))

	// The beneficiary hears of it on Telegram, in English.
	ben.WaitForBotMessage(en.T("steps.spid.title"))

	// The link worked once; opened again it says it was used.
	c.Do(chromedp.Navigate(link))
	c.WaitFor("the used link says so", fmt.Sprintf(`document.body.innerText.includes(%q)`, it.T("desk.msg.link_used_title")))

	// A coordinator announces something from the desk; it reaches the beneficiary's Telegram.
	coordInv := h.invite("--role", "coordinator", "--territory", "MI", "--name", "Marco")
	coord := h.NewUser("it")
	coord.SendCommand("/start " + coordInv.Code)
	coord.WaitForBotMessage("Marco")
	coord.SendCommand("/desk")
	c.Do(chromedp.Navigate(deskLink.FindString(coord.WaitForBotMessage("/desk/login?t=").Text)),
		chromedp.WaitVisible(chromedp.CSS("#sign-in")), chromedp.Click(chromedp.CSS("#sign-in")))
	c.WaitFor("the coordinator's Home", `location.pathname === '/desk/'`)
	const announcement = "Giovedì corso di italiano gratuito alla Casa della Cultura"
	c.Do(chromedp.Navigate("http://"+h.addr+"/desk/broadcasts/new"), chromedp.WaitVisible(chromedp.CSS("#broadcast-text")),
		chromedp.SetValue(chromedp.CSS("#broadcast-text"), announcement), chromedp.Click(chromedp.CSS("#broadcast-create")))
	c.WaitFor("the draft's page with its Send button", `document.querySelector('#broadcast-send') !== null`)
	c.Do(chromedp.Click(chromedp.CSS("#broadcast-send")))
	c.WaitFor("the broadcast sending", `document.querySelector('#broadcast-report') !== null`)
	ben.WaitForBotMessage(announcement)
}
