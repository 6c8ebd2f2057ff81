package figures

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// DefaultProjectTarget is how many people the project means to bring to autonomy (INSIDE AUT: 100).
const DefaultProjectTarget = 100

// Targets are the project's target and the territories' (PROJECT_TARGET, TERRITORY_TARGETS).
// A territory without a target of its own gets an even share of what the set ones leave.
type Targets struct {
	Project int
	Set     map[string]int // territory code → its target, as configured
}

// ParseTargets reads PROJECT_TARGET (empty: 100) and TERRITORY_TARGETS ("MI=15,BO=10").
func ParseTargets(project, territories string) (Targets, error) {
	t := Targets{Project: DefaultProjectTarget, Set: map[string]int{}}
	if s := strings.TrimSpace(project); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return t, fmt.Errorf("PROJECT_TARGET: want a positive number, got %q", s)
		}
		t.Project = n
	}
	sum := 0
	for _, part := range strings.Split(territories, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		code, num, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(strings.TrimSpace(num))
		code = strings.ToUpper(strings.TrimSpace(code))
		if !ok || err != nil || n < 0 || code == "" {
			return t, fmt.Errorf("TERRITORY_TARGETS: want CODE=number pairs separated by commas (MI=15,BO=10), got %q", part)
		}
		t.Set[code] = n
		sum += n
	}
	if sum > t.Project {
		return t, fmt.Errorf("TERRITORY_TARGETS: the territories' targets add up to %d, more than PROJECT_TARGET %d", sum, t.Project)
	}
	return t, nil
}

// For gives each territory its target: the configured one, else an even share (in code order,
// the first ones one more) of what the configured ones leave of the project's target.
func (t Targets) For(codes []string) map[string]int {
	out := map[string]int{}
	left := t.Project
	var rest []string
	for _, c := range codes {
		if n, ok := t.Set[c]; ok {
			out[c] = n
			left -= n
		} else {
			rest = append(rest, c)
		}
	}
	sort.Strings(rest)
	if len(rest) > 0 && left > 0 {
		share, extra := left/len(rest), left%len(rest)
		for i, c := range rest {
			out[c] = share
			if i < extra {
				out[c]++
			}
		}
	}
	return out
}
