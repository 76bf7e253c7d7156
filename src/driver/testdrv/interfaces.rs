//! The test driver's guest interfaces: made-up traffic counters, bandwidth settings kept per
//! interface, and libvirt's refusals of the device changes the test driver does not do.

use super::{TestDriver, TestState};
use crate::driver::prelude::*;
use crate::model::mac::Mac;
use crate::types::stats::{TypedValue, INTERFACE_PARAMS as PARAMS};

impl TestState {
    /// The interface `device` names (by device name or MAC) of the domain: its place.
    fn interface_index(&self, dom: &DomainRef, device: &str) -> Result<usize> {
        let mac = Mac::parse(device);
        self.get(dom)?
            .def
            .devices
            .interfaces
            .iter()
            .position(|i| {
                i.target_dev.as_deref() == Some(device)
                    || (mac.is_some() && i.mac.as_deref().and_then(Mac::parse) == mac)
            })
            .ok_or_else(|| Error::invalid_arg(format!("'{device}' is not a known interface")))
    }
}

/// The element name of a device's XML, parsed as libvirt parses it first (an interface's
/// MAC is checked before the test driver refuses to plug it).
fn device_kind(xml: &str) -> Result<String> {
    let e = crate::model::dom::parse(xml).map_err(Error::xml_detail)?;
    let kind = e.attr("type").unwrap_or_default().to_string();
    Ok(if e.name == "interface" {
        crate::model::domain::Interface::parse(&e)?;
        format!("interface:{kind}")
    } else {
        e.name
    })
}

impl TestDriver {
    pub(super) fn attach(&self, dom: &DomainRef, xml: &str, flags: ModifyFlags) -> Result<()> {
        let st = self.state();
        let active = st.get(dom)?.state.is_active();
        let config = flags.has(ModifyFlags::CONFIG) || (flags.0 == 0 && !active);
        if config {
            return Err(Error::unsupported_flags(
                ModifyFlags::CONFIG.0,
                "testDomainAttachDeviceLiveAndConfig",
            ));
        }
        if !active {
            return Err(Error::operation_invalid("domain is not running"));
        }
        let kind = device_kind(xml)?;
        let what = kind.strip_prefix("interface:").map_or_else(
            || format!("live attach of device '{kind}' is not supported"),
            |t| format!("hotplug of interface type of {t} is not implemented yet"),
        );
        Err(Error::new(
            ErrorCode::OperationUnsupported,
            format!("Operation not supported: {what}"),
        ))
    }

    pub(super) fn update(&self, dom: &DomainRef, xml: &str) -> Result<()> {
        self.state().get(dom)?;
        let kind = device_kind(xml)?;
        let kind = kind.split(':').next().unwrap_or_default();
        Err(Error::new(
            ErrorCode::OperationUnsupported,
            format!(
                "Operation not supported: persistent update of device '{kind}' is not supported"
            ),
        ))
    }

    /// Counters that grow with the clock, as libvirt's test driver makes them up.
    pub(super) fn stats(&self, dom: &DomainRef, device: &str) -> Result<InterfaceStats> {
        let st = self.state();
        if !st.get(dom)?.state.is_active() {
            return Err(Error::operation_invalid("domain is not running"));
        }
        st.interface_index(dom, device)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let base = (now.as_secs() % 10_000_000) as i64 * 1000 + i64::from(now.subsec_millis());
        Ok(InterfaceStats {
            rx_bytes: base * 100_000,
            rx_packets: base * 10_000,
            rx_errs: base,
            rx_drop: base / 2,
            tx_bytes: base * 50_000,
            tx_packets: base * 9_091,
            tx_errs: base / 3,
            tx_drop: base / 4,
        })
    }

    pub(super) fn tune(&self, dom: &DomainRef, device: &str) -> Result<Vec<(String, TypedValue)>> {
        let st = self.state();
        let i = st.interface_index(dom, device)?;
        let key = (dom.uuid, i);
        let kept = st.tuned.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let values = kept.unwrap_or_default();
        Ok(PARAMS
            .iter()
            .zip(values)
            .map(|(n, v)| (n.to_string(), TypedValue::UInt(v)))
            .collect())
    }

    pub(super) fn set_tune(
        &self,
        dom: &DomainRef,
        device: &str,
        params: &[(String, TypedValue)],
    ) -> Result<()> {
        let mut st = self.state();
        let i = st.interface_index(dom, device)?;
        let key = (dom.uuid, i);
        let mut values = st
            .tuned
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap_or_default();
        for (name, v) in params {
            let Some(slot) = PARAMS.iter().position(|p| p == name) else {
                return Err(Error::invalid_arg(format!(
                    "parameter '{name}' not supported"
                )));
            };
            if let TypedValue::UInt(v) = v {
                values[slot] = *v;
            }
        }
        st.tuned.retain(|(k, _)| *k != key);
        st.tuned.push((key, values));
        Ok(())
    }
}
