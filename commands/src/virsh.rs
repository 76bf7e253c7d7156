//! The `shell` commands.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Parser;

use crate::spec;

/// `help`: print help
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "print help",
    long_about = "Prints global help, command specific help, or help for a\ngroup of related commands"
)]
pub struct Help {
    #[arg(
        long,
        value_name = "string",
        help = "Prints global help, command specific help, or help for a group of related commands"
    )]
    pub command: Option<String>,
}
spec!(Help: "help" ["command"];
    const NO_CONNECT: bool = true;
    // `help --command=` is plain `help`.
    const ALLOW_EMPTY: &'static [&'static str] = &["command"];
);

/// `quit`: quit this interactive terminal
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "quit this interactive terminal", long_about = "")]
pub struct Quit {}
spec!(Quit: "quit" [];
    const NO_CONNECT: bool = true;
);

/// `exit`: quit this interactive terminal
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "quit this interactive terminal", long_about = "")]
pub struct Exit {}
spec!(Exit: "exit" [];
    const NO_CONNECT: bool = true;
);

/// `echo`: echo arguments. Used for internal testing.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "echo arguments. Used for internal testing.",
    long_about = "Echo back arguments, possibly with quoting. Used for internal testing."
)]
pub struct Echo {
    #[arg(long, help = "escape for shell use")]
    pub shell: bool,
    #[arg(long, help = "escape for XML use")]
    pub xml: bool,
    #[arg(long, help = "split each argument on ','; ',,' is an escape sequence")]
    pub split: bool,
    #[arg(long, help = "output to stderr")]
    pub err: bool,
    #[arg(long, value_name = "string", help = "prefix the message", value_parser = crate::bytes::os)]
    pub prefix: Option<OsString>,
    #[arg(long, alias = "str", value_name = "string", help = "arguments to echo", value_parser = crate::bytes::os)]
    pub string: Vec<OsString>,
}
spec!(Echo: "echo" ["string"];
    const VALUE_ALIASES: &'static [(&'static str, &'static str, &'static str)] =
        &[("hi", "string", "hello")];
    const NO_CONNECT: bool = true;
);

/// `cd`: change the current directory
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "change the current directory", long_about = "Change the current directory.")]
pub struct Cd {
    #[arg(
        long,
        value_name = "string",
        help = "directory to switch to (default: home or else root)",
        value_parser = crate::bytes::path
    )]
    pub dir: Option<PathBuf>,
}
spec!(Cd: "cd" ["dir"];
    const NO_CONNECT: bool = true;
);

/// `pwd`: print the current directory
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(about = "print the current directory", long_about = "Print the current directory.")]
pub struct Pwd {}
spec!(Pwd: "pwd" [];
    const NO_CONNECT: bool = true;
);

/// `complete`: internal command for autocompletion (hidden, as in virsh)
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    hide = true,
    about = "internal command for autocompletion",
    long_about = "internal use only"
)]
pub struct Complete {
    #[arg(long, value_name = "string", help = "partial string to autocomplete")]
    pub string: Vec<String>,
}
spec!(Complete: "complete" ["string"];
    const ALLOW_EMPTY: &'static [&'static str] = &["string"];
    const NO_CONNECT: bool = true;
);

/// `connect`: (re)connect to hypervisor
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "(re)connect to hypervisor",
    long_about = "Connect to local hypervisor. This is built-in command after shell start up."
)]
pub struct Connect {
    #[arg(long, value_name = "string", help = "hypervisor connection URI")]
    pub name: Option<String>,
    #[arg(long, help = "read-only connection")]
    pub readonly: bool,
}
spec!(Connect: "connect" ["name"];
    const NO_CONNECT: bool = true;
);
