package figures

import (
	"fmt"
	"strconv"

	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

// MinAssessmentPeople is the fewest people a self-assessment figure may be about.
const MinAssessmentPeople = 5

// AssessmentLines are the self-assessment's figures: per question, the average first and
// latest scores of the people who answered it in two rounds or more (only questions that at
// least MinAssessmentPeople people did), or a line saying there are none yet.
func AssessmentLines(l *locales.Localizer, changes []storage.AssessmentChange) []string {
	if len(changes) == 0 {
		return []string{l.T("stats.assessment_none", "Min", MinAssessmentPeople)}
	}
	lines := []string{l.T("stats.assessment_title")}
	for _, c := range changes {
		lines = append(lines, l.T("stats.assessment_line", "Question", l.T("stats.assessment_q"+strconv.Itoa(c.Question)),
			"First", fmt.Sprintf("%.1f", c.First), "Latest", fmt.Sprintf("%.1f", c.Latest), "People", c.People))
	}
	return lines
}
