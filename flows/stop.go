package flows

import (
	"context"

	"github.com/insideaut/insidebot/bot"
	"github.com/insideaut/insidebot/domain"
)

// STOP and START: a beneficiary who writes STOP, in any of the supported languages, gets no
// more announcements at once and is told how to resume; START resumes them. They work anywhere,
// even in the middle of a form or an open conversation with the tutor, which stays as it was.
//
// The words, as a person would type them alone in a message (compared after foldWord: case,
// accents, final punctuation and Arabic-script letter variants do not matter):
//
//	language   STOP                                        START
//	English    stop, unsubscribe                           start, subscribe
//	Italiano   stop, basta, disiscrivimi                   start, riprendi, iscrivimi
//	Français   stop, arrêt, arrêter, arrête, arrêtez,       start, reprendre, reprenez, reprends,
//	           stopper, désabonner, me désabonner,         m'abonner, réabonner
//	           désinscrire
//	العربية    توقف, أوقف, إيقاف, قف, وقف, كفى, ستوب,        ابدأ, استئناف, استأنف, تشغيل, بدء,
//	           إلغاء الاشتراك                               اشتراك, ستارت
//	اردو       بند, بند کرو, بند کریں, بند کر دیں, روکو,       شروع, شروع کرو, شروع کریں, شروع کر دیں,
//	           روکیں, روک دیں, band, band karo, band karein   دوبارہ شروع, دوبارہ شروع کریں, shuru,
//	                                                       shuru karo, shuru karein
//	বাংলা      বন্ধ, বন্ধ করুন, বন্ধ করো, বন্ধ কর, থামুন, থামো,   শুরু, শুরু করুন, শুরু করো, চালু,
//	           থামাও, স্টপ, bondho, bondho koro              চালু করুন, চালু করো, স্টার্ট, chalu
//	دری        توقف, توقف کنید, بس, بس کن, بس کنید, قطع کن,    شروع, شروع کن, شروع کنید, آغاز,
//	           قطع کنید, ایست                               دوباره شروع
//	پښتو       ودروه, ودروئ, بند کړه, بند کړئ, بس, بس کړه,      پیل, پیل کړه, پیل کړئ, شروع, شروع کړئ,
//	           بندول, بند یې کړه                            بیا پیل
//	ትግርኛ      ኣቁም, ኣቁሚ, ኣቁሙ, ደው በል, ደው በሊ, ደው በሉ,          ጀምር, ጀምሪ, ጀምሩ, ቀጽል, ቀጽሊ, ቀጽሉ,
//	           ኣቋርጽ, ኣቋርጺ, ኣቋርጹ, ስቶፕ                        ስታርት
//	Soomaali   jooji, joogso, joojiya, iska jooji,          bilow, ka bilow, bilaab, dib u bilaab,
//	           ha ii soo dirin                              sii wad
//
// (Suggested by the translators of each language; to be confirmed by native speakers.)
func stopWords() []string {
	return []string{
		"stop", "unsubscribe",
		"basta", "disiscrivimi",
		"arrêt", "arrêter", "arrête", "arrêtez", "stopper", "désabonner", "me désabonner", "désinscrire",
		"توقف", "أوقف", "إيقاف", "قف", "وقف", "كفى", "ستوب", "إلغاء الاشتراك",
		"بند", "بند کرو", "بند کریں", "بند کر دیں", "روکو", "روکیں", "روک دیں", "band", "band karo", "band karein",
		"বন্ধ", "বন্ধ করুন", "বন্ধ করো", "বন্ধ কর", "থামুন", "থামো", "থামাও", "স্টপ", "bondho", "bondho koro",
		"توقف کنید", "بس", "بس کن", "بس کنید", "قطع کن", "قطع کنید", "ایست",
		"ودروه", "ودروئ", "بند کړه", "بند کړئ", "بس کړه", "بندول", "بند یې کړه",
		"ኣቁም", "ኣቁሚ", "ኣቁሙ", "ደው በል", "ደው በሊ", "ደው በሉ", "ኣቋርጽ", "ኣቋርጺ", "ኣቋርጹ", "ስቶፕ",
		"jooji", "joogso", "joojiya", "iska jooji", "ha ii soo dirin",
	}
}

func startWords() []string {
	return []string{
		"start", "subscribe",
		"riprendi", "iscrivimi",
		// Not "commencer": too general for a word that gives the announcements consent.
		"reprendre", "reprenez", "reprends", "m'abonner", "réabonner",
		"ابدأ", "استئناف", "استأنف", "تشغيل", "بدء", "اشتراك", "ستارت",
		"شروع", "شروع کرو", "شروع کریں", "شروع کر دیں", "دوبارہ شروع", "دوبارہ شروع کریں", "shuru", "shuru karo", "shuru karein",
		"শুরু", "শুরু করুন", "শুরু করো", "চালু", "চালু করুন", "চালু করো", "স্টার্ট", "chalu",
		"آغاز", "شروع کن", "شروع کنید", "دوباره شروع",
		"پیل", "پیل کړه", "پیل کړئ", "شروع کړئ", "بیا پیل",
		"ጀምር", "ጀምሪ", "ጀምሩ", "ቀጽል", "ቀጽሊ", "ቀጽሉ", "ስታርት",
		"bilow", "ka bilow", "bilaab", "dib u bilaab", "sii wad",
	}
}

// isWord tells whether a typed text is one of words.
func isWord(text string, words []string) bool {
	t := foldWord(text)
	if t == "" {
		return false
	}
	for _, w := range words {
		if foldWord(w) == t {
			return true
		}
	}
	return false
}

// IsStopWord tells whether a text asks to stop announcements (for other journeys that read
// free text, such as a broadcast reply).
func IsStopWord(text string) bool { return isWord(text, stopWords()) }

// IsStartWord tells whether a text asks to resume announcements.
func IsStartWord(text string) bool { return isWord(text, startWords()) }

func (e *Engine) stopRoutes() []Route {
	return []Route{
		{Match: func(c *Ctx) bool { return c.In.Kind == bot.KindText && IsStopWord(c.In.Text) }, Roles: domain.RoleBeneficiary,
			Action: "stop", Handle: e.stopAnnouncements},
		{Match: func(c *Ctx) bool { return c.In.Kind == bot.KindText && IsStartWord(c.In.Text) }, Roles: domain.RoleBeneficiary,
			Action: "start-announcements", Handle: e.startAnnouncements},
		{Command: "stop", Roles: domain.RoleBeneficiary, Handle: e.stopAnnouncements},
	}
}

// stopAnnouncements ends announcements at once (if not already) and says how to resume.
func (e *Engine) stopAnnouncements(ctx context.Context, c *Ctx) error {
	if err := e.domain.StopAnnouncements(ctx, c.Tx, c.Now, c.Actor); err != nil {
		return err
	}
	return c.ReplyText(ctx, "stop.done")
}

// startAnnouncements resumes announcements: START is also the consent to them.
func (e *Engine) startAnnouncements(ctx context.Context, c *Ctx) error {
	if err := e.domain.StartAnnouncements(ctx, c.Tx, c.Now, c.Actor); err != nil {
		return err
	}
	return c.ReplyText(ctx, "stop.resumed")
}
