package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Erasure ("Delete my data") removes everything that names a beneficiary, in one transaction,
// and again once the deliveries under way at that moment have ended:
//
//   - their identities (platform ids, phone numbers, web-chat token hashes), invites and the
//     one-time tokens of their buttons;
//   - their name, reception contact, consents and code (replaced by ERASED-<id>);
//   - every message to or from their chats: outbox rows, web-chat history, WhatsApp lists and
//     template fallbacks, inbound update ids; their web-chat sessions once the goodbye has
//     been fetched;
//   - every message to anyone else that names them by code, name or account (a relayed text
//     to their tutor, a tutor's list): outbox rows, web-chat history, WhatsApp lists;
//   - their code, name and accounts wherever staff wrote them in free text (step titles and
//     their history, leads, broadcasts, the audit log's details), replaced by a mark;
//   - their pending reminders (cancelled);
//   - the notes staff wrote about their case (why it closed, their outcomes).
//
// Plan steps, enrolments, lead interests and alerts stay attached to the opaque record
// (beneficiaries.id) for the project's figures; the audit log refers to people by that id
// only, which after erasure leads to nothing personal. The Redis part is ErasePersonRedis.

// Erasure timing.
const (
	// ErasurePurgeAfter is when the second purge runs: after the outbox's lease (a minute), so
	// every delivery under way at the erasure has ended or lost its claim.
	ErasurePurgeAfter = 2 * time.Minute
	// ErasurePurgeRetry is how long the second purge waits again while a message about the
	// person (the goodbye, the tutor's alert) is still to be delivered.
	ErasurePurgeRetry = 15 * time.Second
	// ErasurePurgeGiveUp is when the second purge runs whatever is still undelivered.
	ErasurePurgeGiveUp = time.Hour
)

// Marks that replace a person's words in free text.
const (
	erasedMark = "[erased]"
)

// EraseBeneficiary erases a beneficiary's personal data in the caller's transaction (see the
// package comment above) and plans the second purge. It returns what the Redis part and the
// second purge look for. ErrNotFound when there is no such beneficiary or they were erased
// already.
func EraseBeneficiary(ctx context.Context, q Queryer, id int64, now time.Time) (ErasureNeedles, error) {
	b, err := BeneficiaryByID(ctx, q, id)
	if err != nil {
		return ErasureNeedles{}, fmt.Errorf("erase beneficiary: %w", err)
	}
	if b.Status == BeneficiaryErased {
		return ErasureNeedles{}, fmt.Errorf("erase beneficiary %d: %w", id, ErrNotFound)
	}
	idents, err := IdentitiesOf(ctx, q, id, 0)
	if err != nil {
		return ErasureNeedles{}, fmt.Errorf("erase beneficiary: %w", err)
	}
	n := ErasureNeedles{BeneficiaryID: id}
	n.addWord(b.Code)
	n.addWord(b.DisplayName.String)
	n.addWord(b.ReceptionContact.String)
	for _, i := range idents {
		n.Chats = append(n.Chats, ChatRef{Channel: i.Channel, ChatID: i.ChatID})
		n.Accounts = append(n.Accounts, i.ExternalID)
		n.IdentityIDs = append(n.IdentityIDs, i.ID)
	}
	// A WhatsApp account known by both its number and its business-scoped user id keeps the
	// other one in alt_id: it names the person as much as the first.
	var alts []string
	if err := q.Select(ctx, &alts, `SELECT alt_id FROM identities WHERE beneficiary_id = ? AND alt_id IS NOT NULL`, id); err != nil {
		return n, fmt.Errorf("erase beneficiary: %w", err)
	}
	n.Accounts = append(n.Accounts, alts...)
	if err := scrubPerson(ctx, q, n, false); err != nil {
		return n, fmt.Errorf("erase beneficiary: %w", err)
	}
	steps := []struct{ what, query string }{
		{"delete identities", `DELETE FROM identities WHERE beneficiary_id = ?`},
		{"delete invites", `DELETE FROM invites WHERE beneficiary_id = ?`},
		{"delete their conversation with the tutor", `DELETE FROM conversation_messages WHERE beneficiary_id = ?`},
		{"delete steps operators proposed for them", `DELETE FROM step_proposals WHERE beneficiary_id = ?`},
		{"delete what operators wrote about them", `DELETE FROM operator_notes WHERE beneficiary_id = ?`},
		{"delete their self-assessment answers", `DELETE FROM assessment_answers WHERE round_id IN (SELECT id FROM assessment_rounds WHERE beneficiary_id = ?)`},
		{"delete their self-assessment rounds", `DELETE FROM assessment_rounds WHERE beneficiary_id = ?`},
		{"cancel reminders", `UPDATE reminders SET status = 'cancelled', reason = 'erased' WHERE beneficiary_id = ? AND status = 'pending'`},
		{"clear the notes of their case", `UPDATE case_events SET note = NULL WHERE beneficiary_id = ?`},
		{"clear the notes of their outcomes", `UPDATE outcomes SET note = NULL WHERE beneficiary_id = ?`},
	}
	for _, s := range steps {
		if _, err := q.Exec(ctx, s.query, id); err != nil {
			return n, fmt.Errorf("erase beneficiary: %s: %w", s.what, err)
		}
	}
	if err := execOne(ctx, q, eraseBeneficiaryRow, fmt.Sprintf("ERASED-%d", id), now, id); err != nil {
		return n, fmt.Errorf("erase beneficiary: %w", err)
	}
	needles, err := json.Marshal(n)
	if err != nil {
		return n, fmt.Errorf("erase beneficiary: %w", err)
	}
	if _, err := q.Exec(ctx, `INSERT INTO erasure_purges (beneficiary_id, needles, due_at, give_up_at, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, string(needles), now.Add(ErasurePurgeAfter), now.Add(ErasurePurgeGiveUp), now); err != nil {
		return n, fmt.Errorf("erase beneficiary: plan the second purge: %w", err)
	}
	return n, nil
}

// eraseBeneficiaryRow is the personal part of the record: the code is replaced by one that
// says nothing, the name and contact are cleared. The row stays for the project's figures.
const eraseBeneficiaryRow = `UPDATE beneficiaries SET code = ?, display_name = NULL, reception_contact = NULL, centre_id = NULL, next_assessment_at = NULL,
status = 'erased', erased_at = ?, consent_service_at = NULL, consent_research_at = NULL,
consent_announcements_at = NULL, announcements_stopped_at = NULL, last_inbound_at = NULL WHERE id = ?`

// ErasurePurge is a second purge waiting for its time.
type ErasurePurge struct {
	ID            int64          `db:"id"`
	BeneficiaryID int64          `db:"beneficiary_id"`
	Needles       ErasureNeedles `db:"-"`
	Raw           string         `db:"needles"`
	DueAt         time.Time      `db:"due_at"`
	GiveUpAt      time.Time      `db:"give_up_at"`
	CreatedAt     time.Time      `db:"created_at"`
}

// DueErasurePurges lists the second purges due at now.
func DueErasurePurges(ctx context.Context, q Queryer, now time.Time, limit int) ([]ErasurePurge, error) {
	var out []ErasurePurge
	if err := q.Select(ctx, &out, `SELECT id, beneficiary_id, needles, due_at, give_up_at, created_at FROM erasure_purges
WHERE due_at <= ? ORDER BY due_at, id LIMIT ?`, now, limit); err != nil {
		return nil, fmt.Errorf("due erasure purges: %w", err)
	}
	for i := range out {
		if err := json.Unmarshal([]byte(out[i].Raw), &out[i].Needles); err != nil {
			return nil, fmt.Errorf("erasure purge %d: %w", out[i].ID, err)
		}
	}
	return out, nil
}

// FinishErasure runs a due second purge in the caller's transaction: unless a message about
// the person is still to be delivered (and the purge has not waited ErasurePurgeGiveUp), it
// removes what deliveries wrote since the erasure (the goodbye, a relayed text in a tutor's
// web-chat history), then the purge's own record. done is false when it was put off.
func FinishErasure(ctx context.Context, q Queryer, p ErasurePurge, now time.Time) (done bool, err error) {
	if now.Before(p.GiveUpAt) {
		pending, err := undelivered(ctx, q, p.Needles)
		if err != nil {
			return false, err
		}
		if pending {
			_, err := q.Exec(ctx, `UPDATE erasure_purges SET due_at = ? WHERE id = ?`, now.Add(ErasurePurgeRetry), p.ID)
			return false, err
		}
	}
	if err := scrubPerson(ctx, q, p.Needles, true); err != nil {
		return false, fmt.Errorf("second purge of an erasure: %w", err)
	}
	if _, err := q.Exec(ctx, `DELETE FROM erasure_purges WHERE id = ?`, p.ID); err != nil {
		return false, fmt.Errorf("second purge of an erasure: %w", err)
	}
	return true, nil
}

// undelivered tells whether a message to the person's chats, or naming them, waits to be sent.
func undelivered(ctx context.Context, q Queryer, n ErasureNeedles) (bool, error) {
	keys := chatKeys(n)
	if len(keys) > 0 {
		var c int
		if err := q.Get(ctx, &c, `SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending') AND chat_key IN (`+marks(len(keys))+`)`,
			anys(keys)...); err != nil {
			return false, fmt.Errorf("undelivered messages: %w", err)
		}
		if c > 0 {
			return true, nil
		}
	}
	ids, err := mentioningRows(ctx, q, "outbox", "id", "payload", n, `status IN ('pending', 'sending')`)
	return len(ids) > 0, err
}

// scrubPerson removes or redacts everything that names the person outside their own record.
// final is the second purge: it also removes what the person's chats were still using at the
// erasure (web-chat sessions, so the goodbye could be fetched), except in a chat someone has
// linked again since (the person joined again with a new code).
func scrubPerson(ctx context.Context, q Queryer, n ErasureNeedles, final bool) error {
	m := newMatcher(n)
	chats, err := chatsToScrub(ctx, q, n, final)
	if err != nil {
		return err
	}
	for _, c := range chats {
		if err := scrubChat(ctx, q, c, final); err != nil {
			return err
		}
	}
	// Messages to anyone else that name the person go whole: a relayed text is as personal as
	// the code above it.
	for _, t := range []struct{ table, key, col string }{
		{"outbox", "id", "payload"},
		{"webchat_messages", "id", "payload"},
		{"whatsapp_lists", "chat_id", "payload"},
		{"whatsapp_fallbacks", "provider_id", "payload"},
	} {
		keys, err := mentioningRows(ctx, q, t.table, t.key, t.col, n, "")
		if err != nil {
			return err
		}
		if err := deleteKeys(ctx, q, t.table, t.key, keys); err != nil {
			return err
		}
	}
	if err := forgetUpdates(ctx, q, n, m); err != nil {
		return err
	}
	// The audit log of older versions named people by code: it points at the record instead.
	if len(n.Words) > 0 {
		if _, err := q.Exec(ctx, `UPDATE audit_log SET target_id = ? WHERE target_kind = 'beneficiary' AND target_id IN (`+marks(len(n.Words))+`)`,
			append([]any{strconv.FormatInt(n.BeneficiaryID, 10)}, anys(n.Words)...)...); err != nil {
			return fmt.Errorf("audit log targets: %w", err)
		}
	}
	// Free text staff wrote keeps its sense with the person's words replaced.
	for _, t := range redactedColumns() {
		if err := redactColumn(ctx, q, m, n, t.table, t.key, t.col); err != nil {
			return err
		}
	}
	return nil
}

// chatRow is one of the person's chats and when someone linked it again (zero: nobody).
type chatRow struct {
	ChatRef
	relinkedAt time.Time
}

// chatsToScrub are the person's chats; at the second purge, a chat linked again to someone
// keeps what it holds since.
func chatsToScrub(ctx context.Context, q Queryer, n ErasureNeedles, final bool) ([]chatRow, error) {
	var out []chatRow
	for _, c := range n.Chats {
		row := chatRow{ChatRef: c}
		if final {
			var at []time.Time
			if err := q.Select(ctx, &at, `SELECT created_at FROM identities WHERE channel = ? AND chat_id = ? ORDER BY created_at LIMIT 1`,
				c.Channel, c.ChatID); err != nil {
				return nil, fmt.Errorf("chat linked again: %w", err)
			}
			if len(at) > 0 {
				row.relinkedAt = at[0]
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// scrubChat removes what one of the person's chats holds: messages, history, lists, fallbacks,
// inbound update ids, and at the second purge its web-chat session. A chat linked again keeps
// what is newer than the new link.
func scrubChat(ctx context.Context, q Queryer, c chatRow, final bool) error {
	before := ""
	args := func(a ...any) []any {
		if !c.relinkedAt.IsZero() {
			a = append(a, c.relinkedAt)
		}
		return a
	}
	if !c.relinkedAt.IsZero() {
		before = ` AND created_at < ?`
	}
	steps := []struct {
		what, query string
		args        []any
	}{
		{"outbox", `DELETE FROM outbox WHERE chat_key = ?` + before, args(c.Key())},
		{"whatsapp lists", `DELETE FROM whatsapp_lists WHERE chat_id = ?` + strings.ReplaceAll(before, "created_at", "updated_at"), args(c.ChatID)},
		{"whatsapp fallbacks", `DELETE FROM whatsapp_fallbacks WHERE chat_id = ?` + before, args(c.ChatID)},
		{"whatsapp windows", `DELETE FROM whatsapp_windows WHERE chat_id = ?` + strings.ReplaceAll(before, "created_at", "notified_at"), args(c.ChatID)},
	}
	if c.Channel == ChannelWebchat {
		steps = append(steps, struct {
			what, query string
			args        []any
		}{"web-chat history", `DELETE FROM webchat_messages WHERE chat_id = ?` + before, args(c.ChatID)})
		if len(c.ChatID) >= 16 {
			steps = append(steps, struct {
				what, query string
				args        []any
			}{"web-chat update ids", `DELETE FROM processed_updates WHERE channel = 'webchat' AND update_id LIKE ? ESCAPE '\'` +
				strings.ReplaceAll(before, "created_at", "processed_at"), args(likeEscape(c.ChatID[:16]) + ":%")})
		}
		if final && c.relinkedAt.IsZero() {
			steps = append(steps, struct {
				what, query string
				args        []any
			}{"web-chat session", `DELETE FROM webchat_sessions WHERE chat_id = ?`, []any{c.ChatID}})
		}
	}
	for _, s := range steps {
		if _, err := q.Exec(ctx, s.query, s.args...); err != nil {
			return fmt.Errorf("%s: %w", s.what, err)
		}
	}
	return nil
}

// forgetUpdates forgets the inbound update ids that carry the person's WhatsApp number (a
// message id holds it in base64).
func forgetUpdates(ctx context.Context, q Queryer, n ErasureNeedles, m *matcher) error {
	if len(n.whatsAppNumbers()) == 0 {
		return nil
	}
	var ids []string
	if err := q.Select(ctx, &ids, `SELECT update_id FROM processed_updates WHERE channel = 'whatsapp' AND update_id LIKE 'wamid.%'`); err != nil {
		return fmt.Errorf("whatsapp update ids: %w", err)
	}
	var mine []string
	for _, id := range ids {
		if m.wamidMentions(id) {
			mine = append(mine, id)
		}
	}
	for len(mine) > 0 {
		k := min(len(mine), 200)
		if _, err := q.Exec(ctx, `DELETE FROM processed_updates WHERE channel = 'whatsapp' AND update_id IN (`+marks(k)+`)`, anys(mine[:k])...); err != nil {
			return fmt.Errorf("forget whatsapp update ids: %w", err)
		}
		mine = mine[k:]
	}
	return nil
}

// redactedColumns are the free-text columns staff write in that may name a person.
func redactedColumns() []struct{ table, key, col string } {
	return []struct{ table, key, col string }{
		{"plan_steps", "id", "title"},
		{"plan_step_history", "id", "old_value"},
		{"plan_step_history", "id", "new_value"},
		{"audit_log", "id", "detail"},
		{"audit_log", "id", "target_id"},
		{"leads", "id", "title"},
		{"leads", "id", "details"},
		{"leads", "id", "contact"},
		{"leads", "id", "employer"},
		{"leads", "id", "hours"},
		{"leads", "id", "city"},
		{"leads", "id", "employer"},
		{"leads", "id", "job_role"},
		{"broadcasts", "id", "body"},
		{"reminders", "id", "reason"},
		{"outbox", "id", "last_error"},
		{"lab_sessions", "id", "place"},
		{"labs", "id", "name"},
		{"labs", "id", "description"},
		{"lab_modules", "id", "name"},
	}
}

// mentioningRows returns the keys of a table's rows whose column names the person, among
// those matching extra (a condition, or "").
func mentioningRows(ctx context.Context, q Queryer, table, key, col string, n ErasureNeedles, extra string) ([]string, error) {
	pats := n.likePatterns()
	if len(pats) == 0 {
		return nil, nil
	}
	where := anyLike(col, len(pats))
	if extra != "" {
		where += " AND " + extra
	}
	var rows []struct {
		Key  string `db:"k"`
		Text string `db:"t"`
	}
	if err := q.Select(ctx, &rows, `SELECT CAST(`+key+` AS TEXT) AS k, `+col+` AS t FROM `+table+` WHERE `+where, anys(pats)...); err != nil {
		return nil, fmt.Errorf("%s naming the person: %w", table, err)
	}
	m := newMatcher(n)
	var out []string
	for _, r := range rows {
		if m.mentions(r.Text) {
			out = append(out, r.Key)
		}
	}
	return out, nil
}

// redactColumn replaces the person's words in one column of a table.
func redactColumn(ctx context.Context, q Queryer, m *matcher, n ErasureNeedles, table, key, col string) error {
	pats := n.likePatterns()
	if len(pats) == 0 {
		return nil
	}
	var rows []struct {
		Key  string `db:"k"`
		Text string `db:"t"`
	}
	if err := q.Select(ctx, &rows, `SELECT CAST(`+key+` AS TEXT) AS k, `+col+` AS t FROM `+table+` WHERE `+col+` IS NOT NULL AND `+
		anyLike(col, len(pats)), anys(pats)...); err != nil {
		return fmt.Errorf("%s.%s naming the person: %w", table, col, err)
	}
	mark := erasedMark
	if table == "audit_log" {
		// The audit log keeps pointing at the record, by its id.
		mark = "#" + strconv.FormatInt(n.BeneficiaryID, 10)
	}
	for _, r := range rows {
		red := m.redact(r.Text, mark)
		if red == r.Text {
			continue
		}
		cond, arg := keyIs(key, r.Key)
		if _, err := q.Exec(ctx, `UPDATE `+table+` SET `+col+` = ? WHERE `+cond, red, arg); err != nil {
			return fmt.Errorf("redact %s.%s: %w", table, col, err)
		}
	}
	return nil
}

// deleteKeys deletes the rows of a table with these keys, one at a time (they are few).
func deleteKeys(ctx context.Context, q Queryer, table, key string, keys []string) error {
	for _, k := range keys {
		cond, arg := keyIs(key, k)
		if _, err := q.Exec(ctx, `DELETE FROM `+table+` WHERE `+cond, arg); err != nil {
			return fmt.Errorf("delete from %s: %w", table, err)
		}
	}
	return nil
}

// keyIs is the condition that finds a row by its key read as text: the numeric id column is
// compared as a number (so its index serves), any other as text.
func keyIs(key, value string) (string, any) {
	if key == "id" {
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			return "id = ?", n
		}
	}
	return key + " = ?", value
}

func chatKeys(n ErasureNeedles) []string {
	out := make([]string, 0, len(n.Chats))
	for _, c := range n.Chats {
		out = append(out, c.Key())
	}
	return out
}

// marks is n comma-separated placeholders.
func marks(n int) string {
	if n <= 0 {
		return "NULL"
	}
	return "?" + strings.Repeat(", ?", n-1)
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
