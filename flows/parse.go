package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/insideaut/insidebot/storage"
)

// ParseTerritory finds a territory by province code (AN, AV, BO, FG, MI, PG, RG, SO, VA).
func ParseTerritory(ctx context.Context, q storage.Queryer, s string) (storage.Territory, error) {
	t, err := storage.TerritoryByCode(ctx, q, s)
	if errors.Is(err, storage.ErrNotFound) {
		return t, fmt.Errorf("unknown territory %q: %w", s, storage.ErrNotFound)
	}
	return t, err
}

// ParseArea reads a plan area typed in English or Italian (housing/casa, work/lavoro,
// psych/psicologico, social/sociale, documents/documenti, and a few more forms).
func ParseArea(s string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "housing", "house", "home", "casa", "abitare", "alloggio":
		return storage.AreaHousing, true
	case "work", "job", "lavoro":
		return storage.AreaWork, true
	case "psych", "psychological", "psicologico", "psicologia", "psi":
		return storage.AreaPsych, true
	case "social", "sociale", "inclusione":
		return storage.AreaSocial, true
	case "documents", "docs", "documenti", "doc":
		return storage.AreaDocuments, true
	}
	return "", false
}
