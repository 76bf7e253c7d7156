//! `event`: list the domain event types, or print domain events as they come (one type, or
//! all of them with a callback each, as virsh registers them).

use virtsh_commands::events::{Event, DOMAIN_EVENTS};
use virtsh_commands::parse::ValueError;

use crate::commands::listen::{self, word};
use crate::commands::prelude::*;

/// `virDomainEventType`, as virsh prints it.
const EVENTS: [&str; 9] = [
    "Defined",
    "Undefined",
    "Started",
    "Suspended",
    "Resumed",
    "Stopped",
    "Shutdown",
    "PMSuspended",
    "Crashed",
];

/// The details of each event type (`virDomainEventDefinedDetailType`, ...), in its order.
const DETAILS: [&[&str]; 9] = [
    &["Added", "Updated", "Renamed", "Snapshot"],
    &["Removed", "Renamed"],
    &["Booted", "Migrated", "Restored", "Snapshot", "Event wakeup"],
    &[
        "Paused",
        "Migrated",
        "I/O Error",
        "Watchdog",
        "Restored",
        "Snapshot",
        "API error",
        "Post-copy",
        "Post-copy Error",
    ],
    &[
        "Unpaused",
        "Migrated",
        "Snapshot",
        "Post-copy",
        "Post-copy Error",
    ],
    &[
        "Shutdown",
        "Destroyed",
        "Crashed",
        "Migrated",
        "Saved",
        "Failed",
        "Snapshot",
    ],
    &[
        "Finished",
        "Finished after guest request",
        "Finished after host request",
    ],
    &["Memory", "Disk"],
    &["Panicked", "Crashloaded"],
];

const WATCHDOG: [&str; 7] = [
    "none",
    "pause",
    "reset",
    "poweroff",
    "shutdown",
    "debug",
    "inject-nmi",
];
const IO_ERROR: [&str; 3] = ["none", "pause", "report"];
const GRAPHICS_PHASE: [&str; 3] = ["connect", "initialize", "disconnect"];
const GRAPHICS_FAMILY: [&str; 3] = ["IPv4", "IPv6", "unix"];
const BLOCK_JOB: [&str; 6] = [
    "Unknown job",
    "Block Pull",
    "Block Copy",
    "Block Commit",
    "Active Block Commit",
    "Backup",
];
const BLOCK_JOB_STATUS: [&str; 4] = ["completed", "failed", "canceled", "ready"];
const DISK_CHANGE: [&str; 2] = ["changed", "dropped"];
const TRAY: [&str; 2] = ["opened", "closed"];
const AGENT_STATE: [&str; 3] = ["unknown", "connected", "disconnected"];
const AGENT_REASON: [&str; 3] = ["unknown", "domain started", "channel event"];
const MEMORY_RECIPIENT: [&str; 2] = ["hypervisor", "guest"];
const MEMORY_ACTION: [&str; 4] = ["ignore", "inject", "fatal", "reset"];

/// What virsh prints for a value libvirt added after it.
const UNSUPPORTED: &str = "unsupported value";

fn lifecycle(l: &Lifecycle) -> String {
    let detail = usize::try_from(l.event)
        .ok()
        .and_then(|i| DETAILS.get(i))
        .map_or("unknown", |d| word(d, l.detail, "unknown"));
    format!("{} {detail}", word(&EVENTS, l.event, "unknown"))
}

fn address(a: &GraphicsAddress) -> String {
    let family = word(&GRAPHICS_FAMILY, a.family, "unknown");
    format!("{family} {} {}", a.node, a.service)
}

/// An event as virsh prints it, after the `--timestamp` prefix.
fn describe(e: &DomainEvent) -> String {
    use DomainEventKind as K;
    let name = DOMAIN_EVENTS
        .get(e.id as usize)
        .copied()
        .unwrap_or("unknown");
    let dom = &e.object;
    let head = format!("event '{name}' for domain '{dom}'");
    match &e.what {
        K::Lifecycle(l) => format!("{head}: {}", lifecycle(l)),
        K::Plain => head,
        K::RtcChange { offset } => format!("{head}: {offset}"),
        K::Watchdog { action } => format!("{head}: {}", word(&WATCHDOG, *action, "unknown")),
        // io-error-reason prints as io-error, with its reason.
        K::IoError {
            src_path,
            dev_alias,
            action,
            reason,
        } => format!(
            "event 'io-error' for domain '{dom}': {src_path} ({dev_alias}) {}{}",
            word(&IO_ERROR, *action, "unknown"),
            reason
                .as_ref()
                .map(|r| format!(" due to {r}"))
                .unwrap_or_default()
        ),
        K::Graphics {
            phase,
            local,
            remote,
            auth_scheme,
            subject,
        } => {
            let identities: String = subject
                .iter()
                .map(|(t, n)| format!("\n\t{t}={n}"))
                .collect();
            format!(
                "{head}: {} local[{}] remote[{}] {auth_scheme}{identities}",
                word(&GRAPHICS_PHASE, *phase, "unknown"),
                address(local),
                address(remote)
            )
        }
        K::BlockJob { disk, kind, status } => format!(
            "{head}: {} for {disk} {}",
            word(&BLOCK_JOB, *kind, "Unknown job"),
            word(&BLOCK_JOB_STATUS, *status, "unknown")
        ),
        K::DiskChange {
            old_src,
            new_src,
            alias,
            reason,
        } => format!(
            "{head} disk {alias}: {} -> {}: {}",
            old_src.as_deref().unwrap_or("<null>"),
            new_src.as_deref().unwrap_or("<null>"),
            word(&DISK_CHANGE, *reason, "unknown")
        ),
        K::TrayChange { alias, reason } => {
            format!("{head} disk {alias}: {}", word(&TRAY, *reason, "unknown"))
        }
        K::BalloonChange { actual } => format!("{head}: {actual}KiB"),
        K::Device { alias } => format!("{head}: {alias}"),
        K::Params(params) => {
            let lines: String = params
                .iter()
                .map(|(f, v)| format!("\n\t{f}: {v}"))
                .collect();
            format!("{head}:{lines}")
        }
        K::AgentLifecycle { state, reason } => format!(
            "{head}: state: '{}' reason: '{}'",
            word(&AGENT_STATE, *state, UNSUPPORTED),
            word(&AGENT_REASON, *reason, UNSUPPORTED)
        ),
        K::MigrationIteration { iteration } => format!("{head}: iteration: '{iteration}'"),
        K::Metadata(m) => format!("{head}: {}", listen::metadata_change(m)),
        K::BlockThreshold {
            dev,
            path,
            threshold,
            excess,
        } => format!(
            "{head}: dev: {dev}({}) {threshold} {excess}",
            path.as_deref().unwrap_or("<null>")
        ),
        K::MemoryFailure {
            recipient,
            action,
            flags,
        } => format!(
            "{head}:\nrecipient: {}\naction: {}\nflags:\n\taction required: {}\n\trecursive: {}",
            word(&MEMORY_RECIPIENT, *recipient, UNSUPPORTED),
            word(&MEMORY_ACTION, *action, UNSUPPORTED),
            flags & 1,
            (flags >> 1) & 1
        ),
        K::MemoryDeviceSizeChange { alias, size } => {
            format!("{head}:\nalias: {alias}\nsize: {size}")
        }
        K::NicMacChange {
            alias,
            old_mac,
            new_mac,
        } => format!("{head}:\nalias: {alias}\noldMAC: {old_mac}\nnewMAC: {new_mac}"),
    }
}

impl Run for Event {
    fn run(&self, s: &mut Session) -> Result<Outcome, CmdError> {
        let event = self.event.as_deref();
        exclusive(&[
            (self.all, "all", event.is_some(), "event"),
            (self.wait.list, "list", self.all, "all"),
            (self.wait.list, "list", event.is_some(), "event"),
        ])?;
        if self.wait.list {
            return Ok(listen::list(&DOMAIN_EVENTS));
        }
        let events: Vec<u32> = match event {
            _ if self.all => (0..DOMAIN_EVENTS.len() as u32).collect(),
            None => {
                return Err(CmdError::message(
                    "one of --list, --all, or --event <type> is required",
                ))
            }
            Some(_) => vec![listen::event_type(&DOMAIN_EVENTS, event)?],
        };
        let listening = listen::Listening::new(&DOMAIN_EVENTS, events, &self.wait)?;
        let conn = s.conn()?;
        let dom = match self.domain.as_deref() {
            Some("") => return Err(CmdError::Value(ValueError::Empty("domain".into()))),
            Some(arg) => Some(lookup::domain(&conn, Self::NAME, arg, By::ANY)?),
            None => None,
        };
        listening.run(
            s,
            dom.as_ref(),
            describe,
            |w| conn.domains().wait_domain_events(w),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::stats::TypedValue;

    fn event(id: u32, what: DomainEventKind) -> String {
        describe(&DomainEvent {
            object: "vm".into(),
            id,
            what,
        })
    }

    /// The texts of virsh-domain-event.c, for the shapes an interop test cannot make a
    /// daemon send.
    #[test]
    fn events_print_as_virsh_prints_them() {
        use DomainEventKind as K;
        let lifecycle = |event, detail| K::Lifecycle(Lifecycle { event, detail });
        assert_eq!(
            event(0, lifecycle(5, 1)),
            "event 'lifecycle' for domain 'vm': Stopped Destroyed"
        );
        assert_eq!(
            event(0, lifecycle(9, 0)),
            "event 'lifecycle' for domain 'vm': unknown unknown"
        );
        assert_eq!(event(12, K::Plain), "event 'pm-suspend' for domain 'vm'");
        let io = K::IoError {
            src_path: "/d.img".into(),
            dev_alias: "virtio-disk0".into(),
            action: 1,
            reason: Some("enospc".into()),
        };
        assert_eq!(
            event(6, io),
            "event 'io-error' for domain 'vm': /d.img (virtio-disk0) pause due to enospc"
        );
        let graphics = K::Graphics {
            phase: 0,
            local: GraphicsAddress {
                family: 0,
                node: "127.0.0.1".into(),
                service: "5900".into(),
            },
            remote: GraphicsAddress {
                family: 1,
                node: "::1".into(),
                service: "40000".into(),
            },
            auth_scheme: "none".into(),
            subject: vec![("x509dname".into(), "CN=a".into())],
        };
        assert_eq!(
            event(5, graphics),
            "event 'graphics' for domain 'vm': connect local[IPv4 127.0.0.1 5900] \
             remote[IPv6 ::1 40000] none\n\tx509dname=CN=a"
        );
        let job = K::BlockJob {
            disk: "vda".into(),
            kind: 5,
            status: 3,
        };
        assert_eq!(
            event(16, job),
            "event 'block-job-2' for domain 'vm': Backup for vda ready"
        );
        let disk = K::DiskChange {
            old_src: None,
            new_src: Some("/cd.iso".into()),
            alias: "ide0-1-0".into(),
            reason: 0,
        };
        assert_eq!(
            event(9, disk),
            "event 'disk-change' for domain 'vm' disk ide0-1-0: <null> -> /cd.iso: changed"
        );
        let params = K::Params(vec![
            ("cputune.vcpupin0".into(), TypedValue::String("0-1".into())),
            ("cputune.shares".into(), TypedValue::ULLong(1024)),
        ]);
        assert_eq!(
            event(17, params),
            "event 'tunable' for domain 'vm':\n\tcputune.vcpupin0: 0-1\n\tcputune.shares: 1024"
        );
        let agent = K::AgentLifecycle {
            state: 1,
            reason: 7,
        };
        assert_eq!(
            event(18, agent),
            "event 'agent-lifecycle' for domain 'vm': state: 'connected' reason: 'unsupported value'"
        );
        let failure = K::MemoryFailure {
            recipient: 1,
            action: 2,
            flags: 2,
        };
        assert_eq!(
            event(25, failure),
            "event 'memory-failure' for domain 'vm':\nrecipient: guest\naction: fatal\n\
             flags:\n\taction required: 0\n\trecursive: 1"
        );
        let mac = K::NicMacChange {
            alias: "net0".into(),
            old_mac: "52:54:00:00:00:01".into(),
            new_mac: "52:54:00:00:00:02".into(),
        };
        assert_eq!(
            event(27, mac),
            "event 'nic-mac-change' for domain 'vm':\nalias: net0\n\
             oldMAC: 52:54:00:00:00:01\nnewMAC: 52:54:00:00:00:02"
        );
    }
}
