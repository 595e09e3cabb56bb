//! Splitting a TAGS line into its tags: by commas where the list has them, else by white
//! space; a name in parentheses after a code (`OVIP (STEINBERG, JAMES B.)`) is a tag of its
//! own.

/// The tags of one joined TAGS list, in order, duplicates kept.
pub(super) fn split(list: &str) -> Vec<String> {
    let comma_separated = has_top_level_comma(list);
    let mut tags = Vec::new();
    let mut piece = String::new();
    let mut group = String::new();
    let mut depth = 0usize;
    for c in list.chars() {
        match c {
            '(' => {
                if depth == 0 {
                    flush_piece(&mut piece, &mut tags);
                } else {
                    group.push(c);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    flush_group(&mut group, &mut tags);
                } else {
                    group.push(c);
                }
            }
            ')' => {}
            _ if depth > 0 => group.push(c),
            ',' | ';' => flush_piece(&mut piece, &mut tags),
            _ if c.is_whitespace() && !comma_separated => flush_piece(&mut piece, &mut tags),
            _ => piece.push(c),
        }
    }
    flush_piece(&mut piece, &mut tags);
    flush_group(&mut group, &mut tags);
    tags
}

fn has_top_level_comma(list: &str) -> bool {
    let mut depth = 0usize;
    list.chars().any(|c| {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        depth == 0 && (c == ',' || c == ';')
    })
}

/// A piece between separators: one tag, or several codes that lack commas between them
/// (`PREL PGOV` in a comma-separated list), split on spaces.
fn flush_piece(piece: &mut String, tags: &mut Vec<String>) {
    let words: Vec<&str> = piece.split_whitespace().collect();
    let all_codes = words.len() > 1 && words.iter().all(|word| is_code(word));
    let found: Vec<String> = if all_codes {
        words.iter().map(|word| trim_code(word)).collect()
    } else {
        vec![trim_code(&words.join(" "))]
    };
    tags.extend(found.into_iter().filter(|tag| !tag.is_empty()));
    piece.clear();
}

/// A name in parentheses: kept as written inside, with white space collapsed.
fn flush_group(group: &mut String, tags: &mut Vec<String>) {
    let name = group.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c: char| c == ',' || c == ';').trim();
    if !name.is_empty() {
        tags.push(name.to_string());
    }
    group.clear();
}

/// A tag code: two to five capital letters, as TAGS codes are (`PREL`, `KNNP`, `UK`).
fn is_code(word: &str) -> bool {
    (2..=5).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_uppercase())
}

fn trim_code(word: &str) -> String {
    word.trim_matches(|c: char| c.is_whitespace() || ".:;,\"'".contains(c))
        .to_string()
}

/// Whether a line holds nothing but tag codes (`YI, UNO, IR, LE`, `KDEM`), so that it
/// carries on a TAGS line that did not end with a comma.
pub(super) fn codes_only(line: &str, lower_case_cable: bool) -> bool {
    let mut words = line
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|word| {
            (2..=6).contains(&word.len())
                && word
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || (lower_case_cable && c.is_ascii_lowercase()))
        })
}
