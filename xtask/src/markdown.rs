//! Markdown → a flat list of blocks with line numbers.
//!
//! pulldown-cmark does the parsing; this module only flattens its event stream
//! into the few block kinds the document format uses (headings, paragraphs,
//! lists, tables, code) and keeps each block's first line and raw source so
//! later stages can report errors by line and copy descriptions verbatim.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::diag::Diagnostics;

/// Inline content of a heading, paragraph, list item or table cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    /// Plain text (soft and hard breaks become a space).
    Text(String),
    /// A code span.
    Code(String),
    /// `**strong**` content.
    Strong(Vec<Inline>),
    /// `*emphasised*` content.
    Emph(Vec<Inline>),
    /// A link (or image) with its destination.
    Link {
        /// Where the link points.
        dest: String,
        /// The link text.
        content: Vec<Inline>,
    },
}

/// Renders inlines back to compact Markdown (code in backticks, links kept).
pub fn to_markdown(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push_str(t),
            Inline::Code(c) => {
                out.push('`');
                out.push_str(c);
                out.push('`');
            }
            Inline::Strong(c) => {
                out.push_str("**");
                out.push_str(&to_markdown(c));
                out.push_str("**");
            }
            Inline::Emph(c) => {
                out.push('*');
                out.push_str(&to_markdown(c));
                out.push('*');
            }
            Inline::Link { dest, content } => {
                out.push('[');
                out.push_str(&to_markdown(content));
                out.push_str("](");
                out.push_str(dest);
                out.push(')');
            }
        }
    }
    out
}

/// Renders inlines as plain text (code spans without backticks).
pub fn to_plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Strong(c) | Inline::Emph(c) | Inline::Link { content: c, .. } => {
                out.push_str(&to_plain(c))
            }
        }
    }
    out
}

/// Every code span in `inlines`, in order, at any depth.
pub fn code_spans(inlines: &[Inline]) -> Vec<String> {
    let mut out = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Code(c) => out.push(c.clone()),
            Inline::Strong(c) | Inline::Emph(c) | Inline::Link { content: c, .. } => {
                out.extend(code_spans(c))
            }
            Inline::Text(_) => {}
        }
    }
    out
}

/// Every link destination in `inlines`, in order, at any depth.
pub fn links(inlines: &[Inline]) -> Vec<String> {
    let mut out = Vec::new();
    for inline in inlines {
        match inline {
            Inline::Link { dest, content } => {
                out.push(dest.clone());
                out.extend(links(content));
            }
            Inline::Strong(c) | Inline::Emph(c) => out.extend(links(c)),
            Inline::Text(_) | Inline::Code(_) => {}
        }
    }
    out
}

/// One item of a list: the inline text of its own paragraphs (nested lists and
/// code blocks are not included; they stay in the list's raw source).
#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    /// 1-based line of the item marker.
    pub line: usize,
    /// The item's inline content.
    pub content: Vec<Inline>,
}

/// One body row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line of the row.
    pub line: usize,
    /// The cells as parsed (pulldown-cmark pads or truncates to the header).
    pub cells: Vec<Vec<Inline>>,
    /// How many cells the row's source really has.
    pub source_cells: usize,
}

/// A GFM table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Header cells.
    pub header: Vec<Vec<Inline>>,
    /// Body rows.
    pub rows: Vec<Row>,
}

/// What a block is.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// YAML front matter between `---` lines (the text inside).
    FrontMatter(String),
    /// An ATX or setext heading.
    Heading {
        /// 1 for `#`, 2 for `##`, …
        level: u8,
        /// The heading text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bullet or ordered list.
    List(Vec<ListItem>),
    /// A table.
    Table(Table),
    /// A fenced or indented code block.
    Code {
        /// The info string of a fenced block (`json`, `bash`), empty otherwise.
        info: String,
        /// The code.
        text: String,
    },
    /// A block quote (kept only as raw source).
    Quote,
    /// Raw HTML or a thematic break (kept only as raw source).
    Other,
}

/// One top-level block with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// 1-based line where the block starts.
    pub line: usize,
    /// The block's source text, verbatim.
    pub raw: String,
    /// What it is.
    pub kind: BlockKind,
}

/// Maps byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }
}

type Events<'a> =
    std::iter::Peekable<pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>>;

/// Splits `text` into top-level blocks. `first_line` is the line number of the
/// text's first line in the file (1 for a whole file).
///
/// An indented code block that starts with a `##` heading is almost certainly
/// Markdown indented by mistake (the user's document has one: its
/// `## Authentication` section is indented four spaces). It is read as Markdown,
/// with a warning, instead of silently losing the section.
pub fn blocks(text: &str, first_line: usize, diags: &mut Diagnostics) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let index = LineIndex::new(text);
    let line_of = |offset: usize| index.line(offset) + first_line - 1;
    let mut events: Events<'_> = Parser::new_ext(text, options).into_offset_iter().peekable();
    let mut out = Vec::new();

    while let Some((event, range)) = events.next() {
        let line = line_of(range.start);
        let raw = text[range.clone()].to_string();
        let tag = match event {
            Event::Start(tag) => tag,
            Event::Rule | Event::Html(_) => {
                out.push(Block {
                    line,
                    raw,
                    kind: BlockKind::Other,
                });
                continue;
            }
            // Stray inline events at top level cannot happen in CommonMark; skip.
            _ => continue,
        };
        let kind = match tag {
            Tag::MetadataBlock(_) => {
                let mut body = String::new();
                for (event, _) in events.by_ref() {
                    match event {
                        Event::Text(t) => body.push_str(&t),
                        Event::End(TagEnd::MetadataBlock(_)) => break,
                        _ => {}
                    }
                }
                BlockKind::FrontMatter(body)
            }
            Tag::Heading { level, .. } => BlockKind::Heading {
                level: level as u8,
                content: collect_inlines(&mut events, false),
            },
            Tag::Paragraph => BlockKind::Paragraph(collect_inlines(&mut events, false)),
            Tag::List(_) => BlockKind::List(collect_list(&mut events, &line_of)),
            Tag::Table(_) => BlockKind::Table(collect_table(&mut events, text, &line_of)),
            Tag::CodeBlock(kind) => {
                let mut code = String::new();
                for (event, _) in events.by_ref() {
                    match event {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                match kind {
                    CodeBlockKind::Indented if code.trim_start().starts_with("## ") => {
                        diags.warn(
                            line,
                            "this block is indented by four spaces, so Markdown reads it as code; \
                             it starts with a `##` heading, so it is read as Markdown instead",
                        );
                        out.extend(blocks(&code, line, diags));
                        continue;
                    }
                    CodeBlockKind::Indented => BlockKind::Code {
                        info: String::new(),
                        text: code,
                    },
                    CodeBlockKind::Fenced(info) => BlockKind::Code {
                        info: info.trim().to_string(),
                        text: code,
                    },
                }
            }
            Tag::BlockQuote(_) => {
                skip_to_end(&mut events);
                BlockKind::Quote
            }
            _ => {
                skip_to_end(&mut events);
                BlockKind::Other
            }
        };
        out.push(Block { line, raw, kind });
    }
    out
}

/// Consumes events up to and including the end of the element whose start was
/// just consumed.
fn skip_to_end(events: &mut Events<'_>) {
    let mut depth = 1usize;
    for (event, _) in events.by_ref() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

enum Frame {
    Root,
    Strong,
    Emph,
    Plain,
    Link(String),
}

/// Collects the inline content of the element whose start was just consumed,
/// through its end. With `skip_blocks`, nested lists, code, quotes and tables
/// are left out (list items keep only their own text).
fn collect_inlines(events: &mut Events<'_>, skip_blocks: bool) -> Vec<Inline> {
    let mut depth = 1usize;
    let mut skipping = 0usize;
    let mut paragraphs = 0usize;
    let mut stack: Vec<(Frame, Vec<Inline>)> = vec![(Frame::Root, Vec::new())];

    fn push(stack: &mut [(Frame, Vec<Inline>)], inline: Inline) {
        if let Some((_, top)) = stack.last_mut() {
            top.push(inline);
        }
    }

    for (event, _) in events.by_ref() {
        match event {
            Event::Start(tag) => {
                depth += 1;
                if skipping > 0 {
                    skipping += 1;
                    continue;
                }
                match tag {
                    Tag::Strong => stack.push((Frame::Strong, Vec::new())),
                    Tag::Emphasis => stack.push((Frame::Emph, Vec::new())),
                    Tag::Strikethrough | Tag::Superscript | Tag::Subscript => {
                        stack.push((Frame::Plain, Vec::new()))
                    }
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                        stack.push((Frame::Link(dest_url.to_string()), Vec::new()))
                    }
                    Tag::Paragraph => {
                        if paragraphs > 0 {
                            push(&mut stack, Inline::Text(" ".into()));
                        }
                        paragraphs += 1;
                    }
                    Tag::List(_)
                    | Tag::CodeBlock(_)
                    | Tag::BlockQuote(_)
                    | Tag::Table(_)
                    | Tag::HtmlBlock
                        if skip_blocks =>
                    {
                        skipping = 1
                    }
                    _ => stack.push((Frame::Plain, Vec::new())),
                }
            }
            Event::End(end) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                if skipping > 0 {
                    skipping -= 1;
                    continue;
                }
                if matches!(end, TagEnd::Paragraph) {
                    continue;
                }
                if stack.len() > 1 {
                    let (frame, content) = stack.pop().unwrap_or((Frame::Root, Vec::new()));
                    let inline = match frame {
                        Frame::Strong => Some(Inline::Strong(content)),
                        Frame::Emph => Some(Inline::Emph(content)),
                        Frame::Link(dest) => Some(Inline::Link { dest, content }),
                        Frame::Plain | Frame::Root => {
                            for inline in content {
                                push(&mut stack, inline);
                            }
                            None
                        }
                    };
                    if let Some(inline) = inline {
                        push(&mut stack, inline);
                    }
                }
            }
            _ if skipping > 0 => {}
            Event::Text(t) | Event::InlineHtml(t) | Event::Html(t) => {
                push(&mut stack, Inline::Text(t.to_string()))
            }
            Event::Code(c) => push(&mut stack, Inline::Code(c.to_string())),
            Event::SoftBreak | Event::HardBreak => push(&mut stack, Inline::Text(" ".into())),
            _ => {}
        }
    }
    // Fold any frames left open by a truncated stream into the root.
    while stack.len() > 1 {
        if let Some((_, content)) = stack.pop() {
            for inline in content {
                push(&mut stack, inline);
            }
        }
    }
    merge_text(stack.pop().map(|(_, c)| c).unwrap_or_default())
}

/// Joins adjacent text runs so callers see one `Text` between code spans.
fn merge_text(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (out.last_mut(), inline) {
            (Some(Inline::Text(prev)), Inline::Text(next)) => prev.push_str(&next),
            (_, Inline::Strong(c)) => out.push(Inline::Strong(merge_text(c))),
            (_, Inline::Emph(c)) => out.push(Inline::Emph(merge_text(c))),
            (_, Inline::Link { dest, content }) => out.push(Inline::Link {
                dest,
                content: merge_text(content),
            }),
            (_, other) => out.push(other),
        }
    }
    out
}

fn collect_list(events: &mut Events<'_>, line_of: &dyn Fn(usize) -> usize) -> Vec<ListItem> {
    let mut items = Vec::new();
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::Item) => items.push(ListItem {
                line: line_of(range.start),
                content: collect_inlines(events, true),
            }),
            Event::End(TagEnd::List(_)) => break,
            Event::Start(_) => skip_to_end(events),
            _ => {}
        }
    }
    items
}

/// Counts the cells of one table row in its source, honouring `\|` escapes.
fn source_cells(row: &str) -> usize {
    let line = row.lines().next().unwrap_or("").trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let mut pipes = 0usize;
    let mut escaped = false;
    for c in line.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '|' => pipes += 1,
            _ => {}
        }
    }
    // `a | b |` has two cells; `a | b` has two as well.
    let trailing = line.trim_end().ends_with('|') && !line.trim_end().ends_with("\\|");
    if trailing {
        pipes
    } else {
        pipes + 1
    }
}

fn collect_table(events: &mut Events<'_>, text: &str, line_of: &dyn Fn(usize) -> usize) -> Table {
    let mut table = Table {
        header: Vec::new(),
        rows: Vec::new(),
    };
    let mut in_head = false;
    let mut current: Option<Row> = None;
    while let Some((event, range)) = events.next() {
        match event {
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableHead) => in_head = false,
            Event::Start(Tag::TableRow) => {
                current = Some(Row {
                    line: line_of(range.start),
                    cells: Vec::new(),
                    source_cells: source_cells(&text[clamp(&range, text.len())]),
                })
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(row) = current.take() {
                    table.rows.push(row);
                }
            }
            Event::Start(Tag::TableCell) => {
                let cell = collect_inlines(events, true);
                match (&mut current, in_head) {
                    (_, true) => table.header.push(cell),
                    (Some(row), false) => row.cells.push(cell),
                    (None, false) => {}
                }
            }
            Event::End(TagEnd::Table) => break,
            Event::Start(_) => skip_to_end(events),
            _ => {}
        }
    }
    table
}

fn clamp(range: &Range<usize>, len: usize) -> Range<usize> {
    range.start.min(len)..range.end.min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<Block>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let blocks = blocks(text, 1, &mut diags);
        (blocks, diags)
    }

    #[test]
    fn headings_paragraphs_and_lines() {
        let (blocks, _) = parse("# Title\n\nSome `code` and **bold**.\n\n## Next\n");
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[1].line, 3);
        assert_eq!(
            blocks[1].kind,
            BlockKind::Paragraph(vec![
                Inline::Text("Some ".into()),
                Inline::Code("code".into()),
                Inline::Text(" and ".into()),
                Inline::Strong(vec![Inline::Text("bold".into())]),
                Inline::Text(".".into()),
            ])
        );
        assert_eq!(blocks[2].line, 5);
    }

    #[test]
    fn table_rows_keep_lines_and_escaped_pipes() {
        let text = "| A | B |\n|---|---|\n| `x \\| y` | 2 |\n| 1 | 2 | 3 |\n";
        let (blocks, _) = parse(text);
        let BlockKind::Table(table) = &blocks[0].kind else {
            panic!("not a table: {blocks:?}")
        };
        assert_eq!(table.header.len(), 2);
        assert_eq!(table.rows[0].line, 3);
        assert_eq!(table.rows[0].cells[0], vec![Inline::Code("x | y".into())]);
        assert_eq!(table.rows[0].source_cells, 2);
        assert_eq!(table.rows[1].source_cells, 3);
    }

    #[test]
    fn mis_indented_heading_is_read_as_markdown_with_a_warning() {
        let (blocks, diags) = parse("Intro.\n\n    ## Auth\n\n    - one\n");
        assert!(
            matches!(blocks[1].kind, BlockKind::Heading { level: 2, .. }),
            "{blocks:?}"
        );
        assert_eq!(blocks[1].line, 3);
        assert_eq!(blocks[2].line, 5);
        assert_eq!(diags.warnings().count(), 1);
    }

    #[test]
    fn list_items_leave_out_nested_lists() {
        let (blocks, _) = parse("* a\n  * nested\n* b\n");
        let BlockKind::List(items) = &blocks[0].kind else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(to_plain(&items[0].content), "a");
        assert!(blocks[0].raw.contains("nested"));
    }
}
