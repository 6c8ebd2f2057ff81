package bot

// DuplicateData lists the button payloads that appear more than once in a message. WhatsApp
// refuses a list or a set of reply buttons whose ids repeat, and a press could not tell which
// of two equal buttons was meant: every message the flows build has none.
func (o Outgoing) DuplicateData() []string {
	seen := map[string]int{}
	var dup []string
	for _, b := range o.AllButtons() {
		if b.Data == "" {
			continue
		}
		seen[b.Data]++
		if seen[b.Data] == 2 {
			dup = append(dup, b.Data)
		}
	}
	return dup
}
