package whatsapp

import (
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/bot"
)

// WhatsApp's limits, in characters (counted as UTF-16 units, the stricter reading).
const (
	maxText         = 4096 // a text message
	maxBody         = 1024 // an interactive message's body, a media caption
	maxButtonTitle  = 20   // a reply button's title, a list's button label, a cta_url label
	maxButtons      = 3    // reply buttons in one message
	maxRows         = 10   // rows in one list
	maxRowTitle     = 24   // a list row's title
	maxRowDesc      = 72   // a list row's description
	maxImageBytes   = 5 << 20
	pageRows        = maxRows - 1 // a page of a long list: 9 choices and "more"
	moreIDPrefix    = "~more:"    // the id of a "more" row: ~more:<token>:<page>
	fallbackPointer = "👇"         // the body of a list when the message has no words for it
)

// part is one Cloud API message of a rendered bot.Outgoing; file, when set, is uploaded first
// and its media id goes into the image or document.
type part struct {
	msg  message
	file *bot.File
	// media, when set, is a passed-on file: uploaded (attachMedia) and its media id put in
	// the message before it is sent.
	media *bot.OutMedia
}

// rendered is a bot.Outgoing as WhatsApp messages, and the long list it starts, if any.
type rendered struct {
	parts []part
	list  *choiceList
}

// render turns an Outgoing into WhatsApp messages within the platform's limits. token names a
// list of more than ten choices (shown a page at a time); it is used only then.
func render(out bot.Outgoing, token string) (rendered, error) {
	var r rendered
	var choices, links []bot.Button
	ids := map[string]bool{}
	for _, b := range out.AllButtons() {
		switch {
		case b.URL != "":
			links = append(links, b)
		case ids[b.Data]:
			// WhatsApp refuses rows or buttons sharing an id: the first one stays.
		case b.Data != "":
			ids[b.Data] = true
			choices = append(choices, b)
		default:
			return r, &bot.SendError{Class: bot.Permanent, Reason: fmt.Sprintf("button %q has neither data nor a link", b.Text)}
		}
	}
	text := strings.TrimSpace(out.Text)
	var cta *ctaURL
	if len(choices) == 0 && len(links) == 1 && bot.UTF16Len(links[0].Text) <= maxButtonTitle && text != "" {
		cta = &ctaURL{DisplayText: links[0].Text, URL: links[0].URL}
	} else {
		text = withLinks(text, links)
	}
	interactiveNeeded := cta != nil || len(choices) > 0

	if f, kind := mediaOf(out); f != nil {
		m := &mediaRef{}
		if kind == "document" {
			m.Filename = f.Name
		}
		if !interactiveNeeded && bot.UTF16Len(text) <= maxBody {
			m.Caption, text = text, ""
		}
		p := part{msg: message{Type: kind}, file: f}
		if kind == "image" {
			p.msg.Image = m
		} else {
			p.msg.Document = m
		}
		r.parts = append(r.parts, p)
	} else if out.Media != nil {
		var p part
		p, text = mediaPart(out.Media, text, interactiveNeeded)
		r.parts = append(r.parts, p)
	}
	if !interactiveNeeded {
		for _, chunk := range bot.SplitText(text, maxText) {
			r.parts = append(r.parts, textPart(chunk))
		}
		if len(r.parts) == 0 {
			return r, &bot.SendError{Class: bot.Permanent, Reason: "empty message"}
		}
		return r, nil
	}

	body := text
	if body == "" || bot.UTF16Len(body) > maxBody {
		for _, chunk := range bot.SplitText(body, maxText) {
			r.parts = append(r.parts, textPart(chunk))
		}
		body = shortBody(out.Labels)
	}
	if cta != nil {
		r.parts = append(r.parts, part{msg: message{Type: "interactive", Interactive: &interactive{
			Type: "cta_url", Body: bodyRef{Text: body}, Action: action{Name: "cta_url", Parameters: cta}}}})
		return r, nil
	}
	if len(choices) > maxRows {
		r.list = &choiceList{Token: token, Body: body, Choices: choices, Labels: out.Labels, Lang: out.Lang, RTL: out.RTL}
		choices = r.list.page(0).AllButtons()
	}
	r.parts = append(r.parts, choicesPart(body, choices, out.Labels))
	return r, nil
}

// mediaOf returns the file to send and how: a JPEG or PNG up to 5 MB is an image, anything
// else a document (WhatsApp refuses other image types).
func mediaOf(out bot.Outgoing) (*bot.File, string) {
	if f := out.Image; f != nil {
		if (f.MIME == "image/jpeg" || f.MIME == "image/png") && len(f.Data) <= maxImageBytes {
			return f, "image"
		}
		return f, "document"
	}
	if out.Document != nil {
		return out.Document, "document"
	}
	return nil, ""
}

func textPart(s string) part {
	return part{msg: message{Type: "text", Text: &textBody{Body: s,
		PreviewURL: strings.Contains(s, "https://") || strings.Contains(s, "http://")}}}
}

// choicesPart renders up to ten choices: reply buttons when they are three at most and every
// title fits (and differs), otherwise a list whose rows show a long label in full in their
// description.
func choicesPart(body string, choices []bot.Button, labels bot.Labels) part {
	if len(choices) <= maxButtons && buttonsFit(choices) {
		var bs []replyButton
		for _, c := range choices {
			bs = append(bs, replyButton{Type: "reply", Reply: reply{ID: c.Data, Title: c.Text}})
		}
		return part{msg: message{Type: "interactive", Interactive: &interactive{
			Type: "button", Body: bodyRef{Text: body}, Action: action{Buttons: bs}}}}
	}
	var rows []row
	for _, c := range choices {
		rw := row{ID: c.Data, Title: c.Text}
		if bot.UTF16Len(c.Text) > maxRowTitle {
			rw.Title = bot.Truncate(c.Text, maxRowTitle)
			rw.Description = bot.Truncate(c.Text, maxRowDesc)
		}
		rows = append(rows, rw)
	}
	label := labels.Choose
	if label == "" {
		label = fallbackPointer
	}
	return part{msg: message{Type: "interactive", Interactive: &interactive{
		Type: "list", Body: bodyRef{Text: body},
		Action: action{Button: bot.Truncate(label, maxButtonTitle), Sections: []section{{Rows: rows}}}}}}
}

func buttonsFit(choices []bot.Button) bool {
	seen := map[string]bool{}
	for _, c := range choices {
		if bot.UTF16Len(c.Text) > maxButtonTitle || seen[c.Text] {
			return false
		}
		seen[c.Text] = true
	}
	return true
}

// withLinks puts link buttons in the text: WhatsApp's reply buttons cannot carry a link.
func withLinks(text string, links []bot.Button) string {
	if len(links) == 0 {
		return text
	}
	var b strings.Builder
	b.WriteString(text)
	for _, l := range links {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(l.Text)
		b.WriteString("\n")
		b.WriteString(l.URL)
	}
	return b.String()
}

// shortBody is the body of a list sent after its long text: the recipient's word for "choose".
func shortBody(l bot.Labels) string {
	if l.Choose != "" {
		return bot.Truncate(l.Choose, maxBody)
	}
	return fallbackPointer
}
