//! Generators of hostile pages, each beside a normal page of the same size: shared by the
//! hostile-page tests and the `hostile` benchmark, which compare the time each takes to
//! clean with the time the normal page takes (a ratio, never a wall-clock bound).
//!
//! A hostile page is one of the project's own fixture pages with a generated payload put
//! where the cable's text goes; the normal page of the same size is that fixture with its
//! own paragraphs repeated. Every shape here made cleaning take time growing faster than
//! the page (most of them minutes for a few megabytes), or is one that could.

#![allow(dead_code)]

use std::path::Path;

/// The fixture page a payload goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Site {
    /// The Cable Viewer: inside the body `<pre>`, with bare markup repaired first.
    Cablegate,
    /// Scoop: inside `div#article`, rendered with HTML's white-space rules, with chrome
    /// selectors and text patterns to apply.
    Scoop,
}

/// A site's fixture page, cut where its cable text sits.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The site (rule file) that cleans the page.
    pub site: &'static str,
    /// The page's URL.
    pub url: &'static str,
    /// The page up to where the payload goes.
    pub head: String,
    /// The fixture's own cable text, repeated to make a normal page.
    pub filler: String,
    /// The page after the payload.
    pub tail: String,
}

impl Frame {
    /// The frame of `site`, from the project's fixtures.
    pub fn of(site: Site, project: &Path) -> Frame {
        match site {
            Site::Cablegate => Frame::cut(
                "cablegate.wikileaks.org",
                "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
                &read(project, "cablegate.wikileaks.org/standard.html"),
                (
                    "<code><pre>C O N F I D E N T I A L",
                    "<a id='par1' href='#par1'>",
                ),
                "KELLER </pre></code>",
            ),
            Site::Scoop => Frame::cut(
                "www.scoop.co.nz",
                "https://www.scoop.co.nz/stories/WL1108/S00412/cablegate-new-zealand-fisheries-minister-previews-pacific.htm",
                &read(project, "www.scoop.co.nz/standard.html"),
                ("<div id=\"article\">", "<p>1. (SBU)"),
                "<p>&copy; Scoop Media</p>",
            ),
        }
    }

    /// Splits `page` so that the payload goes where the filler (from `from.1`, inside the
    /// block that starts with `from.0`, to `end`) was.
    fn cut(
        site: &'static str,
        url: &'static str,
        page: &str,
        from: (&str, &str),
        end: &str,
    ) -> Frame {
        let block = page.find(from.0).expect("the fixture has its cable block");
        let start = block + page[block..].find(from.1).expect("the filler's start");
        let stop = start + page[start..].find(end).expect("the cable block's end");
        Frame {
            site,
            url,
            head: page[..start].to_string(),
            filler: page[start..stop].to_string(),
            tail: page[stop..].to_string(),
        }
    }

    /// The page holding `payload`.
    pub fn with(&self, payload: &str) -> String {
        format!("{}{payload}{}", self.head, self.tail)
    }

    /// A normal page of about `bytes` bytes: the fixture's paragraphs, repeated.
    pub fn normal(&self, bytes: usize) -> String {
        let room = bytes.saturating_sub(self.head.len() + self.tail.len());
        self.with(&fill(room, |_, out| out.push_str(&self.filler)))
    }
}

fn read(project: &Path, fixture: &str) -> String {
    std::fs::read_to_string(project.join("fixtures").join(fixture)).expect("a fixture page")
}

/// Repeats `piece` (given its index and the output) until `bytes` are written.
fn fill(bytes: usize, mut piece: impl FnMut(usize, &mut String)) -> String {
    let mut out = String::with_capacity(bytes + 64);
    let mut index = 0;
    while out.len() < bytes {
        piece(index, &mut out);
        index += 1;
    }
    out
}

/// What cleaning a shape's page must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A cable.
    Cable,
    /// A reject of this kind.
    Reject(&'static str),
}

/// A hostile shape.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// A short name, for messages and benchmark IDs.
    pub name: &'static str,
    /// The page it goes into.
    pub site: Site,
    /// The payload's size in the tests, in kilobytes: as small as still shows the time a
    /// shape took before it was dealt with growing faster than the page.
    pub test_kb: usize,
    /// Whether the page is little but tags (one every 4 to 12 bytes, some 30 times the
    /// nodes of a cable page of the same size): the parser and the renderer spend more on a
    /// node than on a byte of text, so such a page is slower per byte, though linear.
    pub dense: bool,
    /// What cleaning gives.
    pub expect: Expect,
    /// Builds the payload of about the given size in bytes.
    pub payload: fn(usize) -> String,
}

use Expect::{Cable, Reject};
use Site::{Cablegate, Scoop};

macro_rules! shape {
    ($name:literal, $site:expr, $kb:literal, $dense:literal, $expect:expr, |$n:ident| $body:expr) => {
        Shape {
            name: $name,
            site: $site,
            test_kb: $kb,
            dense: $dense,
            expect: $expect,
            payload: |$n| $body,
        }
    };
}

/// Elements nested in themselves for the nested-selection shapes: deep enough that
/// rendering each again costs hundreds of times the page, shallow enough to be parsed.
const SELF_NESTED: usize = 150;

/// Every shape the tests and the benchmark try.
pub const SHAPES: &[Shape] = &[
    // Attributes: the tokenizer checks each new one against all earlier ones of its tag.
    shape!(
        "many-attributes",
        Cablegate,
        64,
        false,
        Reject("too-many-attributes"),
        |n| {
            let attributes = fill(n, |i, out| out.push_str(&format!(" a{i}=1")));
            format!("<b{attributes}>x</b>")
        }
    ),
    // Repeated <body> tags: the parser merges their attributes into the one body.
    shape!(
        "body-attributes",
        Cablegate,
        64,
        false,
        Reject("too-many-attributes"),
        |n| {
            fill(n, |i, out| {
                out.push_str("<body");
                for j in 0..50 {
                    out.push_str(&format!(" b{i}x{j}=1"));
                }
                out.push('>');
            })
        }
    ),
    shape!(
        "unterminated-tags",
        Cablegate,
        64,
        false,
        Reject("too-many-attributes"),
        |n| { fill(n, |_, out| out.push_str("<a ")) }
    ),
    shape!(
        "unterminated-quotes",
        Cablegate,
        64,
        false,
        Reject("too-many-attributes"),
        |n| { fill(n, |_, out| out.push_str("<b x='")) }
    ),
    shape!("huge-attribute-value", Cablegate, 64, false, Cable, |n| {
        format!("<b title='{}'>x</b>", "v".repeat(n))
    }),
    // Megabytes of one text run, and the cable grammar's patterns over it.
    shape!("text-run", Cablegate, 64, false, Cable, |n| {
        fill(n, |_, out| out.push_str("cable text "))
    }),
    shape!("non-ascii-text-run", Scoop, 64, false, Cable, |n| {
        fill(n, |_, out| out.push_str("текст телеграммы "))
    }),
    shape!("one-long-line-of-words", Scoop, 64, false, Cable, |n| {
        fill(n, |i, out| {
            out.push_str(if i % 2 == 0 { "SUBJECT " } else { "x " })
        })
    }),
    shape!(
        "subject-with-a-million-lines",
        Cablegate,
        64,
        false,
        Cable,
        |n| {
            format!(
                "SUBJECT: x&#x000A;{}",
                fill(n, |_, out| out.push_str("x&#x000A;"))
            )
        }
    ),
    // Millions of tiny elements.
    shape!("tiny-elements", Scoop, 32, true, Cable, |n| {
        fill(n, |_, out| out.push_str("<i></i>"))
    }),
    shape!("tiny-void-elements", Cablegate, 32, true, Cable, |n| {
        fill(n, |_, out| out.push_str("<wbr>"))
    }),
    // Formatting elements: the list of active formatting elements, the adoption agency.
    shape!(
        "unclosed-formatting",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<b>")) }
    ),
    shape!(
        "formatting-reopened-in-paragraphs",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |i, out| out.push_str(&format!("<p><b class=c{i}>x</p>"))) }
    ),
    shape!(
        "identical-formatting-in-paragraphs",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<p><b>x</p>")) }
    ),
    shape!(
        "formatting-reopened-in-divs",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| {
            fill(n, |i, out| {
                out.push_str(&format!("<div><b class=c{i}></div>x"))
            })
        }
    ),
    shape!("misnested-formatting", Cablegate, 32, true, Cable, |n| {
        fill(n, |_, out| out.push_str("<b><p>x</b>y</p>"))
    }),
    // Tables.
    shape!("table-of-one-row", Cablegate, 32, true, Cable, |n| {
        format!(
            "<table><tr>{}</table>",
            fill(n, |_, out| out.push_str("<td>x"))
        )
    }),
    shape!("table-rows", Scoop, 32, true, Cable, |n| {
        format!(
            "<table>{}</table>",
            fill(n, |_, out| out.push_str("<tr><td>x"))
        )
    }),
    shape!(
        "foster-parenting",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { format!("<table>{}</table>", fill(n, |_, out| out.push_str("x<i>"))) }
    ),
    // Character references.
    shape!("entity-run", Cablegate, 32, true, Cable, |n| {
        fill(n, |_, out| out.push_str("&amp;"))
    }),
    shape!("newline-entity-run", Cablegate, 64, false, Cable, |n| {
        fill(n, |_, out| out.push_str("&#x000A;"))
    }),
    shape!("bare-ampersands", Cablegate, 32, true, Cable, |n| {
        fill(n, |_, out| out.push_str("&notit "))
    }),
    shape!("long-entity-name", Scoop, 64, false, Cable, |n| {
        format!("&{};", "a".repeat(n))
    }),
    // Forms and selects.
    shape!(
        "nested-forms",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<form>")) }
    ),
    shape!(
        "nested-selects",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<select><option>x")) }
    ),
    shape!(
        "forms-in-selects",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<form><select><option>x</form>")) }
    ),
    shape!(
        "divs-in-forms",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<form><div></form>")) }
    ),
    shape!("optgroups", Scoop, 64, false, Reject("too-costly"), |n| {
        fill(n, |_, out| out.push_str("<optgroup><option>"))
    }),
    // Comments.
    shape!("giant-comment", Cablegate, 64, false, Cable, |n| {
        format!("<!--{}-->", "c".repeat(n))
    }),
    shape!("many-comments", Scoop, 64, false, Cable, |n| {
        fill(n, |_, out| out.push_str("<!--c-->"))
    }),
    shape!("unclosed-comment", Cablegate, 64, false, Cable, |n| {
        format!("<!--{}", "c-".repeat(n / 2))
    }),
    // Line breaks, in and out of <pre>: the text renderer.
    shape!("pre-with-a-million-br", Cablegate, 32, true, Cable, |n| {
        fill(n, |_, out| out.push_str("<br>"))
    }),
    shape!("br-in-paragraphs", Scoop, 64, true, Cable, |n| {
        fill(n, |_, out| out.push_str("<p><br></p>"))
    }),
    shape!("newline-paragraphs", Scoop, 64, true, Cable, |n| {
        fill(n, |_, out| out.push_str("<pre>\n\n</pre><p>"))
    }),
    // Tags the nesting estimate cannot take at their word: the parser's work grows with
    // the depth they really make, or with the stack each end tag searches in vain.
    shape!(
        "stray-end-tags",
        Scoop,
        64,
        false,
        Reject("too-costly"),
        |n| { fill(n, |_, out| out.push_str("<span></x>")) }
    ),
    shape!(
        "divs-and-stray-end-tags",
        Scoop,
        64,
        false,
        Reject("too-costly"),
        |n| { fill(n, |_, out| out.push_str("<div></x>")) }
    ),
    shape!(
        "end-tags-that-cannot-close",
        Scoop,
        64,
        false,
        Reject("too-costly"),
        |n| { fill(n, |_, out| out.push_str("<span><div></span></div>")) }
    ),
    shape!(
        "ruby-text-without-ruby",
        Scoop,
        64,
        false,
        Reject("too-costly"),
        |n| { fill(n, |_, out| out.push_str("<rt>")) }
    ),
    // Half a page of prose first: the parser is fed in slices that grow while its work
    // stays calm, so markup after a calm start must still be stopped within a slice.
    shape!(
        "ruby-text-after-prose",
        Scoop,
        192,
        false,
        Reject("too-costly"),
        |n| {
            let prose = fill(n / 2, |_, out| {
                out.push_str("The minister said the mill would reopen in May. ")
            });
            format!(
                "<p>{prose}</p>{}",
                fill(n / 2, |_, out| out.push_str("<rt>"))
            )
        }
    ),
    shape!(
        "stray-end-tags-after-prose",
        Scoop,
        192,
        false,
        Reject("too-costly"),
        |n| {
            let prose = fill(n / 2, |_, out| {
                out.push_str("AMBASSADOR MET THE MINISTER. ")
            });
            format!(
                "{prose}{}",
                fill(n / 2, |_, out| out.push_str("<span></x>"))
            )
        }
    ),
    shape!(
        "self-closing-divs",
        Scoop,
        64,
        false,
        Reject("too-costly"),
        |n| { fill(n, |_, out| out.push_str("<div/>")) }
    ),
    shape!(
        "nested-list-items",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<li><ul>")) }
    ),
    shape!(
        "paragraphs-in-divs",
        Cablegate,
        64,
        false,
        Reject("too-deep"),
        |n| { fill(n, |_, out| out.push_str("<p><div>")) }
    ),
    shape!("void-names-in-svg", Cablegate, 32, true, Cable, |n| {
        format!("<svg>{}", fill(n, |_, out| out.push_str("<area>")))
    }),
    shape!("slash-values-in-svg", Scoop, 32, true, Cable, |n| {
        format!("<svg>{}", fill(n, |_, out| out.push_str("<g a=b/>")))
    }),
    // The body selector matching inside itself: each match was rendered again.
    shape!("nested-bodies", Cablegate, 64, false, Cable, |n| {
        let nest = "<div class='pane big'><code></code><code><pre>".repeat(SELF_NESTED);
        format!(
            "{nest}{}",
            fill(n, |_, out| out.push_str("SUBJECT: x TAGS: y "))
        )
    }),
    shape!("nested-articles", Scoop, 64, false, Cable, |n| {
        let nest = "<div id='article'>".repeat(SELF_NESTED);
        format!(
            "{nest}{}",
            fill(n, |_, out| out.push_str("SUBJECT: x TAGS: y "))
        )
    }),
];
