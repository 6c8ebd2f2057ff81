package main

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
	"github.com/insideaut/insidebot/storage"
)

// "Delete my data", tried as a hostile tester would: a person onboarded on Telegram, WhatsApp
// and the web chat, with plan steps (one titled with their name), a lab enrolment, interest in
// a lead, consents, and texts relayed to a tutor who reads them in the web chat, erases their
// data. Deliveries still under way at that moment write afterwards (a message to their web
// chat, a relayed text to the tutor's, a WhatsApp message). Once every delivery has ended, the
// goodbye and the tutor's alert included, and the second purge has run, every column of every
// table and every Redis key and value under the prefix is searched for their code, name,
// reception contact, phone number, Telegram id, web-chat token hash and relayed texts.
func TestErasureLeavesNothingAnywhere(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { erasureLeavesNothing(t, false) })
	t.Run("sqlite", func(t *testing.T) { erasureLeavesNothing(t, true) })
}

func erasureLeavesNothing(t *testing.T, sqlite bool) {
	f := startFullApp(t, sqlite)
	ctx := context.Background()
	db, now := f.a.db, time.Now()
	en, it := f.a.catalog.For("en"), f.a.catalog.For("it")

	// The tutor, in the web chat.
	tutorID, err := storage.CreateStaff(ctx, db, storage.NewStaff{DisplayName: "Giulia", Role: storage.RoleTutor, Territory: "MI", Lang: "it"}, now)
	if err != nil {
		t.Fatal(err)
	}
	tutorToken, tutorChat := f.webSession("it")
	f.webSend(tutorToken, "/start "+invite(t, db, storage.NewInvite{Role: "tutor", StaffID: tutorID}), "")
	f.waitFor("the tutor's welcome", func() bool { return strings.Contains(f.webTexts(tutorToken), "Giulia") })

	// The person.
	const (
		name     = "Amina Yusuf"
		contact  = "CAS Corelli 0255512345"
		tgUser   = int64(5550123487)
		waNumber = "393331234567"
	)
	b, err := storage.CreateBeneficiary(ctx, db, storage.NewBeneficiary{Territory: "MI", Lang: "en", TutorID: tutorID, DisplayName: name,
		ReceptionContact: contact}, now)
	if err != nil {
		t.Fatal(err)
	}
	relayed := []string{"relay-tg the mould in my room is back", "relay-wa I lost my job yesterday", "relay-web my Questura appointment is on Monday"}

	// Telegram: onboarding, consents.
	n := f.tgSend(tgUser, "/start "+invite(t, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID}))
	n = f.tgTap(tgUser, n, "English")
	n = f.tgTap(tgUser, n, en.T("onboarding.agree"))
	n = f.tgTap(tgUser, n, en.T("onboarding.yes")) // research
	n = f.tgTap(tgUser, n, en.T("onboarding.yes")) // announcements
	f.waitFor("the menu", func() bool { return f.tg.buttonData(tgUser, n, en.T("menu.plan")) != "" })

	// WhatsApp and the web chat join the same person.
	f.waSend(waNumber, invite(t, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID}))
	webToken, webChat := f.webSession("en")
	f.webSend(webToken, "/start "+invite(t, db, storage.NewInvite{Role: "beneficiary", BeneficiaryID: b.ID}), "")
	f.waitFor("three identities", func() bool {
		ids, _ := storage.IdentitiesOf(ctx, db, b.ID, 0)
		return len(ids) == 3
	})

	// Plan steps from the tutor, one of them naming the person.
	f.webSend(tutorToken, "/step "+b.Code+" add documenti Rinnovo permesso di "+name, "")
	f.webSend(tutorToken, "/step "+b.Code+" add spid", "")
	f.waitFor("two steps", func() bool {
		steps, _ := storage.StepsOf(ctx, db, b.ID)
		return len(steps) == 2
	})

	// An outcome and a case note, both in free text about the person.
	outcomeNote := "outcome note: " + name + " signed at the agency in via Giambellino"
	if _, err := storage.AddOutcome(ctx, db, storage.NewOutcome{BeneficiaryID: b.ID, Kind: storage.OutcomeHousing, Type: "shared_rental",
		Detail: "yes", Note: outcomeNote, OccurredOn: "2025-11-20", CreatedBy: tutorID}, now); err != nil {
		t.Fatal(err)
	}
	caseNote := "case note: went back to the family in Tunis"
	if _, err := storage.AddCaseEvent(ctx, db, storage.CaseEvent{BeneficiaryID: b.ID, Kind: storage.CaseReassigned,
		Note: sql.NullString{String: caseNote, Valid: true}, At: now}); err != nil {
		t.Fatal(err)
	}

	// A lab session joined, a lead of interest.
	lab, err := storage.CreateLab(ctx, db, "Cucina insieme", "", 0, now)
	if err != nil {
		t.Fatal(err)
	}
	mod, err := storage.CreateModule(ctx, db, lab.ID, "Ricette", now)
	if err != nil {
		t.Fatal(err)
	}
	start := now.Add(72 * time.Hour)
	if _, err := storage.CreateSession(ctx, db, storage.NewSession{ModuleID: mod.ID, Territory: "MI", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Place: "Via Padova 36", OpenEnrolment: true, Capacity: 5}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.CreateLead(ctx, db, storage.Lead{Kind: "housing", Territory: "MI", Title: "Stanza in via Padova"}, now); err != nil {
		t.Fatal(err)
	}
	n = f.tgSend(tgUser, "/labs")
	n = f.tgTap(tgUser, n, "Cucina insieme")
	f.tgTap(tgUser, n, en.T("labs.join"))
	n = f.tgSend(tgUser, "/housing")
	n = f.tgTap(tgUser, n, "1. Stanza")
	f.tgTap(tgUser, n, en.T("leads.interested"))
	f.waitFor("the enrolment and the interest", func() bool {
		ens, _ := storage.EnrolmentsOfBeneficiary(ctx, db, b.ID)
		ints, _ := storage.InterestsOf(ctx, db, b.ID)
		return len(ens) == 1 && len(ints) == 1
	})

	// Texts relayed to the tutor from each channel.
	f.tgSend(tgUser, "/tutor")
	f.tgSend(tgUser, relayed[0])
	f.waPress(waNumber, "mt", "My tutor")
	f.waSend(waNumber, relayed[1])
	f.webSend(webToken, "/tutor", "")
	f.webSend(webToken, relayed[2], "")
	f.waitFor("the relayed texts in the tutor's web chat", func() bool {
		got := f.webTexts(tutorToken)
		return strings.Contains(got, relayed[0]) && strings.Contains(got, relayed[1]) && strings.Contains(got, relayed[2])
	})

	// An operator of the person's reception centre proposes a step and writes to the tutor.
	proposal, opNote := "op-proposal visit the flat in via Corelli", "op-note the landlord wants her out"
	if err := db.InTx(ctx, func(tx *storage.Tx) error {
		centre, err := storage.EnsureCentre(ctx, tx, "MI", "CAS Corelli", now)
		if err != nil {
			return err
		}
		if err := storage.SetBeneficiaryCentre(ctx, tx, b.ID, centre.ID); err != nil {
			return err
		}
		opID, err := storage.CreateStaff(ctx, tx, storage.NewStaff{DisplayName: "Luca", Role: storage.RoleOperator, Territory: "MI", CentreID: centre.ID}, now)
		if err != nil {
			return err
		}
		op, err := storage.StaffByID(ctx, tx, opID)
		if err != nil {
			return err
		}
		ben, err := storage.BeneficiaryByID(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		actor := domain.Actor{Staff: &op}
		if _, _, err := f.a.engine.Domain().ProposeStep(ctx, tx, now, actor, ben, storage.AreaHousing, proposal); err != nil {
			return err
		}
		_, err = f.a.engine.Domain().NoteToTutor(ctx, tx, now, actor, ben, opNote)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// Erasure, from Telegram.
	n = f.tgSend(tgUser, "/privacy")
	n = f.tgTap(tgUser, n, en.T("privacy.erase"))
	f.tgTap(tgUser, n, en.T("privacy.erase_yes"))
	f.waitFor("the erasure", func() bool {
		got, _ := storage.BeneficiaryByID(ctx, db, b.ID)
		return got.Status == storage.BeneficiaryErased
	})
	// Deliveries that were under way write afterwards: to the person's web chat, a relayed text
	// to the tutor's, a message to the WhatsApp number.
	late := "relay-late the landlord called again"
	webSender, waSender := senderOf(t, f.a, bot.Webchat), senderOf(t, f.a, bot.WhatsApp)
	if _, err := webSender.Send(ctx, bot.Recipient{ChatID: webChat}, bot.Outgoing{Text: "A reminder for you"}); err != nil {
		t.Fatal(err)
	}
	if _, err := webSender.Send(ctx, bot.Recipient{ChatID: tutorChat}, bot.Outgoing{Text: it.T("alert.message", "Code", b.Code, "Detail", late)}); err != nil {
		t.Fatal(err)
	}
	if _, err := waSender.Send(ctx, bot.Recipient{ChatID: waNumber, LastInbound: time.Now()}, bot.Outgoing{Text: "A reminder for you"}); err != nil {
		t.Fatal(err)
	}

	// Every delivery ends: the goodbye reaches Telegram, the tutor hears of the erasure.
	f.waitFor("the goodbye", func() bool { return strings.Contains(f.tg.texts(tgUser), en.T("privacy.goodbye")) })
	f.waitFor("the tutor's alert", func() bool {
		return strings.Contains(f.webTexts(tutorToken), it.T("alert.erased", "Code", b.Code))
	})
	f.waitFor("the outbox to drain", func() bool {
		var pending int
		_ = db.Get(ctx, &pending, `SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`)
		return pending == 0
	})
	// The second purge, at its time.
	done, err := f.a.engine.Domain().FinishErasures(ctx, db, time.Now().Add(storage.ErasurePurgeAfter+time.Minute))
	if err != nil || done != 1 {
		t.Fatalf("second purge: %d done, %v", done, err)
	}

	needles := map[string]string{"code": b.Code, "name": name, "reception contact": contact, "Telegram id": fmt.Sprint(tgUser),
		"phone number": waNumber, "web-chat token hash": webChat}
	for i, r := range relayed {
		needles[fmt.Sprintf("relayed text %d", i)] = r
	}
	needles["late relayed text"] = late
	needles["an operator's proposal"], needles["an operator's note"] = proposal, opNote
	needles["outcome note"] = outcomeNote
	needles["case note"] = caseNote
	for _, leak := range searchDatabase(t, db, needles, waNumber) {
		t.Error(leak)
	}
	for _, leak := range searchRedis(t, f.a.redis, f.prefix, needles, waNumber) {
		t.Error(leak)
	}

	// What stays: the opaque record with its plan, enrolment and interest; the tutor's chat.
	steps, _ := storage.StepsOf(ctx, db, b.ID)
	ens, _ := storage.EnrolmentsOfBeneficiary(ctx, db, b.ID)
	if len(steps) != 2 || len(ens) != 1 {
		t.Fatalf("the figures lost records: %d steps, %d enrolments", len(steps), len(ens))
	}
	if _, status := f.webMessages(tutorToken); status != 200 {
		t.Fatalf("the tutor's web chat answers %d", status)
	}
	if _, status := f.webMessages(webToken); status != 401 {
		t.Fatalf("the erased web-chat session answers %d", status)
	}
	var audits []storage.AuditEntry
	if audits, err = storage.AuditEntries(ctx, db, storage.AuditFilter{Action: "/step add"}); err != nil || len(audits) != 2 ||
		audits[0].TargetKind != "plan_step" || !strings.Contains(audits[0].Detail, fmt.Sprintf("beneficiary=%d", b.ID)) {
		t.Fatalf("the audit log lost who the steps were for: %+v %v", audits, err)
	}
}

// invite makes an invite and returns its code.
func invite(t *testing.T, db *storage.DB, ni storage.NewInvite) string {
	t.Helper()
	ni.TTL = 72 * time.Hour
	code, _, err := storage.CreateInvite(context.Background(), db, ni, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// senderOf is the app's sender of a channel.
func senderOf(t *testing.T, a *app, channel string) bot.Sender {
	t.Helper()
	for _, s := range a.senders {
		if s.Channel() == channel {
			return s
		}
	}
	t.Fatalf("no %s sender", channel)
	return nil
}

// searchDatabase reads every column of every table (found in the schema) as text and reports
// each needle found, and each WhatsApp message id carrying the number.
func searchDatabase(t *testing.T, db *storage.DB, needles map[string]string, number string) []string {
	t.Helper()
	ctx := context.Background()
	var tables []string
	var err error
	if db.Dialect() == storage.Postgres {
		err = db.Select(ctx, &tables, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`)
	} else {
		err = db.Select(ctx, &tables, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	}
	if err != nil || len(tables) < 20 {
		t.Fatalf("tables: %v %v", tables, err)
	}
	var leaks []string
	for _, table := range tables {
		var cols []string
		if db.Dialect() == storage.Postgres {
			err = db.Select(ctx, &cols, `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?`, table)
		} else {
			var info []struct {
				CID     int            `db:"cid"`
				Name    string         `db:"name"`
				Type    string         `db:"type"`
				NotNull int            `db:"notnull"`
				Default sql.NullString `db:"dflt_value"`
				PK      int            `db:"pk"`
			}
			err = db.Select(ctx, &info, `SELECT * FROM pragma_table_info(?)`, table)
			for _, c := range info {
				cols = append(cols, c.Name)
			}
		}
		if err != nil || len(cols) == 0 {
			t.Fatalf("columns of %s: %v", table, err)
		}
		for _, col := range cols {
			var values []sql.NullString
			if err := db.Select(ctx, &values, `SELECT CAST(`+quoteIdent(col)+` AS TEXT) FROM `+quoteIdent(table)); err != nil {
				t.Fatalf("read %s.%s: %v", table, col, err)
			}
			for _, v := range values {
				for what, needle := range needles {
					if strings.Contains(strings.ToLower(v.String), strings.ToLower(needle)) {
						leaks = append(leaks, fmt.Sprintf("%s.%s holds the %s: %.120q", table, col, what, v.String))
					}
				}
				if wamidCarries(v.String, number) {
					leaks = append(leaks, fmt.Sprintf("%s.%s holds a WhatsApp message id carrying the number: %.120q", table, col, v.String))
				}
			}
		}
	}
	return leaks
}

// searchRedis reads every key under the prefix, its name and its value of any type.
func searchRedis(t *testing.T, r *storage.Redis, prefix string, needles map[string]string, number string) []string {
	t.Helper()
	ctx := context.Background()
	c := r.Client()
	var leaks []string
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		var values []string
		switch typ := c.Type(ctx, key).Val(); typ {
		case "string":
			values = append(values, c.Get(ctx, key).Val())
		case "hash":
			for k, v := range c.HGetAll(ctx, key).Val() {
				values = append(values, k, v)
			}
		case "list":
			values = c.LRange(ctx, key, 0, -1).Val()
		case "set":
			values = c.SMembers(ctx, key).Val()
		case "zset":
			values = c.ZRange(ctx, key, 0, -1).Val()
		}
		for _, v := range append(values, key) {
			for what, needle := range needles {
				if strings.Contains(strings.ToLower(v), strings.ToLower(needle)) {
					leaks = append(leaks, fmt.Sprintf("redis %s holds the %s: %.120q", key, what, v))
				}
			}
			if wamidCarries(v, number) {
				leaks = append(leaks, fmt.Sprintf("redis %s holds a WhatsApp message id carrying the number", key))
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return leaks
}

var wamidIn = regexp.MustCompile(`wamid\.([A-Za-z0-9+/=_-]+)`)

// wamidCarries tells whether s holds a WhatsApp message id whose base64 carries number.
func wamidCarries(s, number string) bool {
	for _, m := range wamidIn.FindAllStringSubmatch(s, -1) {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(m[1]); err == nil && strings.Contains(string(b), number) {
				return true
			}
		}
	}
	return false
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
