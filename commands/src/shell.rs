//! The `shell` commands.

use clap::Parser;

use crate::{Group, Spec};

/// `help`: print help
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "help",
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
impl Spec for Help {
    const NAME: &'static str = "help";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &["command"];
}

/// `quit`: quit this interactive terminal
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "quit",
    about = "quit this interactive terminal",
    long_about = ""
)]
pub struct Quit {}
impl Spec for Quit {
    const NAME: &'static str = "quit";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `exit`: quit this interactive terminal
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "exit",
    about = "quit this interactive terminal",
    long_about = ""
)]
pub struct Exit {}
impl Spec for Exit {
    const NAME: &'static str = "exit";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `echo`: echo arguments. Used for internal testing.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "echo",
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
    #[arg(long, value_name = "string", help = "prefix the message")]
    pub prefix: Option<String>,
    #[arg(long, alias = "str", value_name = "string", help = "arguments to echo")]
    pub string: Vec<String>,
}
impl Spec for Echo {
    const NAME: &'static str = "echo";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &["string"];
    const VALUE_ALIASES: &'static [(&'static str, &'static str, &'static str)] =
        &[("hi", "string", "hello")];
}

/// `cd`: change the current directory
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "cd",
    about = "change the current directory",
    long_about = "Change the current directory."
)]
pub struct Cd {
    #[arg(
        long,
        value_name = "string",
        help = "directory to switch to (default: home or else root)"
    )]
    pub dir: Option<String>,
}
impl Spec for Cd {
    const NAME: &'static str = "cd";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &["dir"];
}

/// `pwd`: print the current directory
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "pwd",
    about = "print the current directory",
    long_about = "Print the current directory."
)]
pub struct Pwd {}
impl Spec for Pwd {
    const NAME: &'static str = "pwd";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &[];
}

/// `complete`: internal command for autocompletion (hidden, as in virsh)
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "complete",
    hide = true,
    about = "internal command for autocompletion",
    long_about = "internal use only"
)]
pub struct Complete {
    #[arg(long, value_name = "string", help = "partial string to autocomplete")]
    pub string: Vec<String>,
}
impl Spec for Complete {
    const NAME: &'static str = "complete";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &["string"];
    const ALLOW_EMPTY: &'static [&'static str] = &["string"];
}

/// `connect`: (re)connect to hypervisor
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "connect",
    about = "(re)connect to hypervisor",
    long_about = "Connect to local hypervisor. This is built-in command after shell start up."
)]
pub struct Connect {
    #[arg(long, value_name = "string", help = "hypervisor connection URI")]
    pub name: Option<String>,
    #[arg(long, help = "read-only connection")]
    pub readonly: bool,
}
impl Spec for Connect {
    const NAME: &'static str = "connect";
    const GROUP: Group = Group::Virsh;
    const POSITIONAL: &'static [&'static str] = &["name"];
}
