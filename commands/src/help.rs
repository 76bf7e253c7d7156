//! The text of `help`: a command's page, a group's listing, and the full listing, laid out as
//! virsh lays them out.

use crate::parse::{options, OptKind};
use crate::{CommandDef, Group, COMMANDS};

/// The help page of one command (`help CMD`, `CMD --help`).
pub fn command_page(def: &CommandDef) -> String {
    let cmd = (def.command)();
    let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
    let desc = cmd
        .get_long_about()
        .map(|s| s.to_string())
        .unwrap_or_default();
    let opts = options(def);

    let mut out = format!(
        "  NAME\n    {} - {}\n\n  SYNOPSIS\n    {}",
        def.name, about, def.name
    );
    for o in &opts {
        let item = match (o.kind, o.positional, o.required) {
            (OptKind::Bool, _, _) => format!("[--{}]", o.name),
            (OptKind::Argv, true, true) => format!("<{}>...", o.name),
            (OptKind::Argv, true, false) => format!("[<{}>]...", o.name),
            (OptKind::Argv, false, true) => format!("--{} <{}>...", o.name, o.value_name),
            (OptKind::Argv, false, false) => format!("[--{} <{}>]...", o.name, o.value_name),
            (OptKind::Value, true, true) => format!("<{}>", o.name),
            (OptKind::Value, true, false) => format!("[<{}>]", o.name),
            (OptKind::Value, false, true) => format!("--{} <{}>", o.name, o.value_name),
            (OptKind::Value, false, false) => format!("[--{} <{}>]", o.name, o.value_name),
        };
        out.push(' ');
        out.push_str(&item);
    }
    out.push('\n');
    if !desc.is_empty() {
        out.push_str("\n  DESCRIPTION\n");
        for line in desc.lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    if !opts.is_empty() {
        out.push_str("\n  OPTIONS\n");
        for o in &opts {
            let spelling = match (o.kind, o.positional) {
                (OptKind::Bool, _) => format!("--{}", o.name),
                (kind, positional) => {
                    let dots = if kind == OptKind::Argv { "..." } else { "" };
                    if positional {
                        format!("[--{}] <{}>{dots}", o.name, o.value_name)
                    } else {
                        format!("--{} <{}>{dots}", o.name, o.value_name)
                    }
                }
            };
            out.push_str(&format!("    {spelling:<15}  {}\n", o.help));
        }
    }
    out
}

/// The listing of one group (`help KEYWORD`).
pub fn group_listing(group: Group) -> String {
    let mut out = format!(" {} (help keyword '{}'):\n", group.title(), group.keyword());
    for def in COMMANDS.iter().filter(|c| c.group == group) {
        let cmd = (def.command)();
        if cmd.is_hide_set() {
            continue;
        }
        let about = cmd.get_about().map(|s| s.to_string()).unwrap_or_default();
        out.push_str(&format!("    {:<30} {}\n", def.name, about));
    }
    out
}

/// The full listing (`help` with no argument).
pub fn full_listing() -> String {
    let mut out = String::from("Grouped commands:\n\n");
    for group in Group::ALL {
        out.push_str(&group_listing(group));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::find;

    #[test]
    fn echo_page_matches_virsh() {
        let page = command_page(find("echo").unwrap());
        assert!(page.contains(
            "    echo [--shell] [--xml] [--split] [--err] [--prefix <string>] [<string>]...\n"
        ));
        assert!(page.ends_with("    [--string] <string>...  arguments to echo\n"));
    }
}
