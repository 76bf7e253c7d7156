//! virsh's tables (`vshTable`): one leading space per cell, cells padded to the column width plus
//! two spaces except the last, a rule of `-` as long as the sum of (width + 3), no trailing
//! spaces. The header counts toward the widths only when it is printed (not under `-q`).
//!
//! comfy-table cannot leave the last cell unpadded while padding the others, nor omit the
//! header from the width computation, so this small module draws them.

/// A table: a header and rows of the same length.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Whether the locale's character set is UTF-8 (virsh sets its locale from the environment:
/// in another, `C` among them, every byte above 0x7F is unprintable).
fn utf8_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// virsh's cell sanitising (`vshTableSafeEncode`): a control character, and a backslash
/// before an `x`, as `\xNN`; a byte that is not part of a printable character as `\xff`
/// (virsh formats such a byte as a signed `char` in a four-character buffer, so every byte
/// above 0x7F reads `\xff`).
fn sanitize(cell: &str) -> String {
    let utf8 = utf8_locale();
    let mut out = String::with_capacity(cell.len());
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        let raw_byte = (0xF780..=0xF7FF).contains(&u32::from(c));
        if c.is_ascii_control() || (c == '\\' && chars.peek() == Some(&'x')) {
            out.push_str(&format!("\\x{:02x}", u32::from(c)));
        } else if raw_byte || (!c.is_ascii() && (!utf8 || c.is_control())) {
            for _ in 0..if raw_byte { 1 } else { c.len_utf8() } {
                out.push_str("\\xff");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Display width: wide (CJK and similar) characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

impl Table {
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let row: Vec<String> = cells.into_iter().map(|c| sanitize(&c.into())).collect();
        debug_assert_eq!(row.len(), self.header.len());
        self.rows.push(row);
    }

    /// The table as virsh prints it; `header` is false under `-q`.
    pub fn render(&self, header: bool) -> String {
        let mut widths = vec![0usize; self.header.len()];
        let shown = header.then_some(&self.header);
        for row in shown.into_iter().chain(&self.rows) {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let mut out = String::new();
        let line = |out: &mut String, row: &[String]| {
            for (i, cell) in row.iter().enumerate() {
                out.push(' ');
                out.push_str(cell);
                if i + 1 < row.len() {
                    out.push_str(&" ".repeat(widths[i] - width(cell) + 2));
                }
            }
            out.push('\n');
        };
        if header {
            line(&mut out, &self.header);
            out.push_str(&"-".repeat(widths.iter().map(|w| w + 3).sum()));
            out.push('\n');
        }
        for row in &self.rows {
            line(&mut out, row);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_virsh_list() {
        let mut t = Table::new(["Id", "Name", "State"]);
        t.row(["1", "test", "running"]);
        assert_eq!(
            t.render(true),
            " Id   Name   State\n----------------------\n 1    test   running\n"
        );
        assert_eq!(t.render(false), " 1   test   running\n");
    }

    #[test]
    fn empty_last_cell_keeps_its_space_and_controls_are_escaped() {
        let mut t = Table::new(["A", "B"]);
        t.row(["x", ""]);
        t.row(["a\tb", "y"]);
        assert_eq!(
            t.render(true),
            " A        B\n-------------\n x        \n a\\x09b   y\n"
        );
    }
}
