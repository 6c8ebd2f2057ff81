package locales_test

import (
	"strings"
	"testing"

	"github.com/insideaut/insidebot/locales"
)

// The standard steps send holders of international protection where they must go, in every
// language: the renewal of a permesso for asylum or subsidiary protection is asked for at the
// Questura (Ufficio Immigrazione), not with the post office kit; a refugee is warned off their
// country's embassy; a first meeting with a psychologist promises nothing that depends on the
// provider, and says what the person can ask instead.
func TestStepsDirectHoldersOfInternationalProtectionRightly(t *testing.T) {
	c := load(t)
	for _, lang := range locales.Languages() {
		l := c.For(lang.Code)
		must := map[string][]string{
			"steps.permesso_rinnovo.explain":  {"Questura", "Ufficio Immigrazione", "asilo", "protezione sussidiaria"},
			"steps.titolo_viaggio.explain":    {"Questura", "asilo"},
			"steps.psicologo_primo.explain":   {"impegnativa"},
			"steps.codice_fiscale.explain":    {"Agenzia delle Entrate", "11", "16"},
			"steps.tessera_sanitaria.explain": {"ASL", "Servizio sanitario nazionale"},
		}
		for id, wants := range must {
			text := l.T(id)
			for _, w := range wants {
				if !strings.Contains(text, w) {
					t.Errorf("%s %s does not say %q: %s", lang.Code, id, w, text)
				}
			}
		}
	}
	// What the steps used to say, and must not any more.
	for lang, untrue := range map[string][]string{
		"en": {"at the Questura or with the post office kit", "It is free and private", "the passport for people with international protection",
			"You can get it for free"},
		"it": {"in Questura o con il kit postale", "È gratis e riservato", "il passaporto per chi ha la protezione internazionale"},
		"fr": {"à la Questura ou avec le kit de la poste", "C'est gratuit et confidentiel"},
	} {
		for _, s := range locales.StandardSteps() {
			text := c.For(lang).T("steps." + s.Key + ".explain")
			for _, u := range untrue {
				if strings.Contains(text, u) {
					t.Errorf("%s steps.%s still says %q", lang, s.Key, u)
				}
			}
		}
	}
}
