package figures

import (
	"fmt"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// Lines are the figures as sentences in l's language: a title naming scope, the people by
// status, the plan steps in all and by area, lab attendance, and interest in leads.
func Lines(l *locales.Localizer, scope string, f storage.Figures) []string {
	lines := []string{l.T("stats.title", "Scope", scope),
		l.T("stats.people", "Active", f.Beneficiaries[storage.BeneficiaryActive], "Closed", f.Beneficiaries[storage.BeneficiaryClosed],
			"Invited", f.Beneficiaries[storage.BeneficiaryInvited])}
	byArea := map[string]map[string]int{}
	total := map[string]int{}
	for _, s := range f.Steps {
		if byArea[s.Area] == nil {
			byArea[s.Area] = map[string]int{}
		}
		byArea[s.Area][s.Status] += s.N
		total[s.Status] += s.N
	}
	stepLine := func(id string, counts map[string]int, kv ...any) string {
		n := counts[storage.StepDone] + counts[storage.StepInProgress] + counts[storage.StepTodo] + counts[storage.StepBlocked]
		return l.T(id, append(kv, "Total", n, "Done", counts[storage.StepDone], "Doing", counts[storage.StepInProgress],
			"Todo", counts[storage.StepTodo], "Blocked", counts[storage.StepBlocked])...)
	}
	lines = append(lines, stepLine("stats.steps", total))
	for _, a := range storage.Areas() {
		if len(byArea[a]) > 0 {
			lines = append(lines, stepLine("stats.steps_area", byArea[a], "Area", l.T("stats.area_"+a)))
		}
	}
	recorded := f.Present + f.Absent
	rate := l.T("stats.rate_none")
	if recorded > 0 {
		rate = fmt.Sprintf("%d%%", (f.Present*100+recorded/2)/recorded)
	}
	lines = append(lines, l.T("stats.labs", "Enrolments", f.Enrolments, "Present", f.Present, "Recorded", recorded, "Rate", rate))
	interest := map[string]storage.InterestCount{}
	for _, in := range f.Interests {
		interest[in.Kind] = in
	}
	return append(lines, l.T("stats.leads", "Housing", interest[storage.LeadHousing].N, "HousingPeople", interest[storage.LeadHousing].People,
		"Job", interest[storage.LeadJob].N, "JobPeople", interest[storage.LeadJob].People,
		"OpenHousing", f.OpenLeads[storage.LeadHousing], "OpenJob", f.OpenLeads[storage.LeadJob]))
}
