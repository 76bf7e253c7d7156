//! The `events` command (virsh's "Domain Events" group).

use clap::Parser;

use crate::args::EventLoop;
use crate::complete::Values;
use crate::spec;

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

/// `event`: Domain Events
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    about = "Domain Events",
    long_about = "List event types, or wait for domain events to occur"
)]
pub struct Event {
    #[arg(long, value_name = "string", help = "filter by domain name, id or uuid")]
    pub domain: Option<String>,
    #[arg(long, value_name = "string", help = "which event type to wait for")]
    pub event: Option<String>,
    #[arg(long, help = "wait for all events instead of just one type")]
    pub all: bool,
    #[command(flatten)]
    pub wait: EventLoop,
}
// Bare words fill the object, the event type and the timeout; an empty object is the
// command's to refuse (virsh's pool and network event commands say so and listen to every
// object).
spec!(Event: "event" []
    complete [("event", Values::Fixed(&DOMAIN_EVENTS))];
    const UNWANTED_POSITIONAL: &'static [&'static str] = &["domain", "event", "timeout"];
    const ALLOW_EMPTY: &'static [&'static str] = &["domain"];);
