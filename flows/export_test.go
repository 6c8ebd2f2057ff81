package flows

// MaxLabelRunes is maxLabelRunes, for the external tests.
const MaxLabelRunes = maxLabelRunes
