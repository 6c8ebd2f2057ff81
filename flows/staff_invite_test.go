package flows_test

import (
	"bytes"
	"context"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/insideaut/insidebot/flows/flowtest"
	"github.com/insideaut/insidebot/storage"
)

var inviteCode = regexp.MustCompile(`Codice d'invito: ([A-Z0-9]{8})`)

// TestInviteBeneficiaryWithQRCode: /invite fr creates a French beneficiary of the tutor's
// territory assigned to the tutor; the answer carries the code, both links and a PNG whose QR
// code is the Telegram deep link; the code redeems to that beneficiary; the audit log has it.
func TestInviteBeneficiaryWithQRCode(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	out := w.do(asTutor, "/invite fr")
	if len(out) != 1 {
		t.Fatalf("answer = %s", flowtest.Describe(out))
	}
	expectIn(t, out, "Nuovo beneficiario MI-002 (MI, Français), assegnato a te", "valido fino a lunedì 15 dicembre, 10:00")
	m := inviteCode.FindStringSubmatch(out[0].Text)
	if m == nil {
		t.Fatalf("no code in %s", out[0].Text)
	}
	code := m[1]
	link := "https://t.me/insidebot_test_bot?start=" + code
	expectIn(t, out, link, "https://insidebot.example/?invite="+code)

	img := out[0].Image
	if img == nil || img.MIME != "image/png" || len(img.Data) == 0 {
		t.Fatalf("no PNG image: %+v", img)
	}
	if !qrShows(t, img.Data, link) {
		t.Fatal("the QR code is not the deep link")
	}
	if qrShows(t, img.Data, "https://t.me/insidebot_test_bot?start=AAAAAAAA") {
		t.Fatal("the QR check cannot tell links apart")
	}

	b, err := storage.BeneficiaryByCode(ctx, w.h.DB, "MI-002")
	if err != nil {
		t.Fatal(err)
	}
	if b.Lang != "fr" || b.Territory != "MI" || b.TutorID.Int64 != w.tutor.ID || b.Status != storage.BeneficiaryInvited {
		t.Fatalf("beneficiary = %+v", b)
	}
	inv, err := storage.RedeemInvite(ctx, w.h.DB, code, w.h.Clock.Now())
	if err != nil || inv.BeneficiaryID.Int64 != b.ID || inv.CreatedBy.Int64 != w.tutor.ID {
		t.Fatalf("redeem = %+v %v", inv, err)
	}
	entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/invite"})
	if len(entries) != 1 || entries[0].TargetID != strconv.FormatInt(b.ID, 10) || entries[0].ActorID.Int64 != w.tutor.ID {
		t.Fatalf("audit = %+v", entries)
	}
	if bytes.Contains([]byte(entries[0].Detail), []byte(code)) {
		t.Fatal("the invite code reached the audit log")
	}
}

// qrShows tells whether a PNG is the QR code of content: every module, sampled at its centre,
// has the colour the encoder gives it.
func qrShows(t *testing.T, data []byte, content string) bool {
	t.Helper()
	im, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	bitmap := q.Bitmap()
	n := len(bitmap)
	size := im.Bounds().Dx()
	if im.Bounds().Dy() != size || size < n {
		return false
	}
	for my := range n {
		for mx := range n {
			x, y := (2*mx+1)*size/(2*n), (2*my+1)*size/(2*n)
			dark := color.GrayModel.Convert(im.At(x, y)).(color.Gray).Y < 128
			if dark != bitmap[my][mx] {
				return false
			}
		}
	}
	return true
}

// TestInviteGuidedAndDoubleTap: a tutor picks the language on a button; a second tap on the same
// picker creates nobody. An admin picks kind, language and territory. A coordinator invites a
// tutor of their territory. Bad arguments change nothing.
func TestInviteGuidedAndDoubleTap(t *testing.T) {
	t.Parallel()
	w := newStaffWorld(t)
	ctx := context.Background()
	tutor := w.chats[asTutor]
	beneficiaries := func() int { return w.count(`SELECT COUNT(*) FROM beneficiaries`) }

	expectIn(t, tutor.Send("/invite"), "Quale lingua legge meglio?")
	picker := tutor.Last
	expectIn(t, tutor.Tap("العربية"), "Nuovo beneficiario MI-002 (MI, العربية)")
	tutor.Last = picker
	expectIn(t, tutor.Tap("Français"), saysStale)
	if beneficiaries() != 2 {
		t.Fatalf("%d beneficiaries after a double tap", beneficiaries())
	}
	if b, _ := storage.BeneficiaryByCode(ctx, w.h.DB, "MI-002"); b.Lang != "ar" {
		t.Fatalf("lang = %q", b.Lang)
	}

	for in, says := range map[string]string{
		"/invite xx":       "«xx» non è una lingua che parlo",
		"/invite fr ZZ":    "«ZZ» non è un territorio del progetto",
		"/invite fr BO":    "Non puoi operare nel territorio BO",
		"/invite fr MI x":  "Per invitare:",
		"/invite tutor MI": saysDenied,
	} {
		expectIn(t, tutor.Send(in), says)
	}
	if beneficiaries() != 2 || w.count(`SELECT COUNT(*) FROM staff`) != 4 {
		t.Fatal("bad arguments created someone")
	}

	admin := w.chats[asAdmin]
	expectIn(t, admin.Send("/invite"), "Chi vuoi invitare?")
	expectIn(t, admin.Tap("Beneficiario"), "Quale lingua")
	expectIn(t, admin.Tap("Soomaali"), "Quale territorio?")
	out := admin.Tap("SO")
	expectIn(t, out, "Nuovo beneficiario SO-001 (SO, Soomaali)")
	if out[0].Image == nil {
		t.Fatal("no QR code")
	}
	if b, _ := storage.BeneficiaryByCode(ctx, w.h.DB, "SO-001"); b.Lang != "so" || b.TutorID.Int64 != w.admin.ID {
		t.Fatalf("SO-001 = %+v", b)
	}
	expectIn(t, admin.Send("/invite so SO"), "Nuovo beneficiario SO-002 (SO, Soomaali)")

	coord := w.chats[asCoordinator]
	expectIn(t, coord.Send("/invite"), "Chi vuoi invitare?")
	out = coord.Tap("Tutor")
	expectIn(t, out, "Invito per un nuovo tutor di MI", "Codice d'invito")
	staff, err := storage.ListStaff(ctx, w.h.DB, "MI")
	if err != nil {
		t.Fatal(err)
	}
	newest := staff[len(staff)-1]
	if newest.Role != storage.RoleTutor || newest.Status != "pending" || newest.Territory.String != "MI" || newest.Lang != "it" {
		t.Fatalf("new tutor = %+v", newest)
	}
	entries, _ := storage.AuditEntries(ctx, w.h.DB, storage.AuditFilter{Action: "/invite tutor", Outcome: storage.OutcomeOK})
	if len(entries) != 1 || entries[0].TargetID != strconv.FormatInt(newest.ID, 10) {
		t.Fatalf("audit = %+v", entries)
	}
}
