//! Unit tests of rendering a DOM as faithful text.

use super::*;
use scraper::{Html, Selector};

fn text_of(html: &str, selector: &str) -> String {
    let doc = Html::parse_document(html);
    let selector = Selector::parse(selector).expect("test selector");
    let root = doc.select(&selector).next().expect("selector matches");
    render(root, &HashSet::new())
}

#[test]
fn pre_keeps_spacing_and_trailing_spaces_inside() {
    let html = "<div><pre>LINE ONE \n\n   indented\tTAB\nEND</pre></div>";
    assert_eq!(text_of(html, "div"), "LINE ONE \n\n   indented\tTAB\nEND");
}

#[test]
fn br_in_pre_before_a_newline_adds_nothing() {
    let html = "<pre>DIABETES, <br>\nBUT NOT<br>CANCER</pre>";
    assert_eq!(text_of(html, "pre"), "DIABETES, \nBUT NOT\nCANCER");
}

#[test]
fn blocks_and_br_become_line_breaks_and_whitespace_collapses() {
    let html = "<div id=a><p>First   para\n  wraps</p><p>Second<br>line two<br><br>after gap</p><div>x</div><span>y</span> z</div>";
    assert_eq!(
        text_of(html, "#a"),
        "First para wraps\n\nSecond\nline two\n\nafter gap\n\nx\ny z"
    );
}

#[test]
fn dropped_and_script_nodes_are_left_out() {
    let doc = Html::parse_document(
        "<pre id=t><a href='#par1'>¶</a>1. (C) Text <script>var x;</script>here</pre>",
    );
    let root = doc
        .select(&Selector::parse("#t").expect("ok"))
        .next()
        .expect("match");
    let anchor = Selector::parse("a[href^='#par']").expect("ok");
    let dropped: HashSet<_> = root.select(&anchor).map(|e| e.id()).collect();
    assert_eq!(render(root, &dropped), "1. (C) Text here");
}

#[test]
fn a_div_styled_pre_or_pre_line_keeps_its_line_breaks() {
    let doc =
        Html::parse_document("<div id=t>\nLINE  ONE \n  <b>two</b>   words\n\n3. THREE</div>");
    let root = doc
        .select(&Selector::parse("#t").expect("ok"))
        .next()
        .expect("match");
    let none = HashSet::new();
    assert_eq!(
        render_with(root, &none, Whitespace::Pre),
        "LINE  ONE \n  two   words\n\n3. THREE"
    );
    assert_eq!(
        render_with(root, &none, Whitespace::PreLine),
        "LINE ONE\ntwo words\n\n3. THREE"
    );
    assert_eq!(
        render_with(root, &none, Whitespace::Normal),
        "LINE ONE two words 3. THREE"
    );
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let html = format!(
        "<div id=r>{}deep{}</div>",
        "<span>".repeat(100_000),
        "</span>".repeat(100_000)
    );
    assert_eq!(text_of(&html, "#r"), "deep");
}
