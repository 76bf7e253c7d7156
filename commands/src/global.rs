//! virsh's global options, as a clap model: the source of the usage text ([`usage`]), the
//! completions and the man page, and the option table of the binary's parser (which parses
//! them with virsh's `getopt` rules).

use clap::{ArgAction, CommandFactory, Parser};

use crate::{help, Group};

/// virtsh: a virsh-compatible virtualization shell
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "virtsh",
    about = "a virsh-compatible virtualization shell",
    long_about = "virtsh runs virsh commands: one command string (`;` separates commands, quotes \
                  and backslashes as in the interactive shell), one command given as several \
                  words (one token each), or, with no command, an interactive shell.",
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct GlobalOptions {
    #[arg(short = 'c', long = "connect", value_name = "URI", help = "hypervisor connection URI")]
    pub connect: Option<String>,
    #[arg(short = 'd', long = "debug", value_name = "NUM", help = "debug level [0-4]")]
    pub debug: Option<String>,
    #[arg(
        short = 'e',
        long = "escape",
        value_name = "char",
        help = "set escape sequence for console"
    )]
    pub escape: Option<String>,
    #[arg(short = 'h', long = "help", help = "this help")]
    pub help: bool,
    #[arg(
        short = 'k',
        long = "keepalive-interval",
        value_name = "NUM",
        help = "keepalive interval in seconds, 0 for disable"
    )]
    pub keepalive_interval: Option<String>,
    #[arg(
        short = 'K',
        long = "keepalive-count",
        value_name = "NUM",
        help = "number of possible missed keepalive messages"
    )]
    pub keepalive_count: Option<String>,
    #[arg(short = 'l', long = "log", value_name = "FILE", help = "output logging to file")]
    pub log: Option<String>,
    #[arg(short = 'q', long = "quiet", help = "quiet mode")]
    pub quiet: bool,
    #[arg(short = 'r', long = "readonly", help = "connect readonly")]
    pub readonly: bool,
    #[arg(short = 't', long = "timing", help = "print timing information")]
    pub timing: bool,
    #[arg(short = 'v', help = "short version")]
    pub short_version: bool,
    #[arg(short = 'V', help = "long version")]
    pub long_version: bool,
    #[arg(
        long = "version",
        value_name = "TYPE",
        num_args = 0..=1,
        require_equals = true,
        help = "version, TYPE is short or long (default short)"
    )]
    pub version: Option<String>,
    #[arg(long = "json", help = "print results and errors as JSON")]
    pub json: bool,
    #[arg(
        long = "warm",
        help = "list the warm ssh connections kept for this user, and the time each has left"
    )]
    pub warm: bool,
    #[arg(
        long = "warm-stop",
        value_name = "URI",
        num_args = 0..=1,
        require_equals = true,
        help = "stop the warm ssh connections (all, or those to URI)"
    )]
    pub warm_stop: Option<String>,
    #[arg(
        long = "no-pkttyagent",
        hide = true,
        help = "suppress the polkit tty agent (virtsh never starts one)"
    )]
    pub no_pkttyagent: bool,
}

/// How a global option is spelled in the usage text: `-c | --connect=URI`, `-v`,
/// `     --version[=TYPE]`; virsh writes a lower-case value name apart, in brackets
/// (`--escape <char>`).
fn spelling(arg: &clap::Arg) -> String {
    let takes_value = !matches!(arg.get_action(), ArgAction::SetTrue);
    let value = match arg.get_value_names().and_then(|v| v.first()) {
        Some(v) if takes_value && v.chars().all(|c| c.is_ascii_lowercase()) => format!(" <{v}>"),
        Some(v) if takes_value && arg.get_num_args().is_some_and(|n| n.min_values() == 0) => {
            format!("[={v}]")
        }
        Some(v) if takes_value => format!("={v}"),
        _ => String::new(),
    };
    match (arg.get_short(), arg.get_long()) {
        (Some(s), Some(l)) => format!("-{s} | --{l}{value}"),
        (Some(s), None) => format!("-{s}"),
        (None, Some(l)) => format!("     --{l}{value}"),
        (None, None) => String::new(),
    }
}

/// The text of `virtsh -h`, as virsh lays out its usage.
pub fn usage() -> String {
    let mut out = String::from(
        "\nvirtsh [options]... [<command_string>]\nvirtsh [options]... <command> [args...]\n\n  options:\n",
    );
    for arg in GlobalOptions::command().get_arguments() {
        if arg.is_hide_set() {
            continue;
        }
        let spelling = spelling(arg);
        let text = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        if spelling.len() < 24 {
            out.push_str(&format!("    {spelling:<24}{text}\n"));
        } else {
            out.push_str(&format!("    {spelling}\n    {:<24}{text}\n", ""));
        }
    }
    out.push_str("  commands (non interactive mode):\n\n");
    for group in Group::ALL {
        let listing = help::group_listing(group);
        out.push_str(&listing.replacen("'):\n", "')\n", 1));
        out.push('\n');
    }
    out.push_str(
        "\n  (specify help <group> for details about the commands in the group)\n\n  (specify help <command> for details about the command)\n\n",
    );
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn usage_lays_options_out_as_virsh() {
        let text = super::usage();
        assert!(text.contains("    -c | --connect=URI      hypervisor connection URI\n"));
        assert!(text.contains("    -e | --escape <char>    set escape sequence for console\n"));
        assert!(text.contains(
            "    -k | --keepalive-interval=NUM\n                            keepalive interval"
        ));
        assert!(text.contains("    -v                      short version\n"));
        assert!(text.contains(
            "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
        ));
        assert!(!text.contains("pkttyagent"));
    }
}
