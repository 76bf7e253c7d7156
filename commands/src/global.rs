//! virsh's global options, as a clap model: the source of the usage text, completions and
//! man page. (They are parsed with virsh's `getopt` rules by the binary, which reads this
//! model for the option table.)

use clap::Parser;

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
    #[arg(
        short = 'c',
        long = "connect",
        value_name = "URI",
        help = "hypervisor connection URI"
    )]
    pub connect: Option<String>,
    #[arg(
        short = 'd',
        long = "debug",
        value_name = "NUM",
        help = "debug level [0-4]"
    )]
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
    #[arg(
        short = 'l',
        long = "log",
        value_name = "FILE",
        help = "output logging to file"
    )]
    pub log: Option<String>,
    #[arg(short = 'q', long = "quiet", help = "quiet mode")]
    pub quiet: bool,
    #[arg(short = 'r', long = "readonly", help = "connect readonly")]
    pub readonly: bool,
    #[arg(short = 't', long = "timing", help = "print timing information")]
    pub timing: bool,
    #[arg(
        short = 'v',
        long = "version",
        help = "short version (--version=long: long version)"
    )]
    pub version: bool,
    #[arg(short = 'V', help = "long version")]
    pub long_version: bool,
    #[arg(long = "json", help = "print results and errors as JSON")]
    pub json: bool,
    #[arg(
        long = "no-pkttyagent",
        help = "suppress the polkit tty agent (virtsh never starts one)"
    )]
    pub no_pkttyagent: bool,
}
