//! virsh's tree listing (`vshTreePrint`), as `snapshot-list --tree` and `checkpoint-list
//! --tree` draw it: each root, then its children below a `|`, each child as `+- NAME`, the
//! indent carrying `|` while siblings follow. Trailing spaces are part of virsh's output:
//! the last child of a subtree ends with a line of indent alone.

/// The tree of `entries` (name, parent name) drawn from each root (an entry without a
/// parent), in the order given.
pub fn draw(entries: &[(String, Option<String>)]) -> String {
    let mut out = String::new();
    for (i, (_, parent)) in entries.iter().enumerate() {
        if parent.is_none() {
            let mut indent = String::new();
            draw_node(entries, i, i, true, &mut indent, &mut out);
        }
    }
    out
}

fn draw_node(
    entries: &[(String, Option<String>)],
    at: usize,
    last: usize,
    root: bool,
    indent: &mut String,
    out: &mut String,
) {
    let name = &entries[at].0;
    out.push_str(indent);
    if !root {
        out.push_str("+- ");
    }
    out.push_str(name);
    out.push('\n');
    if !root {
        indent.push(if at == last { ' ' } else { '|' });
        indent.push(' ');
    }
    let children: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, (_, p))| p.as_deref() == Some(name.as_str()))
        .map(|(i, _)| i)
        .collect();
    let last_child = children.last().copied();
    if last_child.is_some() {
        out.push_str(indent);
        out.push_str("  |\n");
    }
    indent.push_str("  ");
    for &c in &children {
        draw_node(entries, c, last_child.unwrap_or(c), false, indent, out);
    }
    if indent.ends_with("  ") {
        indent.truncate(indent.len() - 2);
    }
    if last_child.is_none() && at == last {
        out.push_str(indent);
        out.push('\n');
    }
    if !root {
        indent.truncate(indent.len().saturating_sub(2));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        list.iter()
            .map(|(n, p)| (n.to_string(), p.map(String::from)))
            .collect()
    }

    #[test]
    fn draws_as_virsh_with_its_trailing_blanks() {
        let t = entries(&[
            ("B6", Some("s1")),
            ("s1", None),
            ("s2", Some("s1")),
            ("s3", Some("s2")),
            ("s4", Some("s1")),
            ("s5", Some("s4")),
        ]);
        assert_eq!(
            draw(&t),
            "s1\n  |\n  +- B6\n  +- s2\n  |   |\n  |   +- s3\n  |     \n  +- s4\n      |\n      +- s5\n        \n"
        );
        assert_eq!(draw(&entries(&[("a b", None)])), "a b\n\n");
        assert_eq!(
            draw(&entries(&[("B6", None), ("s2", None), ("s3", Some("s2"))])),
            "B6\n\ns2\n  |\n  +- s3\n    \n"
        );
    }
}
