//! The `events` command (virsh's "Domain Events" group).

use crate::event_command;

/// The event types of `event --event` (`virDomainEventID`).
pub const DOMAIN_EVENTS: [&str; 28] = [
    "lifecycle",
    "reboot",
    "rtc-change",
    "watchdog",
    "io-error",
    "graphics",
    "io-error-reason",
    "control-error",
    "block-job",
    "disk-change",
    "tray-change",
    "pm-wakeup",
    "pm-suspend",
    "balloon-change",
    "pm-suspend-disk",
    "device-removed",
    "block-job-2",
    "tunable",
    "agent-lifecycle",
    "device-added",
    "migration-iteration",
    "job-completed",
    "device-removal-failed",
    "metadata-change",
    "block-threshold",
    "memory-failure",
    "memory-device-size-change",
    "nic-mac-change",
];

event_command! {
    /// `event`: Domain Events
    Event: "event" domain "filter by domain name, id or uuid" DOMAIN_EVENTS
        "Domain Events" "List event types, or wait for domain events to occur" {
        #[arg(long, help = "wait for all events instead of just one type")]
        all: bool,
    }
}
