package desk

// Notices of the operator's forms and of the outcome corrections on a person's page
// (?ok=<key>, ?err=<key>): each key with its message and whether it tells of an error. Only
// these keys (and those of noticeKeys and caseNoticeKeys) are shown.
const (
	okOpProposed = "op_proposed"
	okOpNoted    = "op_noted"

	errOpNoTutor    = "op_no_tutor"
	errOpTitleEmpty = "op_title_empty"
	errOpTitleLong  = "op_title_long"
	errOpNoteEmpty  = "op_note_empty"
	errOpNoteLong   = "op_note_long"

	okOutcomeWithdrawn = "outcome_withdrawn"
	okOutcomeCorrected = "outcome_corrected"

	errOutcomeConfirm = "outcome_confirm"
	errOutcomeGone    = "outcome_gone"
)

// personNotice is one notice: its message id and whether it tells of an error.
type personNotice struct {
	id    string
	isErr bool
}

// personNotices are the notices of the person page's operator forms and outcome corrections.
func personNotices() map[string]personNotice {
	return map[string]personNotice{
		okOpProposed:       {"desk.op.ok.proposed", false},
		okOpNoted:          {"desk.op.ok.noted", false},
		errOpNoTutor:       {"desk.op.err.no_tutor", true},
		errOpTitleEmpty:    {"desk.op.err.title_empty", true},
		errOpTitleLong:     {"desk.op.err.title_long", true},
		errOpNoteEmpty:     {"desk.op.err.note_empty", true},
		errOpNoteLong:      {"desk.op.err.note_long", true},
		okOutcomeWithdrawn: {"desk.outcome_edit.ok.withdrawn", false},
		okOutcomeCorrected: {"desk.outcome_edit.ok.corrected", false},
		errOutcomeConfirm:  {"desk.outcome_edit.err.confirm", true},
		errOutcomeGone:     {"desk.outcome_edit.err.gone", true},
	}
}
