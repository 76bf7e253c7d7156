//! virtsh's command language.
//!
//! Every virsh command is a typed request: a `clap` derive struct in the module of its group
//! (`domain`, `pool`, `volume`, `host`, `shell`). This crate does no I/O and knows no driver; it is
//! what the virsh-style parser ([`parse`]), `help`, completions and man pages are built from.
//!
//! virsh parses options its own way (`--opt value`, `--opt=value`, bare words filling the
//! positional options in order, `--` ending options), with its own error lines, so the clap
//! definitions are used as a model: [`parse::parse`] checks a command line against the model
//! with virsh's rules and messages, then [`parse::Invocation::to_request`] hands a canonical
//! `--opt=value` form to clap to build the typed [`Request`].

pub mod domain;
pub mod generate;
pub mod global;
pub mod help;
pub mod host;
pub mod parse;
pub mod pool;
pub mod shell;
pub mod volume;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

/// The groups of `virsh help`, in the order virsh prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Domain,
    Monitor,
    Host,
    Pool,
    Volume,
    Virsh,
}

impl Group {
    pub const ALL: [Group; 6] = [
        Group::Domain,
        Group::Monitor,
        Group::Host,
        Group::Pool,
        Group::Volume,
        Group::Virsh,
    ];

    /// The keyword `help KEYWORD` takes.
    pub fn keyword(self) -> &'static str {
        match self {
            Group::Domain => "domain",
            Group::Monitor => "monitor",
            Group::Host => "host",
            Group::Pool => "pool",
            Group::Volume => "volume",
            Group::Virsh => "virsh",
        }
    }

    /// The group's title in `help` output.
    pub fn title(self) -> &'static str {
        match self {
            Group::Domain => "Domain Management",
            Group::Monitor => "Domain Monitoring",
            Group::Host => "Host and Hypervisor",
            Group::Pool => "Storage Pool",
            Group::Volume => "Storage Volume",
            Group::Virsh => "Virsh itself",
        }
    }
}

/// What the clap model cannot say about a command: its virsh name and group, and which of its
/// options may be given as bare words (in the order bare words fill them).
pub trait Spec {
    const NAME: &'static str;
    const GROUP: Group;
    const POSITIONAL: &'static [&'static str];
    /// Options that bare words still fill, after the positional ones, for old scripts, though
    /// help shows them as named options (virsh's `unwanted_positional`).
    const UNWANTED_POSITIONAL: &'static [&'static str] = &[];
    /// Options that stand for another option with a fixed value (`echo --hi` is
    /// `--string=hello`): `(alias, target option, value)`.
    const VALUE_ALIASES: &'static [(&'static str, &'static str, &'static str)] = &[];
    /// String options that accept an empty value.
    const ALLOW_EMPTY: &'static [&'static str] = &[];
}

/// One command of the registry.
pub struct CommandDef {
    pub name: &'static str,
    pub group: Group,
    pub positional: &'static [&'static str],
    pub unwanted_positional: &'static [&'static str],
    pub value_aliases: &'static [(&'static str, &'static str, &'static str)],
    pub allow_empty: &'static [&'static str],
    /// The clap model of the command.
    pub command: fn() -> clap::Command,
    build: fn(&ArgMatches) -> Result<Request, clap::Error>,
}

impl std::fmt::Debug for CommandDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandDef")
            .field("name", &self.name)
            .finish()
    }
}

macro_rules! registry {
    ($($variant:ident => $module:ident :: $ty:ident,)*) => {
        /// A parsed command, ready to run.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Request {
            $($variant($module::$ty),)*
        }

        impl Request {
            /// The virsh name of the command.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Request::$variant(_) => <$module::$ty as Spec>::NAME,)*
                }
            }
        }

        /// Every command, in the order `virsh help` lists them.
        pub static COMMANDS: &[CommandDef] = &[
            $(CommandDef {
                name: <$module::$ty as Spec>::NAME,
                group: <$module::$ty as Spec>::GROUP,
                positional: <$module::$ty as Spec>::POSITIONAL,
                unwanted_positional: <$module::$ty as Spec>::UNWANTED_POSITIONAL,
                value_aliases: <$module::$ty as Spec>::VALUE_ALIASES,
                allow_empty: <$module::$ty as Spec>::ALLOW_EMPTY,
                command: <$module::$ty as CommandFactory>::command,
                build: |m| <$module::$ty as FromArgMatches>::from_arg_matches(m).map(Request::$variant),
            },)*
        ];
    };
}

registry! {
    Autostart => domain::Autostart,
    AutostartAll => domain::AutostartAll,
    Console => domain::Console,
    Create => domain::Create,
    Define => domain::Define,
    Desc => domain::Desc,
    Destroy => domain::Destroy,
    Domid => domain::Domid,
    Domname => domain::Domname,
    Domrename => domain::Domrename,
    Domuuid => domain::Domuuid,
    Dumpxml => domain::Dumpxml,
    Edit => domain::Edit,
    Reboot => domain::Reboot,
    Reset => domain::Reset,
    Resume => domain::Resume,
    Setmaxmem => domain::Setmaxmem,
    Setmem => domain::Setmem,
    Setvcpus => domain::Setvcpus,
    Shutdown => domain::Shutdown,
    Start => domain::Start,
    Suspend => domain::Suspend,
    Undefine => domain::Undefine,
    Domcontrol => domain::Domcontrol,
    Dominfo => domain::Dominfo,
    Domstate => domain::Domstate,
    Domstats => domain::Domstats,
    List => domain::List,
    Capabilities => host::Capabilities,
    Hostname => host::Hostname,
    Nodeinfo => host::Nodeinfo,
    Uri => host::Uri,
    Version => host::Version,
    PoolAutostart => pool::PoolAutostart,
    PoolBuild => pool::PoolBuild,
    PoolCreateAs => pool::PoolCreateAs,
    PoolCreate => pool::PoolCreate,
    PoolDefineAs => pool::PoolDefineAs,
    PoolDefine => pool::PoolDefine,
    PoolDelete => pool::PoolDelete,
    PoolDestroy => pool::PoolDestroy,
    PoolDumpxml => pool::PoolDumpxml,
    PoolEdit => pool::PoolEdit,
    PoolInfo => pool::PoolInfo,
    PoolList => pool::PoolList,
    PoolName => pool::PoolName,
    PoolRefresh => pool::PoolRefresh,
    PoolStart => pool::PoolStart,
    PoolUndefine => pool::PoolUndefine,
    PoolUuid => pool::PoolUuid,
    VolClone => volume::VolClone,
    VolCreateAs => volume::VolCreateAs,
    VolCreate => volume::VolCreate,
    VolCreateFrom => volume::VolCreateFrom,
    VolDelete => volume::VolDelete,
    VolDownload => volume::VolDownload,
    VolDumpxml => volume::VolDumpxml,
    VolInfo => volume::VolInfo,
    VolKey => volume::VolKey,
    VolList => volume::VolList,
    VolName => volume::VolName,
    VolPath => volume::VolPath,
    VolResize => volume::VolResize,
    VolUpload => volume::VolUpload,
    VolWipe => volume::VolWipe,
    Cd => shell::Cd,
    Echo => shell::Echo,
    Exit => shell::Exit,
    Help => shell::Help,
    Pwd => shell::Pwd,
    Quit => shell::Quit,
    Connect => shell::Connect,
    Complete => shell::Complete,
}

/// The command called `name`, if there is one (names are never abbreviated).
pub fn find(name: &str) -> Option<&'static CommandDef> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The group whose keyword is `keyword`.
pub fn find_group(keyword: &str) -> Option<Group> {
    Group::ALL.into_iter().find(|g| g.keyword() == keyword)
}

/// Commands that need no connection (virsh's NOCONNECT commands).
pub fn needs_connection(request: &Request) -> bool {
    !matches!(
        request,
        Request::Cd(_)
            | Request::Echo(_)
            | Request::Exit(_)
            | Request::Help(_)
            | Request::Pwd(_)
            | Request::Quit(_)
            | Request::Connect(_)
            | Request::Complete(_)
    )
}
