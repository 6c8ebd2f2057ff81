package flows

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/insideaut/insidebot/storage"
)

// StaffBeneficiary finds the beneficiary a staff command names by code and checks the staff
// member may act on them. When not (unknown code, erased, another tutor's, another
// territory's) it has already answered with one localized line that says nothing about
// whether the code exists elsewhere, audited the refusal, and returns ok false.
func (c *Ctx) StaffBeneficiary(ctx context.Context, action, code string) (storage.Beneficiary, bool, error) {
	return c.findBeneficiary(ctx, action, code, c.Actor.CanSeeBeneficiary)
}

// OperatorBeneficiary is StaffBeneficiary for a reception-centre operator: one of the
// people of their centre (Actor.CanSeeInCentre).
func (c *Ctx) OperatorBeneficiary(ctx context.Context, action, code string) (storage.Beneficiary, bool, error) {
	return c.findBeneficiary(ctx, action, code, c.Actor.CanSeeInCentre)
}

func (c *Ctx) findBeneficiary(ctx context.Context, action, code string, may func(storage.Beneficiary) bool) (storage.Beneficiary, bool, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	b, err := storage.BeneficiaryByCode(ctx, c.Tx, code)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return b, false, err
	}
	if err == nil && b.Status != storage.BeneficiaryErased && may(b) {
		return b, true, nil
	}
	// The audit log names people by their internal id, never by code (erasure leaves the id
	// meaningless); a code that names nobody is not recorded.
	target := ""
	if err == nil {
		target = strconv.FormatInt(b.ID, 10)
	}
	if err := c.Refuse(ctx, action, "beneficiary", target); err != nil {
		return b, false, err
	}
	return b, false, c.ReplyText(ctx, "staff.no_such_beneficiary", "Code", code)
}
