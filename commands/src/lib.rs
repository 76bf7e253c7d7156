//! virtsh's command language.
//!
//! Every virsh command is a typed request: a `clap` derive struct in the module of its help
//! group (`domain`, `monitor`, `events`, `host`, `network`, `pool`, `volume`, `virsh`), with
//! what clap cannot say about it in its [`Spec`]. The one registry, [`with_commands!`], lists
//! them; the request enum and the command table are generated from it, and a test of the
//! `virtsh` crate checks that its dispatch and command files agree with it. This crate does no I/O and knows no driver: it is what the virsh-style parser
//! ([`parse`]), `help`, completions and man pages are built from.

pub mod args;
pub mod bytes;
pub mod checkpoint;
pub mod complete;
pub mod domain;
pub mod events;
pub mod generate;
pub mod global;
pub mod help;
pub mod host;
pub mod monitor;
pub mod network;
pub mod num;
pub mod parse;
pub mod pool;
pub mod snapshot;
pub mod virsh;
pub mod volume;

use clap::{ArgMatches, CommandFactory, FromArgMatches};

use complete::Values;

/// The groups of `virsh help`, in the order virsh prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Domain,
    Monitor,
    Events,
    Host,
    Checkpoint,
    Network,
    Snapshot,
    Pool,
    Volume,
    Virsh,
}

impl Group {
    pub const ALL: [Group; 10] = [
        Group::Domain,
        Group::Monitor,
        Group::Events,
        Group::Host,
        Group::Checkpoint,
        Group::Network,
        Group::Snapshot,
        Group::Pool,
        Group::Volume,
        Group::Virsh,
    ];

    /// The keyword `help KEYWORD` takes.
    pub fn keyword(self) -> &'static str {
        match self {
            Group::Domain => "domain",
            Group::Monitor => "monitor",
            Group::Events => "events",
            Group::Host => "host",
            Group::Checkpoint => "checkpoint",
            Group::Network => "network",
            Group::Snapshot => "snapshot",
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
            Group::Events => "Domain Events",
            Group::Host => "Host and Hypervisor",
            Group::Checkpoint => "Checkpoint",
            Group::Network => "Networking",
            Group::Snapshot => "Snapshot",
            Group::Pool => "Storage Pool",
            Group::Volume => "Storage Volume",
            Group::Virsh => "Virsh itself",
        }
    }
}

/// What the clap model cannot say about a command: its virsh name and which of its options
/// may be given as bare words (in the order bare words fill them).
pub trait Spec {
    const NAME: &'static str;
    const POSITIONAL: &'static [&'static str];
    /// Options that bare words still fill, after the positional ones, for old scripts, though
    /// help shows them as named options (virsh's `unwanted_positional`).
    const UNWANTED_POSITIONAL: &'static [&'static str] = &[];
    /// Options that stand for another option with a fixed value (`echo --hi` is
    /// `--string=hello`): `(alias, target option, value)`.
    const VALUE_ALIASES: &'static [(&'static str, &'static str, &'static str)] = &[];
    /// String options that accept an empty value.
    const ALLOW_EMPTY: &'static [&'static str] = &[];
    /// What the values of options complete to, where the option's name alone does not say
    /// (see [`complete::Values::by_name`]).
    const COMPLETE: &'static [(&'static str, Values)] = &[];
    /// Whether the command works without a connection (virsh's `VSH_CMD_FLAG_NOCONNECT`).
    const NO_CONNECT: bool = false;
}

/// A command's [`Spec`] in one line: `spec!(Dominfo: "dominfo" ["domain"]);`, what options
/// complete to after `complete`, and any other constant after a `;`.
#[macro_export]
macro_rules! spec {
    ($ty:ident: $name:literal [$($p:literal),*] $(complete [$($c:expr),* $(,)?])? $(; $($extra:tt)*)?) => {
        impl $crate::Spec for $ty {
            const NAME: &'static str = $name;
            const POSITIONAL: &'static [&'static str] = &[$($p),*];
            $(const COMPLETE: &'static [(&'static str, $crate::complete::Values)] = &[$($c),*];)?
            $($($extra)*)?
        }
    };
}

/// One command of the registry.
pub struct CommandDef {
    pub name: &'static str,
    pub group: Group,
    pub positional: &'static [&'static str],
    pub unwanted_positional: &'static [&'static str],
    pub value_aliases: &'static [(&'static str, &'static str, &'static str)],
    pub allow_empty: &'static [&'static str],
    pub complete: &'static [(&'static str, Values)],
    pub no_connect: bool,
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

/// The registry: every command, by help group, in the order `virsh help` lists them, each as
/// `Type file`: the request type in this crate's module of the group, and the file of the
/// `virtsh` crate that runs it (`src/commands/GROUP/FILE.rs`). `with_commands!(m)` hands the
/// list to macro `m`; adding a command is one line here.
#[macro_export]
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            Domain domain {
                AttachInterface attach_interface,
                Autostart autostart,
                AutostartAll autostart_all,
                Console console,
                Create create,
                Define define,
                Desc desc,
                Destroy destroy,
                DetachInterface detach_interface,
                Domid domid,
                DomifSetlink domif_setlink,
                Domiftune domiftune,
                Domname domname,
                Domrename domrename,
                Dompmsuspend dompmsuspend,
                Dompmwakeup dompmwakeup,
                Domuuid domuuid,
                Dump dump,
                Dumpxml dumpxml,
                Edit edit,
                Managedsave managedsave,
                ManagedsaveRemove managedsave_remove,
                ManagedsaveEdit managedsave_edit,
                ManagedsaveDumpxml managedsave_dumpxml,
                ManagedsaveDefine managedsave_define,
                Reboot reboot,
                Reset reset,
                Restore restore,
                Resume resume,
                Save save,
                SaveImageDefine save_image_define,
                SaveImageDumpxml save_image_dumpxml,
                SaveImageEdit save_image_edit,
                Screenshot screenshot,
                Setmaxmem setmaxmem,
                Setmem setmem,
                Setvcpus setvcpus,
                Shutdown shutdown,
                Start start,
                Suspend suspend,
                Undefine undefine,
            }
            Monitor monitor {
                Domcontrol domcontrol,
                DomifGetlink domif_getlink,
                Domifaddr domifaddr,
                Domiflist domiflist,
                Domifstat domifstat,
                Dominfo dominfo,
                Domstate domstate,
                Domstats domstats,
                List list,
            }
            Events events {
                Event event,
            }
            Host host {
                Capabilities capabilities,
                Hostname hostname,
                Nodeinfo nodeinfo,
                Uri uri,
                Version version,
            }
            Checkpoint checkpoint {
                CheckpointCreate checkpoint_create,
                CheckpointCreateAs checkpoint_create_as,
                CheckpointDelete checkpoint_delete,
                CheckpointDumpxml checkpoint_dumpxml,
                CheckpointEdit checkpoint_edit,
                CheckpointInfo checkpoint_info,
                CheckpointList checkpoint_list,
                CheckpointParent checkpoint_parent,
            }
            Network network {
                NetAutostart net_autostart,
                NetCreate net_create,
                NetDefine net_define,
                NetDesc net_desc,
                NetDestroy net_destroy,
                NetDhcpLeases net_dhcp_leases,
                NetDumpxml net_dumpxml,
                NetEdit net_edit,
                NetEvent net_event,
                NetInfo net_info,
                NetList net_list,
                NetMetadata net_metadata,
                NetName net_name,
                NetStart net_start,
                NetUndefine net_undefine,
                NetUpdate net_update,
                NetUuid net_uuid,
                NetPortList net_port_list,
                NetPortCreate net_port_create,
                NetPortDumpxml net_port_dumpxml,
                NetPortDelete net_port_delete,
            }
            Snapshot snapshot {
                SnapshotCreate snapshot_create,
                SnapshotCreateAs snapshot_create_as,
                SnapshotCurrent snapshot_current,
                SnapshotDelete snapshot_delete,
                SnapshotDumpxml snapshot_dumpxml,
                SnapshotEdit snapshot_edit,
                SnapshotInfo snapshot_info,
                SnapshotList snapshot_list,
                SnapshotParent snapshot_parent,
                SnapshotRevert snapshot_revert,
            }
            Pool pool {
                PoolAutostart pool_autostart,
                PoolBuild pool_build,
                PoolCreateAs pool_create_as,
                PoolCreate pool_create,
                PoolDefineAs pool_define_as,
                PoolDefine pool_define,
                PoolDelete pool_delete,
                PoolDestroy pool_destroy,
                PoolDumpxml pool_dumpxml,
                PoolEdit pool_edit,
                PoolInfo pool_info,
                PoolList pool_list,
                PoolName pool_name,
                PoolRefresh pool_refresh,
                PoolStart pool_start,
                PoolUndefine pool_undefine,
                PoolUuid pool_uuid,
                PoolEvent pool_event,
            }
            Volume volume {
                VolClone vol_clone,
                VolCreateAs vol_create_as,
                VolCreate vol_create,
                VolCreateFrom vol_create_from,
                VolDelete vol_delete,
                VolDownload vol_download,
                VolDumpxml vol_dumpxml,
                VolInfo vol_info,
                VolKey vol_key,
                VolList vol_list,
                VolName vol_name,
                VolPath vol_path,
                VolResize vol_resize,
                VolUpload vol_upload,
                VolWipe vol_wipe,
            }
            Virsh virsh {
                Cd cd,
                Echo echo,
                Exit exit,
                Help help,
                Pwd pwd,
                Quit quit,
                Connect connect,
                Complete complete,
            }
        }
    };
}

macro_rules! registry {
    ($($group:ident $module:ident { $($ty:ident $file:ident,)* })*) => {
        /// A parsed command, ready to run.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Request {
            $($($ty($module::$ty),)*)*
        }

        impl Request {
            /// The virsh name of the command.
            pub fn name(&self) -> &'static str {
                match self {
                    $($(Request::$ty(_) => <$module::$ty as Spec>::NAME,)*)*
                }
            }

            /// Whether the command needs a connection.
            pub fn needs_connection(&self) -> bool {
                match self {
                    $($(Request::$ty(_) => !<$module::$ty as Spec>::NO_CONNECT,)*)*
                }
            }
        }

        /// Every command, in the order `virsh help` lists them.
        pub static COMMANDS: &[CommandDef] = &[
            $($(CommandDef {
                name: <$module::$ty as Spec>::NAME,
                group: Group::$group,
                positional: <$module::$ty as Spec>::POSITIONAL,
                unwanted_positional: <$module::$ty as Spec>::UNWANTED_POSITIONAL,
                value_aliases: <$module::$ty as Spec>::VALUE_ALIASES,
                allow_empty: <$module::$ty as Spec>::ALLOW_EMPTY,
                complete: <$module::$ty as Spec>::COMPLETE,
                no_connect: <$module::$ty as Spec>::NO_CONNECT,
                command: || <$module::$ty as CommandFactory>::command()
                    .name(<$module::$ty as Spec>::NAME),
                build: |m| <$module::$ty as FromArgMatches>::from_arg_matches(m).map(Request::$ty),
            },)*)*
        ];
    };
}

with_commands!(registry);

/// The command called `name`, if there is one (names are never abbreviated).
pub fn find(name: &str) -> Option<&'static CommandDef> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The group whose keyword is `keyword`.
pub fn find_group(keyword: &str) -> Option<Group> {
    Group::ALL.into_iter().find(|g| g.keyword() == keyword)
}
