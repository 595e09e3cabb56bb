//! How many attributes the HTML parser's tokenizer would give each tag, counted without
//! parsing: the tokenizer checks every new attribute of a tag against all earlier ones, so
//! a tag's cost grows with the square of its attribute count.
//!
//! Where a tag starts depends on state this pass does not know (inside a comment or a
//! `<script>`, a `<` starts nothing), so every `<` followed by a letter is taken as a
//! possible tag and its attributes counted as the tokenizer would, from there to the `>`
//! that would end it. Such possible tags can overlap (a `<` inside a quoted value starts
//! another), but two of them in the same tokenizer state at the same byte go on alike, so
//! they are merged and at most one per state is followed: the count stays linear in the
//! page, and no real tag escapes it.

/// The tokenizer's states inside a tag (the HTML standard's tokenization section), as far
/// as they decide where an attribute starts and where the tag ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    TagName,
    BeforeAttributeName,
    AttributeName,
    AfterAttributeName,
    BeforeAttributeValue,
    DoubleQuoted,
    SingleQuoted,
    Unquoted,
    AfterQuotedValue,
    SelfClosing,
}

const STATES: [State; 10] = [
    State::TagName,
    State::BeforeAttributeName,
    State::AttributeName,
    State::AfterAttributeName,
    State::BeforeAttributeValue,
    State::DoubleQuoted,
    State::SingleQuoted,
    State::Unquoted,
    State::AfterQuotedValue,
    State::SelfClosing,
];

/// One possible tag being followed (or several, merged).
#[derive(Debug, Clone, Copy)]
struct Open {
    /// Attributes started so far: the most of the tags merged into this one.
    attributes: usize,
    /// Where the tag with that many attributes starts (its `<`).
    start: usize,
    /// Whether the parser merges the attributes into the page's one `<html>` or `<body>`
    /// element (a start tag of either name), so that they add up across tags.
    merged: bool,
}

/// The attribute counts of every possible tag, kept as the page is read from `<` to `<`.
#[derive(Debug, Default)]
pub(super) struct Attributes {
    /// The possible tags being followed, one per tokenizer state at most.
    open: [Option<Open>; STATES.len()],
    /// Which of `open` hold a tag, a bit per state: a page is read a tag at a time, and
    /// most of the time one tag or none is being followed.
    live: u16,
    /// The most attributes one tag has had, and where it starts.
    pub(super) most: (usize, usize),
    /// Attributes of `<html>` and `<body>` start tags, all together.
    pub(super) merged: usize,
}

impl Attributes {
    /// Whether any possible tag is being followed.
    pub(super) fn any_open(&self) -> bool {
        self.live != 0
    }

    /// Starts following a possible tag whose `<` is at `start`; the next bytes read are its
    /// name's. `merged`: a start tag named `html` or `body`.
    pub(super) fn start(&mut self, start: usize, merged: bool) {
        let fresh = Open {
            attributes: 0,
            start,
            merged,
        };
        self.merge(State::TagName, fresh);
    }

    /// Reads the next `bytes` of the page in every tag being followed.
    pub(super) fn read(&mut self, bytes: &[u8]) {
        // Each tag moves on from the state it was in before these bytes; where it ends up
        // may be a slot not read yet, so the moved tags are merged in after all are read.
        let mut moved = [None; STATES.len()];
        let mut moved_count = 0;
        let mut pending = std::mem::take(&mut self.live);
        while pending != 0 {
            let slot = pending.trailing_zeros() as usize;
            pending &= pending - 1;
            if let Some(mut tag) = self.open[slot].take()
                && let Some(state) = self.run(STATES[slot], &mut tag, bytes)
            {
                moved[moved_count] = Some((state, tag));
                moved_count += 1;
            }
        }
        for (state, tag) in moved[..moved_count].iter().flatten() {
            self.merge(*state, *tag);
        }
    }

    fn merge(&mut self, state: State, tag: Open) {
        self.live |= 1 << state as usize;
        let slot = &mut self.open[state as usize];
        *slot = Some(match *slot {
            None => tag,
            Some(other) => Open {
                merged: other.merged || tag.merged,
                ..if other.attributes >= tag.attributes {
                    other
                } else {
                    tag
                }
            },
        });
    }

    /// Runs one tag over `bytes`: its state after them, or `None` when a `>` ended it.
    fn run(&mut self, mut state: State, tag: &mut Open, bytes: &[u8]) -> Option<State> {
        let mut at = 0;
        while at < bytes.len() {
            // Quoted values are most of a real tag's bytes: skip to their end at once.
            if let State::DoubleQuoted | State::SingleQuoted = state {
                let quote = if state == State::DoubleQuoted {
                    b'"'
                } else {
                    b'\''
                };
                match memchr::memchr(quote, &bytes[at..]) {
                    Some(end) => {
                        at += end + 1;
                        state = State::AfterQuotedValue;
                        continue;
                    }
                    None => return Some(state),
                }
            }
            let (next, attribute) = MOVES[state as usize][bytes[at] as usize];
            at += 1;
            if attribute {
                tag.attributes += 1;
                if tag.attributes > self.most.0 {
                    self.most = (tag.attributes, tag.start);
                }
                if tag.merged {
                    self.merged += 1;
                }
            }
            state = next?;
        }
        Some(state)
    }
}

/// [`step`] for every state and byte, looked up rather than worked out: a page's tags are
/// most of its bytes, and each is read here.
const MOVES: [[(Option<State>, bool); 256]; STATES.len()] = {
    let mut moves = [[(None, false); 256]; STATES.len()];
    let mut state = 0;
    while state < STATES.len() {
        let mut byte = 0;
        while byte < 256 {
            moves[state][byte] = step(STATES[state], byte as u8);
            byte += 1;
        }
        state += 1;
    }
    moves
};

/// HTML's white space inside tags (a carriage return reaches the tokenizer as a line feed).
const fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Where `byte` takes the tokenizer from `state`: the next state (`None` when the tag
/// ends), and whether an attribute starts.
const fn step(state: State, byte: u8) -> (Option<State>, bool) {
    use State::*;
    let space = is_space(byte);
    let next = match state {
        DoubleQuoted if byte == b'"' => AfterQuotedValue,
        SingleQuoted if byte == b'\'' => AfterQuotedValue,
        DoubleQuoted | SingleQuoted => state,
        _ if byte == b'>' => return (None, false),
        TagName if space => BeforeAttributeName,
        TagName if byte == b'/' => SelfClosing,
        TagName => TagName,
        AttributeName if space => AfterAttributeName,
        AttributeName if byte == b'/' => SelfClosing,
        AttributeName if byte == b'=' => BeforeAttributeValue,
        AttributeName => AttributeName,
        BeforeAttributeValue if space => BeforeAttributeValue,
        BeforeAttributeValue if byte == b'"' => DoubleQuoted,
        BeforeAttributeValue if byte == b'\'' => SingleQuoted,
        BeforeAttributeValue => Unquoted,
        Unquoted if space => BeforeAttributeName,
        Unquoted => Unquoted,
        AfterAttributeName if byte == b'=' => BeforeAttributeValue,
        // What is left: the states between attributes, where white space is skipped, `/`
        // may close the tag, and anything else starts an attribute.
        BeforeAttributeName | AfterAttributeName | AfterQuotedValue | SelfClosing => {
            if space {
                if matches!(state, AfterAttributeName) {
                    state
                } else {
                    BeforeAttributeName
                }
            } else if byte == b'/' {
                SelfClosing
            } else {
                return (Some(AttributeName), true);
            }
        }
    };
    (Some(next), false)
}

#[cfg(test)]
mod tests;
