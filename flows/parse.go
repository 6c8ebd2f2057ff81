package flows

import (
	"context"
	"errors"
	"fmt"

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
