//! Post names as cable IDs spell them: the aliases that other spellings map onto
//! (`SECSTATE` → `STATE`, `RIO DE JAN` → `RIODEJANEIRO`), and the posts known to send
//! cables, so that `CableId` and the parsers name a post one way only.
//!
//! A post is compared as its ASCII letters, upper-cased: `PORT-AU-PRINCE`, `Port au Prince`
//! and `PORTAUPRINCE` are one post. The canonical spelling is the one the Cable Viewer's
//! IDs use.

/// `(other spelling, canonical spelling)`, both as letters only, sorted by the first.
pub const POST_ALIASES: &[(&str, &str)] = &[
    ("DUBAIRPO", "RPODUBAI"),
    ("GUATEMALACITY", "GUATEMALA"),
    ("HAGUE", "THEHAGUE"),
    ("HCMC", "HOCHIMINHCITY"),
    ("HOCHIMINH", "HOCHIMINHCITY"),
    ("HOLYSEE", "VATICAN"),
    ("IRANRPODUBAI", "RPODUBAI"),
    ("JUAREZ", "CIUDADJUAREZ"),
    ("KUWAITCITY", "KUWAIT"),
    ("MEXICOCITY", "MEXICO"),
    ("PANAMACITY", "PANAMA"),
    ("RIO", "RIODEJANEIRO"),
    ("RIODEJAN", "RIODEJANEIRO"),
    ("SAINTPETERSBURG", "STPETERSBURG"),
    ("SECSTATE", "STATE"),
    ("SECSTATEWASHDC", "STATE"),
    ("TAIPEI", "AITTAIPEI"),
    ("UNVIE", "UNVIEVIENNA"),
    ("USEU", "USEUBRUSSELS"),
    ("USMISSIONGENEVA", "GENEVA"),
    ("USMISSIONUNVIEVIENNA", "UNVIEVIENNA"),
    ("USMISSIONUSEUBRUSSELS", "USEUBRUSSELS"),
    ("USMISSIONUSNATO", "USNATO"),
    ("USMISSIONUSOSCE", "USOSCE"),
    ("USMISSIONUSUNNEWYORK", "USUNNEWYORK"),
    ("USUN", "USUNNEWYORK"),
    ("USUNNY", "USUNNEWYORK"),
    ("USUNVIE", "UNVIEVIENNA"),
];

/// Posts that send cables, as letters only in their canonical spelling, sorted: embassies,
/// consulates, missions, the Department (`STATE`) and the spellings older cables use
/// (`BONN`, `SAIGON`, `BOMBAY`). Used to tell a cited cable (`PARIS 5459`) from other
/// things cited with a number (`IIR 6 854`, `PARA 4`). Not every post is here.
pub const KNOWN_POSTS: &[&str] = &[
    "ABIDJAN", "ABUDHABI", "ABUJA", "ACCRA", "ADANA", "ADDISABABA", "ADEN", "AITTAIPEI",
    "ALEXANDRIA", "ALGIERS", "ALMATY", "AMMAN", "AMSTERDAM", "ANKARA", "ANTANANARIVO", "APIA",
    "ASHGABAT", "ASMARA", "ASTANA", "ASUNCION", "ATHENS", "AUCKLAND", "BAGHDAD", "BAKU",
    "BAMAKO", "BANDARSERIBEGAWAN", "BANGKOK", "BANGUI", "BANJUL", "BARCELONA", "BASRAH",
    "BEIJING", "BEIRUT", "BELFAST", "BELGRADE", "BELMOPAN", "BENGHAZI", "BERLIN", "BERN",
    "BISHKEK", "BOGOTA", "BOMBAY", "BONN", "BORDEAUX", "BRASILIA", "BRATISLAVA",
    "BRAZZAVILLE", "BRIDGETOWN", "BRUSSELS", "BUCHAREST", "BUDAPEST", "BUENOSAIRES",
    "BUJUMBURA", "CAIRO", "CALCUTTA", "CALGARY", "CANBERRA", "CAPETOWN", "CARACAS",
    "CASABLANCA", "CDGENEVA", "CHENGDU", "CHENNAI", "CHIANGMAI", "CHISINAU", "CIUDADJUAREZ",
    "COLOMBO", "CONAKRY", "COPENHAGEN", "COTONOU", "CURACAO", "DACCA", "DAKAR", "DAMASCUS",
    "DARESSALAAM", "DHAHRAN", "DHAKA", "DILI", "DJIBOUTI", "DOHA", "DUBAI", "DUBLIN", "DURBAN",
    "DUSHANBE", "DUSSELDORF", "EDINBURGH", "ERBIL", "FLORENCE", "FRANKFURT", "FREETOWN",
    "FUKUOKA", "GABORONE", "GENEVA", "GEORGETOWN", "GUADALAJARA", "GUANGZHOU", "GUATEMALA",
    "GUAYAQUIL", "HALIFAX", "HAMBURG", "HAMILTON", "HANOI", "HARARE", "HAVANA", "HELSINKI",
    "HERMOSILLO", "HILLAH", "HOCHIMINHCITY", "HONGKONG", "HYDERABAD", "ISLAMABAD", "ISTANBUL",
    "IZMIR", "JAKARTA", "JEDDAH", "JERUSALEM", "JOHANNESBURG", "KABUL", "KADUNA", "KAMPALA",
    "KARACHI", "KATHMANDU", "KHARTOUM", "KIEV", "KIGALI", "KINGSTON", "KINSHASA", "KIRKUK",
    "KOLKATA", "KOLONIA", "KOROR", "KRAKOW", "KUALALUMPUR", "KUWAIT", "KYIV", "LAGOS",
    "LAHORE", "LAPAZ", "LEIPZIG", "LENINGRAD", "LIBREVILLE", "LILONGWE", "LIMA", "LISBON",
    "LJUBLJANA", "LOME", "LONDON", "LUANDA", "LUSAKA", "LUXEMBOURG", "LYON", "MADRAS",
    "MADRID", "MAJURO", "MALABO", "MANAGUA", "MANAMA", "MANILA", "MAPUTO", "MARSEILLE",
    "MASERU", "MATAMOROS", "MBABANE", "MELBOURNE", "MERIDA", "MEXICO", "MILAN", "MINSK",
    "MOGADISHU", "MONROVIA", "MONTERREY", "MONTEVIDEO", "MONTREAL", "MOSCOW", "MOSUL",
    "MUMBAI", "MUNICH", "MUSCAT", "NAHA", "NAIROBI", "NAPLES", "NASSAU", "NDJAMENA",
    "NEWDELHI", "NIAMEY", "NICOSIA", "NOGALES", "NOUAKCHOTT", "NUEVOLAREDO", "OSAKAKOBE",
    "OSLO", "OTTAWA", "OUAGADOUGOU", "PANAMA", "PARAMARIBO", "PARIS", "PEKING", "PERTH",
    "PESHAWAR", "PHNOMPENH", "PODGORICA", "PONTADELGADA", "PORTAUPRINCE", "PORTLOUIS",
    "PORTMORESBY", "PORTOFSPAIN", "PRAGUE", "PRAIA", "PRETORIA", "PRISTINA", "QUEBEC",
    "QUITO", "RABAT", "RANGOON", "RECIFE", "REYKJAVIK", "RIGA", "RIODEJANEIRO", "RIYADH",
    "ROME", "RPODUBAI", "SAIGON", "SALISBURY", "SANAA", "SANJOSE", "SANSALVADOR", "SANTIAGO",
    "SANTODOMINGO", "SAOPAULO", "SAPPORO", "SARAJEVO", "SECDEF", "SEOUL", "SHANGHAI",
    "SHENYANG", "SINGAPORE", "SKOPJE", "SOFIA", "STATE", "STOCKHOLM", "STPETERSBURG",
    "STRASBOURG", "SURABAYA", "SUVA", "SYDNEY", "TALLINN", "TASHKENT", "TBILISI",
    "TEGUCIGALPA", "TEHRAN", "TELAVIV", "THEHAGUE", "TIJUANA", "TIRANA", "TOKYO", "TORONTO",
    "TRIPOLI", "TUNIS", "ULAANBAATAR", "UNROME", "UNVIEVIENNA", "USEUBRUSSELS", "USNATO",
    "USOSCE", "USUNNEWYORK", "VALLETTA", "VANCOUVER", "VATICAN", "VIENNA", "VIENTIANE",
    "VILNIUS", "VLADIVOSTOK", "WARSAW", "WELLINGTON", "WINDHOEK", "YAOUNDE", "YEKATERINBURG",
    "YEREVAN", "ZAGREB",
];

/// The canonical spelling of a post given as letters only, upper case: the alias's target,
/// or the post itself when it has no alias.
pub fn canonical_post(letters: &str) -> &str {
    POST_ALIASES
        .binary_search_by(|(alias, _)| (*alias).cmp(letters))
        .map_or(letters, |index| POST_ALIASES[index].1)
}

/// A post's name as written (`Port-au-Prince`, `RIO DE JAN`, `SECSTATE`) in its canonical
/// spelling (`PORTAUPRINCE`, `RIODEJANEIRO`, `STATE`); `None` when it holds no letter.
pub fn canonical_post_name(written: &str) -> Option<String> {
    let letters: String = written
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (!letters.is_empty()).then(|| canonical_post(&letters).to_string())
}

/// Whether a canonical post name is one of [`KNOWN_POSTS`].
pub fn is_known_post(canonical: &str) -> bool {
    KNOWN_POSTS.binary_search(&canonical).is_ok()
}

#[cfg(test)]
mod tests;
