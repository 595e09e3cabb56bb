//! PlusD-layout cable pages written for the tests, one for any cable: the layout the
//! search.wikileaks.org rule reads (a synopsis table with the subject, Date, Canonical ID,
//! Original Classification and From cells; a "Content" pane with the telegram's heading in
//! `div.text-header` and its text in `div#tagged-text`; a "Raw content" pane; the site's
//! menus and "Browse by" lists around them), with a short cable of the tests' own.
//!
//! Shared by several test binaries; not every one uses every helper.

#![allow(dead_code)]

/// A cable to write a page for: `id` as the Cable Viewer writes it, the sending post as
/// the telegram spells it (`TEL AVIV`), its serial number, its subject.
#[derive(Debug, Clone, Copy)]
pub struct PlusdCable<'a> {
    pub id: &'a str,
    pub post: &'a str,
    pub number: u32,
    pub subject: &'a str,
}

/// The path of a cable's PlusD page, as the rule's `cable_url` makes it.
pub fn plusd_path(id: &str) -> String {
    format!("/plusd/cables/{id}_a.html")
}

/// The cable's routing heading, as PlusD's `div.text-header` holds it.
fn heading(cable: &PlusdCable<'_>) -> String {
    let from = if cable.post == "STATE" {
        "SECSTATE WASHDC".to_string()
    } else {
        format!("AMEMBASSY {}", cable.post)
    };
    format!(
        "VZCZCXYZ0001\nRR RUEHWEB\n\nDE RUEHXX #{number:04} 0701200\nZNY CCCCC ZZH\nR 111200Z MAR 09\nFM {from}\nTO RUEHC/SECSTATE WASHDC 0001\nBT\nC O N F I D E N T I A L {post} {number:06}\n\nSIPDIS\n\nE.O. 12958: DECL: 03/11/2019\nTAGS: PREL PGOV\nSUBJECT: {subject}\n\nClassified By: A test officer for reasons 1.4 (b) and (d)",
        number = cable.number,
        post = cable.post,
        subject = cable.subject,
    )
}

/// The cable's text from its first paragraph on.
fn text(cable: &PlusdCable<'_>) -> String {
    format!(
        "\n1. (C) This is cable {id}, written for the tests of the crawl by cable ID. It\nsays what a short cable says and nothing of the site's.\n\n2. (C) A second paragraph, so that the cable has a body worth the\nname. End of cable {id}.\n",
        id = cable.id
    )
}

/// The whole PlusD page of `cable`.
pub fn plusd_page(cable: &PlusdCable<'_>) -> String {
    let heading = heading(cable);
    let text = text(cable);
    format!(
        r#"<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Cable: {id}_a</title>
<link rel="stylesheet" type="text/css" href="/plusd/css/main.css">
</head>
<body>
<div id="overall">
<div id="topmenu"><a href="//wikileaks.org/">Main</a> <a href="https://shop.wikileaks.org/donate">Donate</a></div>
<div id="leftmenu">
  <a class="button" href="/plusd/about/">About PlusD</a>
  <div class="pick"><h3>Browse by creation date</h3>
  <a href="/plusd/?q=&qtfrom=2009-01-01&qtto=2009-12-31#result">2009</a></div>
</div>
<div id="content"><div id="content-main">
<div id="topnav"><a class="button active" href="/plusd/">Text search</a></div>
<div class="sections">
<div class="pane-content">
  <table id="synopsis">
    <tr><td colspan="2">{subject}</td></tr>
    <tr>
      <td><div class="s_key"><a class="i" title="Date">Date:</a></div><div class="s_val">2009 March 11, 12:00 (Wednesday)</div></td>
      <td><div class="s_key"><a class="i" title="Canonical ID">Canonical ID:</a></div><div class="s_val">{id}_a</div></td>
    </tr>
    <tr>
      <td><div class="s_key"><a class="i" title="Original Classification">Original Classification:</a></div><div class="s_val">CONFIDENTIAL</div></td>
      <td><div class="s_key"><a class="i" title="Current Classification">Current Classification:</a></div><div class="s_val">CONFIDENTIAL</div></td>
    </tr>
    <tr>
      <td><div class="s_key"><a class="i" title="From">From:</a></div><div class="s_val"><a href="/plusd/?q=&qforigin=x#result">{post}</a></div></td>
      <td></td>
    </tr>
  </table>
</div>
<div class="pane-tab"><div class="pane-header">Content</div><div class="pane-content"><div class="text-header hidden">{heading}</div><div class="text-button" id="showhide">Show&nbsp;Headers</div><div class="text-content"><div id="tagged-text">{text}</div></div></div></div>
<div class="pane-tab"><div class="pane-header">Raw content</div><div class="pane-content"><div class="text-content">{heading}
{text}</div></div></div>
</div>
</div></div>
</div>
</body>
</html>
"#,
        id = cable.id,
        subject = cable.subject,
        post = cable.post,
    )
}
