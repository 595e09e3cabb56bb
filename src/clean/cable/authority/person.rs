//! The person in a `Classified By` entry: the classifier's name and title told apart
//! (`Ambassador Margaret Scobey`, `Joan A. Polaschik, Charge d'Affaires`, `DCM Jane Doe`).

/// Words of a title or an office in a `Classified By` entry, lower case, without a final
/// dot, sorted (searched by bisection).
const TITLE_WORDS: &[&str] = &[
    "a.i",
    "a/dcm",
    "a/s",
    "acting",
    "administrator",
    "admiral",
    "adviser",
    "advisor",
    "affairs",
    "agricultural",
    "ai",
    "amb",
    "ambassador",
    "ambassador-at-large",
    "and",
    "arso",
    "assistant",
    "attache",
    "attaché",
    "bureau",
    "captain",
    "cda",
    "cdda",
    "cddea",
    "cg",
    "chair",
    "chairman",
    "charg",
    "charge",
    "chargé",
    "chief",
    "colonel",
    "commander",
    "commercial",
    "congen",
    "conoff",
    "conseiller",
    "consul",
    "consular",
    "coordinator",
    "couns",
    "counsel",
    "counsellor",
    "counselor",
    "ct",
    "cultural",
    "d'affaires",
    "dao",
    "das",
    "dcm",
    "defense",
    "delegate",
    "department",
    "dept",
    "deputy",
    "designate",
    "diplomacy",
    "dir",
    "director",
    "dos",
    "dpo",
    "drl",
    "d’affaires",
    "eap",
    "ecoff",
    "econ",
    "econ/pol",
    "econcouns",
    "econmincouns",
    "econoff",
    "economic",
    "ecopol",
    "eeb",
    "embassy",
    "enforcement",
    "environment",
    "envoy",
    "eur",
    "executive",
    "external",
    "first",
    "for",
    "foreign",
    "general",
    "head",
    "health",
    "in",
    "inl",
    "inr",
    "interagency",
    "internal",
    "io",
    "isn",
    "law",
    "leader",
    "legal",
    "liaison",
    "lieutenant",
    "management",
    "mc",
    "mgmt",
    "military",
    "mincouns",
    "minister",
    "mission",
    "narcotics",
    "nas",
    "nea",
    "negotiator",
    "oes",
    "of",
    "office",
    "officer",
    "ops",
    "p/e",
    "pao",
    "pm",
    "po",
    "pol",
    "pol/econ",
    "polad",
    "polchief",
    "polcouns",
    "polecon",
    "political",
    "polmc",
    "polmil",
    "polmincouns",
    "poloff",
    "press",
    "principal",
    "prm",
    "provincial",
    "public",
    "reconstruction",
    "refugee",
    "regional",
    "representative",
    "resources",
    "rpo",
    "rso",
    "sca",
    "science",
    "second",
    "secretary",
    "section",
    "sector",
    "security",
    "senior",
    "service",
    "special",
    "spokesman",
    "spokesperson",
    "staff",
    "state",
    "team",
    "the",
    "third",
    "treasury",
    "u.s",
    "under",
    "unit",
    "us",
    "usaid",
    "vice",
    "wha",
];

/// Name and title from the part of the entry before the reasons: `Ambassador Margaret
/// Scobey`, `DCM Jane Doe`, `Joan A. Polaschik, Charge d'Affaires, U.S. Embassy Tripoli`,
/// `Charge d'Affaires` (a title alone), `Anne W. Patterson` (a name alone).
pub(super) fn split_person(who: &str) -> (Option<String>, Option<String>) {
    // `DCM;DOUG SILLIMAN`: a semicolon parts title and name as a comma does;
    // `Charge d,Affaires` is a typing slip.
    let who = who
        .replace(';', ",")
        .replace("d,Affaires", "d'Affaires")
        .replace("D,AFFAIRES", "D'AFFAIRES");
    let who = who.trim_matches(|c: char| c.is_whitespace() || ",:-".contains(c));
    // A final dot ends the sentence, except after `Jr.` or an initial.
    let who = match who.strip_suffix('.') {
        Some(stripped)
            if !stripped
                .rsplit(' ')
                .next()
                .is_some_and(|last| is_name_suffix(last) || last.chars().count() == 1) =>
        {
            stripped
        }
        _ => who,
    };
    let who = who.trim_matches(|c: char| c.is_whitespace() || ",:".contains(c));
    // `U/S Maria Otero (G)`: the bureau's letter after the name.
    let who = match who.rfind(" (") {
        Some(open) if who.ends_with(')') && who.len() - open <= 8 => &who[..open],
        _ => who,
    };
    let who = [" for", " FOR", " per", " PER", " under", " UNDER"]
        .iter()
        .find_map(|word| who.strip_suffix(word))
        .unwrap_or(who)
        .trim_end_matches([',', ' ']);
    if who.is_empty() {
        return (None, None);
    }
    let capitals = !who.chars().any(char::is_lowercase);
    let parts = comma_parts(who);
    let first = parts.first().map_or("", String::as_str);
    let title_first = first.split_whitespace().any(|w| is_title_word(w, capitals));
    if parts.len() == 1 || title_first {
        // `Charge d'Affaires, a.i., Dan Piccuta`: the name may come in a later part.
        let mut title_parts: Vec<String> = Vec::new();
        for part in &parts {
            let (name, title) = title_then_name(part, capitals);
            title_parts.extend(title);
            if name.is_some() {
                return (name, non_empty(&title_parts.join(", ")));
            }
        }
        return (None, non_empty(&title_parts.join(", ")));
    }
    // `Martinez, Vilma, Ambassador`: surname, given name, then the title.
    let mut first = first.to_string();
    let mut rest = &parts[1..];
    if let [given, title, ..] = rest {
        let one_word = !given.contains(' ') && given.chars().next().is_some_and(char::is_uppercase);
        if one_word
            && !is_title_word(given, capitals)
            && !first.contains(' ')
            && is_title_like(title, capitals)
        {
            first = format!("{given} {first}");
            rest = &rest[1..];
        }
    }
    let mut title = rest.first().cloned().unwrap_or_default();
    for more in rest.iter().skip(1) {
        let acting = ["a.i.", "a.i", "ai"].contains(&more.to_lowercase().as_str());
        let office = more.contains('/') && !more.contains(' ');
        if acting || (office && !title.contains('/')) {
            title = format!("{title}, {more}");
        } else {
            break;
        }
    }
    (non_empty(&first), non_empty(&tidy_title(&title)))
}

/// Whether every word of a comma part is a title word: `Ambassador`, `Deputy Chief of
/// Mission`.
fn is_title_like(part: &str, capitals: bool) -> bool {
    part.split_whitespace()
        .all(|word| is_title_word(word, capitals))
}

/// The entry split on commas, with `Jr.`, `Sr.` and `III` kept on the name before them.
fn comma_parts(who: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for part in who.split(',').map(str::trim) {
        let suffix = is_name_suffix(part);
        // `DCM Luis G, Moreno`: a comma typed for the initial's dot.
        let after_initial = parts.last().is_some_and(|last| {
            last.rsplit(' ')
                .next()
                .is_some_and(|word| word.len() == 1 && word.bytes().all(|b| b.is_ascii_uppercase()))
        }) && !part.contains(' ')
            && part.starts_with(|c: char| c.is_uppercase());
        match parts.last_mut() {
            Some(last) if suffix => {
                last.push_str(", ");
                last.push_str(part);
            }
            Some(last) if after_initial => {
                last.push(' ');
                last.push_str(part);
            }
            _ => parts.push(part.to_string()),
        }
    }
    parts
}

/// `Title Words First I. Last`: the name is the last word, the initials around it and one
/// given name before them; the title is what precedes.
fn title_then_name(part: &str, capitals: bool) -> (Option<String>, Option<String>) {
    let words: Vec<&str> = part.split_whitespace().collect();
    let mut start = words.len();
    if start >= 2 && is_name_suffix(words[start - 1]) {
        start -= 1;
    }
    match words.get(start.wrapping_sub(1)) {
        Some(surname) if !is_title_word(surname, capitals) && !is_initial(surname) => start -= 1,
        _ => return (None, non_empty(&tidy_title(part))),
    }
    // One given name, or two when a title word stands right before them (`ACTING DCM
    // ROBERT RICHARD DOWNES`, `Mary Beth Jones`); initials anywhere among them.
    let mut given_names = 0;
    while start > 0 {
        let word = words[start - 1];
        let second_allowed = given_names == 1
            && start >= 2
            && is_title_word(words[start - 2], capitals)
            && !looks_like_title(word);
        if is_listed_title(word.trim_end_matches([',', '.', ':'])) {
            break;
        } else if is_initial(word) {
            start -= 1;
        } else if is_given_name(word, capitals) && (given_names == 0 || second_allowed) {
            given_names += 1;
            start -= 1;
        } else {
            break;
        }
    }
    let name = words[start..].join(" ");
    let title = words[..start].join(" ");
    (non_empty(&name), non_empty(&tidy_title(&title)))
}

/// Whether a word not in [`TITLE_WORDS`] still has the look of a title (a misspelt or
/// unusual one, `Councelor`, `PolMinCouns`, `Minister-Counsellor`): hyphenated, or ending
/// as titles do. Keeps such a word out of a name.
fn looks_like_title(word: &str) -> bool {
    let lower = word.trim_end_matches([',', '.', ':']).to_ascii_lowercase();
    lower.contains(['-', '/'])
        || [
            "or", "er", "ary", "ant", "ent", "ist", "ive", "al", "ic", "ion", "ff", "s", "ns",
        ]
        .iter()
        .any(|ending| lower.ends_with(ending))
}

fn is_name_suffix(word: &str) -> bool {
    ["Jr", "JR", "Sr", "SR", "II", "III", "IV"].contains(&word.trim_end_matches('.'))
}

/// An initial (`T.`, `P`, `J.R.`) or a quoted nickname (`“Hoot”`).
fn is_initial(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    let quoted = word.starts_with(['"', '“', '\'']) && word.len() > 2;
    quoted
        || (letters <= 2
            && letters > 0
            && word.chars().all(|c| c.is_uppercase() || c == '.')
            && (letters == 1 || word.contains('.')))
}

/// A given name: not a title word, capitalised.
fn is_given_name(word: &str, capitals: bool) -> bool {
    word.chars().next().is_some_and(char::is_uppercase) && !is_title_word(word, capitals)
}

/// A word of a title: one of [`TITLE_WORDS`], an office with a slash (`ISN/MTR`, `M/C`),
/// a hyphenated title (`Minister-Counselor`), or, in a sentence-cased entry, an acronym
/// (`DCM`, `POL`).
fn is_title_word(word: &str, capitals: bool) -> bool {
    let bare = word.trim_end_matches([',', '.', ':']);
    if bare.is_empty() {
        return false;
    }
    // In a sentence-cased entry a short word in capitals is an office (`DCM`, `ISN`); a
    // longer one may be a name written in capitals, and a run of `X`s is a redacted name.
    let letters = bare.chars().filter(|c| c.is_alphabetic()).count();
    let acronym = !capitals
        && (2..=4).contains(&letters)
        && word
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    let redacted = bare.len() >= 3 && bare.bytes().all(|b| b == b'X' || b == b'x');
    if redacted {
        return false;
    }
    acronym
        || bare.contains('/')
        || is_listed_title(bare)
        || (bare.contains('-') && bare.split('-').all(is_listed_title))
}

/// Whether a word, in any case, is one of [`TITLE_WORDS`].
fn is_listed_title(word: &str) -> bool {
    if word.is_ascii() {
        let mut buffer = [0u8; 24];
        let Some(lower) = buffer.get_mut(..word.len()) else {
            return false;
        };
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        std::str::from_utf8(lower).is_ok_and(|lower| TITLE_WORDS.binary_search(&lower).is_ok())
    } else {
        TITLE_WORDS
            .binary_search(&word.to_lowercase().as_str())
            .is_ok()
    }
}

/// A title without the commas and long words' final dot it was written with.
fn tidy_title(title: &str) -> String {
    let title = title.trim_matches(|c: char| c.is_whitespace() || ",;:-?".contains(c));
    let last_word_len = title.rsplit(' ').next().map_or(0, str::len);
    match title.strip_suffix('.') {
        Some(stripped) if last_word_len > 5 => stripped.to_string(),
        _ => title.to_string(),
    }
}

fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests;
