package whatsapp

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/bot"
)

var tenLocales = []string{"it", "en", "fr", "ar", "ur", "bn", "fa-AF", "ps", "ti", "so"}

func TestTemplateLanguages(t *testing.T) {
	def, err := ParseTemplateLanguages(DefaultTemplateLanguages, tenLocales)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range tenLocales {
		if def[l] == "" {
			t.Errorf("the default mapping has no template language for %s", l)
		}
	}
	if def["fa-AF"] != "fa" || def["ti"] != "en" {
		t.Fatalf("default = %v", def)
	}
	good, err := ParseTemplateLanguages(" ti = en_US , so=so,", tenLocales)
	if err != nil || good["ti"] != "en_US" || good["so"] != "so" || len(good) != 2 {
		t.Fatalf("parsed %v %v", good, err)
	}
	for _, bad := range []string{"", "de=de", "ti", "ti=", "ti=EN", "ti=en-US", "ti=english", "ti=en_us"} {
		if _, err := ParseTemplateLanguages(bad, tenLocales); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for name, ok := range map[string]bool{"new_message_v3": true, "": false, "New_Message": false, "new-message": false, "msg v2": false} {
		if ValidTemplateName(name) != ok {
			t.Errorf("ValidTemplateName(%q) = %v", name, !ok)
		}
	}
}

func TestTemplateMessage(t *testing.T) {
	ts := Templates{Notification: "new_message_v3", Languages: map[string]string{"ur": "ur"}}
	tmpl := templateOf(bot.Outgoing{Text: "x", Lang: "ur", Template: &bot.Template{Kind: TemplateSessionReminder, Params: []string{"a"}}})
	if _, err := ts.message(*tmpl.Template, tmpl.Lang); err == nil || !strings.Contains(err.Error(), "WHATSAPP_TEMPLATE_SESSION_REMINDER") {
		t.Fatalf("a missing session template: %v", err)
	}
	// Any other kind is the generic notification, without parameters; an unmapped locale
	// gets English.
	tmpl = templateOf(bot.Outgoing{Text: "x", Lang: "xx", Template: &bot.Template{Kind: "digest", Params: []string{"3"}}})
	m, err := ts.message(*tmpl.Template, tmpl.Lang)
	if err != nil || m.Template.Name != "new_message_v3" || m.Template.Language.Code != "en" || len(m.Template.Components) != 0 {
		t.Fatalf("notification = %+v %v", m.Template, err)
	}
	if !templateOnly(tmpl) || templateOnly(bot.Outgoing{Text: "x", Template: &bot.Template{Kind: TemplateNotification}}) {
		t.Fatal("templateOnly")
	}
	if got := templateParam("  Lab\tdi\n\ncucina     oggi "); got != "Lab di cucina oggi" {
		t.Fatalf("param = %q", got)
	}
}
