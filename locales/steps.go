package locales

import "strings"

// StandardStep is a step of the standard-step catalogue that tutors add to a plan by key.
// Its title and plain-language explanation are the messages steps.<key>.title and
// steps.<key>.explain in every language.
type StandardStep struct {
	Key  string
	Area string // housing, work, psych, social, documents
}

// StandardSteps is the catalogue, grouped by area.
func StandardSteps() []StandardStep {
	return []StandardStep{
		{"codice_fiscale", "documents"},
		{"residenza", "documents"},
		{"via_fittizia", "documents"},
		{"carta_identita", "documents"},
		{"permesso_rinnovo", "documents"},
		{"titolo_viaggio", "documents"},
		{"spid", "documents"},
		{"isee", "documents"},
		{"conto_banca", "documents"},
		{"tessera_sanitaria", "documents"},
		{"medico_base", "documents"},
		{"cerca_casa", "housing"},
		{"visita_casa", "housing"},
		{"contratto_affitto", "housing"},
		{"registrazione_contratto", "housing"},
		{"ospitalita", "housing"},
		{"regole_casa", "housing"},
		{"utenze", "housing"},
		{"did_online", "work"},
		{"patto_servizio", "work"},
		{"curriculum", "work"},
		{"corso_italiano", "work"},
		{"riconoscimento_titoli", "work"},
		{"formazione", "work"},
		{"colloquio", "work"},
		{"contratto_lavoro", "work"},
		{"psicologo_primo", "psych"},
		{"psicologo_percorso", "psych"},
		{"associazione", "social"},
		{"sport", "social"},
		{"biblioteca", "social"},
		{"volontariato", "social"},
	}
}

// StandardStepByKey finds a catalogue step.
func StandardStepByKey(key string) (StandardStep, bool) {
	for _, s := range StandardSteps() {
		if s.Key == key {
			return s, true
		}
	}
	return StandardStep{}, false
}

// StepTitle is how a plan step is named in l's language: the catalogue's title for a standard
// step (key), the free title as written otherwise, "Step N" when it has neither.
func (l *Localizer) StepTitle(key, title string, position int) string {
	if _, ok := StandardStepByKey(key); ok {
		return l.T("steps." + key + ".title")
	}
	if t := strings.TrimSpace(title); t != "" {
		return t
	}
	return l.T("plan.untitled", "N", position)
}
