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

/// virsh's cell sanitising: control characters become `\xNN`.
fn sanitize(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.chars() {
        if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
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
