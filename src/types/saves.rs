//! What the save, restore and core dump calls take beyond their flags: the typed parameters
//! of `virDomainSaveParams` and `virDomainRestoreParams`, and core dump formats.

use super::stats::TypedValue;

/// `VIR_DOMAIN_CORE_DUMP_FORMAT_RAW`: a plain ELF core (`dump --format elf`).
pub const DUMP_FORMAT_RAW: u32 = 0;
/// `VIR_DOMAIN_CORE_DUMP_FORMAT_LAST`: formats are numbered below it.
pub const DUMP_FORMAT_LAST: u32 = 5;

/// The typed parameters of `virDomainSaveParams` and `virDomainRestoreParams`; what is not
/// given is not sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SaveParams {
    /// `parallel.channels`.
    pub parallel_channels: Option<i32>,
    /// `image_format` (saves only).
    pub image_format: Option<String>,
    /// `file`: the image.
    pub file: Option<String>,
    /// `dxml`: the domain XML to use instead of the one in the image.
    pub dxml: Option<String>,
}

impl SaveParams {
    /// The parameters by libvirt's names (`VIR_DOMAIN_SAVE_PARAM_*`), in the order virsh adds
    /// them.
    pub fn typed(&self) -> Vec<(String, TypedValue)> {
        let mut out = Vec::new();
        if let Some(n) = self.parallel_channels {
            out.push(("parallel.channels".into(), TypedValue::Int(n)));
        }
        let strings = [
            ("image_format", &self.image_format),
            ("file", &self.file),
            ("dxml", &self.dxml),
        ];
        for (name, value) in strings {
            if let Some(v) = value {
                out.push((name.into(), TypedValue::String(v.clone())));
            }
        }
        out
    }
}
