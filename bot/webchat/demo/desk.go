package demo

import (
	"context"
	"fmt"

	"github.com/insideaut/insidebot/storage"
)

// DeskStaff returns the demo's first active staff member of a role (tutor, coordinator): whom
// /desk/demo-login opens the desk as. storage.ErrNotFound when the demo has none.
func (d *Demo) DeskStaff(ctx context.Context, q storage.Queryer, role string) (int64, error) {
	staff, err := storage.ListStaff(ctx, q, "")
	if err != nil {
		return 0, err
	}
	for _, s := range staff {
		if s.Role == role && s.Status == "active" {
			return s.ID, nil
		}
	}
	return 0, fmt.Errorf("demo %s: %w", role, storage.ErrNotFound)
}
