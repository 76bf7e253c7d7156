//! The domain XML as serde reads it: one struct per element, fields for the attributes
//! (`@name`) and children virtsh understands; everything else is skipped.

use serde::Deserialize;

use super::devices::Address;
use crate::model::Empty;

#[derive(Deserialize)]
pub(super) struct RawDomain {
    #[serde(rename = "@type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    pub uuid: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub memory: Option<RawScaled>,
    #[serde(rename = "currentMemory")]
    pub current_memory: Option<RawScaled>,
    pub vcpu: Option<RawVcpu>,
    pub os: Option<RawOs>,
    pub cpu: Option<RawCpu>,
    pub features: Option<RawFeatures>,
    pub clock: Option<RawClock>,
    pub on_poweroff: Option<String>,
    pub on_reboot: Option<String>,
    pub on_crash: Option<String>,
    pub devices: Option<RawDevices>,
}

#[derive(Deserialize)]
pub(crate) struct RawScaled {
    #[serde(rename = "@unit")]
    pub unit: Option<String>,
    #[serde(rename = "$text")]
    pub value: String,
}

#[derive(Deserialize)]
pub(super) struct RawVcpu {
    #[serde(rename = "@placement")]
    pub placement: Option<String>,
    #[serde(rename = "@current")]
    pub current: Option<String>,
    #[serde(rename = "@cpuset")]
    pub cpuset: Option<String>,
    #[serde(rename = "$text")]
    pub value: String,
}

#[derive(Deserialize)]
pub(super) struct RawCpu {
    #[serde(rename = "@mode")]
    pub mode: Option<String>,
    pub model: Option<String>,
    pub vendor: Option<String>,
    pub topology: Option<RawTopology>,
}

#[derive(Deserialize)]
pub(super) struct RawTopology {
    #[serde(rename = "@sockets")]
    pub sockets: Option<String>,
    #[serde(rename = "@dies")]
    pub dies: Option<String>,
    #[serde(rename = "@cores")]
    pub cores: Option<String>,
    #[serde(rename = "@threads")]
    pub threads: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawOs {
    #[serde(rename = "type")]
    pub kind: Option<RawOsType>,
    pub loader: Option<String>,
    pub dtb: Option<String>,
    pub kernel: Option<String>,
    pub initrd: Option<String>,
    pub cmdline: Option<String>,
    #[serde(default)]
    pub boot: Vec<RawBoot>,
}

#[derive(Deserialize)]
pub(super) struct RawOsType {
    #[serde(rename = "@arch")]
    pub arch: Option<String>,
    #[serde(rename = "@machine")]
    pub machine: Option<String>,
    #[serde(rename = "$text")]
    pub value: String,
}

#[derive(Deserialize)]
pub(super) struct RawBoot {
    #[serde(rename = "@dev")]
    pub dev: String,
}

/// The features virtsh knows, in the order libvirt formats them.
const FEATURES: [&str; 8] = [
    "acpi",
    "apic",
    "pae",
    "hap",
    "pmu",
    "vmport",
    "smm",
    "vmcoreinfo",
];

#[derive(Deserialize)]
pub(super) struct RawFeatures {
    pub acpi: Option<Empty>,
    pub apic: Option<Empty>,
    pub pae: Option<Empty>,
    pub hap: Option<Empty>,
    pub pmu: Option<Empty>,
    pub vmport: Option<Empty>,
    pub smm: Option<Empty>,
    pub vmcoreinfo: Option<Empty>,
}

impl RawFeatures {
    pub(super) fn enabled(&self) -> Vec<String> {
        let on = [
            &self.acpi,
            &self.apic,
            &self.pae,
            &self.hap,
            &self.pmu,
            &self.vmport,
            &self.smm,
            &self.vmcoreinfo,
        ];
        FEATURES
            .iter()
            .zip(on)
            .filter(|(_, v)| v.is_some())
            .map(|(n, _)| n.to_string())
            .collect()
    }
}

#[derive(Deserialize)]
pub(super) struct RawClock {
    #[serde(rename = "@offset")]
    pub offset: Option<String>,
}

#[derive(Deserialize, Default)]
pub(super) struct RawDevices {
    pub emulator: Option<String>,
    #[serde(default)]
    pub disk: Vec<RawDisk>,
    #[serde(default)]
    pub controller: Vec<RawController>,
    #[serde(default)]
    pub interface: Vec<RawInterface>,
    #[serde(default)]
    pub serial: Vec<RawCharDev>,
    #[serde(default)]
    pub console: Vec<RawCharDev>,
    #[serde(default)]
    pub input: Vec<RawInput>,
    #[serde(default)]
    pub graphics: Vec<RawGraphics>,
    #[serde(default)]
    pub video: Vec<RawVideo>,
    pub memballoon: Option<RawMemballoon>,
}

#[derive(Deserialize)]
pub(super) struct RawDisk {
    #[serde(rename = "@type")]
    pub kind: Option<String>,
    #[serde(rename = "@device")]
    pub device: Option<String>,
    #[serde(rename = "@rawio")]
    pub rawio: Option<String>,
    pub driver: Option<RawDriver>,
    pub source: Option<RawDiskSource>,
    pub target: Option<RawTarget>,
    pub readonly: Option<Empty>,
    pub shareable: Option<Empty>,
    pub boot: Option<RawBootOrder>,
    pub address: Option<Address>,
}

#[derive(Deserialize)]
pub(super) struct RawDriver {
    #[serde(rename = "@name")]
    pub name: Option<String>,
    #[serde(rename = "@type")]
    pub kind: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawDiskSource {
    #[serde(rename = "@file")]
    pub file: Option<String>,
    #[serde(rename = "@dev")]
    pub dev: Option<String>,
    #[serde(rename = "@pool")]
    pub pool: Option<String>,
    #[serde(rename = "@volume")]
    pub volume: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawTarget {
    #[serde(rename = "@dev")]
    pub dev: Option<String>,
    #[serde(rename = "@bus")]
    pub bus: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawBootOrder {
    #[serde(rename = "@order")]
    pub order: String,
}

#[derive(Deserialize)]
pub(super) struct RawController {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "@index")]
    pub index: Option<String>,
    #[serde(rename = "@model")]
    pub model: Option<String>,
    pub address: Option<Address>,
}

#[derive(Deserialize)]
pub(super) struct RawInterface {
    #[serde(rename = "@type")]
    pub kind: String,
    pub mac: Option<RawMac>,
    pub source: Option<RawIfaceSource>,
    pub target: Option<RawTarget>,
    pub model: Option<RawModel>,
    pub script: Option<RawScript>,
    pub address: Option<Address>,
}

#[derive(Deserialize)]
pub(super) struct RawScript {
    #[serde(rename = "@path")]
    pub path: String,
}

#[derive(Deserialize)]
pub(super) struct RawMac {
    #[serde(rename = "@address")]
    pub address: String,
}

#[derive(Deserialize)]
pub(super) struct RawIfaceSource {
    #[serde(rename = "@network")]
    pub network: Option<String>,
    #[serde(rename = "@bridge")]
    pub bridge: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawModel {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "@vram")]
    pub vram: Option<String>,
    #[serde(rename = "@heads")]
    pub heads: Option<String>,
    #[serde(rename = "@primary")]
    pub primary: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawCharDev {
    #[serde(rename = "@type")]
    pub kind: Option<String>,
    pub source: Option<RawCharSource>,
    pub target: Option<RawCharTarget>,
}

#[derive(Deserialize)]
pub(super) struct RawCharSource {
    #[serde(rename = "@mode")]
    pub mode: Option<String>,
    #[serde(rename = "@path")]
    pub path: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawCharTarget {
    #[serde(rename = "@type")]
    pub kind: Option<String>,
    #[serde(rename = "@port")]
    pub port: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawInput {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "@bus")]
    pub bus: Option<String>,
    pub address: Option<Address>,
}

#[derive(Deserialize)]
pub(super) struct RawGraphics {
    #[serde(rename = "@type")]
    pub kind: String,
    #[serde(rename = "@port")]
    pub port: Option<String>,
    #[serde(rename = "@autoport")]
    pub autoport: Option<String>,
    #[serde(rename = "@listen")]
    pub listen: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RawVideo {
    pub model: Option<RawModel>,
    pub address: Option<Address>,
}

#[derive(Deserialize)]
pub(super) struct RawMemballoon {
    #[serde(rename = "@model")]
    pub model: String,
    pub address: Option<Address>,
}
