//! Lays out an analytics report as a PDF with `pdf-writer`: A4 pages, the standard Helvetica
//! fonts (nothing embedded, text in WinAnsi), charts drawn as vector paths. Deterministic: the
//! bytes depend only on the [`Report`] (no clock, no random file id).

use pdf_writer::{Content, Date, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
/// At most this many days get a bar / point each; longer periods are drawn from buckets.
const CHART_COLUMNS: usize = 92;

/// One headline number: this period, the one before, the change in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub label: String,
    pub current: String,
    pub previous: String,
    pub change: String,
}

/// A post in the top list.
#[derive(Debug, Clone, PartialEq)]
pub struct TopPost {
    pub date: String,
    pub channel: String,
    pub text: String,
    pub engagement: String,
    pub rate: String,
}

/// Everything a report shows, already in words (the renderer does no arithmetic on metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub period: String,
    pub previous_period: String,
    pub zone: String,
    /// The document's creation date (from the period, never the clock): year, month, day.
    pub date: (u16, u8, u8),
    pub channels: Vec<String>,
    pub headline: Vec<Headline>,
    /// `(YYYY-MM-DD, total followers at the end of the day)`; days before any reading are absent.
    pub followers: Vec<(String, f64)>,
    /// `(YYYY-MM-DD, engagement of the posts published that day)`.
    pub engagement: Vec<(String, f64)>,
    pub top_posts: Vec<TopPost>,
    /// `(channel, its best posts of the period)`, channels with posts only.
    pub channel_tops: Vec<(String, Vec<TopPost>)>,
    /// `(platform, what it lets Outpost read and for how long)`.
    pub limits: Vec<(String, String)>,
}

/// Helvetica advance widths (1/1000 em) of ASCII 32..=126 (Adobe's AFM).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Width of `s` in points at `size` (bold taken as 5% wider: close enough for layout).
fn width(s: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = s
        .chars()
        .map(|c| {
            let i = (c as u32).wrapping_sub(32) as usize;
            u32::from(HELVETICA.get(i).copied().unwrap_or(556))
        })
        .sum();
    units as f32 * size / 1000.0 * if bold { 1.05 } else { 1.0 }
}

/// `s` cut (with an ellipsis) to fit `max` points.
fn fit(s: &str, size: f32, max: f32) -> String {
    if width(s, size, false) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out, size, false) + width(&format!("{c}..."), size, false) > max {
            break;
        }
        out.push(c);
    }
    format!("{}...", out.trim_end())
}

/// Encodes text for a WinAnsi font; characters it lacks become `?`.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' => b' ',
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '€' => 0x80,
            '…' => 0x85,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            _ => b'?',
        })
        .collect()
}

/// Pages being filled top to bottom.
struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        let mut l = Layout {
            pages: Vec::new(),
            y: 0.0,
        };
        l.new_page();
        l
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `h` points are left.
    fn need(&mut self, h: f32) {
        if self.y - h < MARGIN {
            self.new_page();
        }
    }

    fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, s: &str) {
        let c = self.page();
        c.begin_text();
        c.set_font(if bold { BOLD } else { REGULAR }, size);
        c.next_line(x, y);
        c.show(Str(&win_ansi(s)));
        c.end_text();
    }

    /// A line of text at the cursor, which moves down.
    fn line(&mut self, size: f32, bold: bool, s: &str) {
        self.need(size * 1.5);
        self.y -= size * 1.4;
        let y = self.y;
        self.text_at(MARGIN, y, size, bold, s);
    }

    /// Text wrapped at word boundaries to the text width.
    fn paragraph(&mut self, size: f32, s: &str) {
        let max = PAGE_W - 2.0 * MARGIN;
        let mut line = String::new();
        for word in s.split_whitespace() {
            let next = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&next, size, false) > max && !line.is_empty() {
                self.line(size, false, &line);
                line = word.to_string();
            } else {
                line = next;
            }
        }
        if !line.is_empty() {
            self.line(size, false, &line);
        }
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    /// One table row: `(text, x, right-aligned)` cells, cut to the next cell.
    fn row(&mut self, size: f32, bold: bool, cells: &[(&str, f32, bool)], widths: &[f32]) {
        self.need(size * 1.6);
        self.y -= size * 1.5;
        let y = self.y;
        for ((text, x, right), w) in cells.iter().zip(widths) {
            let shown = fit(text, size, *w - 6.0);
            let x = if *right {
                x + w - 6.0 - width(&shown, size, bold)
            } else {
                *x
            };
            self.text_at(x, y, size, bold, &shown);
        }
    }

    /// A framed chart area of `h` points; returns its inner box `(x, y, w, h)`.
    fn chart_frame(&mut self, title: &str, h: f32) -> (f32, f32, f32, f32) {
        self.need(h + 40.0);
        self.line(11.0, true, title);
        self.gap(6.0);
        let (x, w) = (MARGIN + 40.0, PAGE_W - 2.0 * MARGIN - 40.0);
        let y = self.y - h;
        let c = self.page();
        c.set_stroke_rgb(0.75, 0.75, 0.78);
        c.set_line_width(0.5);
        c.move_to(x, y);
        c.line_to(x + w, y);
        c.move_to(x, y);
        c.line_to(x, y + h);
        c.stroke();
        self.y = y - 16.0;
        (x, y, w, h)
    }

    /// The axis labels of a chart: the top and bottom values on the left, the first and last
    /// dates below.
    fn axis_labels(
        &mut self,
        (x, y, w, h): (f32, f32, f32, f32),
        [top, bottom, first, last]: [&str; 4],
    ) {
        self.text_at(MARGIN, y + h - 8.0, 8.0, false, top);
        self.text_at(MARGIN, y, 8.0, false, bottom);
        self.text_at(x, y - 11.0, 8.0, false, first);
        let lw = width(last, 8.0, false);
        self.text_at(x + w - lw, y - 11.0, 8.0, false, last);
    }
}

/// Values in at most [`CHART_COLUMNS`] buckets (`last` takes each bucket's last value, else the sum).
fn buckets(values: &[f64], last: bool) -> Vec<f64> {
    let per = values.len().div_ceil(CHART_COLUMNS).max(1);
    values
        .chunks(per)
        .map(|c| {
            if last {
                c.last().copied().unwrap_or(0.0)
            } else {
                c.iter().sum()
            }
        })
        .collect()
}

/// A count as shown: whole numbers without decimals.
pub(super) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn followers_chart(l: &mut Layout, points: &[(String, f64)]) {
    let frame = l.chart_frame("Followers", 110.0);
    let (x, y, w, h) = frame;
    if points.is_empty() {
        l.text_at(
            x + 10.0,
            y + h / 2.0,
            9.0,
            false,
            "No follower readings in this period.",
        );
        return;
    }
    let values = buckets(&points.iter().map(|(_, v)| *v).collect::<Vec<_>>(), true);
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = if values.len() > 1 {
        w / (values.len() - 1) as f32
    } else {
        0.0
    };
    let c = l.page();
    c.set_stroke_rgb(0.16, 0.39, 0.85);
    c.set_line_width(1.5);
    for (i, v) in values.iter().enumerate() {
        let px = x + step * i as f32;
        let py = y + 4.0 + ((v - lo) / span) as f32 * (h - 8.0);
        if i == 0 {
            c.move_to(px, py);
        } else {
            c.line_to(px, py);
        }
    }
    if values.len() == 1 {
        c.line_to(x + w, y + 4.0);
    }
    c.stroke();
    let first = points.first().map(|(d, _)| d.as_str()).unwrap_or("");
    let last = points.last().map(|(d, _)| d.as_str()).unwrap_or("");
    l.axis_labels(frame, [&number(hi), &number(lo), first, last]);
}

fn engagement_chart(l: &mut Layout, days: &[(String, f64)]) {
    let frame = l.chart_frame("Engagement per day (posts published that day)", 110.0);
    let (x, y, w, h) = frame;
    let values = buckets(&days.iter().map(|(_, v)| *v).collect::<Vec<_>>(), false);
    let hi = values.iter().copied().fold(0.0, f64::max);
    if values.is_empty() || hi <= 0.0 {
        l.text_at(
            x + 10.0,
            y + h / 2.0,
            9.0,
            false,
            "No engagement in this period.",
        );
        return;
    }
    let slot = w / values.len() as f32;
    let c = l.page();
    c.set_fill_rgb(0.2, 0.66, 0.45);
    for (i, v) in values.iter().enumerate() {
        let bh = (v / hi) as f32 * (h - 4.0);
        if bh > 0.0 {
            c.rect(x + slot * i as f32 + slot * 0.15, y, slot * 0.7, bh);
        }
    }
    c.fill_nonzero();
    c.set_fill_rgb(0.0, 0.0, 0.0);
    let first = days.first().map(|(d, _)| d.as_str()).unwrap_or("");
    let last = days.last().map(|(d, _)| d.as_str()).unwrap_or("");
    l.axis_labels(frame, [&number(hi), "0", first, last]);
}

/// The report as PDF bytes.
pub fn render(r: &Report) -> Vec<u8> {
    let mut l = Layout::new();
    l.line(20.0, true, "Outpost analytics report");
    l.gap(4.0);
    l.line(11.0, false, &format!("Period: {}", r.period));
    l.line(9.0, false, &format!("Compared with: {}", r.previous_period));
    l.line(9.0, false, &format!("Time zone: {}", r.zone));
    l.gap(10.0);

    l.line(13.0, true, "Channels");
    if r.channels.is_empty() {
        l.line(10.0, false, "No channels.");
    }
    for c in &r.channels {
        l.line(10.0, false, &format!("- {c}"));
    }
    l.gap(10.0);

    l.line(13.0, true, "Headline numbers");
    let cols = [MARGIN, MARGIN + 170.0, MARGIN + 270.0, MARGIN + 370.0];
    let widths = [170.0, 100.0, 100.0, 125.0];
    l.row(
        9.0,
        true,
        &[
            ("", cols[0], false),
            ("This period", cols[1], true),
            ("Previous", cols[2], true),
            ("Change", cols[3], true),
        ],
        &widths,
    );
    for h in &r.headline {
        l.row(
            10.0,
            false,
            &[
                (&h.label, cols[0], false),
                (&h.current, cols[1], true),
                (&h.previous, cols[2], true),
                (&h.change, cols[3], true),
            ],
            &widths,
        );
    }
    l.gap(14.0);

    followers_chart(&mut l, &r.followers);
    l.gap(8.0);
    engagement_chart(&mut l, &r.engagement);
    l.gap(8.0);

    l.need(80.0);
    l.line(13.0, true, "Top posts");
    if r.top_posts.is_empty() {
        l.line(10.0, false, "No posts published in this period.");
    } else {
        top_table(&mut l, &r.top_posts, true);
    }
    l.gap(12.0);

    if !r.channel_tops.is_empty() {
        l.need(80.0);
        l.line(13.0, true, "Top posts per channel");
        for (channel, posts) in &r.channel_tops {
            l.need(40.0);
            l.gap(2.0);
            l.line(10.0, true, channel);
            top_table(&mut l, posts, false);
        }
        l.gap(12.0);
    }

    l.line(13.0, true, "What each platform lets Outpost read");
    l.paragraph(
        9.0,
        "Platforms forget; Outpost keeps every reading on this computer without limit, so the \
         history here reaches back to the first sync even where the platform's own window is shorter.",
    );
    for (platform, note) in &r.limits {
        l.gap(2.0);
        l.paragraph(9.0, &format!("{platform}: {note}"));
    }

    write(r, l.pages)
}

/// A table of top posts: date, channel (when `with_channel`), post, engagement, rate.
fn top_table(l: &mut Layout, posts: &[TopPost], with_channel: bool) {
    let (cols, widths): (Vec<f32>, Vec<f32>) = if with_channel {
        (
            vec![
                MARGIN,
                MARGIN + 62.0,
                MARGIN + 150.0,
                MARGIN + 375.0,
                MARGIN + 440.0,
            ],
            vec![62.0, 88.0, 225.0, 65.0, 55.0],
        )
    } else {
        (
            vec![MARGIN, MARGIN + 62.0, MARGIN + 375.0, MARGIN + 440.0],
            vec![62.0, 313.0, 65.0, 55.0],
        )
    };
    let cells = |date: &'static str, channel: &'static str, post: &'static str| {
        let mut c = vec![date];
        if with_channel {
            c.push(channel);
        }
        c.extend([post, "Engagement", "Rate"]);
        c
    };
    let head = cells("Date", "Channel", "Post");
    let n = head.len();
    let row: Vec<(&str, f32, bool)> = head
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, cols[i], i + 2 >= n))
        .collect();
    l.row(9.0, true, &row, &widths);
    for p in posts {
        let mut values = vec![p.date.as_str()];
        if with_channel {
            values.push(&p.channel);
        }
        values.extend([p.text.as_str(), &p.engagement, &p.rate]);
        let row: Vec<(&str, f32, bool)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (*v, cols[i], i + 2 >= n))
            .collect();
        l.row(9.0, false, &row, &widths);
    }
}

fn write(r: &Report, pages: Vec<Content>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let mut next = 6;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(p, _)| *p))
        .count(i32::try_from(ids.len()).unwrap_or(i32::MAX));
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let (y, m, d) = r.date;
    let date = Date::new(y).month(m).day(d).hour(0).minute(0).second(0);
    pdf.document_info(info)
        .title(TextStr("Outpost analytics report"))
        .producer(TextStr("Outpost"))
        .creation_date(date)
        .modified_date(date);
    for ((page_id, content_id), content) in ids.iter().zip(pages) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree);
        page.contents(*content_id);
        page.resources()
            .fonts()
            .pair(REGULAR, regular)
            .pair(BOLD, bold);
        page.finish();
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_maps_latin1_and_typographic_marks() {
        assert_eq!(win_ansi("Café – “ok”"), b"Caf\xe9 \x96 \x93ok\x94".to_vec());
        assert_eq!(win_ansi("日本"), b"??".to_vec());
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        let s = "a long sentence that does not fit in a narrow column at all";
        let cut = fit(s, 9.0, 80.0);
        assert!(
            cut.ends_with("...") && width(&cut, 9.0, false) <= 80.0,
            "{cut}"
        );
        assert_eq!(fit("short", 9.0, 80.0), "short");
    }

    #[test]
    fn buckets_bound_the_columns() {
        let v: Vec<f64> = (0..365).map(f64::from).collect();
        assert!(buckets(&v, false).len() <= CHART_COLUMNS);
        assert_eq!(buckets(&v, true).last(), Some(&364.0));
        assert_eq!(
            buckets(&v, false).iter().sum::<f64>(),
            v.iter().sum::<f64>()
        );
    }
}
