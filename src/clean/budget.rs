//! The HTML parser's work, counted while it parses, so that a page whose markup makes that
//! work outgrow the page is stopped early instead of tying up a worker for minutes.
//!
//! html5ever's tree builder walks the stack of open elements and the list of active
//! formatting elements for most tags, and how far it walks depends on the tree built so
//! far: end tags that close nothing (`<span></x>` again and again), tags that cannot close
//! what they open (`<div/>`, `<optgroup><option>`), formatting elements reopened in every
//! paragraph. No pass over the text can foresee all of that, but every step of those walks
//! asks the tree for a node's name or identity, so the parser runs here through a tree
//! that counts those questions. Real pages need under one such step per byte (0.5 at most
//! on the Cable Viewer mirror's 2,084 pages); markup that makes the work grow with the
//! square of the page needs hundreds within a few kilobytes. The page is fed to the parser
//! in slices, and parsing stops once the steps pass [`STEPS_PER_BYTE`] a byte read so far
//! (plus [`FREE_STEPS`]).
//!
//! Feeding the parser in slices gives the same tree as feeding it the page whole: the
//! parser is built for streamed input.

use std::borrow::Cow;
use std::cell::Cell;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::{Html, HtmlTreeSink};

use super::Reject;

/// Parser steps allowed per byte of the page read so far: 30 times what the most
/// demanding real page needs, and 3 times what the densest markup that parses in linear
/// time needs (a million `<b><p>x</b>` or table cells: about 4). At this rate a refused
/// page has cost the parser a few tens of milliseconds a megabyte.
pub const STEPS_PER_BYTE: u64 = 16;

/// Steps allowed on top, so that a small page's start is not judged on a few bytes.
pub const FREE_STEPS: u64 = 1 << 16;

/// How much of the page the parser gets between two looks at its work: markup that makes
/// the work grow with the square of what it reads costs about 2 ms in a slice this size,
/// however calm the page before it, and real pages parse as fast in such slices as whole
/// (measured on the Cable Viewer mirror: `cargo bench --bench stages`).
const SLICE_BYTES: usize = 4 * 1024;

/// Parses `html` as [`Html::parse_document`] does, unless the parser's work outgrows the
/// budget: then the page is refused, partly parsed.
pub fn parse(html: &str) -> Result<Html, Reject> {
    parse_within(html, STEPS_PER_BYTE, FREE_STEPS)
}

/// [`parse`] with a budget of `per_byte` steps per byte read and `free` on top.
pub fn parse_within(html: &str, per_byte: u64, free: u64) -> Result<Html, Reject> {
    let sink = CountingSink {
        inner: HtmlTreeSink::new(Html::new_document()),
        steps: Cell::new(0),
    };
    let mut parser = html5ever::driver::parse_document(sink, Default::default());
    let mut read = 0;
    while read < html.len() {
        let mut end = (read + SLICE_BYTES).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[read..end]));
        read = end;
        let steps = parser.tokenizer.sink.sink.steps.get();
        let allowed = (read as u64).saturating_mul(per_byte).saturating_add(free);
        if steps > allowed {
            return Err(Reject::TooCostly {
                steps,
                bytes: read,
                per_byte,
            });
        }
    }
    Ok(parser.finish())
}

/// scraper's tree, counting the tree builder's questions and changes.
struct CountingSink {
    inner: HtmlTreeSink,
    steps: Cell<u64>,
}

impl CountingSink {
    fn count(&self, steps: usize) {
        self.steps
            .set(self.steps.get().saturating_add(steps as u64));
    }
}

impl TreeSink for CountingSink {
    type Handle = <HtmlTreeSink as TreeSink>::Handle;
    type Output = Html;
    type ElemName<'a> = <HtmlTreeSink as TreeSink>::ElemName<'a>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, message: Cow<'static, str>) {
        self.inner.parse_error(message);
    }

    fn get_document(&self) -> Self::Handle {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a Self::Handle) -> Self::ElemName<'a> {
        self.count(1);
        self.inner.elem_name(target)
    }

    fn create_element(
        &self,
        name: QualName,
        attrs: Vec<Attribute>,
        flags: ElementFlags,
    ) -> Self::Handle {
        self.count(1);
        self.inner.create_element(name, attrs, flags)
    }

    fn create_comment(&self, text: StrTendril) -> Self::Handle {
        self.inner.create_comment(text)
    }

    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Self::Handle {
        self.inner.create_pi(target, data)
    }

    fn append(&self, parent: &Self::Handle, child: NodeOrText<Self::Handle>) {
        self.count(1);
        self.inner.append(parent, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &Self::Handle,
        prev_element: &Self::Handle,
        child: NodeOrText<Self::Handle>,
    ) {
        self.count(1);
        self.inner
            .append_based_on_parent_node(element, prev_element, child);
    }

    fn append_doctype_to_document(
        &self,
        name: StrTendril,
        public_id: StrTendril,
        system_id: StrTendril,
    ) {
        self.inner
            .append_doctype_to_document(name, public_id, system_id);
    }

    fn mark_script_already_started(&self, node: &Self::Handle) {
        self.inner.mark_script_already_started(node);
    }

    fn pop(&self, node: &Self::Handle) {
        self.inner.pop(node);
    }

    fn get_template_contents(&self, target: &Self::Handle) -> Self::Handle {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &Self::Handle, y: &Self::Handle) -> bool {
        self.count(1);
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &Self::Handle, new_node: NodeOrText<Self::Handle>) {
        self.count(1);
        self.inner.append_before_sibling(sibling, new_node);
    }

    fn add_attrs_if_missing(&self, target: &Self::Handle, attrs: Vec<Attribute>) {
        self.count(attrs.len());
        self.inner.add_attrs_if_missing(target, attrs);
    }

    fn associate_with_form(
        &self,
        target: &Self::Handle,
        form: &Self::Handle,
        nodes: (&Self::Handle, Option<&Self::Handle>),
    ) {
        self.inner.associate_with_form(target, form, nodes);
    }

    fn remove_from_parent(&self, target: &Self::Handle) {
        self.count(1);
        self.inner.remove_from_parent(target);
    }

    fn reparent_children(&self, node: &Self::Handle, new_parent: &Self::Handle) {
        self.count(1);
        self.inner.reparent_children(node, new_parent);
    }

    fn is_mathml_annotation_xml_integration_point(&self, handle: &Self::Handle) -> bool {
        self.inner
            .is_mathml_annotation_xml_integration_point(handle)
    }

    fn set_current_line(&self, line_number: u64) {
        self.inner.set_current_line(line_number);
    }

    fn allow_declarative_shadow_roots(&self, intended_parent: &Self::Handle) -> bool {
        self.inner.allow_declarative_shadow_roots(intended_parent)
    }

    fn attach_declarative_shadow(
        &self,
        location: &Self::Handle,
        template: &Self::Handle,
        attrs: &[Attribute],
    ) -> bool {
        self.inner
            .attach_declarative_shadow(location, template, attrs)
    }

    fn maybe_clone_an_option_into_selectedcontent(&self, option: &Self::Handle) {
        self.inner
            .maybe_clone_an_option_into_selectedcontent(option);
    }
}

#[cfg(test)]
mod tests;
