package importer

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/insideaut/insidebot/domain/civil"
	"github.com/insideaut/insidebot/locales"
	"github.com/insideaut/insidebot/storage"
)

func beneficiaryColumns() []column {
	return []column{{"territory", true}, {"lang", false}, {"tutor_id", false}, {"name", false}, {"reception_contact", false}, {"centre", false}}
}

func importBeneficiaries(ctx context.Context, q storage.Queryer, rows []record, opt Options) ([]Created, []Problem, error) {
	territories, err := territorySet(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	staff, err := storage.ListStaff(ctx, q, "")
	if err != nil {
		return nil, nil, err
	}
	tutors := map[int64]storage.Staff{}
	for _, s := range staff {
		if s.Status != "disabled" && s.Role != storage.RoleOperator {
			tutors[s.ID] = s
		}
	}
	named, err := storage.NamedBeneficiaries(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	existing := map[string]string{}
	for _, n := range named {
		existing[n.Territory+"|"+fold(n.Name)] = n.Code
	}
	inFile := map[string]int{}
	var problems []Problem
	out := make([]storage.BulkBeneficiary, 0, len(rows))
	for _, rec := range rows {
		c := checker{rec: rec, problems: &problems}
		b := storage.BulkBeneficiary{Territory: c.territory("territory", territories, opt.Territory)}
		if v := c.text("lang", false, 8); v != "" {
			if b.Lang = locales.Match(v); b.Lang == "" {
				c.bad("lang", "importer.bad_lang", "Value", v)
			}
		}
		if b.TutorID = c.number("tutor_id", false); b.TutorID != 0 {
			s, ok := tutors[b.TutorID]
			switch {
			case !ok:
				c.bad("tutor_id", "importer.no_staff", "Value", b.TutorID)
			case s.Territory.Valid && b.Territory != "" && s.Territory.String != b.Territory:
				c.bad("tutor_id", "importer.tutor_territory", "Value", b.TutorID, "Territory", s.Territory.String)
			}
		}
		b.DisplayName = c.text("name", false, 100)
		b.ReceptionContact = c.text("reception_contact", false, 200)
		// The reception centre the person came from: the centre column, else the reception
		// contact as the centre's name (found in the territory, or created).
		if b.Centre = c.text("centre", false, storage.MaxCentreName); b.Centre == "" {
			b.Centre = storage.CentreName(b.ReceptionContact)
		}
		if b.DisplayName != "" {
			key := b.Territory + "|" + fold(b.DisplayName)
			duplicate(c, "name", key, existing, inFile, "importer.duplicate_beneficiary", "Code")
		}
		out = append(out, b)
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	created, err := storage.CreateBeneficiariesBulk(ctx, q, out, opt.InviteTTL, opt.Now)
	if err != nil {
		return nil, nil, err
	}
	res := make([]Created, len(created))
	for i, b := range created {
		res[i] = Created{Line: rows[i].line, BulkCreated: b}
	}
	return res, nil, nil
}

func leadColumns() []column {
	return []column{{"kind", true}, {"territory", true}, {"title", true}, {"details", false}, {"housing_type", false},
		{"rent_eur", false}, {"shared", false}, {"city", false}, {"job_role", false}, {"employer", false}, {"contract", false},
		{"contact", false}, {"expires_on", false}}
}

func nullS(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func importLeads(ctx context.Context, q storage.Queryer, rows []record, opt Options) ([]Problem, error) {
	territories, err := territorySet(ctx, q)
	if err != nil {
		return nil, err
	}
	open, err := storage.OpenLeadKeys(ctx, q)
	if err != nil {
		return nil, err
	}
	existing := map[string]int64{}
	for _, l := range open {
		existing[l.Kind+"|"+l.Territory+"|"+fold(l.Title)] = l.ID
	}
	today := civil.Today(opt.Now, opt.Location)
	inFile := map[string]int{}
	var problems []Problem
	out := make([]storage.Lead, 0, len(rows))
	for _, rec := range rows {
		c := checker{rec: rec, problems: &problems}
		var l storage.Lead
		switch v := strings.ToLower(c.text("kind", true, 10)); v {
		case "housing", "casa":
			l.Kind = storage.LeadHousing
		case "job", "lavoro":
			l.Kind = storage.LeadJob
		case "":
		default:
			c.bad("kind", "importer.bad_kind", "Value", v)
		}
		l.Territory = c.territory("territory", territories, opt.Territory)
		l.Title = c.text("title", true, 120)
		l.Details = c.text("details", false, 1000)
		l.City = nullS(c.text("city", false, 80))
		l.Contact = nullS(c.text("contact", false, 200))
		housingOnly := func(col string) {
			if l.Kind == storage.LeadJob && rec.fields[col] != "" {
				c.bad(col, "importer.housing_only")
			}
		}
		jobOnly := func(col string) {
			if l.Kind == storage.LeadHousing && rec.fields[col] != "" {
				c.bad(col, "importer.job_only")
			}
		}
		switch v := strings.ToLower(c.text("housing_type", false, 20)); v {
		case "":
		case "room", "stanza", "camera":
			l.HousingType = nullS("room")
		case "flat", "appartamento":
			l.HousingType = nullS("flat")
		case "shared", "condiviso", "condivisa":
			l.HousingType = nullS("shared")
		default:
			c.bad("housing_type", "importer.bad_housing_type", "Value", v)
		}
		housingOnly("housing_type")
		if v := rec.fields["rent_eur"]; v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				c.bad("rent_eur", "importer.bad_number", "Value", v)
			}
			l.RentEUR = sql.NullInt64{Int64: n, Valid: err == nil}
		}
		housingOnly("rent_eur")
		if v, ok := c.flag("shared"); ok {
			l.Shared = sql.NullBool{Bool: v, Valid: true}
		}
		housingOnly("shared")
		l.JobRole = nullS(c.text("job_role", false, 120))
		l.Employer = nullS(c.text("employer", false, 120))
		l.Contract = nullS(c.text("contract", false, 120))
		for _, col := range []string{"job_role", "employer", "contract"} {
			jobOnly(col)
		}
		if d := c.date("expires_on", false); d != "" {
			if d < today {
				c.bad("expires_on", "importer.expired", "Value", d)
			}
			l.ExpiresOn = nullS(d)
		}
		if l.Kind != "" && l.Title != "" {
			key := l.Kind + "|" + l.Territory + "|" + fold(l.Title)
			duplicate(c, "title", key, existing, inFile, "importer.duplicate_lead", "ID")
		}
		out = append(out, l)
	}
	if len(problems) > 0 {
		return problems, nil
	}
	return nil, storage.CreateLeadsBulk(ctx, q, out, opt.Now)
}

func sessionColumns() []column {
	return []column{{"module_id", true}, {"territory", true}, {"date", true}, {"time", true}, {"place", true},
		{"map_url", false}, {"open", false}, {"capacity", false}, {"duration_minutes", false}}
}

func importSessions(ctx context.Context, q storage.Queryer, rows []record, opt Options) ([]Problem, error) {
	territories, err := territorySet(ctx, q)
	if err != nil {
		return nil, err
	}
	mods, err := storage.AllModules(ctx, q)
	if err != nil {
		return nil, err
	}
	modules := map[int64]storage.Module{}
	for _, m := range mods {
		modules[m.ID] = m
	}
	keys, err := storage.ScheduledSessionKeys(ctx, q)
	if err != nil {
		return nil, err
	}
	sessionKey := func(module int64, territory string, at time.Time) string {
		return fmt.Sprintf("%d|%s|%d", module, territory, at.Unix())
	}
	existing := map[string]int64{}
	for _, k := range keys {
		existing[sessionKey(k.ModuleID, k.Territory, k.StartsAt)] = k.ID
	}
	inFile := map[string]int{}
	var problems []Problem
	out := make([]storage.NewSession, 0, len(rows))
	for _, rec := range rows {
		c := checker{rec: rec, problems: &problems}
		s := storage.NewSession{ModuleID: c.number("module_id", true), Territory: c.territory("territory", territories, opt.Territory)}
		if m, ok := modules[s.ModuleID]; s.ModuleID != 0 && !ok {
			c.bad("module_id", "importer.no_module", "Value", s.ModuleID)
		} else if ok && m.LabTerritory.Valid && s.Territory != "" && m.LabTerritory.String != s.Territory {
			// A lab of a territory has its sessions there only.
			c.bad("territory", "importer.lab_elsewhere", "Value", s.Territory, "Territory", m.LabTerritory.String)
		}
		date := c.date("date", true)
		clock := c.text("time", true, 5)
		var starts time.Time
		if clock != "" {
			h, m, err := civil.ParseClock(clock)
			if err != nil {
				c.bad("time", "importer.bad_time", "Value", clock)
			} else if date != "" {
				starts, _ = civil.At(date, h, m, opt.Location)
				if !starts.After(opt.Now) {
					c.bad("date", "importer.past", "Value", rec.fields["date"]+" "+clock)
				}
			}
		}
		s.Place = c.text("place", true, 200)
		s.MapURL = c.link("map_url")
		s.OpenEnrolment, _ = c.flag("open")
		s.Capacity = c.number("capacity", false)
		minutes := int64(120)
		if v := rec.fields["duration_minutes"]; v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 15 || n > 720 {
				c.bad("duration_minutes", "importer.bad_duration", "Value", v)
			} else {
				minutes = n
			}
		}
		s.StartsAt, s.EndsAt = starts, starts.Add(time.Duration(minutes)*time.Minute)
		if !starts.IsZero() && s.ModuleID != 0 {
			key := sessionKey(s.ModuleID, s.Territory, starts)
			duplicate(c, "date", key, existing, inFile, "importer.duplicate_session", "ID")
		}
		out = append(out, s)
	}
	if len(problems) > 0 {
		return problems, nil
	}
	return nil, storage.CreateSessionsBulk(ctx, q, out, opt.Now)
}
