//! Labels and fixed words in the reader's language, for every room that
//! presents something: screening reports, assessments, providers, cases and
//! protocol graphs.

use accord_grammar::ast::Label;

pub(crate) fn localize(label: Option<&Label>, lang: &str, fallback: &str) -> String {
    match label {
        Some(l) => l
            .translations
            .iter()
            .find(|t| t.lang.name == lang)
            .map(|t| t.text.clone())
            .unwrap_or_else(|| l.text.clone()),
        None => fallback.to_string(),
    }
}

/// Fixed words of explanations; languages without an entry use English.
pub(crate) fn word(lang: &str, key: &str) -> &'static str {
    match (lang, key) {
        ("hy", "eligible") => "իրավունք ունի",
        ("hy", "ineligible") => "իրավունք չունի",
        ("hy", "undetermined") => "անորոշ է",
        ("hy", "met") => "բավարարված է",
        ("hy", "not met") => "բավարարված չէ",
        ("hy", "unknown") => "անհայտ է",
        ("hy", "grounds") => "հիմքեր",
        ("hy", "disqualified") => "բացառող պայման",
        ("hy", "missing") => "բացակայող տվյալներ",
        ("hy", "presumed") => "ենթադրվել է",
        ("hy", "taken as") => "ընդունվել է որպես",
        ("hy", "next questions") => "հաջորդ հարցերը",
        ("ru", "eligible") => "имеет право",
        ("ru", "ineligible") => "не имеет права",
        ("ru", "undetermined") => "не определено",
        ("ru", "met") => "выполнено",
        ("ru", "not met") => "не выполнено",
        ("ru", "unknown") => "неизвестно",
        ("ru", "grounds") => "основания",
        ("ru", "disqualified") => "исключающее условие",
        ("ru", "missing") => "недостающие сведения",
        ("ru", "presumed") => "предположено",
        ("ru", "taken as") => "принято как",
        ("ru", "next questions") => "следующие вопросы",
        (_, "eligible") => "eligible",
        (_, "ineligible") => "ineligible",
        (_, "undetermined") => "undetermined",
        (_, "met") => "met",
        (_, "not met") => "not met",
        (_, "unknown") => "unknown",
        (_, "grounds") => "grounds",
        (_, "disqualified") => "disqualified by",
        (_, "missing") => "missing facts",
        (_, "presumed") => "presumed",
        (_, "taken as") => "taken as",
        (_, "next questions") => "next questions",
        ("hy", "amount unknown") => "գումարն անհայտ է",
        ("ru", "amount unknown") => "сумма неизвестна",
        (_, "amount unknown") => "amount unknown",
        ("hy", "yes") => "այո",
        ("hy", "no") => "ոչ",
        ("ru", "yes") => "да",
        ("ru", "no") => "нет",
        ("et", "yes") => "jah",
        ("et", "no") => "ei",
        ("kk", "yes") => "иә",
        ("kk", "no") => "жоқ",
        (_, "yes") => "yes",
        (_, "no") => "no",
        _ => "",
    }
}
