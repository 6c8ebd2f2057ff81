package whatsapp

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
)

var labels = bot.Labels{Choose: "Scegli un'opzione qui", More: "Altre opzioni ▶"}

func choices(n int) [][]bot.Button {
	var rows [][]bot.Button
	for i := range n {
		rows = append(rows, []bot.Button{{Text: fmt.Sprintf("Choice %d", i+1), Data: fmt.Sprintf("c:%d", i+1)}})
	}
	return rows
}

func mustRender(t *testing.T, out bot.Outgoing) rendered {
	t.Helper()
	r, err := render(out, "tok")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkLimits fails on any part beyond WhatsApp's limits.
func checkLimits(t *testing.T, r rendered) {
	t.Helper()
	for i, p := range r.parts {
		m := p.msg
		switch {
		case m.Text != nil && (bot.UTF16Len(m.Text.Body) > maxText || m.Text.Body == ""):
			t.Errorf("part %d: text of %d units", i, bot.UTF16Len(m.Text.Body))
		case m.Image != nil && bot.UTF16Len(m.Image.Caption) > maxBody, m.Document != nil && bot.UTF16Len(m.Document.Caption) > maxBody:
			t.Errorf("part %d: caption too long", i)
		case m.Interactive != nil:
			in := m.Interactive
			if n := bot.UTF16Len(in.Body.Text); n > maxBody || n == 0 {
				t.Errorf("part %d: body of %d units", i, n)
			}
			if len(in.Action.Buttons) > maxButtons {
				t.Errorf("part %d: %d buttons", i, len(in.Action.Buttons))
			}
			for _, b := range in.Action.Buttons {
				if bot.UTF16Len(b.Reply.Title) > maxButtonTitle || len(b.Reply.ID) > 256 {
					t.Errorf("part %d: button %q", i, b.Reply.Title)
				}
			}
			if bot.UTF16Len(in.Action.Button) > maxButtonTitle {
				t.Errorf("part %d: list label %q", i, in.Action.Button)
			}
			ids := map[string]bool{}
			for _, b := range in.Action.Buttons {
				if ids[b.Reply.ID] {
					t.Errorf("part %d: two buttons with the id %q", i, b.Reply.ID)
				}
				ids[b.Reply.ID] = true
			}
			rows := 0
			for _, s := range in.Action.Sections {
				for _, r := range s.Rows {
					if ids[r.ID] {
						t.Errorf("part %d: two rows with the id %q", i, r.ID)
					}
					ids[r.ID] = true
					rows++
					if bot.UTF16Len(r.Title) > maxRowTitle || bot.UTF16Len(r.Description) > maxRowDesc || len(r.ID) > 200 {
						t.Errorf("part %d: row %+v", i, r)
					}
				}
			}
			if rows > maxRows {
				t.Errorf("part %d: %d rows", i, rows)
			}
			if in.Type == "cta_url" && bot.UTF16Len(in.Action.Parameters.DisplayText) > maxButtonTitle {
				t.Errorf("part %d: cta label too long", i)
			}
		}
	}
}

func rowsOf(p part) []row {
	if p.msg.Interactive == nil || len(p.msg.Interactive.Action.Sections) == 0 {
		return nil
	}
	return p.msg.Interactive.Action.Sections[0].Rows
}

func TestRenderText(t *testing.T) {
	r := mustRender(t, bot.Outgoing{Text: "Ciao 👋"})
	if len(r.parts) != 1 || r.parts[0].msg.Type != "text" || r.parts[0].msg.Text.Body != "Ciao 👋" || r.parts[0].msg.Text.PreviewURL {
		t.Fatalf("parts = %+v", r.parts)
	}
	link := mustRender(t, bot.Outgoing{Text: "Privacy: https://insidebot.example/privacy"})
	if !link.parts[0].msg.Text.PreviewURL {
		t.Error("a link gets no preview")
	}

	// 10 000 characters: three messages, words kept whole, nothing lost.
	var words []string
	for i := 0; len(strings.Join(words, " ")) < 10000; i++ {
		words = append(words, fmt.Sprintf("parola%d", i))
	}
	long := strings.Join(words, " ")
	r = mustRender(t, bot.Outgoing{Text: long})
	checkLimits(t, r)
	if len(r.parts) != 3 {
		t.Fatalf("%d parts, want 3", len(r.parts))
	}
	var back []string
	for _, p := range r.parts {
		back = append(back, p.msg.Text.Body)
	}
	if strings.Join(back, " ") != long {
		t.Fatal("split text does not join back to the original")
	}

	// One endless word of emoji (two UTF-16 units each): cut at a character boundary.
	r = mustRender(t, bot.Outgoing{Text: strings.Repeat("😀", 3000)})
	checkLimits(t, r)
	if len(r.parts) != 2 || bot.UTF16Len(r.parts[0].msg.Text.Body) != 4096 {
		t.Fatalf("emoji split into %d parts", len(r.parts))
	}

	if _, err := render(bot.Outgoing{Text: "  "}, "t"); err == nil {
		t.Fatal("an empty message renders")
	}
	var se *bot.SendError
	if _, err := render(bot.Outgoing{Text: "x", Buttons: [][]bot.Button{{{Text: "nothing"}}}}, "t"); !errors.As(err, &se) || se.Class != bot.Permanent {
		t.Fatalf("a button without data or link: %v", err)
	}
}

func TestRenderButtons(t *testing.T) {
	cases := []struct {
		name      string
		out       bot.Outgoing
		kind      string // the interactive type of the last part
		items     int    // buttons or rows
		textParts int    // text messages before it
	}{
		{"one button", bot.Outgoing{Text: "Ok?", Buttons: choices(1)}, "button", 1, 0},
		{"three buttons in rows", bot.Outgoing{Text: "Ok?", Buttons: choices(3)}, "button", 3, 0},
		{"three buttons in one row", bot.Outgoing{Text: "Ok?", Buttons: [][]bot.Button{{{Text: "A", Data: "a"}, {Text: "B", Data: "b"}, {Text: "C", Data: "c"}}}}, "button", 3, 0},
		{"four choices are a list", bot.Outgoing{Text: "Pick", Buttons: choices(4), Labels: labels}, "list", 4, 0},
		{"ten choices are one list", bot.Outgoing{Text: "Pick", Buttons: choices(10), Labels: labels}, "list", 10, 0},
		{"a long title makes a list", bot.Outgoing{Text: "Pick", Buttons: [][]bot.Button{{{Text: "📄 Rinnovo del permesso di soggiorno", Data: "d:1"}}}, Labels: labels}, "list", 1, 0},
		{"equal titles make a list", bot.Outgoing{Text: "Pick", Buttons: [][]bot.Button{{{Text: "Sì", Data: "a"}}, {{Text: "Sì", Data: "b"}}}, Labels: labels}, "list", 2, 0},
		{"no text", bot.Outgoing{Buttons: choices(2), Labels: labels}, "button", 2, 0},
		{"long body goes first", bot.Outgoing{Text: strings.Repeat("lungo ", 300), Buttons: choices(2), Labels: labels}, "button", 2, 1},
		{"very long body", bot.Outgoing{Text: strings.Repeat("lunghissimo ", 800), Buttons: choices(5), Labels: labels}, "list", 5, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustRender(t, c.out)
			checkLimits(t, r)
			if len(r.parts) != c.textParts+1 {
				t.Fatalf("%d parts, want %d", len(r.parts), c.textParts+1)
			}
			for _, p := range r.parts[:c.textParts] {
				if p.msg.Type != "text" {
					t.Fatalf("part before the buttons is %s", p.msg.Type)
				}
			}
			last := r.parts[len(r.parts)-1].msg.Interactive
			if last == nil || last.Type != c.kind {
				t.Fatalf("last part = %+v, want %s", r.parts[len(r.parts)-1].msg, c.kind)
			}
			items := len(last.Action.Buttons) + len(rowsOf(r.parts[len(r.parts)-1]))
			if items != c.items {
				t.Fatalf("%d items, want %d", items, c.items)
			}
			if c.textParts > 0 || c.out.Text == "" {
				if last.Body.Text != labels.Choose {
					t.Fatalf("short body = %q", last.Body.Text)
				}
			} else if last.Body.Text != strings.TrimSpace(c.out.Text) {
				t.Fatalf("body = %q", last.Body.Text)
			}
			if c.kind == "list" && last.Action.Button != "Scegli un'opzione q…" {
				t.Fatalf("list label = %q, want the translated label cut to 20", last.Action.Button)
			}
			if r.list != nil {
				t.Fatal("a list of at most ten choices is paginated")
			}
		})
	}

	housing := "🏠 Ricerca casa e gestione dell'appartamento condiviso"
	permit := "📄 Rinnovo del permesso di soggiorno presso la Questura di Milano, via Montebello 26"
	r := mustRender(t, bot.Outgoing{Text: "Pick", Labels: labels, Buttons: [][]bot.Button{
		{{Text: housing, Data: "area:housing"}}, {{Text: permit, Data: "step:permit"}},
		{{Text: "💼 Lavoro", Data: "area:work"}}, {{Text: "🧠 Supporto", Data: "area:psych"}}}})
	rows := rowsOf(r.parts[0])
	if rows[0].Title != "🏠 Ricerca casa e gesti…" || rows[0].Description != housing || rows[0].ID != "area:housing" {
		t.Fatalf("long row = %+v", rows[0])
	}
	if !strings.HasPrefix(rows[1].Description, "📄 Rinnovo del permesso di soggiorno presso la Questura") ||
		!strings.HasSuffix(rows[1].Description, "via…") || bot.UTF16Len(rows[1].Description) > maxRowDesc {
		t.Fatalf("very long row = %+v", rows[1])
	}
	if rows[2].Title != "💼 Lavoro" || rows[2].Description != "" {
		t.Fatalf("short row = %+v", rows[2])
	}
}

func TestRenderLinks(t *testing.T) {
	only := mustRender(t, bot.Outgoing{Text: "Read the notice", Buttons: [][]bot.Button{{{Text: "🔒 Privacy", URL: "https://insidebot.example/privacy"}}}})
	in := only.parts[0].msg.Interactive
	if len(only.parts) != 1 || in == nil || in.Type != "cta_url" || in.Action.Parameters.URL != "https://insidebot.example/privacy" ||
		in.Action.Parameters.DisplayText != "🔒 Privacy" || in.Body.Text != "Read the notice" {
		t.Fatalf("single link = %+v", only.parts[0].msg)
	}
	mixed := mustRender(t, bot.Outgoing{Text: "Choose", Buttons: [][]bot.Button{
		{{Text: "Yes", Data: "y"}, {Text: "No", Data: "n"}}, {{Text: "Privacy", URL: "https://insidebot.example/privacy"}}}})
	in = mixed.parts[0].msg.Interactive
	if in.Type != "button" || len(in.Action.Buttons) != 2 || in.Body.Text != "Choose\n\nPrivacy\nhttps://insidebot.example/privacy" {
		t.Fatalf("link beside choices = %+v", in)
	}
	two := mustRender(t, bot.Outgoing{Text: "Links", Buttons: [][]bot.Button{{{Text: "A", URL: "https://a.example"}}, {{Text: "B", URL: "https://b.example"}}}})
	if len(two.parts) != 1 || two.parts[0].msg.Text == nil || two.parts[0].msg.Text.Body != "Links\n\nA\nhttps://a.example\n\nB\nhttps://b.example" {
		t.Fatalf("two links = %+v", two.parts[0].msg)
	}
	longLabel := mustRender(t, bot.Outgoing{Text: "Notice", Buttons: [][]bot.Button{{{Text: "Informativa sulla privacy completa", URL: "https://x.example"}}}})
	if longLabel.parts[0].msg.Text == nil || !strings.Contains(longLabel.parts[0].msg.Text.Body, "https://x.example") {
		t.Fatalf("a link whose label does not fit a button = %+v", longLabel.parts[0].msg)
	}
}

func TestRenderMedia(t *testing.T) {
	jpeg := &bot.File{Name: "card.jpg", MIME: "image/jpeg", Data: []byte{0xff, 0xd8, 0xff}}
	r := mustRender(t, bot.Outgoing{Text: "Your card", Image: jpeg})
	if len(r.parts) != 1 || r.parts[0].file != jpeg || r.parts[0].msg.Image == nil || r.parts[0].msg.Image.Caption != "Your card" {
		t.Fatalf("image = %+v", r.parts)
	}
	gif := mustRender(t, bot.Outgoing{Text: "Anim", Image: &bot.File{Name: "a.gif", MIME: "image/gif", Data: []byte("GIF89a")}})
	if gif.parts[0].msg.Document == nil || gif.parts[0].msg.Document.Filename != "a.gif" {
		t.Fatalf("a GIF is sent as %+v, want a document", gif.parts[0].msg)
	}
	pdf := mustRender(t, bot.Outgoing{Text: "Your plan", Document: &bot.File{Name: "plan.pdf", MIME: "application/pdf", Data: []byte("%PDF")}})
	if d := pdf.parts[0].msg.Document; d == nil || d.Caption != "Your plan" || d.Filename != "plan.pdf" {
		t.Fatalf("document = %+v", pdf.parts[0].msg)
	}
	withButtons := mustRender(t, bot.Outgoing{Text: "Is it right?", Image: jpeg, Buttons: choices(2)})
	if len(withButtons.parts) != 2 || withButtons.parts[0].msg.Image.Caption != "" || withButtons.parts[1].msg.Interactive.Body.Text != "Is it right?" {
		t.Fatalf("image with buttons = %+v", withButtons.parts)
	}
	longCaption := mustRender(t, bot.Outgoing{Text: strings.Repeat("testo ", 300), Image: jpeg})
	checkLimits(t, longCaption)
	if len(longCaption.parts) != 2 || longCaption.parts[0].msg.Image.Caption != "" || longCaption.parts[1].msg.Text == nil {
		t.Fatalf("image with a long text = %+v", longCaption.parts)
	}
}

func TestRenderPaginatesLongLists(t *testing.T) {
	out := bot.Outgoing{Text: "Which lab?", Buttons: choices(23), Labels: labels, Lang: "fr"}
	r := mustRender(t, out)
	checkLimits(t, r)
	if r.list == nil || len(r.list.Choices) != 23 || r.list.Token != "tok" || r.list.Body != "Which lab?" || r.list.Lang != "fr" {
		t.Fatalf("list state = %+v", r.list)
	}
	rows := rowsOf(r.parts[0])
	if len(rows) != 10 || rows[0].ID != "c:1" || rows[8].ID != "c:9" || rows[9].ID != "~more:tok:1" || rows[9].Title != "Altre opzioni ▶" {
		t.Fatalf("first page rows = %+v", rows)
	}
	pages := []struct {
		page        int
		first, last string
		more        string
	}{
		{1, "c:10", "c:18", "~more:tok:2"},
		{2, "c:19", "c:23", ""},
		{3, "c:1", "c:9", "~more:tok:1"}, // past the end: the first page
		{-1, "c:1", "c:9", "~more:tok:1"},
	}
	for _, p := range pages {
		pg := r.list.page(p.page)
		bs := pg.AllButtons()
		last := bs[len(bs)-1]
		if bs[0].Data != p.first || pg.Text != "Which lab?" || pg.Lang != "fr" {
			t.Fatalf("page %d = %+v", p.page, bs)
		}
		if p.more == "" {
			if last.Data != p.last || len(bs) != 5 {
				t.Fatalf("last page = %+v", bs)
			}
			continue
		}
		if len(bs) != 10 || bs[8].Data != p.last || last.Data != p.more {
			t.Fatalf("page %d = %+v", p.page, bs)
		}
		if rr := mustRender(t, pg); rr.list != nil || len(rowsOf(rr.parts[0])) != 10 {
			t.Fatalf("a page is paginated again: %+v", rr)
		}
	}
	// Eleven choices: nine and "more", then the last two.
	r = mustRender(t, bot.Outgoing{Text: "x", Buttons: choices(11), Labels: labels})
	if got := r.list.page(1).AllButtons(); len(got) != 2 || got[1].Data != "c:11" {
		t.Fatalf("second page of 11 = %+v", got)
	}
	for _, id := range []string{"~more:tok:1", "~more:abc:12"} {
		if _, _, ok := parseMoreID(id); !ok {
			t.Errorf("%s not read", id)
		}
	}
	for _, id := range []string{"more:tok:1", "~more:tok", "~more::1", "~more:tok:x", "~more:tok:-2"} {
		if _, _, ok := parseMoreID(id); ok {
			t.Errorf("%s read as a more id", id)
		}
	}
}

func TestTruncateAndUnits(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 20, "short"},
		{"exactly twenty chars", 20, "exactly twenty chars"},
		{"twenty-one characters", 20, "twenty-one characte…"},
		{"😀😀😀😀😀😀😀😀😀😀😀", 20, "😀😀😀😀😀😀😀😀😀…"},
		{"مرحبا بك في برنامج الإدماج", 20, "مرحبا بك في برنامج…"},
	}
	for _, c := range cases {
		got := bot.Truncate(c.in, c.max)
		if got != c.want || bot.UTF16Len(got) > c.max {
			t.Errorf("bot.Truncate(%q, %d) = %q (%d units), want %q", c.in, c.max, got, bot.UTF16Len(got), c.want)
		}
	}
}

// WhatsApp refuses a list or reply buttons whose ids repeat: a message that would repeat one
// (the flows never build one; flowtest checks every message they render) still goes, with
// the first button of each id.
func TestRenderNeverRepeatsAnID(t *testing.T) {
	for _, n := range []int{2, 5, 14} {
		rows := choices(n)
		rows = append(rows, []bot.Button{{Text: "Back", Data: "c:1"}})
		r := mustRender(t, bot.Outgoing{Text: "Filter", Buttons: rows, Labels: labels})
		checkLimits(t, r)
		last := r.parts[len(r.parts)-1].msg.Interactive
		got := len(last.Action.Buttons) + len(rowsOf(r.parts[len(r.parts)-1]))
		if want := min(n, maxRows); got != want {
			t.Errorf("%d choices and a repeated one: %d rendered, want %d", n, got, want)
		}
		if r.list != nil {
			if len(r.list.Choices) != n {
				t.Errorf("the long list keeps %d choices, want %d", len(r.list.Choices), n)
			}
		}
	}
}
